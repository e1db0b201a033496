-- Schema 10: no trace of unknown login names on disk.
--
-- Earlier versions counted a failed login with an unknown name in
-- login_state under '?' + SHA-256(installation id, name). What was typed
-- is often a password typed into the name box, and the salt sits in the
-- same file, so such rows are removed; unknown names are now counted in
-- the app's memory only (accounts::Attempt).
DELETE FROM login_state WHERE username LIKE '?%';
