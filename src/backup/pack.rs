//! The compressed form of a backup: one zstd frame holding the checked
//! database file, with its size and a checksum in the frame. Reading one
//! back is bounded, since a backup file may come from anywhere (a USB stick,
//! a colleague): a damaged or hostile file is refused as damaged, never
//! inflated without limit.
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use super::files::io;
use super::BackupError;

/// zstd's magic number, the first four bytes of every compressed backup.
/// Restore and verify go by it, not by the name, so a renamed file still works.
const MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// zstd level 8, one thread. On the demo street (a 463 MB database, 2-core
/// machine) it makes 71 MB in about 7 s; level 3 makes 80 MB in 2.6 s,
/// level 9 70.5 MB in 10–13 s, which with the copy and its check (3–5 s)
/// comes too near the 15 s a backup may take for 1 % less. Two threads
/// gained nothing there (the copy and check before it are one thread; the
/// machine was busy), nor did long-distance matching (0.5 %).
const LEVEL: i32 = 8;

/// The largest window a reader accepts (2^27 = 128 MiB, zstd's own default
/// limit; level 8 writes a backup with a 2 MiB one): decoding never needs
/// more memory than that, whatever a file's header asks for.
const WINDOW_LOG_MAX: u32 = 27;

/// A backup may inflate to at most this many times its compressed size (and
/// never beyond [`MOST`]); below [`LEAST`] the ratio is not applied. The
/// demo street's database compresses 6.5 times, a new, empty one 22 times
/// (zeroed free pages would compress further), so 1000 is well clear of any
/// real backup, while a small file cannot make the disk take more than
/// [`LEAST`] or a thousand times its own size before it is refused.
const RATIO: u64 = 1000;
const LEAST: u64 = 256 << 20;
/// 8 GiB: some fifty times the demo street's database.
const MOST: u64 = 8 << 30;

/// Whether the file starts like a compressed backup; a `.db` backup from
/// version 0.2.0 or a database a restore set aside does not.
pub(super) fn is_compressed(path: &Path) -> bool {
    let mut head = [0u8; 4];
    File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && head == MAGIC
}

/// Compresses the checked database copy `from` into the new file `to`, and
/// flushes it to disk.
pub(super) fn compress(from: &Path, to: &Path) -> Result<(), BackupError> {
    let mut input = File::open(from).map_err(io(from))?;
    let len = input.metadata().map_err(io(from))?.len();
    let output = File::create(to).map_err(io(to))?;
    let written = (|| {
        let mut encoder = zstd::stream::write::Encoder::new(output, LEVEL)?;
        encoder.include_checksum(true)?;
        encoder.include_contentsize(true)?;
        encoder.set_pledged_src_size(Some(len))?;
        std::io::copy(&mut input, &mut encoder)?;
        encoder.finish()?.sync_all()
    })();
    written.map_err(io(to))
}

/// Decompresses the backup `from` into the new file `to` (flushed to disk).
/// Refused as [`BackupError::Damaged`] (with `shown` as the file's name): a
/// file that is not whole zstd, fails its checksum, or would inflate beyond
/// the bound. What was written of `to` is then the caller's to remove.
pub(super) fn unpack(from: &Path, to: &Path, shown: &str) -> Result<(), BackupError> {
    let damaged = || BackupError::Damaged(shown.to_string());
    let mut input = File::open(from).map_err(io(from))?;
    let bound = bound(input.metadata().map_err(io(from))?.len());
    // The size the frame says it holds, when it says: refused before a byte is written.
    let mut head = [0u8; 18];
    let n = read_up_to(&mut input, &mut head).map_err(io(from))?;
    if zstd::zstd_safe::get_frame_content_size(&head[..n]).is_ok_and(|size| size.is_some_and(|s| s > bound)) {
        return Err(damaged());
    }
    let input = std::io::Cursor::new(head[..n].to_vec()).chain(input);
    let mut decoder = zstd::stream::read::Decoder::new(input).map_err(|_| damaged())?;
    decoder.window_log_max(WINDOW_LOG_MAX).map_err(|_| damaged())?;
    let mut output = File::create(to).map_err(io(to))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let got = match decoder.read(&mut buf) {
            Ok(0) => break,
            Ok(got) => got,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(damaged()),
        };
        total += got as u64;
        if total > bound {
            return Err(damaged());
        }
        output.write_all(&buf[..got]).map_err(io(to))?;
    }
    output.sync_all().map_err(io(to))
}

/// The most a backup of `compressed` bytes may inflate to.
fn bound(compressed: u64) -> u64 {
    compressed.saturating_mul(RATIO).clamp(LEAST, MOST)
}

fn read_up_to(input: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..])? {
            0 => break,
            got => n += got,
        }
    }
    Ok(n)
}
