//! Report periods: a year (2026), a quarter (2026Q3), a month (2026-07) or
//! any span of days (2026-01-01..2026-06-30).
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::validate::invalid;
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// As titles say it: 2026年第三季度.
    pub label: String,
}

impl Period {
    pub fn parse(input: &str) -> Result<Period> {
        let s: String = input.trim().chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let bad = || {
            invalid("period", format!("报表期间“{input}”看不懂：请写 2026、2026Q3、2026-07 或 2026-01-01..2026-06-30"))
        };
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad());
        let month_end = |y: i32, m: u32| -> Option<NaiveDate> {
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
        };
        if let Some((a, b)) = s.split_once("..") {
            let (from, to) = (day(a)?, day(b)?);
            if to < from {
                return Err(invalid("period", "报表期间的结束日期早于开始日期").into());
            }
            let label = format!("{}至{}", cn(from), cn(to));
            return Ok(Period { from, to, label });
        }
        if let Some((y, q)) = s.split_once('Q') {
            let (y, q): (i32, u32) = (y.parse().map_err(|_| bad())?, q.parse().map_err(|_| bad())?);
            if !(1..=4).contains(&q) {
                return Err(bad().into());
            }
            let from = NaiveDate::from_ymd_opt(y, q * 3 - 2, 1).ok_or_else(bad)?;
            let to = month_end(y, q * 3).ok_or_else(bad)?;
            return Ok(Period {
                from, to, label: format!("{y}年第{}季度", ["一", "二", "三", "四"][q as usize - 1])
            });
        }
        if let Some((y, m)) = s.split_once('-') {
            let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            let from = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
            return Ok(Period { from, to: month_end(y, m).ok_or_else(bad)?, label: format!("{y}年{m}月") });
        }
        let y: i32 = s.parse().map_err(|_| bad())?;
        let from = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?;
        Ok(Period { from, to: NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(bad)?, label: format!("{y}年") })
    }

    pub fn from_str(&self) -> String {
        self.from.to_string()
    }

    pub fn to_str(&self) -> String {
        self.to.to_string()
    }

    /// The calendar months the period covers, each as (first, last day),
    /// cut to the period where a span of days starts or ends inside one.
    pub fn months(&self) -> Vec<(NaiveDate, NaiveDate)> {
        let mut months = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let first = start.with_day(1).expect("day 1 exists");
            let next = first.checked_add_months(chrono::Months::new(1)).expect("a month later exists");
            let end = next.pred_opt().expect("a day before").min(self.to);
            months.push((start, end));
            start = next;
        }
        months
    }
}

fn cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_a_period_cut_to_it() {
        let p = Period::parse("2026Q1").unwrap();
        let m: Vec<String> = p.months().iter().map(|(a, b)| format!("{a}..{b}")).collect();
        assert_eq!(m, ["2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31"]);
        let p = Period::parse("2026-01-15..2026-02-10").unwrap();
        let m: Vec<String> = p.months().iter().map(|(a, b)| format!("{a}..{b}")).collect();
        assert_eq!(m, ["2026-01-15..2026-01-31", "2026-02-01..2026-02-10"]);
    }

    #[test]
    fn every_period_form() {
        let p = Period::parse("2026Q3").unwrap();
        assert_eq!(
            (p.from.to_string(), p.to.to_string(), p.label.as_str()),
            ("2026-07-01".into(), "2026-09-30".into(), "2026年第三季度")
        );
        let p = Period::parse("2024-02").unwrap();
        assert_eq!((p.to.to_string(), p.label.as_str()), ("2024-02-29".into(), "2024年2月"));
        let p = Period::parse("2026").unwrap();
        assert_eq!(p.to.to_string(), "2026-12-31");
        let p = Period::parse("2026-01-01..2026-06-30").unwrap();
        assert_eq!(p.label, "2026年1月1日至2026年6月30日");
        assert!(Period::parse("2026Q5").is_err());
        assert!(Period::parse("2026-06-30..2026-01-01").is_err());
        assert!(Period::parse("去年").is_err());
    }
}
