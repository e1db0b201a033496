//! Reports to upper levels (上报报表): each report is a definition here that
//! builds a [`Report`] (sheets of headers and rows) from the registers for a
//! period and a scope; the same model is previewed in the app and written
//! to .xlsx in the official layout by `xlsx`.
//!
//! Builders hand their sheets to a [`Sink`]: collected for the preview, or
//! written straight to the workbook. A long list (the roster) goes row by
//! row from the query into the file, so exporting it holds no rows.
mod allowance;
mod elderly;
mod elderly_lists;
mod employment;
mod homecare;
mod mediation;
mod mediation_subsidy;
pub mod period;
mod screening;
pub mod xlsx;

use rusqlite::Connection;
use serde::Serialize;

use crate::access::{Actor, Permission};
use crate::{Error, Result};
pub use period::Period;

/// A cell of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Yuan, or 万元 where the header says so; two decimals.
    Money(f64),
    /// A share (0.0–1.0) shown as a percentage; none when the base is 0.
    Rate(Option<f64>),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn as_f64(&self) -> f64 {
        match self {
            Cell::Int(i) => *i as f64,
            Cell::Money(m) => *m,
            _ => 0.0,
        }
    }
}

/// A header cell spanning `cols` × `rows` from (`row`, `col`) within the
/// header block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    pub text: String,
    pub row: u16,
    pub col: u16,
    pub rows: u16,
    pub cols: u16,
}

/// Builds multi-level headers: top-level groups of leaf columns. A group
/// with one leaf named like the group spans both header rows.
pub fn headers(groups: &[(&str, &[&str])]) -> Vec<Header> {
    let depth = if groups.iter().any(|(_, leaves)| leaves.len() > 1 || leaves.first().is_some_and(|l| l != &"")) {
        2
    } else {
        1
    };
    let mut out = Vec::new();
    let mut col = 0u16;
    for (group, leaves) in groups {
        let leaves: Vec<&str> = leaves.iter().copied().filter(|l| !l.is_empty()).collect();
        if leaves.is_empty() {
            out.push(Header { text: group.to_string(), row: 0, col, rows: depth, cols: 1 });
            col += 1;
            continue;
        }
        out.push(Header { text: group.to_string(), row: 0, col, rows: 1, cols: leaves.len() as u16 });
        for leaf in leaves {
            out.push(Header { text: leaf.to_string(), row: 1, col, rows: 1, cols: 1 });
            col += 1;
        }
    }
    out
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sheet {
    pub name: String,
    pub title: String,
    pub headers: Vec<Header>,
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Cell>>,
    /// The 合计 row (statistics sheets), rates recomputed from the totals.
    pub total: Option<Vec<Cell>>,
    /// 说明 lines under the table.
    pub notes: Vec<String>,
    /// How many rows the sheet has; a preview holds only the first ones.
    pub row_count: usize,
}

impl Sheet {
    /// As many as the headers span (the widths list may be short or long).
    pub fn columns(&self) -> usize {
        self.headers.iter().map(|h| (h.col + h.cols) as usize).max().unwrap_or(1)
    }

    pub fn header_rows(&self) -> u16 {
        self.headers.iter().map(|h| h.row + h.rows).max().unwrap_or(1)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub name: &'static str,
    pub title: String,
    /// 填报单位: the office, or the office and community.
    pub unit: String,
    pub period: Period,
    pub sheets: Vec<Sheet>,
}

/// The catalogue: (name, title). The name is what the CLI takes.
pub const CATALOGUE: &[(&str, &str)] = &[
    ("elderly-roster", "五类老人花名册"),
    ("elderly-services", "居家养老服务情况统计表"),
    ("elderly-allowance", "高龄津贴发放名册"),
    ("elderly-birthdays", "老人生日名单"),
    ("elderly-centenarians", "百岁老人名单"),
    ("elderly-double-ninth", "重阳节慰问老人名单"),
    ("elderly-condolences", "老人慰问登记表"),
    ("elderly-care-settlement", "居家养老服务结算单"),
    ("employment-stats", "就业援助工作统计表"),
    ("zero-employment-roster", "零就业家庭花名册"),
    ("welfare-post-subsidy", "公益性岗位补贴花名册"),
    ("mediation-stats", "人民调解工作统计表"),
    ("mediation-register", "人民调解案件登记簿"),
    ("mediation-subsidy", "人民调解以案定补发放表"),
    ("mediation-screening", "矛盾纠纷排查表"),
];

/// A report's title as its file is named (`报表` for a name not in the
/// catalogue, which the export then refuses by name).
pub fn title(name: &str) -> &'static str {
    CATALOGUE.iter().find(|(n, _)| *n == name).map_or("报表", |(_, t)| t)
}

/// What a report is asked for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct Request {
    pub name: String,
    pub period: String,
    pub community_id: Option<String>,
    /// Full ID numbers instead of masked (roles that may unmask only).
    pub unmasked: bool,
}

