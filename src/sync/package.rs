//! The sync package file (同步包): what one PC leaves in the sync folder for
//! the others.
//!
//! ```text
//! magic "SLSYNC\r\n" | format u16 LE | header length u32 LE | header JSON | body
//! ```
//! The header is readable without the key (which office, which PC, which
//! schema, what the writer has seen, a check value of the key). The body is
//! the changes as deflated JSON, sealed with XChaCha20-Poly1305 under a key
//! derived from the office passphrase by argon2id; everything before the body
//! is the associated data, so a header altered after sealing fails too.
//! The "\r\n" in the magic shows a file mangled by a text-mode copy.
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::SyncError;
use crate::store::write::Change;

pub const MAGIC: &[u8; 8] = b"SLSYNC\r\n";
/// The file layout's version; a newer one is refused with its own message.
pub const FORMAT: u16 = 1;
const PREFIX: usize = 8 + 2 + 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Changes some PC may still lack.
    Changes,
    /// Every change: what a new PC joins the office with.
    Snapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub kind: Kind,
    pub package_id: String,
    pub office_id: String,
    pub office_name: String,
    /// Installation id and readable name of the PC that wrote it.
    pub writer: String,
    pub writer_pc: String,
    pub created_at: String,
    pub schema_version: i64,
    pub app_version: String,
    /// What the writer holds: per installation, its last origin_seq.
    pub seen: BTreeMap<String, i64>,
    pub changes: usize,
    pub key_check: String,
    pub nonce: String,
    pub body_len: u64,
    /// In a snapshot: the PC number (本机编号) reserved for the PC that joins
    /// by it (see `mediation::numbering`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pc_number: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub changes: Vec<Change>,
    /// Readable names of the PCs the changes come from.
    pub pcs: BTreeMap<String, String>,
}

/// The office key (同步密钥), derived from the passphrase: never stored as
/// the passphrase, never written into a package.
#[derive(Clone, PartialEq, Eq)]
pub struct OfficeKey(pub [u8; 32]);

impl std::fmt::Debug for OfficeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OfficeKey(..)")
    }
}

impl OfficeKey {
    /// The office id salts the derivation: two offices with the same
    /// passphrase still have different keys.
    pub fn derive(passphrase: &str, office_id: &str) -> OfficeKey {
        let salt = format!("street-ledger-sync:{office_id}");
        let mut key = [0u8; 32];
        argon2::Argon2::default()
            .hash_password_into(passphrase.as_bytes(), salt.as_bytes(), &mut key)
            .expect("argon2 parameters are valid");
        OfficeKey(key)
    }

    /// Tells a wrong key from a damaged file without trying to decrypt.
    pub fn check_value(&self) -> String {
        let digest = Sha256::new().chain_update(b"street-ledger sync key check\0").chain_update(self.0).finalize();
        hex(&digest[..8])
    }

    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    pub fn from_hex(s: &str) -> Option<OfficeKey> {
        let bytes = unhex(s)?;
        Some(OfficeKey(bytes.try_into().ok()?))
    }
}

/// Writes a package. The header's nonce, key check and body length are
/// filled in here.
pub fn seal(mut header: Header, body: &Body, key: &OfficeKey) -> Vec<u8> {
    let json = serde_json::to_vec(body).expect("JSON of plain data");
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    deflate.write_all(&json).expect("writing to memory");
    let plain = deflate.finish().expect("writing to memory");
    let mut nonce = [0u8; 24];
    getrandom::getrandom(&mut nonce).expect("the system's random source");
    header.nonce = hex(&nonce);
    header.key_check = key.check_value();
    header.body_len = (plain.len() + 16) as u64;
    header.changes = body.changes.len();
    let header_json = serde_json::to_vec(&header).expect("JSON of plain data");
    let mut out = Vec::with_capacity(PREFIX + header_json.len() + plain.len() + 16);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(header_json.len() as u32).to_le_bytes());
    out.extend_from_slice(&header_json);
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &out })
        .expect("encryption of a body in memory");
    out.extend_from_slice(&sealed);
    out
}

/// The largest package file taken in. The snapshot of the demo's street of
/// 100,000 residents (`demo --persons 100000`, then `sync snapshot`: every
/// change since it was set up, 266,692 of them) is 25.6 MB (24.4 MiB); this
/// is five times that, room for years of edits on top, and keeps what one
/// file can make the app hold well within an office PC's memory.
pub const MAX_FILE: u64 = 128 << 20;
/// The largest header: a few hundred bytes plus one entry per PC.
pub const MAX_HEADER: usize = 1 << 20;
/// The largest inflated body. That snapshot's JSON is about 214 MiB (change
/// log JSON deflates about ninefold); this is five times that too. A body
/// that would inflate beyond it is damaged (a deflate bomb), however small
/// the file.
pub const MAX_BODY_JSON: u64 = 1 << 30;

