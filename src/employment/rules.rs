//! The age rules of the re-employment register: 4050 (women 40+, men 50+)
//! and the statutory retirement age, which China raises gradually from
//! 2025 (全国人大常委会关于实施渐进式延迟法定退休年龄的决定, 2024): the
//! original age, plus one month for every few months of birth after the
//! first cohort, up to a maximum. Every number is a setting, since
//! provinces and later decisions differ.
use chrono::{Datelike, Months, NaiveDate};
use rusqlite::Connection;

use crate::idcard::{age_on, Sex};
use crate::settings;
use crate::Result;

/// One sex's retirement rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetirementRule {
    /// The age before the reform (men 60, women workers 50, women cadres 55).
    pub original_age: u32,
    /// Born in this year's January or later: retiring from 2025 on, later.
    pub first_cohort_year: i32,
    /// One more month of delay per this many months of birth.
    pub step_months: u32,
    pub max_delay_months: u32,
}

impl RetirementRule {
    pub const MEN: RetirementRule =
        RetirementRule { original_age: 60, first_cohort_year: 1965, step_months: 4, max_delay_months: 36 };
    pub const WOMEN_WORKERS: RetirementRule =
        RetirementRule { original_age: 50, first_cohort_year: 1975, step_months: 2, max_delay_months: 60 };
    pub const WOMEN_CADRES: RetirementRule =
        RetirementRule { original_age: 55, first_cohort_year: 1970, step_months: 4, max_delay_months: 36 };

    /// The rule in force for a sex: the original age is a setting (women
    /// workers 50 or cadres 55), and the reform's schedule for that age.
    pub fn for_sex(conn: &Connection, sex: Sex) -> Result<RetirementRule> {
        let age = match sex {
            Sex::Male => settings::integer(conn, "employment.retire.male.age")?,
            Sex::Female => settings::integer(conn, "employment.retire.female.age")?,
        } as u32;
        Ok(match age {
            60 => RetirementRule::MEN,
            55 => RetirementRule::WOMEN_CADRES,
            50 => RetirementRule::WOMEN_WORKERS,
            other => {
                RetirementRule { original_age: other, first_cohort_year: i32::MAX, step_months: 1, max_delay_months: 0 }
            }
        })
    }

    /// The rule for one person: a woman's own base (工人 50, 干部 55) when
    /// her record has one, else the office's setting.
    pub fn for_person(conn: &Connection, sex: Sex, base: Option<&str>) -> Result<RetirementRule> {
        Ok(match (sex, base) {
            (Sex::Female, Some(BASE_WORKER)) => RetirementRule::WOMEN_WORKERS,
            (Sex::Female, Some(BASE_CADRE)) => RetirementRule::WOMEN_CADRES,
            _ => RetirementRule::for_sex(conn, sex)?,
        })
    }

    /// Months of delay for a birth date.
    pub fn delay_months(&self, birth: NaiveDate) -> u32 {
        let months_after = (birth.year() as i64 - self.first_cohort_year as i64) * 12 + birth.month0() as i64;
        if months_after < 0 {
            return 0;
        }
        (months_after as u32 / self.step_months + 1).min(self.max_delay_months)
    }

    /// The first day of retirement: the birthday at the original age, then
    /// the delay in months.
    pub fn retirement_date(&self, birth: NaiveDate) -> NaiveDate {
        birth
            .checked_add_months(Months::new(self.original_age * 12 + self.delay_months(birth)))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// A woman's retirement base (退休年龄类别): 女职工 retire from 50, 女干部
/// from 55, each then delayed by the reform.
pub const BASE_WORKER: &str = "工人";
pub const BASE_CADRE: &str = "干部";
pub const BASES: [&str; 2] = [BASE_WORKER, BASE_CADRE];

/// Working age starts at 16 (劳动法).
pub const MIN_WORKING_AGE: u32 = 16;

/// A person's span of working age: from their 16th birthday to the day
/// before they reach retirement age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingAge {
    pub sex: Sex,
    pub birth: NaiveDate,
    pub from: NaiveDate,
    /// The first day past it (达到法定退休年龄).
    pub retires_on: NaiveDate,
}

impl WorkingAge {
    pub fn of(conn: &Connection, sex: Sex, birth: NaiveDate, base: Option<&str>) -> Result<WorkingAge> {
        let rule = RetirementRule::for_person(conn, sex, base)?;
        let from = birth.checked_add_months(Months::new(MIN_WORKING_AGE * 12)).unwrap_or(NaiveDate::MAX);
        Ok(WorkingAge { sex, birth, from, retires_on: rule.retirement_date(birth) })
    }

