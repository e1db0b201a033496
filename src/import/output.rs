//! The files import writes: the rejected rows with their reasons, ready to
//! fix and import again, and a register's empty template.
use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format, Workbook, XlsxError};

use super::fields::{self, Kind};
use super::{Layout, Problem, Register};
use crate::Result;

fn cannot(path: &Path) -> impl Fn(XlsxError) -> crate::Error + '_ {
    move |e| crate::validate::invalid("path", format!("无法写入“{}”（{e}），请换一个保存位置", path.display())).into()
}

/// The rejected rows, as they were, with a 问题说明 column first.
pub(super) fn rejected(layout: &Layout, problems: &[Problem], out: &Path) -> Result<()> {
    let cannot = cannot(out);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let text = Format::new().set_font_name("宋体").set_num_format("@");
    let bold = Format::new().set_font_name("宋体").set_bold();
    sheet.write_string_with_format(0, 0, "问题说明", &bold).map_err(&cannot)?;
    sheet.set_column_width(0, 50).map_err(&cannot)?;
    for (c, h) in layout.grid.row(layout.header_row).iter().enumerate() {
        sheet.write_string_with_format(0, c as u16 + 1, h.text().unwrap_or_default(), &bold).map_err(&cannot)?;
        sheet.set_column_width(c as u16 + 1, 14).map_err(&cannot)?;
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
        sheet
            .write_string_with_format(r, 0, format!("原第{line}行：{}", reasons.join("；")), &text)
            .map_err(&cannot)?;
        for (c, cell) in layout.grid.row(line - 1).iter().enumerate() {
            // Everything as text: ID numbers must never become numbers again.
            let value = cell.text().unwrap_or_default();
            sheet.write_string_with_format(r, c as u16 + 1, value, &text).map_err(&cannot)?;
        }
    }
    book.save(out).map_err(&cannot)?;
    Ok(())
}

/// An import template: the headers (required ones starred), a notes row,
/// and drop-down lists from the dictionaries. Lists of several values warn
/// rather than refuse, so "独居、困难" can still be typed.
pub(super) fn template(conn: &rusqlite::Connection, register: &Register, path: &Path) -> Result<()> {
    let cannot = cannot(path);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("导入模板").map_err(&cannot)?;
    let bold = Format::new().set_font_name("宋体").set_bold();
    let note = Format::new().set_font_name("宋体").set_font_color(rust_xlsxwriter::Color::Gray).set_text_wrap();
    let text = Format::new().set_font_name("宋体").set_num_format("@");
    for (c, f) in register.fields.iter().enumerate() {
        let c = c as u16;
        let title = if f.required { format!("{}*", f.label) } else { f.label.to_string() };
        sheet.write_string_with_format(0, c, &title, &bold).map_err(&cannot)?;
        let ids = matches!(f.kind, Kind::IdNumber | Kind::IdNumbers);
        sheet.set_column_width(c, if ids { 22 } else { 14 }).map_err(&cannot)?;
        let (hint, list) = fields::hint(conn, f)?;
        sheet.write_string_with_format(1, c, &hint, &note).map_err(&cannot)?;
        if ids || f.kind == Kind::Phone {
            sheet.set_column_format(c, &text).map_err(&cannot)?;
        }
        // Excel refuses a list longer than 255 characters.
        if let Some(list) = list.filter(|l| !l.is_empty() && l.iter().map(|s| s.len() + 1).sum::<usize>() < 250) {
            let mut dv = DataValidation::new().allow_list_strings(&list).map_err(&cannot)?;
            if matches!(f.kind, Kind::Several(_)) {
                dv = dv.set_error_style(DataValidationErrorStyle::Warning);
            }
            sheet.add_data_validation(2, c, 10_000, c, &dv).map_err(&cannot)?;
        }
    }
    sheet.set_row_height(1, 45).map_err(&cannot)?;
    sheet.set_freeze_panes(2, 0).map_err(&cannot)?;
    book.save(path).map_err(&cannot)?;
    Ok(())
}