/// Rows a preview holds per sheet; the file has them all.
pub const PREVIEW_ROWS: usize = 500;

/// Builds a report with every row (tests and small reports).
pub fn build(conn: &Connection, actor: &Actor, req: &Request) -> Result<Report> {
    collect(conn, actor, req, usize::MAX)
}

/// The report as the preview shows it: every figure, and the first
/// [`PREVIEW_ROWS`] rows of a list (its `row_count` says how many in all).
/// ID numbers are always masked on screen: unmasking is for the audited
/// export.
pub fn preview(conn: &Connection, actor: &Actor, req: &Request) -> Result<Report> {
    collect(conn, actor, &Request { unmasked: false, ..req.clone() }, PREVIEW_ROWS)
}

fn collect(conn: &Connection, actor: &Actor, req: &Request, limit: usize) -> Result<Report> {
    let mut sink = Collect { report: None, limit };
    generate(conn, actor, req, &mut sink)?;
    sink.report.ok_or(Error::NotFound { what: "报表" })
}

/// Builds the report named into `sink`: the preview and the file are this.
fn generate(conn: &Connection, actor: &Actor, req: &Request, sink: &mut dyn Sink) -> Result<()> {
    let period = Period::parse(&req.period)?;
    let Some((name, title)) = CATALOGUE.iter().find(|(n, _)| *n == req.name) else {
        let names: Vec<&str> = CATALOGUE.iter().map(|(n, _)| *n).collect();
        return Err(crate::validate::invalid(
            "name",
            format!("没有名为“{}”的报表，可选：{}", req.name, names.join("、")),
        )
        .into());
    };
    if req.unmasked {
        actor.require(Permission::Unmask)?;
    }
    let community =
        match actor.scope().map(String::from).or_else(|| crate::validate::optional(req.community_id.as_deref())) {
            Some(c) => Some(crate::office::resolve(conn, &c)?),
            None => None,
        };
    let scope = Scope::new(conn, community, req.unmasked)?;
    let prefix = format!("{} {}", scope.unit, period.label);
    sink.start(&Report {
        name,
        title: format!("{prefix} {title}"),
        unit: scope.unit.clone(),
        period: period.clone(),
        sheets: Vec::new(),
    })?;
    let mut out = Out { sink, prefix };
    let built = match *name {
        "elderly-roster" => return elderly::roster(conn, &scope, &period, &mut out),
        "elderly-services" => elderly::services(conn, actor, &scope, &period)?,
        "elderly-allowance" => allowance::roster(conn, &scope, &period)?,
        "elderly-birthdays" => elderly_lists::birthdays(conn, &scope, &period)?,
        "elderly-centenarians" => elderly_lists::centenarians(conn, &scope, &period)?,
        "elderly-double-ninth" => elderly_lists::double_ninth(conn, &scope, &period)?,
        "elderly-condolences" => elderly_lists::condolences(conn, &scope, &period)?,
        "elderly-care-settlement" => homecare::settlement(conn, &scope, &period)?,
        "employment-stats" => employment::stats(conn, &scope, &period)?,
        "zero-employment-roster" => employment::zero_roster(conn, &scope, &period)?,
        "welfare-post-subsidy" => employment::subsidy(conn, &scope, &period)?,
        "mediation-stats" => mediation::stats(conn, &scope, &period)?,
        "mediation-register" => mediation::register(conn, &scope, &period)?,
        "mediation-subsidy" => mediation_subsidy::roster(conn, &scope, &period)?,
        "mediation-screening" => screening::sheet(conn, &scope, &period)?,
        _ => return Err(Error::NotFound { what: "报表" }),
    };
    built.into_iter().try_for_each(|s| out.sheet(s))
}

/// Builds and writes a report file, audited as an export. List rows go
/// from the query to the file one at a time. The file goes where
/// [`crate::export::check`] allows, whole or not at all.
pub fn export(
    store: &crate::store::Store,
    actor: &Actor,
    req: &Request,
    target: impl Into<crate::export::Target>,
    today: chrono::NaiveDate,
) -> Result<std::path::PathBuf> {
    let target = target.into();
    let preparer = crate::accounts::display_name(store.conn(), &actor.user)?.unwrap_or_else(|| actor.user.clone());
    let signing = xlsx::Signing { preparer: &preparer, date: today };
    let title = crate::export::write(store, &target, |temp| {
        let mut writer = xlsx::Writer::new(&signing, &target.path);
        store.with_small_cache(|| generate(store.conn(), actor, req, &mut writer))??;
        writer.finish(temp)
    })?;
    let path = &target.path;
    let detail = format!("{title}，{}", if req.unmasked { "未遮蔽" } else { "身份证号已遮蔽" });
    crate::audit::record(store, &actor.user, crate::audit::Action::Export, &path.display().to_string(), &detail)?;
    Ok(path.clone())
}

