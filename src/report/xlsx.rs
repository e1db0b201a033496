//! Writes a [`Report`] as .xlsx in the layout upper levels expect: merged
//! title, a 填报单位 / 填报日期 / 填报人 row, multi-level merged headers, the
//! table with its 合计 row, a footer with 单位负责人 / 填报人 / 填报日期 and 说明;
//! A4, landscape when wide, fit to the page width, header rows repeated on
//! every page, frozen header, 宋体. Plain .xlsx, no macros: it opens alike in
//! WPS Office, Excel and LibreOffice. A list's rows go to disk as they come
//! (constant memory), so a roster of any size is written without holding it.
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{Cell, Report, Sheet, Sink};
use crate::validate::invalid;
use crate::Result;

/// Who fills it in and when, for the 填报 row and the footer.
pub struct Signing<'a> {
    pub preparer: &'a str,
    pub date: NaiveDate,
}

/// Writes sheets as they come: a list's rows go to the file one by one.
pub(crate) struct Writer<'a> {
    book: Workbook,
    signing: &'a Signing<'a>,
    path: &'a Path,
    report: Option<Report>,
    styles: Styles,
    current: Option<Current>,
}

/// The sheet being written: where its next row goes.
struct Current {
    index: usize,
    sheet: Sheet,
    next_row: u32,
}

/// The formats, made once: cloning a format per cell costs more than the cell.
struct Styles {
    title: Format,
    plain: Format,
    head: Format,
    /// text, int, money, pct; then the same in bold for 合计.
    cells: [Format; 8],
}

impl Styles {
    fn new() -> Styles {
        let font = |f: Format| f.set_font_name("宋体").set_font_size(10);
        let cell = font(Format::new()).set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        let kinds = [
            cell.clone().set_num_format("@"),
            cell.clone().set_num_format("0").set_align(FormatAlign::Right),
            cell.clone().set_num_format("#,##0.00"),
            cell.clone().set_num_format("0.0%"),
        ];
        let bold = kinds.clone().map(|f| f.set_bold());
        let [a, b, c, d] = kinds;
        let [e, f, g, h] = bold;
        Styles {
            title: font(Format::new())
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            plain: font(Format::new()).set_align(FormatAlign::VerticalCenter),
            head: font(Format::new())
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            cells: [a, b, c, d, e, f, g, h],
        }
    }
}

impl<'a> Writer<'a> {
    pub fn new(signing: &'a Signing<'a>, path: &'a Path) -> Writer<'a> {
        Writer { book: Workbook::new(), signing, path, report: None, styles: Styles::new(), current: None }
    }

    fn cannot(&self, e: XlsxError) -> crate::Error {
        invalid(
            "path",
            format!(
                "无法写入文件“{}”（{e}）。请换一个保存位置，或先关闭在 Excel 或 WPS 中打开的同名文件",
                self.path.display()
            ),
        )
        .into()
    }

    /// Saves the workbook to `file` (a temporary name beside the path the
    /// messages name); gives the report's title.
    pub fn finish(mut self, file: &Path) -> Result<String> {
        let title = self.report.as_ref().map(|r| r.title.clone()).unwrap_or_default();
        self.book.save(file).map_err(|e| self.cannot(e))?;
        Ok(title)
    }

    fn sheet(&mut self) -> Result<(&mut Worksheet, &mut Current, &Styles), XlsxError> {
        let current = self.current.as_mut().ok_or(XlsxError::UnknownWorksheetNameOrIndex(String::new()))?;
        let ws = self.book.worksheet_from_index(current.index)?;
        Ok((ws, current, &self.styles))
    }
}

impl Sink for Writer<'_> {
    fn start(&mut self, report: &Report) -> Result<()> {
        self.report = Some(report.clone());
        Ok(())
    }

    fn begin(&mut self, sheet: &Sheet) -> Result<()> {
        let unit = self.report.as_ref().map(|r| r.unit.clone()).unwrap_or_default();
        let index = self.book.worksheets().len();
        // Lists stream their rows to disk (constant memory). Statistics
        // sheets are small, and their two-row merged headers must be written
        // out of row order, which streaming does not allow.
        let added = if sheet.header_rows() == 1 {
            self.book.add_worksheet_with_constant_memory().map(|_| ())
        } else {
            self.book.add_worksheet();
            Ok(())
        };
        added.map_err(|e| self.cannot(e))?;
        let next_row = 2 + sheet.header_rows() as u32;
        self.current = Some(Current { index, sheet: Sheet { rows: Vec::new(), ..sheet.clone() }, next_row });
        let signing = self.signing;
        let done = self.sheet().and_then(|(ws, current, styles)| head(ws, &current.sheet, &unit, signing, styles));
        done.map_err(|e| self.cannot(e))
    }

