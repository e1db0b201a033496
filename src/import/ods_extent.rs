//! The cells an .ods will cost before calamine opens it. calamine reads
//! every sheet of an .ods at open into a dense range, expanding
//! `number-rows-repeated` and `number-columns-repeated` of cells that hold
//! something (up to 100 million cells): a row of a few bytes can repeat a
//! value over 16,384 columns and a million rows. So content.xml is streamed
//! here first (after its size and longest tag are checked), nothing kept,
//! and each sheet's span from its first to its last non-empty row, as wide
//! as its widest non-empty row, summed. The text is counted too: calamine
//! copies a cell's string into every column and row it repeats over, so a
//! 1 MB string repeated over 3,000 columns would ask for 3 GB.
use std::io::BufReader;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use super::bounds::{file_name, MAX_TEXT_BYTES, MAX_XLS_CELLS};
use super::ImportError;

/// Excel's (and calamine's) limits on a sheet.
const ROWS: u64 = 1_048_576;
const COLUMNS: u64 = 16_384;

/// A repeat count, capped at `cap` (a sheet's rows or columns): a count of
/// 2^64 - 1 must neither overflow nor wrap past the limits.
fn repeated(e: &BytesStart, name: &str, cap: u64) -> u64 {
    let value = e.try_get_attribute(name).ok().flatten();
    value.and_then(|a| a.value.parse::<u64>().ok()).unwrap_or(1).min(cap)
}

/// One sheet as it is read: where the row is, the span of non-empty rows,
/// the widest non-empty row.
#[derive(Default)]
struct Sheet {
    row: u64,
    first: Option<u64>,
    end: u64,
    width: u64,
}

impl Sheet {
    fn cells(&self) -> u64 {
        self.first.map_or(0, |f| (self.end - f) * self.width)
    }
}

pub(crate) fn check(path: &Path) -> Result<(), ImportError> {
    let unreadable = |why: String| ImportError::Unreadable { file: path.display().to_string(), why };
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| unreadable(e.to_string()))?;
    let content = zip.by_name("content.xml").map_err(|e| unreadable(e.to_string()))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let (mut done, mut sheet) = (0u64, Sheet::default());
    // The current row: its repeats, its column, its last non-empty column.
    let (mut repeats, mut col, mut last) = (1u64, 0u64, 0u64);
    // Text as calamine will hold it: the current cell's bytes and columns
    // it repeats over, the current row's bytes, all sheets' (held at once).
    let (mut cell, mut cell_repeats, mut row_text, mut text) = (0u64, 1u64, 0u64, 0u64);
    let mut name = String::new();
    let too_much = |name: &str| ImportError::TooMuchContent {
        sheet: name.to_string(),
        cells: super::bounds::MAX_CELLS / 10_000,
        mb: MAX_TEXT_BYTES >> 20,
    };
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| unreadable(e.to_string()))?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::Text(t) => {
                cell = cell.saturating_add(t.len() as u64);
                continue;
            }
            Event::CData(t) => {
                cell = cell.saturating_add(t.len() as u64);
                continue;
            }
            Event::GeneralRef(t) => {
                cell = cell.saturating_add(t.len() as u64);
                continue;
            }
            Event::End(e) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                row_text = row_text.saturating_add(cell.saturating_mul(cell_repeats));
                continue;
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                let rows = repeats;
                if last > 0 {
                    sheet.first.get_or_insert(sheet.row);
                    sheet.end = sheet.row.saturating_add(rows);
                    sheet.width = sheet.width.max(last);
                }
                sheet.row = sheet.row.saturating_add(rows);
                if done + sheet.cells() > MAX_XLS_CELLS {
                    return Err(ImportError::SheetTooWide { file: file_name(path), cells: MAX_XLS_CELLS / 10_000 });
                }
                text = text.saturating_add(row_text.saturating_mul(rows));
                if text > MAX_TEXT_BYTES as u64 {
                    return Err(too_much(&name));
                }
                continue;
            }
            Event::Eof => return Ok(()),
            _ => continue,
        };
        match e.name().as_ref() {
            // A row written as one empty element: rows to skip over.
            "table:table-row" if empty => {
                sheet.row = sheet.row.saturating_add(repeated(e, "table:number-rows-repeated", ROWS))
            }
            "table:table" => {
                done += sheet.cells();
                sheet = Sheet::default();
                let value = e.try_get_attribute("table:name").ok().flatten();
                name = value.map(|a| a.value.into_owned()).unwrap_or_default();
            }
            "table:table-row" => {
                (repeats, col, last, row_text) = (repeated(e, "table:number-rows-repeated", ROWS), 0, 0, 0)
            }
            // Spaces calamine writes out `text:c` times, and the line break
            // it puts between paragraphs.
            "text:s" => {
                let value = e.try_get_attribute("text:c").ok().flatten();
                let spaces = value.and_then(|a| a.value.parse::<u64>().ok());
                cell = cell.saturating_add(spaces.unwrap_or(1));
            }
            "text:p" | "text:tab" | "text:line-break" => cell = cell.saturating_add(1),
            "table:table-cell" | "table:covered-table-cell" => {
                cell_repeats = repeated(e, "table:number-columns-repeated", COLUMNS);
                cell = 0;
                col = col.saturating_add(cell_repeats).min(COLUMNS);
                // A cell with a value or with content counts; an empty one
                // (how trailing blank cells are written) does not.
                if !empty || e.try_get_attribute("office:value-type").ok().flatten().is_some() {
                    last = col;
                }
            }
            _ => {}
        }
    }
}
