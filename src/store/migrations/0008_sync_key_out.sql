-- Schema 8: the office sync key (同步密钥) lives outside the database, in the
-- key store (src/sync/keys.rs), so that no backup carries it. A key left by
-- v0.2.0 is moved out and erased when the database is opened
-- (sync::keys::move_out_of_database: the key store must be written first,
-- which SQL cannot do). From now on nothing may put it back.
CREATE TRIGGER sync_config_no_key_insert BEFORE INSERT ON sync_config WHEN NEW.key = 'key'
BEGIN
    SELECT RAISE(ABORT, 'the sync key is kept outside the database');
END;
CREATE TRIGGER sync_config_no_key_update BEFORE UPDATE ON sync_config WHEN NEW.key = 'key'
BEGIN
    SELECT RAISE(ABORT, 'the sync key is kept outside the database');
END;
