//! The cells an .xls will cost before calamine opens it. calamine parses
//! every sheet of an .xls at open into a dense range (and a second one for
//! formulas) spanning its first to its last cell, and copies a sheet again
//! when asked for it: one cell at IV65536 asks for a gigabyte, one at column
//! 65,535 for far more. So the Workbook stream's cell records are read here
//! first (position only, nothing kept) and the spans summed.
use std::io::Read;
use std::path::Path;

use super::bounds::{file_name, MAX_XLS_CELLS};
use super::ImportError;

/// Records calamine turns into cells, all starting with row and column.
const CELLS: &[u16] = &[0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x00BD];
const FORMULA: u16 = 0x0006;
const BOF: u16 = 0x0809;

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
    let mut at = 0;
    while at + 4 <= bytes.len() {
        let typ = u16::from_le_bytes([bytes[at], bytes[at + 1]]);
        let len = u16::from_le_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        let data = &bytes[(at + 4).min(bytes.len())..(at + 4 + len).min(bytes.len())];
        at += 4 + len;
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