/// Reads a package file, within bounds: its size from the file's length
/// before anything is read, then the header, checked (lengths included),
/// and only then the body.
pub fn read_file(path: &Path, name: &str) -> Result<Vec<u8>, SyncError> {
    let unreadable = |_| SyncError::Unreadable(path.display().to_string());
    let mut file = File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    if len > MAX_FILE {
        return Err(SyncError::TooLarge { file: name.into(), mb: len >> 20, limit_mb: MAX_FILE >> 20 });
    }
    let mut bytes = Vec::new();
    (&mut file).take(PREFIX as u64).read_to_end(&mut bytes).map_err(unreadable)?;
    let header_end = check_prefix(name, &bytes, len)?;
    (&mut file).take((header_end - PREFIX) as u64).read_to_end(&mut bytes).map_err(unreadable)?;
    check_header(name, &bytes, len)?;
    // The length was checked against the header; a file that grows while it
    // is read (still being copied) is cut at that length and fails the seal.
    (&mut file).take(len - header_end as u64).read_to_end(&mut bytes).map_err(unreadable)?;
    Ok(bytes)
}

/// Reads the header, checking what can be checked without the key.
pub fn read_header(name: &str, bytes: &[u8]) -> Result<(Header, usize), SyncError> {
    check_header(name, bytes, bytes.len() as u64)
}

/// The magic, the format and the header length of a file of `len` bytes
/// beginning with `bytes`: where the header ends.
fn check_prefix(name: &str, bytes: &[u8], len: u64) -> Result<usize, SyncError> {
    let cut = || SyncError::Truncated(name.into());
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        if MAGIC.starts_with(bytes) && !bytes.is_empty() {
            return Err(cut());
        }
        return Err(SyncError::NotAPackage(name.into()));
    }
    if bytes.len() < PREFIX {
        return Err(cut());
    }
    let format = u16::from_le_bytes([bytes[8], bytes[9]]);
    if format > FORMAT {
        return Err(SyncError::NewerFormat { file: name.into(), format });
    }
    let header_len = u32::from_le_bytes(bytes[10..14].try_into().expect("4 bytes")) as usize;
    if header_len > MAX_HEADER {
        return Err(SyncError::Damaged(name.into()));
    }
    let header_end = PREFIX + header_len;
    if len < header_end as u64 {
        return Err(cut());
    }
    Ok(header_end)
}

/// The header of a file of `len` bytes beginning with `bytes` (at least up
/// to the header's end), with its body length checked against the file's.
fn check_header(name: &str, bytes: &[u8], len: u64) -> Result<(Header, usize), SyncError> {
    let header_end = check_prefix(name, bytes, len)?;
    let Some(json) = bytes.get(PREFIX..header_end) else {
        return Err(SyncError::Truncated(name.into()));
    };
    let header: Header = serde_json::from_slice(json).map_err(|_| SyncError::Damaged(name.into()))?;
    let Some(end) = (header_end as u64).checked_add(header.body_len) else {
        return Err(SyncError::Damaged(name.into()));
    };
    // A sealed body is at least its 16-byte tag.
    if header.body_len < 16 || len > end {
        return Err(SyncError::Damaged(name.into()));
    }
    if len < end {
        return Err(SyncError::Truncated(name.into()));
    }
    Ok((header, header_end))
}

/// Opens a package with the office key: Err on a wrong key, an altered
/// byte anywhere, or a cut file; nothing is returned half-read.
pub fn open(name: &str, bytes: &[u8], key: &OfficeKey) -> Result<(Header, Body), SyncError> {
    let (header, header_end) = read_header(name, bytes)?;
    if header.key_check != key.check_value() {
        return Err(SyncError::WrongKey(name.into()));
    }
    let nonce = unhex(&header.nonce).filter(|n| n.len() == 24).ok_or_else(|| SyncError::Damaged(name.into()))?;
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let plain = cipher
        .decrypt(XNonce::from_slice(&nonce), Payload { msg: &bytes[header_end..], aad: &bytes[..header_end] })
        .map_err(|_| SyncError::Damaged(name.into()))?;
    // Inflated through a bounded reader (see MAX_BODY_JSON).
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(&plain[..])
        .take(MAX_BODY_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|_| SyncError::Damaged(name.into()))?;
    if json.len() as u64 > MAX_BODY_JSON {
        return Err(SyncError::Damaged(name.into()));
    }
    let body: Body = serde_json::from_slice(&json).map_err(|_| SyncError::Damaged(name.into()))?;
    if body.changes.len() != header.changes {
        return Err(SyncError::Damaged(name.into()));
    }
    Ok((header, body))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}
