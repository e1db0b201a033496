//! Opening the store with what the layers above it keep beside it: the
//! registers' derived data (person search, roster list), the backup kept
//! before an upgrade, and the sync key moved out of an old database. The
//! store is a leaf and calls these through [`Setup`]; this is the one place
//! they are wired, so every store the program opens has them.
use std::path::Path;

use crate::store::{Setup, Store, StoreError};

const SETUP: Setup = Setup {
    derived: &[&crate::person::derived::SearchIndex, &crate::elderly::derived::RosterIndex],
    before_upgrade: |conn, data_dir| crate::backup::before_upgrade(conn, data_dir).map_err(|e| e.to_string()),
    after_open: crate::sync::keys::move_out_of_database,
};

impl Store {
    /// Opens (creating if absent) the database in a data directory.
    pub fn open_dir(dir: &Path) -> Result<Store, StoreError> {
        registers_ready(Store::open_dir_with(dir, &SETUP)?)
    }

    /// Opens (creating if absent) a database file; an older one is backed up,
    /// then upgraded.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        registers_ready(Store::open_with(path, &SETUP)?)
    }
}

/// What the registers make through the write path once an office is
/// upgraded: its mediation committees (`mediation::committee::ensure`, a
/// no-op when they are there), and the numbers of cases this PC numbers that
/// wait for one (a run stopped between taking a package in and numbering).
fn registers_ready(mut store: Store) -> Result<Store, StoreError> {
    let ready = crate::mediation::committee::ensure(&mut store)
        .and_then(|()| crate::mediation::numbering::number_pending(&mut store).map(drop));
    match ready {
        Ok(()) => Ok(store),
        Err(crate::Error::Store(e)) => Err(e),
        Err(e) => Err(StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(e.to_string().into()))),
    }
}
