//! Embedded, numbered schema migrations. `PRAGMA user_version` holds the
//! number of the last one applied.
use rusqlite::Connection;

use super::StoreError;

/// What SQL cannot do, done in Rust inside the migration's transaction.
type Step = fn(&Connection) -> Result<(), StoreError>;

/// A migration: its SQL, then, for what SQL cannot do, a step in Rust.
struct Migration {
    sql: &'static str,
    then: Option<Step>,
}

const fn sql(sql: &'static str) -> Migration {
    Migration { sql, then: None }
}

const MIGRATIONS: &[Migration] = &[
    sql(include_str!("migrations/0001_init.sql")),
    sql(include_str!("migrations/0002_accounts_audit.sql")),
    sql(include_str!("migrations/0003_audit_chain.sql")),
    sql(include_str!("migrations/0004_sync.sql")),
    sql(include_str!("migrations/0005_employment.sql")),
    sql(include_str!("migrations/0006_mediation.sql")),
    sql(include_str!("migrations/0007_local_settings.sql")),
    sql(include_str!("migrations/0008_sync_key_out.sql")),
    sql(include_str!("migrations/0009_sync_refused.sql")),
    sql(include_str!("migrations/0010_forget_unknown_names.sql")),
    sql(include_str!("migrations/0011_lean_search.sql")),
    sql(include_str!("migrations/0012_compact_log.sql")),
    // Inserts already logged keep no copy of values their records hold (the
    // step reads the log as 0013 stores it, so it runs after 0013).
    Migration { sql: include_str!("migrations/0013_lean_log.sql"), then: Some(super::log::compact_all) },
    sql(include_str!("migrations/0014_retire_base.sql")),
    sql(include_str!("migrations/0015_loan_borrower.sql")),
    sql(include_str!("migrations/0016_log_patch.sql")),
    sql(include_str!("migrations/0017_mediators_screening.sql")),
    sql(include_str!("migrations/0018_committees_procedures.sql")),
    sql(include_str!("migrations/0019_allowance.sql")),
    sql(include_str!("migrations/0020_visits_calls.sql")),
    sql(include_str!("migrations/0021_assistance.sql")),
    sql(include_str!("migrations/0022_condolences.sql")),
    sql(include_str!("migrations/0023_purchased_care.sql")),
    sql(include_str!("migrations/0024_case_number_index.sql")),
    sql(include_str!("migrations/0025_sealed_writes.sql")),
];

pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies the missing migrations in one transaction: a failure leaves the
/// database at the version it had.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (n, step) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(step.sql)?;
        if let Some(then) = step.then {
            then(&tx)?;
        }
        tx.pragma_update(None, "user_version", n as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}
