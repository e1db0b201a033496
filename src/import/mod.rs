//! Importing an office's existing spreadsheets (导入): find the header row
//! under any titles, map columns to fields by their Chinese headers and
//! synonyms, check every row with the registers' own rules, and import in
//! one transaction through the one write path — either the valid rows (the
//! rejected ones come back as an .xlsx with a reason column) or nothing.
//!
//! The preview is the import itself, run and rolled back
//! ([`Store::dry_run`]): what it reports is exactly what importing would do.
pub mod cells;
mod elderly;
pub mod read;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::{Actor, Permission};
use crate::store::{Store, WriteTx};
use crate::Result;
use cells::Raw;
use read::Grid;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("无法读取文件“{file}”（{why}）。请确认文件没有在 Excel 或 WPS 中打开，且不是加密文件")]
    Unreadable { file: String, why: String },
    #[error("文件“{0}”不是可导入的表格：请选择 .xlsx、.xls 或 .csv 文件")]
    Format(String),
    #[error("在工作表“{0}”前20行中找不到表头（如“姓名”“身份证号”）。请确认选对了工作表，或在下方手动指定各列")]
    NoHeader(String),
    #[error("没有找到“{0}”列：这一列必须有。请在列对应中指定它")]
    MissingColumn(&'static str),
    #[error("没有名为“{0}”的工作表")]
    NoSheet(String),
    #[error(
        "文件中有{0}人已在台账中，按您的选择（遇到已登记人员即停止）未导入任何数据。可改选“更新”或“跳过”后重新导入"
    )]
    Existing(usize),
    #[error("有{0}行有问题，按您的选择（全部正确才导入）未导入任何数据。请按预览中的说明修改后重新导入，或改选“只导入正确的行”")]
    Rejected(usize),
    #[error("没有名为“{0}”的导入类型：可选 elderly（老年人花名册）")]
    NoRegister(String),
    /// Internal: the fast first try met a row that fails; never shown.
    #[error("导入需要逐行重试")]
    Unguarded,
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Unreadable { .. } => "import.unreadable",
            ImportError::Format(_) => "import.format",
            ImportError::NoHeader(_) => "import.no_header",
            ImportError::MissingColumn(_) => "import.missing_column",
            ImportError::NoSheet(_) => "import.no_sheet",
            ImportError::Existing(_) => "import.existing",
            ImportError::Rejected(_) => "import.rejected",
            ImportError::NoRegister(_) => "import.no_register",
            ImportError::Unguarded => "import.retry",
        }
    }
}

/// A field a column can feed, with the headers it is known by.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub synonyms: &'static [&'static str],
    pub required: bool,
}

/// What to do with a person already in the register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Existing {
    /// Update their entry from the file.
    Update,
    /// Leave them as they are.
    #[default]
    Skip,
    /// Import nothing.
    Stop,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    pub sheet: Option<String>,
    /// Field key to the header text (or column letter) chosen by the user.
    pub mapping: BTreeMap<String, String>,
    /// Per field, a value in the file to the value to use (an unknown
    /// community or category mapped to a known one).
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    pub existing: Existing,
    /// Import nothing unless every row is right.
    pub all_or_nothing: bool,
}

/// A problem with a cell or a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The row as Excel numbers it.
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Preview {
    pub sheets: Vec<String>,
    pub sheet: String,
    /// The header row as Excel numbers it.
    pub header_row: usize,
    pub headers: Vec<String>,
    /// Field key to the column index used (absent: not found).
    pub mapping: BTreeMap<String, usize>,
    pub fields: Vec<(String, String, bool)>,
    pub rows: usize,
    pub new: usize,
    pub existing: usize,
    pub problems: Vec<Problem>,
    /// Unknown values by field, to offer a mapping to known ones.
    pub unknown: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Outcome {
    pub imported: usize,
    pub updated: usize,
    pub skipped: usize,
    pub rejected: usize,
    pub problems: Vec<Problem>,
}

/// The registers that can be imported: (code, label, fields).
pub fn registers() -> Vec<(&'static str, &'static str)> {
    vec![("elderly", "老年人花名册")]
}

fn fields_of(register: &str) -> Result<&'static [Field]> {
    match register {
        "elderly" => Ok(elderly::FIELDS),
        other => Err(ImportError::NoRegister(other.to_string()).into()),
    }
}

