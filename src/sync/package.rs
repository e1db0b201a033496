//! The sync package file (同步包): what one PC leaves in the sync folder for
//! the others.
//!
//! ```text
//! magic "SLSYNC\r\n" | format u16 LE | header length u32 LE | header JSON | body
//! ```
//! The header is readable without the key (which office, which PC, which
//! schema, what the writer has seen, how its key was derived and a check
//! value of the key). The body is the changes as deflated JSON, sealed with
//! XChaCha20-Poly1305 under a key derived from the office passphrase by
//! argon2id; everything before the body is the associated data, so a header
//! altered after sealing fails too. Format 1 (v0.2.0) had no `kdf` in the
//! header: its key was always derived as [`Kdf::V1`].
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
/// 2: the header names the key derivation (`kdf`); 1 is still read.
pub const FORMAT: u16 = 2;
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
    /// How the sealing key was derived; absent in format 1 (always V1).
    #[serde(default = "Kdf::v1")]
    pub kdf: Kdf,
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

/// How an office key is derived from the passphrase: argon2id with these
/// parameters, salted with the office id. Named in every package header, so
/// a PC can tell a key it lacks from a wrong one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kdf {
    pub version: u16,
    /// Memory in KiB, passes, lanes.
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Kdf {
    /// v0.2.0: argon2's defaults (19 MiB, t=2).
    pub const V1: Kdf = Kdf { version: 1, m_kib: 19 * 1024, t: 2, p: 1 };
    /// 64 MiB, t=3: what a stolen package costs to guess at.
    pub const V2: Kdf = Kdf { version: 2, m_kib: 64 * 1024, t: 3, p: 1 };
    /// Newest first: packages are sealed with the first.
    pub const ALL: [Kdf; 2] = [Kdf::V2, Kdf::V1];

    fn v1() -> Kdf {
        Kdf::V1
    }

    fn derive(self, passphrase: &str, office_id: &str) -> [u8; 32] {
        let salt = format!("street-ledger-sync:{office_id}");
        let params = argon2::Params::new(self.m_kib, self.t, self.p, Some(32)).expect("argon2 parameters are valid");
        let mut key = [0u8; 32];
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), salt.as_bytes(), &mut key)
            .expect("argon2 parameters are valid");
        key
    }
}

/// The office key (同步密钥) as this PC holds it: the keys derived from the
/// passphrase, newest derivation first, each known by its check value.
/// Packages are sealed with the newest and opened with whichever matches the
/// header's `key_check`, so a PC upgraded from v0.2.0, which kept only the
/// V1 key (the passphrase is never stored), goes on syncing until an
/// administrator types the passphrase again. Never written into a package.
#[derive(Clone, PartialEq, Eq)]
pub struct OfficeKey {
    keys: Vec<(Kdf, [u8; 32])>,
}

impl std::fmt::Debug for OfficeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OfficeKey({:?})", self.keys.iter().map(|(k, _)| k.version).collect::<Vec<_>>())
    }
}

impl OfficeKey {
    /// Every derivation of the passphrase, newest first. The office id
    /// salts it: two offices with the same passphrase still have different
    /// keys. Derivations are kept per process (see `derive_cached`).
    pub fn derive(passphrase: &str, office_id: &str) -> OfficeKey {
        OfficeKey { keys: Kdf::ALL.iter().map(|&k| (k, derive_cached(k, passphrase, office_id))).collect() }
    }

    /// One derivation only: what a PC upgraded from v0.2.0 holds (V1).
    pub fn derive_only(kdf: Kdf, passphrase: &str, office_id: &str) -> OfficeKey {
        OfficeKey { keys: vec![(kdf, derive_cached(kdf, passphrase, office_id))] }
    }

    /// The derivation packages are sealed with.
    pub fn kdf(&self) -> Kdf {
        self.keys[0].0
    }

    /// The check value of the key packages are sealed with: tells a wrong
    /// key from a damaged file without trying to decrypt.
    pub fn check_value(&self) -> String {
        check_of(&self.keys[0].1)
    }

    /// The key whose check value is `check`, if this PC holds it.
    fn matching(&self, check: &str) -> Option<&[u8; 32]> {
        self.keys.iter().map(|(_, k)| k).find(|k| check_of(k) == check)
    }

    /// Whether this PC holds the key of a package with this `key_check`.
    pub fn opens(&self, check: &str) -> bool {
        self.matching(check).is_some()
    }

    /// The key store's text: one line per key, "version hex".
    pub fn to_text(&self) -> String {
        self.keys.iter().map(|(k, bytes)| format!("{} {}\n", k.version, hex(bytes))).collect()
    }

    pub fn from_text(text: &str) -> Option<OfficeKey> {
        let mut keys = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (version, key) = line.trim().split_once(' ')?;
            let kdf = *Kdf::ALL.iter().find(|k| k.version.to_string() == version)?;
            keys.push((kdf, unhex(key)?.try_into().ok()?));
        }
        keys.sort_by_key(|(k, _)| std::cmp::Reverse(k.version));
        (!keys.is_empty()).then_some(OfficeKey { keys })
    }

    /// The hex of a V1 key as v0.2.0 kept it in the database.
    pub fn from_v1_hex(s: &str) -> Option<OfficeKey> {
        Some(OfficeKey { keys: vec![(Kdf::V1, unhex(s)?.try_into().ok()?)] })
    }
}

