//! Reading an office's file into a grid of cells: .xlsx and .xls (and .ods)
//! through calamine, .csv in UTF-8 or GBK (what Excel writes on a Chinese
//! Windows). Merged cells are filled across their area, so a community name
//! merged down twenty rows applies to each of them.
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use super::cells::Raw;
use super::ImportError;

/// One sheet: rows of cells from A1.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub name: String,
    pub rows: Vec<Vec<Raw>>,
}

pub fn read(path: &Path) -> Result<Vec<Grid>, ImportError> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let unreadable = |why: String| ImportError::Unreadable { file: path.display().to_string(), why };
    if ext == "csv" || ext == "txt" {
        let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
        return Ok(vec![csv(&bytes).map_err(unreadable)?]);
    }
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        return Err(ImportError::Format(path.display().to_string()));
    }
    let mut book = open_workbook_auto(path).map_err(|e| unreadable(e.to_string()))?;
    let merges = merged_regions(path);
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| unreadable(e.to_string()))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Vec<Raw>> = vec![Vec::new(); r0 as usize];
        for row in range.rows() {
            let mut cells = vec![Raw::Empty; c0 as usize];
            cells.extend(row.iter().map(raw));
            rows.push(cells);
        }
        for m in merges.iter().filter(|(sheet, _)| *sheet == name).map(|(_, d)| d) {
            let value = rows.get(m.start.0 as usize).and_then(|r| r.get(m.start.1 as usize)).cloned();
            let Some(value) = value else { continue };
            for r in m.start.0..=m.end.0 {
                for c in m.start.1..=m.end.1 {
                    if let Some(cell) = rows.get_mut(r as usize).and_then(|row| {
                        if row.len() <= c as usize {
                            row.resize(c as usize + 1, Raw::Empty);
                        }
                        row.get_mut(c as usize)
                    }) {
                        *cell = value.clone();
                    }
                }
            }
        }
        out.push(Grid { name, rows });
    }
    Ok(out)
}

/// Merged areas of .xlsx and .xls (.ods comes without them).
fn merged_regions(path: &Path) -> Vec<(String, calamine::Dimensions)> {
    if let Ok(mut book) = calamine::open_workbook::<calamine::Xlsx<_>, _>(path) {
        return by_sheet(book.sheet_names(), |name| book.merge_cells_by_sheet_name(name).ok());
    }
    if let Ok(book) = calamine::open_workbook::<calamine::Xls<_>, _>(path) {
        return by_sheet(book.sheet_names(), |name| book.merge_cells_by_sheet_name(name).ok());
    }
    Vec::new()
}

fn by_sheet(
    names: Vec<String>,
    mut regions: impl FnMut(&str) -> Option<Vec<calamine::Dimensions>>,
) -> Vec<(String, calamine::Dimensions)> {
    let mut out = Vec::new();
    for name in names {
        out.extend(regions(&name).unwrap_or_default().into_iter().map(|d| (name.clone(), d)));
    }
    out
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

/// A CSV file: UTF-8 (with or without BOM), else GBK.
fn csv(bytes: &[u8]) -> Result<Grid, String> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => {
            let (t, _, bad) = encoding_rs::GBK.decode(bytes);
            if bad {
                return Err("文件既不是 UTF-8 也不是 GBK 编码，请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入".into());
            }
            t.into_owned()
        }
    };
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("CSV 第{}行格式不对：{e}", rows.len() + 1))?;
        rows.push(
            record.iter().map(|c| if c.trim().is_empty() { Raw::Empty } else { Raw::Text(c.to_string()) }).collect(),
        );
    }
    Ok(Grid { name: "CSV".into(), rows })
}
