//! What an imported file may cost, checked before and while it is read: an
//! office's file, or a stranger's, must never take the app down. A file of a
//! few KB can declare a sheet of 17 billion cells, merge 16,384 columns or
//! inflate to gigabytes; here only real cells are kept, a workbook's parts
//! are measured by inflating them (declared sizes lie) before calamine holds
//! any of them, and every limit is far above a real 100,000-row roster.
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::cells::Raw;
use super::read::Grid;
use super::ImportError;

/// A file larger than this is refused from its metadata, before it is read.
/// (A generated 100,000-row roster: about 9 MB as .xlsx, 21 MB as .csv.)
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// Non-empty rows of a sheet.
pub const MAX_ROWS: usize = 200_000;
/// Columns read from A: Excel 2003's 256 (A..IV). A cell further right cannot
/// be under any header, so it is dropped, not refused.
pub const MAX_COLUMNS: usize = 256;
/// Cells kept for a sheet, the gaps in a row up to its last cell included:
/// a 100,000-row roster of 80 columns.
pub const MAX_CELLS: usize = 8_000_000;
/// Text kept for a sheet: a shared string is copied into every cell that
/// uses it, so a few KB could otherwise ask for gigabytes.
pub const MAX_TEXT_BYTES: usize = 64 << 20;
/// Cells an .xls may span over all its sheets, first to last cell of each
/// (calamine holds them all at once from the moment it opens the file): a
/// full .xls sheet of 65,536 rows and 45 columns.
pub const MAX_XLS_CELLS: u64 = 3_000_000;
/// A workbook part calamine holds whole (shared strings, styles, the
/// workbook, relationships), inflated. 100,000 rows of unique ID numbers,
/// names, phones and addresses make sharedStrings.xml about 15 MB.
pub const MAX_PART_BYTES: u64 = 128 << 20;
/// A worksheet part (streamed, never held whole), inflated.
pub const MAX_SHEET_PART_BYTES: u64 = 1 << 30;
/// `<mergeCell>` elements of one worksheet: calamine holds their list whole
/// (16 bytes each), and a 1 MB zip can declare 45 million.
pub const MAX_MERGES: usize = 100_000;
/// One cell of a worksheet, from its `<c` to the next cell, row or end of
/// the sheet data: calamine joins an inline string's runs into one string
/// and copies it. Excel's 32,767 characters, escaped, stay under 200 KB.
pub const MAX_CELL_XML: usize = 512 << 10;
/// The longest stretch between two `<` in an XML part: one tag or one text,
/// which the XML reader holds whole. A cell holds at most 32,767 characters.
pub const MAX_XML_RUN: usize = 1 << 20;
/// The longest line of a CSV file.
pub const MAX_LINE_BYTES: usize = 1 << 20;

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// The file's size from its metadata, before anything is read.
pub(crate) fn check_size(path: &Path) -> Result<(), ImportError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| ImportError::Unreadable { file: path.display().to_string(), why: e.to_string() })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(path, meta.len()));
    }
    Ok(())
}

/// A file of `len` bytes is over [`MAX_FILE_BYTES`].
pub(crate) fn too_large(path: &Path, len: u64) -> ImportError {
    ImportError::FileTooLarge { file: file_name(path), mb: len.div_ceil(1 << 20), limit_mb: MAX_FILE_BYTES >> 20 }
}

