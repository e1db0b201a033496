//! Importing an office's existing spreadsheets (导入): find the header row
//! under any titles, map columns to fields by their Chinese headers and
//! synonyms, check every row with the registers' own rules, and import in
//! one transaction through the one write path — either the valid rows (the
//! rejected ones come back as an .xlsx with a reason column) or nothing.
//!
//! The preview is the import itself, run and rolled back
//! ([`Store::dry_run`]): what it reports is exactly what importing would do.
//!
//! Each register is a module saying which fields it has, its natural key
//! (what makes a row "already registered", so importing the same file twice
//! adds nothing twice) and which of its core functions a row goes through:
//! `elderly` (ID number), `employment` (ID number), `households` (户主身份证号,
//! one row per member), `mediation` (受理日期, 纠纷类型 and the first
//! applicant). Cells are parsed in `fields` and `cells`, files read in `read`.
mod bounds;
pub mod cells;
mod elderly;
mod employment;
pub mod fields;
mod footer;
mod households;
mod layout;
mod mediation;
mod ods_extent;
mod output;
pub mod read;
mod xls_extent;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::{Actor, Permission};
use crate::store::{Store, WriteTx};
use crate::{Error, Result};
use cells::Raw;
use fields::{Field, Lists, Row};
pub use footer::FooterRow;
pub(crate) use layout::Layout;

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
        "文件中有{0}行是台账中已有的记录，按您的选择（遇到已登记的即停止）未导入任何数据。可改选“更新”或“跳过”后重新导入"
    )]
    Existing(usize),
    #[error("有{0}行有问题，按您的选择（全部正确才导入）未导入任何数据。请按预览中的说明修改后重新导入，或改选“只导入正确的行”")]
    Rejected(usize),
    #[error("没有名为“{0}”的导入类型：可选 {list}", list = register_list())]
    NoRegister(String),
    #[error("数据已导入（{summary}），但有问题的行没能写成文件：{why}。换一个保存位置后，用同一个文件再导入一次即可：已导入的不会重复，有问题的行会写到新位置")]
    RejectedFile { summary: String, why: String },
    #[error("文件“{file}”有{mb} MB，超过一次可导入的{limit_mb} MB。请把它拆成几个较小的文件分别导入")]
    FileTooLarge { file: String, mb: u64, limit_mb: u64 },
    #[error(
        "工作表“{sheet}”有数据的行超过{limit}行，超出一次可导入的行数。请把它拆成几个文件分别导入，每个不超过{limit}行"
    )]
    TooManyRows { sheet: String, limit: usize },
    #[error("工作表“{sheet}”的内容超出一次可导入的范围（最多{cells}万个单元格、{mb} MB 文字）。请删去不需要的列和行，或把它拆成几个文件分别导入")]
    TooMuchContent { sheet: String, cells: usize, mb: usize },
    #[error("文件“{file}”的内部结构异常（其中“{part}”解压后过大），不像正常的表格，可能已损坏。请在 Excel 或 WPS 中打开它，另存为新的 .xlsx 文件后再导入")]
    Bloated { file: String, part: String },
    #[error("文件“{file}”的“{part}”中合并单元格超过{limit}处，不像正常的表格，可能已损坏。请在 Excel 或 WPS 中取消多余的合并单元格，或另存为新的 .xlsx 文件后再导入")]
    TooManyMerges { file: String, part: String, limit: usize },
    #[error("文件“{file}”的“{part}”中有一个单元格超过{limit_kb} KB（Excel 一个单元格最多 32767 个字），文件可能已损坏。请在 Excel 或 WPS 中打开它，另存为新的 .xlsx 文件后再导入")]
    CellTooLong { file: String, part: String, limit_kb: usize },
    #[error("文件“{file}”中的工作表范围过大（超过{cells}万个单元格，常因远处有一个多余的单元格）。请在 Excel 或 WPS 中删去数据以外的行和列，或另存为 .xlsx 后再导入")]
    SheetTooWide { file: String, cells: u64 },
    #[error("文件“{0}”含有空字符，不是文本格式的 CSV 文件（可能是改了扩展名的 Excel 表格，或另存成了“Unicode 文本”）。请选择原来的 .xlsx 文件，或在 Excel 中另存为“CSV UTF-8”后再导入")]
    NotText(String),
    #[error("CSV 文件“{file}”第{line}行超过{limit_kb} KB，不像表格中的一行，文件可能已损坏或不是 CSV。请在 Excel 或 WPS 中打开它，另存为 .xlsx 后再导入")]
    LineTooLong { file: String, line: usize, limit_kb: usize },
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
            ImportError::RejectedFile { .. } => "import.rejected_file",
            ImportError::FileTooLarge { .. } => "import.file_too_large",
            ImportError::TooManyRows { .. } => "import.too_many_rows",
            ImportError::TooMuchContent { .. } => "import.too_much_content",
            ImportError::Bloated { .. } => "import.bloated",
            ImportError::TooManyMerges { .. } => "import.too_many_merges",
            ImportError::CellTooLong { .. } => "import.cell_too_long",
            ImportError::NotText(_) => "import.not_text",
            ImportError::SheetTooWide { .. } => "import.sheet_too_wide",
            ImportError::LineTooLong { .. } => "import.line_too_long",
            ImportError::Unguarded => "import.retry",
        }
    }
}