/// A sheet, its header row and the column of each field.
pub(crate) struct Layout<'g> {
    pub grid: &'g Grid,
    pub header_row: usize,
    pub columns: BTreeMap<&'static str, usize>,
}

impl Layout<'_> {
    pub fn cell(&self, row: &[Raw], key: &str) -> Raw {
        self.columns.get(key).and_then(|c| row.get(*c)).cloned().unwrap_or(Raw::Empty)
    }

    pub fn header(&self, key: &str) -> String {
        self.columns.get(key).map(|c| header_text(self.grid, self.header_row, *c)).unwrap_or_default()
    }
}

fn header_text(grid: &Grid, row: usize, col: usize) -> String {
    grid.rows.get(row).and_then(|r| r.get(col)).and_then(Raw::text).unwrap_or_default()
}

fn normalise(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | ':' | '：' | '(' | ')' | '（' | '）'))
        .collect()
}

/// The header row: among the first 20, the one naming the most fields.
fn layout<'g>(grid: &'g Grid, fields: &'static [Field], options: &Options) -> Result<Layout<'g>> {
    let matches = |row: &[Raw]| -> BTreeMap<&'static str, usize> {
        let mut found = BTreeMap::new();
        for (c, cell) in row.iter().enumerate() {
            let Some(h) = cell.text().map(|t| normalise(&t)) else { continue };
            if let Some(f) = fields.iter().find(|f| f.synonyms.iter().any(|s| normalise(s) == h)) {
                found.entry(f.key).or_insert(c);
            }
        }
        found
    };
    let (header_row, mut columns) = grid
        .rows
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, r)| (i, matches(r)))
        .max_by_key(|(i, m)| (m.len(), std::cmp::Reverse(*i)))
        .filter(|(_, m)| m.len() >= 2)
        .ok_or_else(|| ImportError::NoHeader(grid.name.clone()))?;
    // The user's choices win over what was guessed.
    for (key, chosen) in &options.mapping {
        let Some(f) = fields.iter().find(|f| f.key == key) else { continue };
        let col = (0..grid.rows[header_row].len())
            .find(|c| header_text(grid, header_row, *c) == *chosen)
            .or_else(|| column_letter(chosen));
        match col {
            Some(c) => {
                columns.insert(f.key, c);
            }
            None => {
                columns.remove(f.key);
            }
        }
    }
    if let Some(f) = fields.iter().find(|f| f.required && !columns.contains_key(f.key)) {
        return Err(ImportError::MissingColumn(f.label).into());
    }
    Ok(Layout { grid, header_row, columns })
}

fn column_letter(s: &str) -> Option<usize> {
    let s = s.trim().to_uppercase();
    (!s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_uppercase()))
        .then(|| s.chars().fold(0usize, |acc, c| acc * 26 + (c as usize - 'A' as usize + 1)) - 1)
}

/// What importing the file would do, without doing it.
pub fn preview(
    store: &mut Store,
    actor: &Actor,
    register: &str,
    path: &Path,
    options: &Options,
    today: NaiveDate,
) -> Result<Preview> {
    actor.require(Permission::Write)?;
    let fields = fields_of(register)?;
    let grids = read::read(path)?;
    let grid = sheet_for(&grids, fields, options)?;
    let layout = layout(grid, fields, options)?;
    let mut preview = Preview {
        sheets: grids.iter().map(|g| g.name.clone()).collect(),
        sheet: grid.name.clone(),
        header_row: layout.header_row + 1,
        headers: grid.rows[layout.header_row].iter().map(|c| c.text().unwrap_or_default()).collect(),
        mapping: layout.columns.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        fields: fields.iter().map(|f| (f.key.to_string(), f.label.to_string(), f.required)).collect(),
        ..Preview::default()
    };
    let outcome = store.dry_run(actor, |w| run(w, register, &layout, options, today, true, true))?;
    preview.rows = outcome.imported + outcome.updated + outcome.skipped + outcome.rejected;
    preview.new = outcome.imported;
    preview.existing = outcome.updated + outcome.skipped;
    for p in &outcome.problems {
        if let Some(value) = p.message.strip_prefix("未知值：") {
            let (field, value) = value.split_once('=').unwrap_or(("", value));
            let list = preview.unknown.entry(field.to_string()).or_default();
            if !list.iter().any(|v| v == value) {
                list.push(value.to_string());
            }
        }
    }
    preview.problems = outcome.problems.into_iter().map(readable).collect();
    Ok(preview)
}

