//! What the old-age allowance pays in a month, derived from the facts of
//! one allowance and the office's rules; nothing of it is stored.
//!
//! Months are counted as `year * 12 + month - 1` ([`Month`]). A person's
//! age for a month is the age reached by the end of the month before, so a
//! tier applies from the month after the birthday month; an event dated in
//! a month rules from the month after it (暂停, 停发) or from that month
//! (在享: a resumed payment is paid in the month it resumes).
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use crate::settings::{self, Dated};
use crate::Result;

use super::{STOPPED, SUSPENDED};

/// A calendar month as a number: `year * 12 + month0`.
pub type Month = i32;

pub fn month_of(d: NaiveDate) -> Month {
    d.year() * 12 + d.month0() as i32
}

pub fn first_day(m: Month) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).expect("a month in range")
}

/// `2026-07`.
pub fn month_text(m: Month) -> String {
    format!("{}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// 年龄段 (tier): from its first age, with its effective-dated amounts.
#[derive(Debug, Clone)]
pub struct Tier {
    pub min_age: i32,
    /// 80-89岁, 100岁以上.
    pub label: String,
    pub amounts: Dated,
}

/// The office's rules (settings elderly.allowance.*), read once per list.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Youngest first.
    pub tiers: Vec<Tier>,
    /// Payment starts after the application month, not after the birthday
    /// month (elderly.allowance.start = 2).
    pub from_application: bool,
    /// How many months before the application month a late registration
    /// is paid back.
    pub max_backpay: i32,
}

impl Rules {
    pub fn read(conn: &Connection) -> Result<Rules> {
        let mut tiers = Vec::new();
        for n in 1..=3 {
            let min_age = settings::integer(conn, &format!("elderly.allowance.tier{n}.age"))? as i32;
            let amounts = settings::dated(conn, &format!("elderly.allowance.tier{n}.amount"))?;
            tiers.push(Tier { min_age, label: String::new(), amounts });
        }
        // Ages set out of order count in order; a repeated age, once.
        tiers.sort_by_key(|t| t.min_age);
        tiers.dedup_by_key(|t| t.min_age);
        let ages: Vec<i32> = tiers.iter().map(|t| t.min_age).collect();
        for (i, t) in tiers.iter_mut().enumerate() {
            t.label = match ages.get(i + 1) {
                Some(next) => format!("{}-{}岁", t.min_age, next - 1),
                None => format!("{}岁以上", t.min_age),
            };
        }
        Ok(Rules {
            tiers,
            from_application: settings::integer(conn, "elderly.allowance.start")? == 2,
            max_backpay: settings::integer(conn, "elderly.allowance.max_backpay_months")? as i32,
        })
    }

    /// The first age any tier pays.
    pub fn min_age(&self) -> i32 {
        self.tiers.first().map_or(80, |t| t.min_age)
    }

    fn tier(&self, age: i32) -> Option<usize> {
        self.tiers.iter().rposition(|t| t.min_age <= age)
    }
}

/// A status event as payments read it.
#[derive(Debug, Clone)]
pub struct StatusEvent {
    /// The first month it rules.
    pub from: Month,
    pub status: String,
    pub date: String,
    pub reason: Option<String>,
}

impl StatusEvent {
    pub fn new(status: &str, date: NaiveDate, reason: Option<String>) -> StatusEvent {
        let from = if status == STOPPED || status == SUSPENDED { month_of(date) + 1 } else { month_of(date) };
        StatusEvent { from, status: status.to_string(), date: date.to_string(), reason }
    }
}

/// Why a person left the roster (去世, 迁出) and when.
#[derive(Debug, Clone)]
pub struct Left {
    pub month: Month,
    pub status: String,
    pub date: String,
}

/// What payments of one allowance depend on.
#[derive(Debug, Clone)]
pub struct Facts {
    pub birth: Month,
    pub applied: Month,
    /// In the order they were made (date, then id).
    pub events: Vec<StatusEvent>,
    /// Off the roster: paid to the end of that month.
    pub left: Option<Left>,
}

/// One allowance in one month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthPay {
    /// On the month's 发放名册 with a regular payment.
    pub paid: bool,
    pub tier: Option<usize>,
    /// 标准 in force for the tier this month (cents; 0 when not set).
    pub standard: i64,
    /// 本月金额 (cents).
    pub regular: i64,
    /// 补发 paid this month (cents) and the months it covers.
    pub backpay: i64,
    pub backpay_months: Vec<Month>,
}

impl Facts {
    /// The age reached by the end of the month before `m`.
    pub fn age_for(&self, m: Month) -> i32 {
        (m - self.birth - 1).div_euclid(12)
    }

    /// The status event ruling month `m` (none before the application).
    pub fn event_for(&self, m: Month) -> Option<&StatusEvent> {
        self.events.iter().rev().find(|e| e.from <= m)
    }

    fn status(&self, m: Month) -> &str {
        self.event_for(m).map_or(super::GRANTED, |e| e.status.as_str())
    }

    /// The first month paid: the month after the birthday month of the
    /// first tier's age, or, by the setting, after the application month.
    pub fn start(&self, rules: &Rules) -> Month {
        let by_age = self.birth + 12 * rules.min_age() + 1;
        if rules.from_application {
            by_age.max(self.applied + 1)
        } else {
            by_age
        }
    }

    /// Owed for month `m` (whether paid in it or later).
    fn due(&self, rules: &Rules, m: Month) -> bool {
        m >= self.start(rules)
            && self.left.as_ref().is_none_or(|l| m <= l.month)
            && self.status(m) != STOPPED
            && rules.tier(self.age_for(m)).is_some()
    }

    fn held(&self, m: Month) -> bool {
        self.status(m) == SUSPENDED
    }

    fn standard(&self, rules: &Rules, m: Month) -> (Option<usize>, i64) {
        let tier = rules.tier(self.age_for(m));
        (tier, tier.and_then(|t| rules.tiers[t].amounts.in_month(first_day(m))).unwrap_or(0))
    }

    /// On the roster of month `m` with its own month's payment.
    pub fn paid_in(&self, rules: &Rules, m: Month) -> bool {
        m >= self.applied && self.due(rules, m) && !self.held(m)
    }

    /// What month `m`'s 发放名册 pays: the month itself, and as 补发 the
    /// months a late registration (in the application month, at most
    /// `max_backpay` months back) or a resumed payment (every month held
    /// since the suspension) makes due now.
    pub fn pay(&self, rules: &Rules, m: Month) -> MonthPay {
        let (tier, standard) = self.standard(rules, m);
        let paid = self.paid_in(rules, m);
        let mut out = MonthPay { paid, tier, standard, regular: if paid { standard } else { 0 }, ..Default::default() };
        let mut back = |month: Month| {
            out.backpay += self.standard(rules, month).1;
            out.backpay_months.push(month);
        };
        if m == self.applied {
            for month in (self.applied - rules.max_backpay).max(self.start(rules))..m {
                if self.due(rules, month) && !self.held(month) {
                    back(month);
                }
            }
        }
        if m >= self.applied && !self.held(m) && self.status(m) != STOPPED {
            let mut month = m - 1;
            let mut held = Vec::new();
            while month >= self.applied && self.held(month) {
                if self.due(rules, month) {
                    held.push(month);
                }
                month -= 1;
            }
            held.into_iter().rev().for_each(&mut back);
        }
        out
    }
}
