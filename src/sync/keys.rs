//! Where this PC keeps the office key (同步密钥): outside the database, so
//! that no backup, copy or stolen data folder carries it.
//!
//! In the OS credential store where one answers ([`super::os_store`]: the
//! Secret Service on Linux, Credential Manager on Windows), else in one file
//! per installation, `<config folder>/sync-keys/<installation id>.key`,
//! readable and writable only by the OS user (mode 0600 in a 0700 folder on
//! Linux and macOS; on Windows the folder is under `%APPDATA%`, which only
//! that user and administrators can open). A key found in the file while the
//! store answers moves to the store, and the file is removed. A config folder
//! named by `STREET_LEDGER_CONFIG_DIR` (tests, portable installs) or by
//! [`use_config_dir`] means the file alone: tests never touch the user's
//! store. Keyed by the installation id, so two data folders and the demo
//! never share or overwrite a key.
//!
//! The key belongs to the installation: restoring a backup of this PC finds
//! its key still here; a database restored or copied onto another PC has
//! none there, and the sync page asks for the passphrase (需要输入同步密钥).
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::{Connection, OptionalExtension};

use super::{OfficeKey, SyncError};

/// Names the app's config folder (tests, portable installs). The CLI and the
/// desktop app read it the same way, through [`config_dir`].
pub const CONFIG_DIR_ENV: &str = "STREET_LEDGER_CONFIG_DIR";

/// The config folder, and whether the OS credential store is asked first.
struct Place {
    dir: PathBuf,
    os_store: bool,
}

static PLACE: OnceLock<Place> = OnceLock::new();

fn place() -> &'static Place {
    PLACE.get_or_init(|| match std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        Some(dir) => Place { dir: PathBuf::from(dir), os_store: false },
        None => Place {
            dir: dirs::config_dir().unwrap_or_else(|| PathBuf::from(".")).join("street-ledger"),
            os_store: true,
        },
    })
}

/// The app's config folder: `STREET_LEDGER_CONFIG_DIR`, else the platform's
/// (Linux `~/.config/street-ledger`, Windows `%APPDATA%\street-ledger`,
/// macOS `~/Library/Application Support/street-ledger`). Fixed on first use.
pub fn config_dir() -> &'static Path {
    &place().dir
}

/// Fixes the config folder of this process before anything used it (a test
/// run: a temporary folder, so no test touches the user's keys), with the
/// file alone as the key store. Whether it is now so.
pub fn use_config_dir(dir: &Path) -> bool {
    let p = PLACE.get_or_init(|| Place { dir: dir.to_path_buf(), os_store: false });
    p.dir == dir && !p.os_store
}

/// The key file of an installation.
pub fn file(installation_id: &str) -> PathBuf {
    // The id is a UUID made here; anything else is kept out of the path.
    let safe: String = installation_id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    config_dir().join("sync-keys").join(format!("{safe}.key"))
}

/// The key this installation keeps, if any. The file is read first: it
/// exists only when the store was absent at the last save (or before this
/// version), so it is the newer; it then moves to the store if it answers.
pub fn load(installation_id: &str) -> Result<Option<OfficeKey>, SyncError> {
    let in_file = load_file(installation_id)?;
    if !place().os_store {
        return Ok(in_file);
    }
    if let Some(key) = in_file {
        if super::os_store::set(installation_id, &key.to_text()) {
            // Kept in the store now; a file left behind is read again next time.
            let _ = std::fs::remove_file(file(installation_id));
        }
        return Ok(Some(key));
    }
    // Unreadable text in the store counts as no key: the passphrase typed
    // again replaces it.
    Ok(super::os_store::get(installation_id).flatten().and_then(|text| OfficeKey::from_text(&text)))
}

/// Keeps the key in the OS credential store if it answers, else in the file.
pub fn save(installation_id: &str, key: &OfficeKey) -> Result<(), SyncError> {
    if !place().os_store || !super::os_store::set(installation_id, &key.to_text()) {
        return save_file(installation_id, key);
    }
    // An older file would be read before the store: it must go.
    let path = file(installation_id);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(SyncError::KeyFile(path.display().to_string())),
        _ => Ok(()),
    }
}

fn load_file(installation_id: &str) -> Result<Option<OfficeKey>, SyncError> {
    let path = file(installation_id);
    match std::fs::read_to_string(&path) {
        Ok(text) => OfficeKey::from_text(&text).map(Some).ok_or_else(|| SyncError::KeyFile(path.display().to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(_) => Err(SyncError::KeyFile(path.display().to_string())),
    }
}

/// Keeps the key in the file, whole or not at all (a temporary file, then a
/// rename), readable by this OS user only from the moment it exists.
fn save_file(installation_id: &str, key: &OfficeKey) -> Result<(), SyncError> {
    let path = file(installation_id);
    let failed = |_| SyncError::KeyFile(path.display().to_string());
    let dir = path.parent().expect("a file in a folder");
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(failed)?;
    let tmp = dir.join(format!(".{}.tmp", crate::store::new_id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = (|| {
        use std::io::Write;
        let mut f = options.open(&tmp)?;
        f.write_all(key.to_text().as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(failed)
}

/// Moves a key v0.2.0 kept in the database (`sync_config`, key 'key') into
/// the key store, then deletes it so that the file holds no trace of it:
/// secure_delete zeroes the row, VACUUM rewrites every page, and the WAL is
/// truncated. Runs on every open (one query when there is nothing to move).
/// A key already in the key store wins. If the key store cannot be written,
/// the key stays where it was until the next open, and the sync page asks
/// for the passphrase meanwhile.
pub(crate) fn move_out_of_database(conn: &Connection, installation_id: &str) -> rusqlite::Result<()> {
    let sql = "SELECT value FROM sync_config WHERE key = 'key'";
    let Some(old): Option<String> = conn.query_row(sql, [], |r| r.get(0)).optional()? else {
        return Ok(());
    };
    let kept = match load(installation_id) {
        Ok(Some(_)) => true,
        Ok(None) => OfficeKey::from_v1_hex(&old).is_some_and(|k| save(installation_id, &k).is_ok()),
        Err(_) => false,
    };
    if !kept {
        return Ok(());
    }
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.execute("DELETE FROM sync_config WHERE key = 'key'", [])?;
    // The row is zeroed now; these also drop older copies (a value replaced
    // earlier, left in a freed slot or an old WAL frame). Busy (another
    // program holds the file): the zeroed row is what matters, go on.
    let _ = conn.execute_batch("VACUUM");
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    conn.pragma_update(None, "secure_delete", "OFF")
}
