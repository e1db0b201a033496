//! Reading an office's file into its rows of cells: .xlsx and .xls (and .ods)
//! through calamine, .csv in UTF-8 or GBK (what Excel writes on a Chinese
//! Windows), each within the bounds of [`super::bounds`]: only real cells are
//! kept, whatever size a sheet declares. Merged cells are filled across their
//! area, so a community name merged down twenty rows applies to each of them.
use std::path::Path;

use std::fs::File;
use std::io::{BufReader, Read};

use calamine::{Data, Ods, Reader, Xls, Xlsx};

use super::bounds::{self, Sparse};
use super::cells::Raw;
use super::ImportError;

/// One sheet: its rows that hold a cell, each with its number from 0 (row 1
/// in Excel) and its cells from column A.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub name: String,
    pub rows: Vec<(usize, Vec<Raw>)>,
}

impl Grid {
    /// Row `i` (from 0); an empty row holds no cell.
    pub fn row(&self, i: usize) -> &[Raw] {
        match self.rows.binary_search_by_key(&i, |(r, _)| *r) {
            Ok(at) => &self.rows[at].1,
            Err(_) => &[],
        }
    }
}

pub fn read(path: &Path) -> Result<Vec<Grid>, ImportError> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "csv" | "txt" | "xlsx" | "xlsm" | "xls" | "ods") {
        return Err(ImportError::Format(path.display().to_string()));
    }
    bounds::check_size(path)?;
    let unreadable = |why: String| ImportError::Unreadable { file: path.display().to_string(), why };
    match ext.as_str() {
        "csv" | "txt" => {
            // Read no further than the limit: the length checked above is
            // 0 for a pipe or a device (/dev/zero behind a link named x.csv).
            let mut bytes = Vec::new();
            let file = File::open(path).map_err(|e| unreadable(e.to_string()))?;
            file.take(bounds::MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| unreadable(e.to_string()))?;
            if bytes.len() as u64 > bounds::MAX_FILE_BYTES {
                return Err(bounds::too_large(path, bytes.len() as u64));
            }
            Ok(vec![csv(path, &bytes)?])
        }
        "xlsx" | "xlsm" => {
            bounds::check_parts(path)?;
            let mut book: Xlsx<BufReader<File>> =
                calamine::open_workbook(path).map_err(|e: calamine::XlsxError| unreadable(e.to_string()))?;
            let mut out = Vec::new();
            for name in book.sheet_names() {
                let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
                let mut sheet = Sparse::new(name.clone());
                match book.worksheet_cells_reader(&name) {
                    Ok(mut cells) => {
                        while let Some(cell) = cells.next_cell().map_err(|e| unreadable(e.to_string()))? {
                            let (r, c) = cell.get_position();
                            sheet.put(r, c, raw(&Data::from(cell.get_value().clone())))?;
                        }
                    }
                    // A chart sheet holds no cells.
                    Err(calamine::XlsxError::NotAWorksheet(_)) => {}
                    Err(e) => return Err(unreadable(e.to_string())),
                }
                for m in merges {
                    sheet.merge(m.start, m.end)?;
                }
                out.push(sheet.into_grid()?);
            }
            Ok(out)
        }
        // Held whole by calamine from the moment it is opened: an .xls after
        // its sheets' extent is measured, an .ods after its parts are checked.
        "xls" => {
            super::xls_extent::check(path)?;
            let mut book: Xls<BufReader<File>> =
                calamine::open_workbook(path).map_err(|e: calamine::XlsError| unreadable(e.to_string()))?;
            ranges(&mut book, |b, name| b.merge_cells_by_sheet_name(name).unwrap_or_default(), unreadable)
        }
        _ => {
            bounds::check_parts(path)?;
            super::ods_extent::check(path)?;
            let mut book: Ods<BufReader<File>> =
                calamine::open_workbook(path).map_err(|e: calamine::OdsError| unreadable(e.to_string()))?;
            // .ods comes without merged areas.
            ranges(&mut book, |_, _| Vec::new(), unreadable)
        }
    }
}

/// Every sheet of a workbook calamine holds whole (.xls, .ods), with its
/// merged areas.
fn ranges<R>(
    book: &mut R,
    merges: impl Fn(&R, &str) -> Vec<calamine::Dimensions>,
    unreadable: impl Fn(String) -> ImportError,
) -> Result<Vec<Grid>, ImportError>
where
    R: Reader<BufReader<File>>,
    R::Error: std::fmt::Display,
{
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| unreadable(e.to_string()))?;
        let merged = merges(book, &name);
        out.push(grid(name, &range, merged)?);
    }
    Ok(out)
}

/// A sheet calamine already holds as a range: its used cells.
fn grid(name: String, range: &calamine::Range<Data>, merges: Vec<calamine::Dimensions>) -> Result<Grid, ImportError> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut sheet = Sparse::new(name);
    for (r, c, d) in range.used_cells() {
        sheet.put(r0 + r as u32, c0 + c as u32, raw(d))?;
    }
    for m in merges {
        sheet.merge(m.start, m.end)?;
    }
    sheet.into_grid()
}

fn raw(d: &Data) -> Raw {
    match d {
        Data::Empty | Data::Error(_) => Raw::Empty,
        Data::String(s) => Raw::Text(s.clone()),
        Data::Float(f) => Raw::Number(*f),
        Data::Int(i) => Raw::Number(*i as f64),
        Data::Bool(b) => Raw::Text(if *b { "是" } else { "否" }.into()),
        Data::DateTime(dt) => super::cells::serial(dt.as_f64()).map(Raw::Date).unwrap_or(Raw::Number(dt.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Raw::Text(s.clone()),
    }
}

/// A CSV file: UTF-8 (with or without BOM), else GBK. Checked as bytes
/// first: a NUL is no text file (an .xlsx renamed, or UTF-16 "Unicode
/// text"), and a line over [`bounds::MAX_LINE_BYTES`] no roster.
fn csv(path: &Path, bytes: &[u8]) -> Result<Grid, ImportError> {
    let file = bounds::file_name(path);
    if bytes.contains(&0) {
        return Err(ImportError::NotText(file));
    }
    if let Some(at) = bytes.split(|b| *b == b'\n').position(|line| line.len() > bounds::MAX_LINE_BYTES) {
        return Err(ImportError::LineTooLong { file, line: at + 1, limit_kb: bounds::MAX_LINE_BYTES >> 10 });
    }
    let unreadable = |why: String| ImportError::Unreadable { file: path.display().to_string(), why };
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            let (t, _, bad) = encoding_rs::GBK.decode(bytes);
            if bad {
                return Err(unreadable(
                    "文件既不是 UTF-8 也不是 GBK 编码，请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入".into(),
                ));
            }
            t
        }
    };
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut sheet = Sparse::new("CSV".into());
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| unreadable(format!("CSV 第{}行格式不对：{e}", r + 1)))?;
        for (c, cell) in record.iter().enumerate() {
            if !cell.trim().is_empty() {
                sheet.put(r as u32, c.min(u32::MAX as usize) as u32, Raw::Text(cell.to_string()))?;
            }
        }
    }
    sheet.into_grid()
}