/// The sheet named, or the first whose header names the register's fields,
/// or else the first with rows (whose missing header is then reported).
fn sheet_for<'a>(grids: &'a [Grid], fields: &'static [Field], options: &Options) -> Result<&'a Grid> {
    if let Some(name) = options.sheet.as_deref().filter(|s| !s.is_empty()) {
        return grids.iter().find(|g| g.name == name).ok_or_else(|| ImportError::NoSheet(name.to_string()).into());
    }
    grids
        .iter()
        .find(|g| layout(g, fields, options).is_ok())
        .or_else(|| grids.iter().find(|g| g.rows.len() > 1))
        .or(grids.first())
        .ok_or_else(|| ImportError::NoHeader(String::new()).into())
}

/// Imports the file. With `rejected_out`, the rows not imported are written
/// there with a reason column, ready to fix and import again.
pub fn import(
    store: &mut Store,
    actor: &Actor,
    register: &str,
    path: &Path,
    options: &Options,
    rejected_out: Option<&Path>,
    today: NaiveDate,
) -> Result<Outcome> {
    actor.require(Permission::Write)?;
    let fields = fields_of(register)?;
    let grids = read::read(path)?;
    let grid = sheet_for(&grids, fields, options)?;
    let layout = layout(grid, fields, options)?;
    // Rows are checked before they are written, so nearly always every row
    // that passes goes in: first without per-row savepoints (much faster);
    // if a row fails in the registers' own checks after all, the whole
    // attempt is rolled back and the import runs again row by row.
    let mut outcome = match store.write(actor, |w| run(w, register, &layout, options, today, false, false)) {
        Err(crate::Error::Import(ImportError::Unguarded)) => {
            store.write(actor, |w| run(w, register, &layout, options, today, false, true))?
        }
        other => other?,
    };
    outcome.problems = outcome.problems.into_iter().map(readable).collect();
    if let Some(out) = rejected_out.filter(|_| outcome.rejected > 0) {
        write_rejected(&layout, &outcome.problems, out)?;
    }
    store.optimize()?;
    crate::audit::record(
        store,
        &actor.user,
        crate::audit::Action::Import,
        &path.display().to_string(),
        &format!(
            "新增{}人，更新{}人，跳过{}人，退回{}行",
            outcome.imported, outcome.updated, outcome.skipped, outcome.rejected
        ),
    )?;
    Ok(outcome)
}

fn readable(mut p: Problem) -> Problem {
    if let Some(v) = p.message.strip_prefix("未知值：") {
        let (_, value) = v.split_once('=').unwrap_or(("", v));
        p.message = format!("“{value}”不在可选范围内：请改成已有的选项，或在导入页面把它对应到已有选项");
    }
    p
}

/// Every row in one transaction: each row in its own savepoint, so a bad
/// row is undone alone and reported; then all-or-nothing and stop-on-existing
/// fail the whole write, which the caller rolls back.
fn run(
    w: &mut WriteTx,
    register: &str,
    layout: &Layout,
    options: &Options,
    today: NaiveDate,
    dry: bool,
    guarded: bool,
) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    let mut seen_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut existing_found = 0;
    for (i, row) in layout.grid.rows.iter().enumerate().skip(layout.header_row + 1) {
        if row.iter().all(|c| c.text().is_none()) {
            continue;
        }
        let line = i + 1;
        let result = match register {
            "elderly" => elderly::row(w, layout, row, line, options, &mut seen_ids, today, guarded),
            other => return Err(ImportError::NoRegister(other.to_string()).into()),
        };
        match result {
            RowResult::Imported => outcome.imported += 1,
            RowResult::Updated => {
                outcome.updated += 1;
                existing_found += 1;
            }
            RowResult::Skipped => {
                outcome.skipped += 1;
                existing_found += 1;
            }
            RowResult::Rejected(problems) => {
                outcome.rejected += 1;
                outcome.problems.extend(problems);
            }
            RowResult::Unguarded => return Err(ImportError::Unguarded.into()),
        }
    }
    if options.existing == Existing::Stop && existing_found > 0 && !dry {
        return Err(ImportError::Existing(existing_found).into());
    }
    if options.all_or_nothing && outcome.rejected > 0 && !dry {
        return Err(ImportError::Rejected(outcome.rejected).into());
    }
    Ok(outcome)
}

