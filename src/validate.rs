//! Input checking shared by the registers: bad input gets a Chinese message
//! naming the field, and nothing is written.
use chrono::NaiveDate;

/// A field the user must correct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

pub fn invalid(field: &'static str, message: impl Into<String>) -> Invalid {
    Invalid { field, message: message.into() }
}

/// Trims and folds full-width digits and letters (common in text pasted
/// from Word or typed with a Chinese IME) to half-width; empty means absent.
pub fn clean(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            // Digits, letters and the marks of codes, dates and numbers; not
            // Chinese punctuation (，；：（）), which prose keeps as typed.
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '＋' | '－' | '．' | '／' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect();
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub fn required(field: &'static str, label: &str, input: &str) -> Result<String, Invalid> {
    clean(input).ok_or_else(|| invalid(field, format!("请填写{label}")))
}

pub fn optional(input: Option<&str>) -> Option<String> {
    input.and_then(clean)
}

/// A date as the UI and CLI send it (YYYY-MM-DD).
pub fn date(field: &'static str, label: &str, input: &str) -> Result<NaiveDate, Invalid> {
    let s = required(field, label, input)?;
    let d = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| invalid(field, format!("{label}“{s}”不是有效日期，请按 2026-01-31 的格式填写")))?;
    // A date field typed in the wrong order (month/day/year) can give year 18.
    if !(1900..=2200).contains(&chrono::Datelike::year(&d)) {
        return Err(invalid(field, format!("{label}“{s}”的年份不合理，请核对")));
    }
    Ok(d)
}

/// A value that must be one of a dictionary's labels.
pub fn one_of(field: &'static str, label: &str, value: &str, allowed: &[String]) -> Result<String, Invalid> {
    let v = required(field, label, value)?;
    if allowed.contains(&v) {
        Ok(v)
    } else {
        Err(invalid(field, format!("{label}“{v}”不在可选范围内，请从列表中选择（字典由管理员维护）")))
    }
}

/// A mobile or landline number: digits with optional dashes, 7 to 13 digits.
pub fn phone(field: &'static str, input: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(s) = optional(input) else { return Ok(None) };
    let digits: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if digits.chars().all(|c| c.is_ascii_digit()) && (7..=13).contains(&digits.len()) {
        Ok(Some(digits))
    } else {
        // The number itself stays out of the message: messages reach logs and terminals.
        Err(invalid(field, "电话号码格式不对，请填写手机号或座机号（7到13位数字）"))
    }
}

/// A date not after today.
pub fn past_date(field: &'static str, label: &str, input: &str, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    let d = date(field, label, input)?;
    if d > today {
        return Err(invalid(field, format!("{label}不能晚于今天")));
    }
    Ok(d)
}

/// Yuan as typed ("12.50", "12.5元"), to whole fen (分); absent is 0.
pub fn yuan_to_cents(field: &'static str, label: &str, input: Option<&str>, max_yuan: f64) -> Result<i64, Invalid> {
    let Some(s) = optional(input) else { return Ok(0) };
    let yuan: f64 = s
        .trim_end_matches('元')
        .parse()
        .map_err(|_| invalid(field, format!("{label}“{s}”不是数字，请填写如 12.50")))?;
    if !(0.0..=max_yuan).contains(&yuan) {
        return Err(invalid(field, format!("{label}应在0到{max_yuan}元之间")));
    }
    Ok((yuan * 100.0).round() as i64)
}
