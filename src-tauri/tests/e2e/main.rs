// Desktop end-to-end tests: see harness.rs.
