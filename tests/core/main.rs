//! Core integration tests: the library and the CLI against real SQLite files
//! in temporary folders. Each module reads as a specification of one area.
mod support;

mod care;
mod cli;
mod errors;
mod idnumbers;
mod integrity;
mod roster;
mod search;
mod store;
mod writes;