pub(crate) enum RowResult {
    /// A row failed while written without its own savepoint: start again.
    Unguarded,
    Imported,
    Updated,
    Skipped,
    Rejected(Vec<Problem>),
}

/// The rejected rows, as they were, with a 问题说明 column first.
fn write_rejected(layout: &Layout, problems: &[Problem], out: &Path) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let cannot = |e: rust_xlsxwriter::XlsxError| -> crate::Error {
        crate::validate::invalid("path", format!("无法写入“{}”（{e}），请换一个保存位置", out.display())).into()
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let text = Format::new().set_font_name("宋体").set_num_format("@");
    let bold = Format::new().set_font_name("宋体").set_bold();
    sheet.write_string_with_format(0, 0, "问题说明", &bold).map_err(cannot)?;
    sheet.set_column_width(0, 50).map_err(cannot)?;
    for (c, h) in layout.grid.rows[layout.header_row].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16 + 1, h.text().unwrap_or_default(), &bold).map_err(cannot)?;
        sheet.set_column_width(c as u16 + 1, 14).map_err(cannot)?;
    }
    let mut by_row: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for p in problems {
        by_row.entry(p.row).or_default().push(if p.column.is_empty() {
            p.message.clone()
        } else {
            format!("{}：{}", p.column, p.message)
        });
    }
    for (n, (line, reasons)) in by_row.iter().enumerate() {
        let r = n as u32 + 1;
        sheet.write_string_with_format(r, 0, format!("原第{line}行：{}", reasons.join("；")), &text).map_err(cannot)?;
        for (c, cell) in layout.grid.rows[line - 1].iter().enumerate() {
            // Everything as text: ID numbers must never become numbers again.
            sheet.write_string_with_format(r, c as u16 + 1, cell.text().unwrap_or_default(), &text).map_err(cannot)?;
        }
    }
    book.save(out).map_err(cannot)?;
    Ok(())
}

/// An import template: the headers, a notes row, and drop-down lists from
/// the dictionaries.
pub fn template(conn: &rusqlite::Connection, register: &str, path: &Path) -> Result<()> {
    use rust_xlsxwriter::{DataValidation, Format, Workbook};
    let fields = fields_of(register)?;
    let cannot = |e: rust_xlsxwriter::XlsxError| -> crate::Error {
        crate::validate::invalid("path", format!("无法写入“{}”（{e}），请换一个保存位置", path.display())).into()
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("导入模板").map_err(cannot)?;
    let bold = Format::new().set_font_name("宋体").set_bold();
    let note = Format::new().set_font_name("宋体").set_font_color(rust_xlsxwriter::Color::Gray).set_text_wrap();
    let text = Format::new().set_font_name("宋体").set_num_format("@");
    for (c, f) in fields.iter().enumerate() {
        let c = c as u16;
        let title = if f.required { format!("{}*", f.label) } else { f.label.to_string() };
        sheet.write_string_with_format(0, c, &title, &bold).map_err(cannot)?;
        sheet.set_column_width(c, if f.key == "id_number" { 22 } else { 14 }).map_err(cannot)?;
        let (hint, list) = elderly::hint(conn, f.key)?;
        sheet.write_string_with_format(1, c, &hint, &note).map_err(cannot)?;
        if f.key == "id_number" || f.key == "phone" || f.key.ends_with("phone") {
            sheet.set_column_format(c, &text).map_err(cannot)?;
        }
        if let Some(list) = list.filter(|l| !l.is_empty() && l.iter().map(|s| s.len() + 1).sum::<usize>() < 250) {
            let dv = DataValidation::new().allow_list_strings(&list).map_err(cannot)?;
            sheet.add_data_validation(2, c, 10_000, c, &dv).map_err(cannot)?;
        }
    }
    sheet.set_row_height(1, 45).map_err(cannot)?;
    sheet.set_freeze_panes(2, 0).map_err(cannot)?;
    book.save(path).map_err(cannot)?;
    Ok(())
}