/// Every XML part of a zip-based workbook (.xlsx, .xlsm, .ods) inflated
/// through a byte counter, nothing kept: a part over its limit, or with a
/// tag or text longer than [`MAX_XML_RUN`], refuses the file. Parts that are
/// not XML (pictures, macros) calamine does not read, so neither does this.
pub(crate) fn check_parts(path: &Path) -> Result<(), ImportError> {
    let unreadable = |why: String| ImportError::Unreadable { file: path.display().to_string(), why };
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| unreadable(e.to_string()))?;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| unreadable(e.to_string()))?;
        let name = part.name().map_err(|e| unreadable(e.to_string()))?.to_string();
        let lower = name.to_lowercase();
        if !(lower.ends_with(".xml") || lower.ends_with(".rels")) {
            continue;
        }
        let sheet = lower.contains("worksheets/");
        let streamed = sheet || lower == "content.xml";
        let mut scan = sheet.then(SheetScan::default);
        let limit = if streamed { MAX_SHEET_PART_BYTES } else { MAX_PART_BYTES };
        let bloated = || ImportError::Bloated { file: file_name(path), part: name.clone() };
        let mut buf = vec![0u8; 64 << 10];
        let (mut total, mut run) = (0u64, 0usize);
        loop {
            let n = part.read(&mut buf).map_err(|e| unreadable(e.to_string()))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > limit {
                return Err(bloated());
            }
            for chunk in buf[..n].split_inclusive(|b| *b == b'<') {
                run += chunk.len();
                if run > MAX_XML_RUN {
                    return Err(bloated());
                }
                if chunk.last() == Some(&b'<') {
                    run = 0;
                }
                if let Some(scan) = &mut scan {
                    scan.piece(chunk).map_err(|excess| match excess {
                        Excess::Merges => {
                            ImportError::TooManyMerges { file: file_name(path), part: name.clone(), limit: MAX_MERGES }
                        }
                        Excess::Cell => ImportError::CellTooLong {
                            file: file_name(path),
                            part: name.clone(),
                            limit_kb: MAX_CELL_XML >> 10,
                        },
                    })?;
                }
            }
        }
    }
    Ok(())
}

/// What a worksheet part holds that calamine keeps whole, counted as the
/// part streams by: its merges and the bytes of each cell. A tag is known by
/// the name after its `<`, which may straddle two reads, so the name's first
/// bytes are gathered across pieces before it is looked at.
#[derive(Default)]
struct SheetScan {
    /// The current tag's first bytes, up to [`NAME`], while `naming`.
    name: Vec<u8>,
    naming: bool,
    merges: usize,
    in_cell: bool,
    cell: usize,
}

enum Excess {
    Merges,
    Cell,
}

/// Bytes of a tag's name looked at: `prefix:mergeCell` with a long prefix
/// is cut short, and then counts as no tag of interest.
const NAME: usize = 64;

fn name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':') || b >= 0x80
}

impl SheetScan {
    /// One piece of the part: the bytes after a `<` up to and including the
    /// next `<`, or up to the end of the current read.
    fn piece(&mut self, piece: &[u8]) -> Result<(), Excess> {
        let ends = piece.last() == Some(&b'<');
        if self.naming {
            let room = NAME - self.name.len();
            self.name.extend_from_slice(&piece[..piece.len().min(room)]);
            let body = self.name.strip_prefix(b"/").unwrap_or(&self.name);
            if ends || self.name.len() == NAME || body.iter().any(|b| !name_byte(*b)) {
                self.naming = false;
                self.tag()?;
            }
        }
        if self.in_cell {
            self.cell += piece.len();
            if self.cell > MAX_CELL_XML {
                return Err(Excess::Cell);
            }
        }
        if ends {
            self.naming = true;
            self.name.clear();
        }
        Ok(())
    }

    /// The tag whose name is gathered: a merge counted, a cell begun or ended.
    fn tag(&mut self) -> Result<(), Excess> {
        let (close, body) = match self.name.strip_prefix(b"/") {
            Some(body) => (true, body),
            None => (false, &self.name[..]),
        };
        let qualified = &body[..body.iter().position(|b| !name_byte(*b)).unwrap_or(body.len())];
        let local = qualified.rsplit(|b| *b == b':').next().unwrap_or(qualified);
        match (close, local) {
            (false, b"mergeCell") => {
                self.merges += 1;
                if self.merges > MAX_MERGES {
                    return Err(Excess::Merges);
                }
            }
            (false, b"c") => (self.in_cell, self.cell) = (true, 0),
            (true, b"c") | (_, b"row") | (_, b"sheetData") => self.in_cell = false,
            _ => {}
        }
        Ok(())
    }
}

