//! Embedded, numbered schema migrations. `PRAGMA user_version` holds the
//! number of the last one applied.
use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_accounts_audit.sql"),
    include_str!("migrations/0003_audit_chain.sql"),
    include_str!("migrations/0004_sync.sql"),
    include_str!("migrations/0005_employment.sql"),
    include_str!("migrations/0006_mediation.sql"),
    include_str!("migrations/0007_local_settings.sql"),
    include_str!("migrations/0008_sync_key_out.sql"),
    include_str!("migrations/0009_sync_refused.sql"),
    include_str!("migrations/0010_forget_unknown_names.sql"),
    include_str!("migrations/0011_lean_search.sql"),
];

pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies the missing migrations in one transaction: a failure leaves the
/// database at the version it had.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (n, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", n as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}