/// What to do with a record already in the register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Existing {
    /// Update it from the file (a mediation case, which changes only by
    /// its dated steps, is left as it is).
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
    /// Told how far the rows have got (the desktop shows it on a long file).
    #[serde(skip)]
    pub on_progress: OnProgress,
}

/// How many of a file's rows have been checked (a preview) or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Whom to tell a long run's [`Progress`]: every [`PROGRESS_EVERY`] rows,
/// and at the end.
#[derive(Clone, Default)]
pub struct OnProgress(Option<std::sync::Arc<dyn Fn(Progress) + Send + Sync>>);

/// Rows between two reports of progress: a 100,000-row file makes 100.
pub const PROGRESS_EVERY: usize = 1000;

impl OnProgress {
    pub fn new(f: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        OnProgress(Some(std::sync::Arc::new(f)))
    }

    fn tell(&self, done: usize, total: usize) {
        if let Some(f) = &self.0 {
            if done == total || done.is_multiple_of(PROGRESS_EVERY) {
                f(Progress { done, total });
            }
        }
    }
}

impl std::fmt::Debug for OnProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "OnProgress(..)" } else { "OnProgress(none)" })
    }
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
    /// The known values offered for them, by field.
    pub choices: BTreeMap<String, Vec<String>>,
    /// What a row counts (人, 件).
    pub unit: String,
    /// Rows after the data that are no records (合计, 填表人…): skipped.
    pub footer: Vec<FooterRow>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Outcome {
    pub imported: usize,
    pub updated: usize,
    pub skipped: usize,
    pub rejected: usize,
    pub problems: Vec<Problem>,
    /// Rows after the data that are no records (合计, 填表人…): skipped.
    pub footer: Vec<FooterRow>,
}

/// A register that can be imported.
pub(crate) struct Register {
    pub code: &'static str,
    pub label: &'static str,
    /// What one row counts.
    pub unit: &'static str,
    pub fields: &'static [Field],
    rows: Rows,
}

/// How a register takes the file's rows.
enum Rows {
    /// One record a row.
    Each(OneRow),
    /// Records of several rows: a result for every row.
    Grouped(AllRows),
}

type OneRow = fn(&mut WriteTx, &mut Run, &Layout, &[Raw], usize) -> Result<RowResult>;
type AllRows = fn(&mut WriteTx, &mut Run, &Layout, &[Line]) -> Result<Vec<RowResult>>;

/// A row of the file: its number as Excel shows it, and its cells.
pub(crate) type Line<'g> = (usize, &'g [Raw]);

const REGISTERS: [Register; 4] = [
    Register {
        code: "elderly",
        label: "老年人花名册",
        unit: "人",
        fields: elderly::FIELDS,
        rows: Rows::Each(elderly::row),
    },
    Register {
        code: "employment",
        label: "就业援助对象",
        unit: "人",
        fields: employment::FIELDS,
        rows: Rows::Each(employment::row),
    },
    Register {
        code: "households",
        label: "家庭户（零就业家庭）",
        unit: "人",
        fields: households::FIELDS,
        rows: Rows::Grouped(households::rows),
    },
    Register {
        code: "mediation",
        label: "人民调解案件",
        unit: "件",
        fields: mediation::FIELDS,
        rows: Rows::Each(mediation::row),
    },
];