/// A sheet's real cells as they are read: rows by number, each row's cells
/// by column, within the limits above.
pub(crate) struct Sparse {
    name: String,
    rows: BTreeMap<u32, Vec<(u16, Raw)>>,
    cells: usize,
    text: usize,
    /// The rightmost column holding a cell.
    right: u32,
}

impl Sparse {
    pub fn new(name: String) -> Self {
        Sparse { name, rows: BTreeMap::new(), cells: 0, text: 0, right: 0 }
    }

    /// Puts one cell; an empty one, or one right of [`MAX_COLUMNS`], costs nothing.
    pub fn put(&mut self, row: u32, col: u32, value: Raw) -> Result<(), ImportError> {
        if col as usize >= MAX_COLUMNS || value == Raw::Empty {
            return Ok(());
        }
        self.cells += 1;
        if let Raw::Text(s) = &value {
            self.text += s.len();
        }
        if !self.rows.contains_key(&row) && self.rows.len() >= MAX_ROWS {
            return Err(ImportError::TooManyRows { sheet: self.name.clone(), limit: MAX_ROWS });
        }
        self.within_budget()?;
        self.right = self.right.max(col);
        self.rows.entry(row).or_default().push((col as u16, value));
        Ok(())
    }

    fn within_budget(&self) -> Result<(), ImportError> {
        if self.cells > MAX_CELLS || self.text > MAX_TEXT_BYTES {
            return Err(too_much(&self.name));
        }
        Ok(())
    }

    /// Fills a merged area with its top-left value, clipped to the data: only
    /// rows that hold a cell and columns up to the rightmost cell of the
    /// sheet, so a merge declared over a whole row or sheet costs what the
    /// data does.
    pub fn merge(&mut self, (r0, c0): (u32, u32), (r1, c1): (u32, u32)) -> Result<(), ImportError> {
        let found = self.rows.get(&r0).and_then(|r| r.iter().rev().find(|(c, _)| *c as u32 == c0));
        let Some((_, value)) = found.cloned().filter(|_| r1 >= r0) else { return Ok(()) };
        let c1 = c1.min(self.right);
        let text = if let Raw::Text(s) = &value { s.len() } else { 0 };
        for (r, cells) in self.rows.range_mut(r0..=r1) {
            for c in (c0..=c1).filter(|c| (*r, *c) != (r0, c0)) {
                cells.push((c as u16, value.clone()));
                self.cells += 1;
                self.text += text;
                if self.cells > MAX_CELLS || self.text > MAX_TEXT_BYTES {
                    return Err(too_much(&self.name));
                }
            }
        }
        Ok(())
    }

    /// The sheet as rows of cells from column A; trailing rows without text
    /// left out. A cell given twice keeps its last value.
    pub fn into_grid(self) -> Result<Grid, ImportError> {
        let Sparse { name, rows, .. } = self;
        let slots: usize = rows.values().map(|r| r.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0)).sum();
        if slots > MAX_CELLS {
            return Err(too_much(&name));
        }
        let mut out: Vec<(usize, Vec<Raw>)> = Vec::with_capacity(rows.len());
        for (r, cells) in rows {
            let width = cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
            let mut dense = vec![Raw::Empty; width];
            for (c, v) in cells {
                dense[c as usize] = v;
            }
            out.push((r as usize, dense));
        }
        while out.last().is_some_and(|(_, r)| r.iter().all(|c| c.text().is_none())) {
            out.pop();
        }
        Ok(Grid { name, rows: out })
    }
}

fn too_much(sheet: &str) -> ImportError {
    ImportError::TooMuchContent { sheet: sheet.to_string(), cells: MAX_CELLS / 10_000, mb: MAX_TEXT_BYTES >> 20 }
}
