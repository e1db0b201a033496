//! The cells an .xls will cost before calamine opens it. calamine parses
//! every sheet of an .xls at open into a dense range (and a second one for
//! formulas) spanning its first to its last cell, and copies a sheet again
//! when asked for it: one cell at IV65536 asks for a gigabyte, one at column
//! 65,535 for far more. So the Workbook stream's cell records are read here
//! first (position only, nothing kept) and the spans summed. A shared string
//! is copied into every cell that uses it, so the text those cells will hold
//! is summed too, from the lengths in the shared-string table.
use std::io::Read;
use std::path::Path;

use super::bounds::{file_name, MAX_TEXT_BYTES, MAX_XLS_CELLS};
use super::ImportError;

/// Records calamine turns into cells, all starting with row and column.
const CELLS: &[u16] = &[0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x00BD];
const FORMULA: u16 = 0x0006;
const BOF: u16 = 0x0809;
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
const LABEL_SST: u16 = 0x00FD;

/// The first to the last cell seen: (rows, columns) as min and max.
#[derive(Default)]
struct Span(Option<(u32, u32, u32, u32)>);

impl Span {
    fn add(&mut self, row: u32, first: u32, last: u32) {
        let s = self.0.get_or_insert((row, row, first, last));
        *s = (s.0.min(row), s.1.max(row), s.2.min(first), s.3.max(last));
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| u64::from(r1 - r0 + 1) * u64::from(c1.max(c0) - c0 + 1))
    }
}

pub(crate) fn check(path: &Path) -> Result<(), ImportError> {
    let unreadable = |why: String| ImportError::Unreadable { file: path.display().to_string(), why };
    let mut book = cfb::open(path).map_err(|e| unreadable(e.to_string()))?;
    let stream = if book.exists("/Workbook") { "/Workbook" } else { "/Book" };
    // The file's size is bounded, so is the stream (calamine reads it whole too).
    let mut bytes = Vec::new();
    book.open_stream(stream).and_then(|mut s| s.read_to_end(&mut bytes)).map_err(|e| unreadable(e.to_string()))?;
    let (mut total, mut cells, mut formulas) = (0u64, Span::default(), Span::default());
    let (mut lengths, mut text) = (Vec::new(), 0u64);
    let mut at = 0;
    while let Some((typ, data)) = record(&bytes, &mut at) {
        if typ == SST {
            let mut parts = vec![data];
            let mut next = at;
            while let Some((CONTINUE, more)) = record(&bytes, &mut next) {
                parts.push(more);
                at = next;
            }
            lengths = string_lengths(parts);
        }
        if typ == LABEL_SST {
            let index = data.get(6..10).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            text += index.and_then(|i| lengths.get(i)).copied().unwrap_or(0);
            if text > MAX_TEXT_BYTES as u64 {
                return Err(ImportError::TooMuchContent {
                    sheet: file_name(path),
                    cells: MAX_XLS_CELLS as usize / 10_000,
                    mb: MAX_TEXT_BYTES >> 20,
                });
            }
        }
        let u16_at = |i: usize| data.get(i..i + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])));
        if typ == BOF {
            // A sheet (or the globals) begins: the last one's spans are done.
            total += cells.cells() + formulas.cells();
            (cells, formulas) = (Span::default(), Span::default());
        } else if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
            if typ == 0x00BD {
                cells.add(row, col, u16_at(data.len().saturating_sub(2)).unwrap_or(col));
            } else if CELLS.contains(&typ) {
                cells.add(row, col, col);
            } else if typ == FORMULA {
                cells.add(row, col, col);
                formulas.add(row, col, col);
            }
        }
        if total + cells.cells() + formulas.cells() > MAX_XLS_CELLS {
            return Err(ImportError::SheetTooWide { file: file_name(path), cells: MAX_XLS_CELLS / 10_000 });
        }
    }
    Ok(())
}

/// The record at `at` (moved past it): its type and data.
fn record<'b>(bytes: &'b [u8], at: &mut usize) -> Option<(u16, &'b [u8])> {
    let head = bytes.get(*at..*at + 4)?;
    let (typ, len) = (u16::from_le_bytes([head[0], head[1]]), u16::from_le_bytes([head[2], head[3]]) as usize);
    let data = &bytes[*at + 4..(*at + 4 + len).min(bytes.len())];
    *at += 4 + len;
    Some((typ, data))
}

/// The UTF-8 bytes each shared string can take (3 a character), read from
/// the SST record and its CONTINUE records: a string's characters may go on
/// in the next record, which then starts with a fresh flags byte.
fn string_lengths(parts: Vec<&[u8]>) -> Vec<u64> {
    let mut r = Parts { parts, i: 0, at: 0 };
    let mut out = Vec::new();
    if r.skip(8).is_none() {
        return out;
    }
    while let Some(cch) = r.u16() {
        let Some(flags) = r.byte() else { break };
        let runs = if flags & 0x8 != 0 { r.u16().unwrap_or(0) as usize } else { 0 };
        let ext = if flags & 0x4 != 0 { r.u32().unwrap_or(0) as usize } else { 0 };
        out.push(cch as u64 * 3);
        if r.chars(cch as usize, flags & 0x1 != 0).and_then(|_| r.skip(4 * runs + ext)).is_none() {
            break;
        }
    }
    out
}

/// The SST's records read as one, but for the flags byte a string's
/// characters restart with in a CONTINUE record.
struct Parts<'b> {
    parts: Vec<&'b [u8]>,
    i: usize,
    at: usize,
}

impl Parts<'_> {
    fn byte(&mut self) -> Option<u8> {
        loop {
            let part = self.parts.get(self.i)?;
            if let Some(b) = part.get(self.at) {
                self.at += 1;
                return Some(*b);
            }
            (self.i, self.at) = (self.i + 1, 0);
        }
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([self.byte()?, self.byte()?, self.byte()?, self.byte()?]))
    }

    fn skip(&mut self, mut n: usize) -> Option<()> {
        while n > 0 {
            let part = self.parts.get(self.i)?;
            let take = (part.len() - self.at.min(part.len())).min(n);
            (self.at, n) = (self.at + take, n - take);
            if n > 0 {
                (self.i, self.at) = (self.i + 1, 0);
            }
        }
        Some(())
    }

    fn chars(&mut self, mut cch: usize, mut wide: bool) -> Option<()> {
        loop {
            let part = self.parts.get(self.i)?;
            let size = if wide { 2 } else { 1 };
            let take = ((part.len() - self.at.min(part.len())) / size).min(cch);
            (self.at, cch) = (self.at + take * size, cch - take);
            if cch == 0 {
                return Some(());
            }
            (self.i, self.at) = (self.i + 1, 0);
            wide = self.byte()? & 0x1 != 0;
        }
    }
}