/// The registers that can be imported: (code, label).
pub fn registers() -> Vec<(&'static str, &'static str)> {
    REGISTERS.iter().map(|r| (r.code, r.label)).collect()
}

/// What a register's import template is called (its file's name).
pub fn template_name(register: &str) -> String {
    let label = REGISTERS.iter().find(|r| r.code == register).map_or("导入", |r| r.label);
    format!("{label}导入模板")
}

/// A register's columns, in the template's order.
pub fn fields(register: &str) -> Result<&'static [Field]> {
    Ok(self::register(register)?.fields)
}

fn register_list() -> String {
    REGISTERS.iter().map(|r| format!("{}（{}）", r.code, r.label)).collect::<Vec<_>>().join("、")
}

fn register(code: &str) -> Result<&'static Register> {
    REGISTERS.iter().find(|r| r.code == code).ok_or_else(|| ImportError::NoRegister(code.to_string()).into())
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
    let register = self::register(register)?;
    let grids = read::read(path)?;
    let grid = layout::sheet_for(&grids, register.fields, options)?;
    let layout = layout::layout(grid, register.fields, options)?;
    let mut preview = Preview {
        sheets: grids.iter().map(|g| g.name.clone()).collect(),
        sheet: grid.name.clone(),
        header_row: layout.header_row + 1,
        headers: grid.row(layout.header_row).iter().map(|c| c.text().unwrap_or_default()).collect(),
        mapping: layout.columns.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        fields: register.fields.iter().map(|f| (f.key.to_string(), f.label.to_string(), f.required)).collect(),
        unit: register.unit.to_string(),
        ..Preview::default()
    };
    // As the import does: without per-row savepoints first, row by row
    // only if a row fails in the registers' own checks after all.
    let outcome = match store.dry_run(actor, |w| run(w, register, &layout, options, today, true, false)) {
        Err(Error::Import(ImportError::Unguarded)) => {
            store.dry_run(actor, |w| run(w, register, &layout, options, today, true, true))?
        }
        other => other?,
    };
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
    for key in preview.unknown.keys() {
        if let Some(f) = register.fields.iter().find(|f| f.key == key) {
            let offered = fields::choices(store.conn(), f)?.unwrap_or_default();
            preview.choices.insert(key.clone(), offered);
        }
    }
    preview.problems = outcome.problems.into_iter().map(readable).collect();
    preview.footer = outcome.footer;
    Ok(preview)
}

/// Imports the file. With `rejected_out`, the rows not imported are written
/// there with a reason column, ready to fix and import again; a place
/// [`crate::export::check`] refuses is refused before anything is imported.
pub fn import(
    store: &mut Store,
    actor: &Actor,
    register: &str,
    path: &Path,
    options: &Options,
    rejected_out: Option<&crate::export::Target>,
    today: NaiveDate,
) -> Result<Outcome> {
    actor.require(Permission::Write)?;
    rejected_out.map_or(Ok(()), |out| crate::export::check(store, out))?;
    let register = self::register(register)?;
    let grids = read::read(path)?;
    let grid = layout::sheet_for(&grids, register.fields, options)?;
    let layout = layout::layout(grid, register.fields, options)?;
    // Rows are checked before they are written, so nearly always every row
    // that passes goes in: first without per-row savepoints (much faster);
    // if a row fails in the registers' own checks after all, the whole
    // attempt is rolled back and the import runs again row by row.
    let mut outcome = match store.write(actor, |w| run(w, register, &layout, options, today, false, false)) {
        Err(Error::Import(ImportError::Unguarded)) => {
            store.write(actor, |w| run(w, register, &layout, options, today, false, true))?
        }
        other => other?,
    };
    outcome.problems = outcome.problems.into_iter().map(readable).collect();
    let unit = register.unit;
    let summary = format!(
        "新增{}{unit}，更新{}{unit}，跳过{}{unit}，退回{}行",
        outcome.imported, outcome.updated, outcome.skipped, outcome.rejected
    );
    // The rows are in: recorded before anything else can fail.
    let detail = format!("{}：{summary}", register.label);
    crate::audit::record(store, &actor.user, crate::audit::Action::Import, &path.display().to_string(), &detail)?;
    store.optimize()?;
    if let Some(out) = rejected_out.filter(|_| outcome.rejected > 0) {
        crate::export::write(store, out, |temp| output::rejected(&layout, &outcome.problems, temp))
            .map_err(|e| ImportError::RejectedFile { summary, why: e.to_string() })?;
    }
    Ok(outcome)
}