    pub fn holds(&self, on: NaiveDate) -> bool {
        self.from <= on && on < self.retires_on
    }

    /// 4050 (women 40+, men 50+), within working age.
    pub fn is_4050(&self, on: NaiveDate) -> bool {
        self.holds(on) && is_4050(self.sex, self.birth, on)
    }

    /// 距法定退休年龄十年以内: within working age and less than ten years
    /// before retirement.
    pub fn near_retirement(&self, on: NaiveDate) -> bool {
        self.holds(on) && self.retires_on.checked_sub_months(Months::new(120)).is_some_and(|ten| ten <= on)
    }
}

/// 4050: women from their 40th birthday, men from their 50th.
pub fn is_4050(sex: Sex, birth: NaiveDate, on: NaiveDate) -> bool {
    age_on(birth, on) >= if sex == Sex::Female { 40 } else { 50 }
}

/// Of working age on a date: 16 or older and not yet at retirement.
pub fn working_age(rule: &RetirementRule, birth: NaiveDate, on: NaiveDate) -> bool {
    age_on(birth, on) >= 16 && on < rule.retirement_date(birth)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn working_age_runs_from_the_16th_birthday_to_the_day_before_retirement() {
        let rule = RetirementRule::MEN;
        let birth = d(1964, 12, 15);
        let span = WorkingAge { sex: Sex::Male, birth, from: d(1980, 12, 15), retires_on: rule.retirement_date(birth) };
        assert!(!span.holds(d(1980, 12, 14)));
        assert!(span.holds(d(1980, 12, 15)));
        assert!(span.holds(d(2024, 12, 14)), "the day before retirement");
        assert!(!span.holds(d(2024, 12, 15)), "the retirement day itself");
        assert!(!span.is_4050(d(2014, 12, 14)) && span.is_4050(d(2014, 12, 15)), "the 50th birthday");
        assert!(span.is_4050(d(2024, 12, 14)) && !span.is_4050(d(2024, 12, 15)), "4050 ends at retirement");
        assert!(!span.near_retirement(d(2014, 12, 14)) && span.near_retirement(d(2014, 12, 15)));
        assert!(!span.near_retirement(d(2024, 12, 15)));
    }

    #[test]
    fn the_official_tables_of_the_2024_decision() {
        let men = RetirementRule::MEN;
        assert_eq!(men.retirement_date(d(1964, 12, 15)), d(2024, 12, 15), "before the reform");
        assert_eq!(men.retirement_date(d(1965, 1, 1)), d(2025, 2, 1), "60 and 1 month");
        assert_eq!(men.retirement_date(d(1965, 5, 1)), d(2025, 7, 1), "60 and 2 months");
        assert_eq!(men.delay_months(d(1976, 8, 31)), 35);
        assert_eq!(men.delay_months(d(1976, 9, 1)), 36, "63 from September 1976");
        assert_eq!(men.delay_months(d(1990, 1, 1)), 36);
        let women = RetirementRule::WOMEN_WORKERS;
        assert_eq!(women.retirement_date(d(1975, 1, 10)), d(2025, 2, 10));
        assert_eq!(women.delay_months(d(1975, 3, 1)), 2);
        assert_eq!(women.delay_months(d(1984, 11, 1)), 60, "55 from November 1984");
        let cadres = RetirementRule::WOMEN_CADRES;
        assert_eq!(cadres.delay_months(d(1981, 9, 1)), 36, "58 from September 1981");
    }
}