    fn row(&mut self, row: Vec<Cell>) -> Result<()> {
        let done = self.sheet().and_then(|(ws, current, styles)| {
            put(ws, current.next_row, &row, &styles.cells[..4])?;
            current.next_row += 1;
            Ok(())
        });
        done.map_err(|e| self.cannot(e))
    }

    fn end(&mut self) -> Result<()> {
        let signing = self.signing;
        let done = self.sheet().and_then(|(ws, current, styles)| foot(ws, current, signing, styles));
        done.map_err(|e| self.cannot(e))?;
        self.current = None;
        Ok(())
    }
}

/// Columns, title, the 填报 row, the merged headers, and the print setup.
fn head(ws: &mut Worksheet, sheet: &Sheet, unit: &str, signing: &Signing, st: &Styles) -> Result<(), XlsxError> {
    let cols = sheet.columns().max(1) as u16;
    let last = cols - 1;
    ws.set_name(&sheet.name)?;
    for i in 0..cols {
        ws.set_column_width(i, sheet.widths.get(i as usize).copied().unwrap_or(9.0))?;
    }
    ws.set_row_height(0, 30)?;
    merge(ws, 0, 0, 0, last, &sheet.title, &st.title)?;
    let filled = [
        format!("填报单位：{unit}"),
        format!("填报日期：{}", chinese_date(signing.date)),
        format!("填报人：{}", signing.preparer),
    ];
    if cols >= 3 {
        let third = cols / 3;
        merge(ws, 1, 0, 1, third - 1, &filled[0], &st.plain)?;
        merge(ws, 1, third, 1, 2 * third - 1, &filled[1], &st.plain)?;
        merge(ws, 1, 2 * third, 1, last, &filled[2], &st.plain)?;
    } else {
        merge(ws, 1, 0, 1, last, &filled.join("    "), &st.plain)?;
    }
    let top = 2u32;
    let hrows = sheet.header_rows() as u32;
    // Room for headers that wrap (协议涉及金额（万元）).
    for r in top..top + hrows {
        ws.set_row_height(r, 30)?;
    }
    for h in &sheet.headers {
        let (r0, c0) = (top + h.row as u32, h.col);
        merge(ws, r0, c0, r0 + h.rows as u32 - 1, c0 + h.cols - 1, &h.text, &st.head)?;
    }
    // Print: A4, landscape when wide, one page wide, headers on every page.
    ws.set_paper_size(9);
    if cols > 8 {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, top + hrows - 1)?;
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    ws.set_freeze_panes(top + hrows, 0)?;
    Ok(())
}

fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// One row; `f` is text, int, money and pct formats.
fn put(ws: &mut Worksheet, r: u32, row: &[Cell], f: &[Format]) -> Result<(), XlsxError> {
    for (c, v) in row.iter().enumerate() {
        let c = c as u16;
        match v {
            Cell::Text(s) => ws.write_string_with_format(r, c, s, &f[0])?,
            Cell::Int(i) => ws.write_number_with_format(r, c, *i as f64, &f[1])?,
            Cell::Money(m) => ws.write_number_with_format(r, c, (*m * 100.0).round() / 100.0, &f[2])?,
            Cell::Rate(Some(x)) => ws.write_number_with_format(r, c, *x, &f[3])?,
            Cell::Rate(None) => ws.write_string_with_format(r, c, "—", &f[0])?,
        };
    }
    Ok(())
}

/// The 合计 row, the footer and 说明.
fn foot(ws: &mut Worksheet, current: &mut Current, signing: &Signing, st: &Styles) -> Result<(), XlsxError> {
    let sheet = &current.sheet;
    let last = sheet.columns().max(1) as u16 - 1;
    let mut r = current.next_row;
    if let Some(total) = &sheet.total {
        put(ws, r, total, &st.cells[4..])?;
        r += 1;
    }
    r += 1;
    let footer =
        format!("单位负责人：              填报人：{}              填报日期：      年    月    日", signing.preparer);
    merge(ws, r, 0, r, last, &footer, &st.plain)?;
    let wrapped = st.plain.clone().set_text_wrap();
    for (i, note) in sheet.notes.iter().enumerate() {
        r += 1;
        let line = if i == 0 { format!("说明：{note}") } else { format!("      {note}") };
        merge(ws, r, 0, r, last, &line, &wrapped)?;
    }
    Ok(())
}

fn merge(ws: &mut Worksheet, r0: u32, c0: u16, r1: u32, c1: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    if r0 == r1 && c0 == c1 {
        ws.write_string_with_format(r0, c0, s, f)?;
    } else {
        ws.merge_range(r0, c0, r1, c1, s, f)?;
    }
    Ok(())
}
