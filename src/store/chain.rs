//! The hash chains (校验链) of the two logs, the change log and the audit
//! events: each row's `hash` is the SHA-256 of the previous row's hash and
//! this row's columns, and `audit_head` holds the newest. The write path
//! extends the change log's chain; `audit` extends the events' chain and
//! verifies both.
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::Result;

/// The two logs of the audit trail, each its own chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    ChangeLog,
    AuditEvent,
}

impl Log {
    pub const ALL: [Log; 2] = [Log::ChangeLog, Log::AuditEvent];

    pub fn table(self) -> &'static str {
        match self {
            Log::ChangeLog => "change_log",
            Log::AuditEvent => "audit_event",
        }
    }

    /// Every column a writer sets, in hashing order (`seq` is the chain's
    /// order, and `hash` the chain itself).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Log::ChangeLog => {
                &["txn_id", "hlc", "at", "installation_id", "user_name", "table_name", "record_id", "op", "fields"]
            }
            Log::AuditEvent => &["at", "installation_id", "user_name", "action", "target", "detail"],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Log::ChangeLog => "操作日志（记录变更）",
            Log::AuditEvent => "操作日志（登录、导出等）",
        }
    }
}

/// A row's hash: SHA-256 over the previous row's hash (empty for the first)
/// and the row's columns, each as a null mark or its length and bytes, which
/// keeps the boundaries between columns unambiguous without escaping (this
/// runs for every change a large import logs).
pub fn chain_hash(prev: &str, columns: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    for c in columns {
        match c {
            None => h.update([0u8]),
            Some(text) => {
                h.update([1u8]);
                h.update((text.len() as u64).to_le_bytes());
                h.update(text.as_bytes());
            }
        }
    }
    hex(&h.finalize())
}

/// Bytes as lower-case hex digits (what SQL's `lower(hex(..))` gives).
pub(super) fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(HEX[(b >> 4) as usize]));
        out.push(char::from(HEX[(b & 15) as usize]));
    }
    out
}

/// The newest entry of a chain: a writer appends after it.
#[derive(Debug, Clone)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    pub fn load(conn: &Connection, log: Log) -> Result<ChainHead> {
        let row: Option<(i64, Option<String>)> = conn
            .prepare_cached("SELECT seq, hash FROM audit_head WHERE log = ?1")?
            .query_row([log.table()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((seq, Some(hash))) = row {
            return Ok(ChainHead { seq, hash });
        }
        // No chained entry yet: the chain still runs through the entries
        // written before it existed, so that removing one of them shows too.
        let (seq, hash) = fold(conn, log, |_| {})?;
        Ok(ChainHead { seq, hash })
    }

    pub fn store(&self, conn: &Connection, log: Log) -> Result<()> {
        conn.prepare_cached(
            "INSERT INTO audit_head (log, seq, hash) VALUES (?1, ?2, ?3)
             ON CONFLICT (log) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        )?
        .execute((log.table(), self.seq, &self.hash))?;
        Ok(())
    }
}

/// One entry of a chain as found on disk.
pub struct Link {
    pub seq: i64,
    pub prev_seq: i64,
    pub stored: Option<String>,
    pub computed: String,
    /// For a change-log entry: its table and record, so that an altered
    /// entry can be named by the record it concerns (an insert kept without a
    /// copy of its values is altered by altering its record).
    pub record: Option<(String, String)>,
}

/// Walks a chain in order, computing each hash from the stored one before
/// it (so that one altered entry is reported once, not with all after it).
/// Returns the newest seq and hash.
pub fn fold(conn: &Connection, log: Log, mut visit: impl FnMut(&Link)) -> Result<(i64, String)> {
    let (mut seq, mut hash) = (0i64, String::new());
    let mut rebuilder = super::log::Rebuilder::default();
    let mut step = |this: i64, stored: Option<String>, values: &mut Vec<Option<String>>, mask: Option<i64>| {
        if let (Some(mask), Some(None)) = (mask, values.last()) {
            // An insert kept without a copy of its values is hashed as
            // logged: its text rebuilt from the record (`store::log`).
            // (table_name, record_id) are the change log's 6th and 7th columns.
            let (table, record) = (values[5].clone().unwrap_or_default(), values[6].clone().unwrap_or_default());
            *values.last_mut().expect("fields") = Some(rebuilder.text(conn, &table, &record, mask)?);
        }
        let refs: Vec<Option<&str>> = values.iter().map(|v| v.as_deref()).collect();
        let record = (log == Log::ChangeLog)
            .then(|| (values[5].clone().unwrap_or_default(), values[6].clone().unwrap_or_default()));
        let link = Link { seq: this, prev_seq: seq, stored, computed: chain_hash(&hash, &refs), record };
        visit(&link);
        seq = this;
        // A tag (`log::TAG_HEX`) is only the start of a hash: the chain goes
        // on from the hash computed.
        hash = match link.stored {
            Some(stored) if stored.len() != super::log::TAG_HEX => stored,
            _ => link.computed,
        };
        Ok::<_, crate::Error>(())
    };
    if log == Log::ChangeLog {
        super::log::each_entry_as_logged(conn, |this, stored, values, mask| step(this, stored, values, mask))?;
    } else {
        let columns = log.columns();
        let sql = format!("SELECT seq, hash, {} FROM {} ORDER BY seq", columns.join(", "), log.table());
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut values: Vec<Option<String>> = Vec::with_capacity(columns.len());
        while let Some(r) = rows.next()? {
            values.clear();
            for i in 0..columns.len() {
                values.push(text(r.get_ref(i + 2)?));
            }
            step(r.get(0)?, text(r.get_ref(1)?), &mut values, None)?;
        }
    }
    Ok((seq, hash))
}

/// Whatever type a tampered column holds, as the text it would read as.
pub(super) fn text(v: ValueRef) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}