fn check_of(key: &[u8; 32]) -> String {
    let digest = Sha256::new().chain_update(b"street-ledger sync key check\0").chain_update(key).finalize();
    hex(&digest[..8])
}

/// Derivations already made in this process, in debug builds only: V2 takes
/// 64 MiB and a noticeable moment, and the test suite derives the same few
/// keys hundreds of times. A release build keeps nothing: the cache's index
/// is a fast hash of the passphrase, which must not sit in the app's memory.
fn derive_cached(kdf: Kdf, passphrase: &str, office_id: &str) -> [u8; 32] {
    use std::sync::Mutex;
    if !cfg!(debug_assertions) {
        return kdf.derive(passphrase, office_id);
    }
    /// KDF version, hash of salt and passphrase, derived key.
    type Entry = (u16, [u8; 32], [u8; 32]);
    static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
    let id: [u8; 32] = Sha256::new()
        .chain_update(office_id.as_bytes())
        .chain_update([0])
        .chain_update(passphrase.as_bytes())
        .finalize()
        .into();
    let hit = CACHE.lock().expect("cache lock").iter().find(|(v, i, _)| *v == kdf.version && *i == id).map(|e| e.2);
    if let Some(key) = hit {
        return key;
    }
    let key = kdf.derive(passphrase, office_id);
    let mut cache = CACHE.lock().expect("cache lock");
    if cache.len() >= 64 {
        cache.remove(0);
    }
    cache.push((kdf.version, id, key));
    key
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
    header.kdf = key.kdf();
    header.key_check = key.check_value();
    header.body_len = (plain.len() + 16) as u64;
    header.changes = body.changes.len();
    let header_json = serde_json::to_vec(&header).expect("JSON of plain data");
    let mut out = Vec::with_capacity(PREFIX + header_json.len() + plain.len() + 16);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(header_json.len() as u32).to_le_bytes());
    out.extend_from_slice(&header_json);
    let cipher = XChaCha20Poly1305::new((&key.keys[0].1).into());
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

/// Reads a package file of this office under this PC's key, within bounds:
/// its size from the file's length before anything is read, then the
/// header, checked (lengths included, and that it is of `office_id`, when
/// this PC has joined one, and sealed with a key this PC holds), and only
/// then the body.
pub fn read_file(path: &Path, name: &str, office_id: Option<&str>, key: &OfficeKey) -> Result<Vec<u8>, SyncError> {
    let head = Head::read(path, name)?;
    head.check_for(office_id, key)?;
    head.body()
}

/// A package file opened and its header read and checked; its body, up to
/// 128 MiB, not yet read.
pub struct Head {
    file: File,
    name: String,
    path: String,
    /// The bytes read so far: the prefix and the header.
    bytes: Vec<u8>,
    len: u64,
    header_end: usize,
    pub header: Header,
}

impl Head {
    pub fn read(path: &Path, name: &str) -> Result<Head, SyncError> {
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
        let (header, _) = check_header(name, &bytes, len)?;
        Ok(Head { file, name: name.into(), path: path.display().to_string(), bytes, len, header_end, header })
    }

    /// Refuses, before its body is read, a package of another office than
    /// `office_id` (none: this PC has joined none yet) or sealed with a key
    /// this PC does not hold.
    pub fn check_for(&self, office_id: Option<&str>, key: &OfficeKey) -> Result<(), SyncError> {
        if office_id.is_some_and(|id| id != self.header.office_id) {
            let office = self.header.office_name.clone();
            return Err(SyncError::OtherOffice { file: self.name.clone(), office });
        }
        matching_key(&self.name, &self.header, key).map(drop)
    }

    /// The whole file. The length was checked against the header; a file
    /// that grows while it is read (still being copied) is cut at that
    /// length and fails the seal.
    pub fn body(mut self) -> Result<Vec<u8>, SyncError> {
        let rest = self.len - self.header_end as u64;
        (&mut self.file)
            .take(rest)
            .read_to_end(&mut self.bytes)
            .map_err(|_| SyncError::Unreadable(self.path.clone()))?;
        Ok(self.bytes)
    }
}

/// The key of `key` a package with this header was sealed with, or why
/// there is none.
fn matching_key<'k>(name: &str, header: &Header, key: &'k OfficeKey) -> Result<&'k [u8; 32], SyncError> {
    key.matching(&header.key_check).ok_or_else(|| {
        if header.kdf.version > key.kdf().version {
            SyncError::KeyUpgrade(name.into())
        } else {
            SyncError::WrongKey(name.into())
        }
    })
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
    let key = matching_key(name, &header, key)?;
    let nonce = unhex(&header.nonce).filter(|n| n.len() == 24).ok_or_else(|| SyncError::Damaged(name.into()))?;
    let cipher = XChaCha20Poly1305::new(key.into());
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
