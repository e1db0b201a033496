//! Writes a [`Report`] as .xlsx in the layout upper levels expect: merged
//! title, a 填报单位 / 填报日期 / 填报人 row, multi-level merged headers, the
//! table with its 合计 row, a footer with 单位负责人 / 填报人 / 填报日期 and 说明;
//! A4, landscape when wide, fit to the page width, header rows repeated on
//! every page, frozen header, 宋体. Plain .xlsx, no macros: it opens alike in
//! WPS Office, Excel and LibreOffice. Rows stream to disk (constant memory),
//! so a roster of any size is written without holding it.
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{Cell, Report, Sheet};
use crate::validate::invalid;
use crate::Result;

/// Who fills it in and when, for the 填报 row and the footer.
pub struct Signing<'a> {
    pub preparer: &'a str,
    pub date: NaiveDate,
}

pub fn write(report: &Report, signing: &Signing, path: &Path) -> Result<()> {
    let cannot = |e: XlsxError| -> crate::Error {
        invalid(
            "path",
            format!(
                "无法写入文件“{}”（{e}）。请换一个保存位置，或先关闭在 Excel 或 WPS 中打开的同名文件",
                path.display()
            ),
        )
        .into()
    };
    let mut book = Workbook::new();
    for sheet in &report.sheets {
        // Lists stream their rows to disk (constant memory). Statistics
        // sheets are small, and their two-row merged headers must be written
        // out of row order, which streaming does not allow.
        let ws = if sheet.header_rows() == 1 {
            book.add_worksheet_with_constant_memory().map_err(cannot)?
        } else {
            book.add_worksheet()
        };
        write_sheet(ws, report, sheet, signing).map_err(cannot)?;
    }
    book.save(path).map_err(cannot)?;
    Ok(())
}

fn font(f: Format) -> Format {
    f.set_font_name("宋体").set_font_size(10)
}

fn write_sheet(ws: &mut Worksheet, report: &Report, sheet: &Sheet, signing: &Signing) -> Result<(), XlsxError> {
    let cols = sheet.columns().max(1) as u16;
    let last = cols - 1;
    let title = font(Format::new())
        .set_font_size(16)
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let plain = font(Format::new()).set_align(FormatAlign::VerticalCenter);
    let head = font(Format::new())
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let cell = font(Format::new()).set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    let text = cell.clone().set_num_format("@");
    let int = cell.clone().set_num_format("0").set_align(FormatAlign::Right);
    let money = cell.clone().set_num_format("#,##0.00");
    let pct = cell.clone().set_num_format("0.0%");
    let bold = |f: &Format| f.clone().set_bold();

    ws.set_name(&sheet.name)?;
    for i in 0..cols {
        ws.set_column_width(i, sheet.widths.get(i as usize).copied().unwrap_or(9.0))?;
    }
    // Title and the 填报 row.
    ws.set_row_height(0, 30)?;
    merge(ws, 0, 0, 0, last, &sheet.title, &title)?;
    let date = format!("{}年{}月{}日", signing.date.year(), signing.date.month(), signing.date.day());
    let filled =
        [format!("填报单位：{}", report.unit), format!("填报日期：{date}"), format!("填报人：{}", signing.preparer)];
    if cols >= 3 {
        let third = cols / 3;
        merge(ws, 1, 0, 1, third - 1, &filled[0], &plain)?;
        merge(ws, 1, third, 1, 2 * third - 1, &filled[1], &plain)?;
        merge(ws, 1, 2 * third, 1, last, &filled[2], &plain)?;
    } else {
        merge(ws, 1, 0, 1, last, &filled.join("    "), &plain)?;
    }
    // Headers, merged as defined.
    let top = 2u32;
    let hrows = sheet.header_rows() as u32;
    // Room for headers that wrap (协议涉及金额（万元）).
    for r in top..top + hrows {
        ws.set_row_height(r, 30)?;
    }
    for h in &sheet.headers {
        let (r0, c0) = (top + h.row as u32, h.col);
        merge(ws, r0, c0, r0 + h.rows as u32 - 1, c0 + h.cols - 1, &h.text, &head)?;
    }
    // Rows, then 合计.
    let mut r = top + hrows;
    for (row, is_total) in sheet.rows.iter().map(|x| (x, false)).chain(sheet.total.iter().map(|x| (x, true))) {
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            let f = |f: &Format| if is_total { bold(f) } else { f.clone() };
            match v {
                Cell::Text(s) => ws.write_string_with_format(r, c, s, &f(&text))?,
                Cell::Int(i) => ws.write_number_with_format(r, c, *i as f64, &f(&int))?,
                Cell::Money(m) => ws.write_number_with_format(r, c, (*m * 100.0).round() / 100.0, &f(&money))?,
                Cell::Rate(Some(x)) => ws.write_number_with_format(r, c, *x, &f(&pct))?,
                Cell::Rate(None) => ws.write_string_with_format(r, c, "—", &f(&text))?,
            };
        }
        r += 1;
    }
    // Footer and 说明.
    r += 1;
    let footer =
        format!("单位负责人：              填报人：{}              填报日期：      年    月    日", signing.preparer);
    merge(ws, r, 0, r, last, &footer, &plain)?;
    for (i, note) in sheet.notes.iter().enumerate() {
        r += 1;
        let line = if i == 0 { format!("说明：{note}") } else { format!("      {note}") };
        merge(ws, r, 0, r, last, &line, &plain.clone().set_text_wrap())?;
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

fn merge(ws: &mut Worksheet, r0: u32, c0: u16, r1: u32, c1: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    if r0 == r1 && c0 == c1 {
        ws.write_string_with_format(r0, c0, s, f)?;
    } else {
        ws.merge_range(r0, c0, r1, c1, s, f)?;
    }
    Ok(())
}
