//! Reading one cell of an office's spreadsheet, as messy as it is: ID
//! numbers that Excel turned into numbers, dates as serials or as
//! 1945.3.2 / 1945年3月2日 / 1945-03-02, full-width characters and stray
//! spaces. Each parser says in Chinese what is wrong and how to fix it; none
//! panics on any input (a property test holds them to that).
use chrono::{Duration, NaiveDate};

use crate::idcard::IdNumber;

/// A cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Raw {
    /// The cell as text: trimmed, full-width ASCII folded, empty as None.
    pub fn text(&self) -> Option<String> {
        match self {
            Raw::Empty => None,
            Raw::Text(s) => crate::validate::clean(s),
            Raw::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            Raw::Number(n) => Some(n.to_string()),
            Raw::Date(d) => Some(d.to_string()),
        }
    }
}

/// An ID number. A number of 16 digits or more has lost its last digits in
/// Excel (it keeps 15 significant digits): refused, with the fix.
pub fn id_number(raw: &Raw) -> Result<Option<String>, String> {
    if let Raw::Number(n) = raw {
        if n.abs() >= 1e15 {
            return Err("身份证号被Excel存成了数字，末几位已变成0、无法还原：请把该列设为“文本”格式，重新输入或从原始资料粘贴身份证号后再导入".into());
        }
    }
    let Some(text) = raw.text() else { return Ok(None) };
    let text: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\'').collect();
    if text.contains('*') {
        return Err("身份证号已遮蔽（含*号），无法据此登记：请使用含完整身份证号的表格（导出报表时选择不遮蔽）".into());
    }
    if text.contains(['E', 'e']) && text.contains('+') {
        return Err("身份证号显示为科学计数法（如 1.10105E+17），末几位已丢失：请把该列设为“文本”格式后重新输入".into());
    }
    // The message shows the number masked: messages never carry ID numbers.
    IdNumber::parse(&text).map(|id| Some(id.to_string())).map_err(|e| format!("身份证号“{}”不正确：{e}", masked(&text)))
}

fn masked(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (&chars[..6], &chars[chars.len() - 4..]);
    format!("{}{}{}", head.iter().collect::<String>(), "*".repeat(chars.len() - 10), tail.iter().collect::<String>())
}

/// A date: a real date cell, an Excel serial number, or text in the usual
/// Chinese ways.
pub fn date(raw: &Raw) -> Result<Option<NaiveDate>, String> {
    match raw {
        Raw::Empty => Ok(None),
        Raw::Date(d) => Ok(Some(*d)),
        Raw::Number(n) => serial(*n).map(Some).ok_or_else(|| format!("“{n}”不是日期")),
        Raw::Text(_) => {
            let Some(t) = raw.text() else { return Ok(None) };
            parse_date_text(&t)
                .map(Some)
                .ok_or_else(|| format!("日期“{t}”看不懂，请写成 1945-03-02、1945.3.2 或 1945年3月2日"))
        }
    }
}

/// Excel's day numbers (1900 system, with its phantom 29 February 1900).
pub(crate) fn serial(n: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    let days = n.floor() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 60 { days + 1 } else { days };
    base.checked_add_signed(Duration::days(days))
}

fn parse_date_text(t: &str) -> Option<NaiveDate> {
    let t = t.trim_end_matches('日').trim();
    let parts: Vec<&str> = t.split(['-', '.', '/', '年', '月']).filter(|p| !p.is_empty()).collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] => (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [ymd] if ymd.len() == 8 && ymd.chars().all(|c| c.is_ascii_digit()) => {
            (ymd[..4].parse().ok()?, ymd[4..6].parse().ok()?, ymd[6..].parse().ok()?)
        }
        _ => return None,
    };
    if !(1900..=2200).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A phone: 11-digit mobile or a landline with area code; spaces, dashes
/// and a leading +86 dropped.
pub fn phone(raw: &Raw) -> Result<Option<String>, String> {
    let Some(t) = raw.text() else { return Ok(None) };
    crate::validate::phone("phone", Some(&t)).map_err(|e| e.message)
}

/// 是/否 and the ways people write it.
pub fn yes_no(raw: &Raw) -> Result<bool, String> {
    match raw.text().as_deref() {
        None | Some("否" | "无" | "0" | "N" | "n" | "不是" | "×") => Ok(false),
        Some("是" | "有" | "1" | "Y" | "y" | "√" | "✓") => Ok(true),
        Some(other) => Err(format!("“{other}”应填“是”或“否”")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_every_common_form() {
        for t in ["1945-03-02", "1945.3.2", "1945年3月2日", "1945/3/2", "19450302", " １９４５-０３-０２ "] {
            assert_eq!(date(&Raw::Text(t.into())), Ok(Some(d(1945, 3, 2))), "{t}");
        }
        assert_eq!(date(&Raw::Number(16498.0)), Ok(Some(d(1945, 3, 2))), "Excel serial");
        assert_eq!(date(&Raw::Number(61.0)), Ok(Some(d(1900, 3, 1))));
        assert!(date(&Raw::Text("1945.2.30".into())).is_err());
        assert!(date(&Raw::Text("去年".into())).is_err());
    }

    #[test]
    fn id_numbers_mangled_by_excel_are_refused_with_the_fix() {
        let e = id_number(&Raw::Number(110105194503020000.0)).unwrap_err();
        assert!(e.contains("文本"));
        assert!(id_number(&Raw::Text("1.10105E+17".into())).unwrap_err().contains("科学计数法"));
        let real = crate::idcard::compose("110105", d(1949, 10, 1), 1).to_string();
        let full_width: String = real.chars().map(|c| char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap_or(c)).collect();
        let ok = id_number(&Raw::Text(format!(" {full_width} "))).unwrap();
        assert_eq!(ok, Some(real));
    }
}