/// Where built sheets go. `begin` gets a sheet whose rows follow one by
/// one through `row`, then `end`.
pub(crate) trait Sink {
    /// The report, before its sheets (`sheets` empty).
    fn start(&mut self, report: &Report) -> Result<()>;
    fn begin(&mut self, sheet: &Sheet) -> Result<()>;
    fn row(&mut self, row: Vec<Cell>) -> Result<()>;
    fn end(&mut self) -> Result<()>;
}

/// What builders write to: whole sheets, or lists streamed row by row.
pub(crate) struct Out<'s> {
    sink: &'s mut dyn Sink,
    /// Unit and period, before every sheet's title.
    prefix: String,
}

impl Out<'_> {
    /// A sheet built in memory (statistics: small, and the 合计 needs them all).
    pub fn sheet(&mut self, mut sheet: Sheet) -> Result<()> {
        let rows = std::mem::take(&mut sheet.rows);
        self.list(sheet, |emit| rows.into_iter().try_for_each(emit))
    }

    /// A list whose rows `fill` hands over one at a time.
    pub fn list(
        &mut self,
        mut sheet: Sheet,
        fill: impl FnOnce(&mut dyn FnMut(Vec<Cell>) -> Result<()>) -> Result<()>,
    ) -> Result<()> {
        sheet.title = format!("{} {}", self.prefix, sheet.title);
        self.sink.begin(&sheet)?;
        let sink = &mut *self.sink;
        fill(&mut |row| sink.row(row))?;
        self.sink.end()
    }
}

/// The report held in memory, lists cut at `limit` rows.
struct Collect {
    report: Option<Report>,
    limit: usize,
}

impl Collect {
    fn current(&mut self) -> Result<&mut Sheet> {
        self.report.as_mut().and_then(|r| r.sheets.last_mut()).ok_or(Error::NotFound { what: "报表" })
    }
}

impl Sink for Collect {
    fn start(&mut self, report: &Report) -> Result<()> {
        self.report = Some(report.clone());
        Ok(())
    }

    fn begin(&mut self, sheet: &Sheet) -> Result<()> {
        let report = self.report.as_mut().ok_or(Error::NotFound { what: "报表" })?;
        report.sheets.push(Sheet { rows: Vec::new(), row_count: 0, ..sheet.clone() });
        Ok(())
    }

    fn row(&mut self, row: Vec<Cell>) -> Result<()> {
        let limit = self.limit;
        let sheet = self.current()?;
        sheet.row_count += 1;
        if sheet.rows.len() < limit {
            sheet.rows.push(row);
        }
        Ok(())
    }

    fn end(&mut self) -> Result<()> {
        Ok(())
    }
}

/// Whom a report covers: the whole street or one community.
pub(crate) struct Scope {
    pub community: Option<String>,
    pub unit: String,
    /// (id, name) of the communities reported, in their order.
    pub communities: Vec<(String, String)>,
    pub unmasked: bool,
}

impl Scope {
    fn new(conn: &Connection, community: Option<String>, unmasked: bool) -> Result<Scope> {
        let office: String =
            conn.query_row("SELECT name FROM office LIMIT 1", [], |r| r.get(0)).map_err(|_| Error::NotConfigured)?;
        let all: Vec<(String, String)> =
            crate::office::communities(conn)?.into_iter().map(|c| (c.id, c.name)).collect();
        let communities: Vec<(String, String)> =
            all.into_iter().filter(|(id, _)| community.as_ref().is_none_or(|c| c == id)).collect();
        let unit = match (&community, communities.first()) {
            (Some(_), Some((_, name))) => format!("{office}{name}"),
            _ => office,
        };
        Ok(Scope { community, unit, communities, unmasked })
    }

    pub fn id_number(&self, n: Option<String>) -> Cell {
        Cell::Text(match n {
            Some(n) if self.unmasked => n,
            Some(n) => crate::person::mask_id(&n),
            None => String::new(),
        })
    }
}

/// A 合计 row: sums of the numeric columns after the first, with the rate
/// columns recomputed by `rates` from the summed row.
pub(crate) fn total_row(rows: &[Vec<Cell>], rates: impl Fn(&mut Vec<Cell>)) -> Vec<Cell> {
    let width = rows.first().map_or(0, |r| r.len());
    let mut total = vec![Cell::text("合计")];
    for col in 1..width {
        total.push(match rows.first().map(|r| &r[col]) {
            Some(Cell::Money(_)) => Cell::Money(rows.iter().map(|r| r[col].as_f64()).sum()),
            Some(Cell::Rate(_)) => Cell::Rate(None),
            Some(Cell::Text(_)) => Cell::text(""),
            _ => Cell::Int(rows.iter().map(|r| r[col].as_f64() as i64).sum()),
        });
    }
    rates(&mut total);
    total
}

/// A share, or none when the base is 0.
pub(crate) fn rate(part: f64, whole: f64) -> Cell {
    Cell::Rate((whole > 0.0).then(|| part / whole))
}
