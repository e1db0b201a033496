//! A minimal .xls (Excel 97–2003, BIFF8) writer, so the import tests can
//! make the old-format files offices still send: no Rust crate writes .xls.
//!
//! It writes only what a reader needs for one sheet of text and numbers
//! with merged areas (checked against calamine's reader): a Compound File
//! holding a "Workbook" stream with the globals (BOF, CODEPAGE 1200 for
//! UTF-16, BOUNDSHEET8 pointing at the sheet, the shared strings in SST,
//! EOF) and then the sheet (BOF, DIMENSIONS, LABELSST and NUMBER cells,
//! MERGEDCELLS, EOF). No formats, fonts or XF records: Excel itself would
//! want them, calamine does not, and numbers then read as plain numbers.
use std::io::Write;
use std::path::Path;

pub enum Cell {
    Text(String),
    Number(f64),
}

pub struct Sheet {
    pub name: String,
    /// (row, column, value), from 0.
    pub cells: Vec<(u16, u16, Cell)>,
    /// (first row, last row, first column, last column).
    pub merged: Vec<(u16, u16, u16, u16)>,
}

/// One record: type, length, data.
fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    // Longer records would need CONTINUE records, which these tests never do.
    assert!(data.len() <= 8224, "record too long for this writer");
    out.extend(typ.to_le_bytes());
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn bof(kind: u16) -> Vec<u8> {
    // BIFF8 (0x0600), the substream kind, build and year as Excel 97 writes.
    [0x0600u16, kind, 0x0DBB, 0x07CC].iter().flat_map(|v| v.to_le_bytes()).chain([0u8; 4]).chain([6, 0, 0, 0]).collect()
}

pub fn write(path: &Path, sheet: &Sheet) {
    let mut strings: Vec<&str> = Vec::new();
    for (_, _, c) in &sheet.cells {
        if let Cell::Text(t) = c {
            if !strings.contains(&t.as_str()) {
                strings.push(t);
            }
        }
    }
    let globals = |sheet_at: u32| -> Vec<u8> {
        let mut g = Vec::new();
        record(&mut g, 0x0809, &bof(0x0005));
        record(&mut g, 0x0042, &1200u16.to_le_bytes());
        let mut bound = sheet_at.to_le_bytes().to_vec();
        bound.extend([0, 0, sheet.name.encode_utf16().count() as u8, 1]);
        bound.extend(utf16(&sheet.name));
        record(&mut g, 0x0085, &bound);
        let mut sst = (strings.len() as u32).to_le_bytes().to_vec();
        sst.extend((strings.len() as u32).to_le_bytes());
        for s in &strings {
            sst.extend((s.encode_utf16().count() as u16).to_le_bytes());
            sst.push(1); // fHighByte: two bytes a character
            sst.extend(utf16(s));
        }
        record(&mut g, 0x00FC, &sst);
        record(&mut g, 0x000A, &[]);
        g
    };
    // The sheet's offset does not change the globals' length.
    let at = globals(0).len() as u32;
    let mut stream = globals(at);
    record(&mut stream, 0x0809, &bof(0x0010));
    let rows = sheet.cells.iter().map(|c| c.0 as u32 + 1).max().unwrap_or(0);
    let cols = sheet.cells.iter().map(|c| c.1 + 1).max().unwrap_or(0);
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend(rows.to_le_bytes());
    dims.extend([0u8, 0]);
    dims.extend(cols.to_le_bytes());
    dims.extend([0u8, 0]);
    record(&mut stream, 0x0200, &dims);
    for (r, c, cell) in &sheet.cells {
        let mut data: Vec<u8> = [*r, *c, 0].iter().flat_map(|v| v.to_le_bytes()).collect();
        match cell {
            Cell::Text(t) => {
                data.extend((strings.iter().position(|s| s == t).unwrap() as u32).to_le_bytes());
                record(&mut stream, 0x00FD, &data);
            }
            Cell::Number(n) => {
                data.extend(n.to_le_bytes());
                record(&mut stream, 0x0203, &data);
            }
        }
    }
    if !sheet.merged.is_empty() {
        let mut m = (sheet.merged.len() as u16).to_le_bytes().to_vec();
        for (r0, r1, c0, c1) in &sheet.merged {
            m.extend([r0, r1, c0, c1].iter().flat_map(|v| v.to_le_bytes()));
        }
        record(&mut stream, 0x00E5, &m);
    }
    record(&mut stream, 0x000A, &[]);
    let mut file = cfb::create(path).expect("create the compound file");
    file.create_stream("/Workbook").expect("Workbook stream").write_all(&stream).expect("write the Workbook stream");
    file.flush().expect("flush the compound file");
}