/// An import template: the headers, a notes row, and drop-down lists from
/// the dictionaries. Written where [`crate::export::check`] allows.
pub fn template(store: &Store, register: &str, target: impl Into<crate::export::Target>) -> Result<()> {
    let register = self::register(register)?;
    crate::export::write(store, &target.into(), |temp| output::template(store.conn(), register, temp))
}

fn readable(mut p: Problem) -> Problem {
    if let Some(v) = p.message.strip_prefix("未知值：") {
        let (_, value) = v.split_once('=').unwrap_or(("", v));
        p.message = format!("“{value}”不在可选范围内：请改成已有的选项，或在导入页面把它对应到已有选项");
    }
    p
}

/// Every row in one transaction: each row (a household: its rows) in its
/// own savepoint, so a bad one is undone alone and reported; then
/// all-or-nothing and stop-on-existing fail the whole write, which the
/// caller rolls back.
fn run(
    w: &mut WriteTx,
    register: &Register,
    layout: &Layout,
    options: &Options,
    today: NaiveDate,
    dry: bool,
    guarded: bool,
) -> Result<Outcome> {
    let mut ctx = Run { options, today, guarded, lists: Lists::default(), seen: HashMap::new(), done: 0, total: 0 };
    let first = layout.header_row + 1;
    let rows: Vec<Line> = (layout.grid.rows.iter())
        .filter(|(i, r)| *i >= first && r.iter().any(|c| c.text().is_some()))
        .filter(|(i, r)| *i != first || !fields::is_notes_row(layout, r))
        .map(|(i, r)| (i + 1, r.as_slice()))
        .collect();
    let (rows, footer, totals_inside) = footer::split(rows);
    ctx.total = rows.len();
    let results = match register.rows {
        Rows::Grouped(all) => all(w, &mut ctx, layout, &rows)?,
        Rows::Each(one) => {
            let mut results = Vec::with_capacity(rows.len());
            for (line, cells) in rows {
                let result = one(w, &mut ctx, layout, cells, line)?;
                ctx.rows_done(1);
                let stop = matches!(result, RowResult::Unguarded);
                results.push(result);
                if stop {
                    break;
                }
            }
            results
        }
    };
    let mut outcome = Outcome { footer, ..Outcome::default() };
    let mut existing_found = 0;
    let totals_inside = totals_inside.into_iter().map(|p| RowResult::Rejected(vec![p]));
    for result in results.into_iter().chain(totals_inside) {
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
    outcome.problems.sort_by_key(|p| p.row);
    if options.existing == Existing::Stop && existing_found > 0 && !dry {
        return Err(ImportError::Existing(existing_found).into());
    }
    if options.all_or_nothing && outcome.rejected > 0 && !dry {
        return Err(ImportError::Rejected(outcome.rejected).into());
    }
    Ok(outcome)
}

#[derive(Debug)]
pub(crate) enum RowResult {
    /// A row failed while written without its own savepoint: start again.
    Unguarded,
    Imported,
    Updated,
    Skipped,
    Rejected(Vec<Problem>),
}

/// What one import run carries from row to row, and the steps every
/// register takes with a row: parse it, catch a repeat of an earlier row,
/// write it as the user chose for records already there, and turn a
/// register's refusal into a problem on the right column.
pub(crate) struct Run<'a> {
    pub options: &'a Options,
    pub today: NaiveDate,
    guarded: bool,
    lists: Lists,
    /// Natural keys met so far, with the row each was first on.
    seen: HashMap<String, usize>,
    /// Rows dealt with, of all the file's rows: told to `options.on_progress`.
    done: usize,
    total: usize,
}

impl Run<'_> {
    /// `n` more rows are dealt with.
    pub fn rows_done(&mut self, n: usize) {
        for _ in 0..n {
            self.done += 1;
            self.options.on_progress.tell(self.done, self.total);
        }
    }

    pub fn parse<'l>(&mut self, w: &WriteTx, layout: &'l Layout<'l>, cells: &[Raw], line: usize) -> Result<Row<'l>> {
        fields::parse(w.conn(), &mut self.lists, layout, cells, line, self.options)
    }

    /// A row of a register with one record a person: parsed, a second row
    /// of the same person caught, and the person's record already there
    /// (`record_of` a person id); or the row's problems.
    pub fn person_row<'l>(
        &mut self,
        w: &WriteTx,
        layout: &'l Layout<'l>,
        cells: &[Raw],
        line: usize,
        record_of: impl FnOnce(&rusqlite::Connection, &str) -> Result<Option<String>>,
    ) -> Result<std::result::Result<(Row<'l>, Option<String>), RowResult>> {
        let mut row = self.parse(w, layout, cells, line)?;
        self.same_person(&mut row, "id_number");
        if !row.problems.is_empty() {
            return Ok(Err(RowResult::Rejected(std::mem::take(&mut row.problems))));
        }
        let found = match crate::person::find_by_id_number(w.conn(), &row.text("id_number").unwrap_or_default())? {
            Some(person) => record_of(w.conn(), &person)?,
            None => None,
        };
        Ok(Ok((row, found)))
    }

    /// The row this natural key was first on, or `None` (and it is noted)
    /// when this is its first row.
    pub fn repeat_of(&mut self, key: String, line: usize) -> Option<usize> {
        match self.seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(line);
                None
            }
        }
    }

    /// A person's row met before in the file (same ID number) is a problem.
    pub fn same_person(&mut self, row: &mut Row, key: &str) {
        let Some(id) = row.text(key) else { return };
        if let Some(first) = self.repeat_of(format!("person:{id}"), row.line) {
            row.problem(key, format!("与第{first}行是同一人（身份证号相同），本行未导入"));
        }
    }

    /// Writes one record: registered when new; when already there (`found`),
    /// updated, or left as it is (skip, and stop, which fails the import
    /// after counting them all).
    pub fn write(
        &self,
        w: &mut WriteTx,
        found: Option<&str>,
        insert: impl FnOnce(&mut WriteTx) -> Result<()>,
        update: impl FnOnce(&mut WriteTx, &str) -> Result<()>,
    ) -> Result<RowResult> {
        match (found, self.options.existing) {
            (Some(_), Existing::Skip | Existing::Stop) => Ok(RowResult::Skipped),
            (Some(id), Existing::Update) => self.guard(w, |w| update(w, id)).map(|_| RowResult::Updated),
            (None, _) => self.guard(w, insert).map(|_| RowResult::Imported),
        }
    }

    /// In its own savepoint when guarded; straight in otherwise (the fast
    /// first try of an import, restarted guarded if any record fails).
    fn guard<T>(&self, w: &mut WriteTx, f: impl FnOnce(&mut WriteTx) -> Result<T>) -> Result<T> {
        if self.guarded {
            w.attempt(f)
        } else {
            f(w)
        }
    }

    /// A written record's result, a refusal by the register named on the
    /// column of the field it names (`aliases`: the register's field names
    /// to the import's). Anything else (a full disk, a busy database) is no
    /// fault of the row: it fails the import, which writes nothing.
    pub fn settle(
        &self,
        written: Result<RowResult>,
        layout: &Layout,
        line: usize,
        aliases: &[(&str, &str)],
    ) -> Result<RowResult> {
        let e = match written {
            Ok(r) => return Ok(r),
            Err(_) if !self.guarded => return Ok(RowResult::Unguarded),
            Err(e @ (Error::Invalid(_) | Error::Access(_) | Error::NotFound { .. })) => e,
            Err(e) => return Err(e),
        };
        let field = match &e {
            Error::Invalid(i) => i.field,
            _ => "",
        };
        let key = (aliases.iter().chain(&[("community_id", "community")]))
            .find(|(from, _)| *from == field)
            .map_or(field, |(_, to)| *to);
        // A field the file has no column for names no column: the whole row.
        Ok(RowResult::Rejected(vec![Problem { row: line, column: layout.header(key), message: e.to_string() }]))
    }
}
