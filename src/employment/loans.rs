//! Guaranteed start-up loans (创业担保贷款, formerly 小额担保贷款) and
//! hardship relief (春风行动 and similar).
//!
//! A loan is due at granting date plus its term (at most 36 months), plus
//! its one extension (at most 12 months, without interest subsidy). Within
//! policy: at most the setting's amount for a person (300,000 yuan) or a
//! small or micro enterprise (4,000,000), and at most 3 subsidised loans to
//! one person. The interest subsidy due is worked out per loan and year
//! from the effective-dated rate (employment.loan.subsidy_rate), for the
//! months of the term only. Alerts: maturing within the setting
//! employment.loan_alert_days (default 60), and overdue.
use chrono::{Months, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::case::require_case;
use crate::access::Actor;
use crate::dict;
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{Error, Result};

pub const SETTLED: &str = "已结清";
pub const PERSON: &str = "个人";
pub const ENTERPRISE: &str = "小微企业";
/// Subsidised loans one person may have (累计不超过3次).
pub const MAX_LOANS: i64 = 3;

/// 展期.
pub const EXTEND: &str = "extend";
/// 还款情况 (repayment status or settlement).
pub const REPAYMENT: &str = "repayment";
/// What may be done to a loan, in the order the page shows them.
pub const ACTIONS: [&str; 2] = [EXTEND, REPAYMENT];

/// Why `action` may not be done to a loan, settled or not and extended or
/// not; `None` when it may. The loan's row offers the actions allowed
/// (`LoanView::actions`) and the core refuses the others with this.
pub fn refusal(action: &str, settled: bool, extended: bool) -> Option<&'static str> {
    match action {
        EXTEND if settled => Some("该贷款已结清"),
        EXTEND if extended => Some("创业担保贷款只能展期一次"),
        _ => None,
    }
}

/// The actions allowed on a loan.
pub fn actions(settled: bool, extended: bool) -> Vec<&'static str> {
    ACTIONS.into_iter().filter(|a| refusal(a, settled, extended).is_none()).collect()
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LoanInput {
    /// Yuan, as typed.
    pub amount: String,
    pub bank: String,
    pub guarantee: Option<String>,
    pub granted_on: String,
    pub term_months: u32,
    pub interest_subsidy: Option<String>,
    /// 个人 (the default) or 小微企业.
    #[serde(default)]
    pub borrower: Option<String>,
    /// The enterprise's name, for a 小微企业 loan.
    #[serde(default)]
    pub enterprise: Option<String>,
}

/// Registers a loan to the person of a case.
pub fn add_loan(store: &mut Store, actor: &Actor, case_id: &str, l: &LoanInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| add_loan_in(w, case_id, l, today))
}

pub fn add_loan_in(w: &mut WriteTx, case_id: &str, l: &LoanInput, today: NaiveDate) -> Result<String> {
    let person_id = require_case(w, case_id)?;
    let borrower = match optional(l.borrower.as_deref()) {
        Some(b) => validate::one_of("borrower", "借款人类型", &b, &[PERSON.into(), ENTERPRISE.into()])?,
        None => PERSON.into(),
    };
    let enterprise = optional(l.enterprise.as_deref());
    if borrower == ENTERPRISE && enterprise.is_none() {
        return Err(invalid("enterprise", "小微企业贷款请填写企业名称").into());
    }
    let (key, who) = if borrower == ENTERPRISE {
        ("employment.loan.max_enterprise", "小微企业")
    } else {
        ("employment.loan.max_person", "个人")
    };
    let max = crate::settings::integer(w.conn(), key)?;
    let amount = validate::yuan_to_cents("amount", "贷款金额", Some(&l.amount), f64::MAX)?;
    if amount == 0 {
        return Err(invalid("amount", "请填写贷款金额").into());
    }
    if amount > max * 100 {
        return Err(invalid("amount", format!("创业担保贷款{who}最高{}元，请核对贷款金额", max)).into());
    }
    let held: i64 = w
        .conn()
        .prepare_cached("SELECT count(*) FROM startup_loan WHERE person_id = ?1")?
        .query_row([&person_id], |r| r.get(0))?;
    if held >= MAX_LOANS {
        return Err(invalid(
            "amount",
            format!("此人已有{held}笔创业担保贷款，财政贴息累计不超过{MAX_LOANS}次，不能再登记"),
        )
        .into());
    }
    if !(1..=36).contains(&l.term_months) {
        return Err(invalid("term_months", "贷款期限应为1到36个月").into());
    }
    let granted = validate::past_date("granted_on", "放款日期", &l.granted_on, today)?;
    let id = new_id();
    w.insert(
        Table::StartupLoan,
        &id,
        &[
            ("person_id", person_id.into()),
            ("amount_cents", amount.into()),
            ("bank", validate::required("bank", "贷款银行", &l.bank)?.into()),
            ("guarantee", optional(l.guarantee.as_deref()).into()),
            ("granted_on", granted.to_string().into()),
            ("term_months", (l.term_months as i64).into()),
            ("extension_months", 0.into()),
            (
                "interest_subsidy_cents",
                validate::yuan_to_cents("interest_subsidy", "贴息金额", l.interest_subsidy.as_deref(), 1_000_000.0)?
                    .into(),
            ),
            ("repayment", "正常还款".to_string().into()),
            ("borrower", borrower.into()),
            ("enterprise", enterprise.into()),
        ],
    )?;
    Ok(id)
}

fn loan_case(conn: &Connection, loan_id: &str) -> Result<(String, i64, Option<String>)> {
    conn.query_row(
        "SELECT e.id, l.extension_months, l.settled_on FROM startup_loan l JOIN employment_case e ON e.person_id = l.person_id
         WHERE l.id = ?1",
        [loan_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?
    .ok_or(Error::NotFound { what: "贷款" })
}

/// 展期: once, at most 12 months.
pub fn extend(store: &mut Store, actor: &Actor, loan_id: &str, months: u32) -> Result<()> {
    store.write(actor, |w| {
        let (case_id, extended, settled) = loan_case(w.conn(), loan_id)?;
        require_case(w, &case_id)?;
        if let Some(why) = refusal(EXTEND, settled.is_some(), extended > 0) {
            return Err(invalid("extension_months", why).into());
        }
        if !(1..=12).contains(&months) {
            return Err(invalid("extension_months", "展期应为1到12个月（展期内不贴息）").into());
        }
        w.update(Table::StartupLoan, loan_id, None, &[("extension_months", (months as i64).into())])?;
        Ok(())
    })
}

/// Records the repayment status (正常还款, 逾期) or settlement (已结清, dated).
pub fn set_repayment(
    store: &mut Store,
    actor: &Actor,
    loan_id: &str,
    status: &str,
    on: Option<&str>,
    today: NaiveDate,
) -> Result<()> {
    store.write(actor, |w| {
        let (case_id, _, _) = loan_case(w.conn(), loan_id)?;
        require_case(w, &case_id)?;
        let status = validate::one_of("repayment", "还款情况", status, &dict::labels(w.conn(), "loan_repayment")?)?;
        let settled = if status == SETTLED {
            let on = on.ok_or_else(|| invalid("settled_on", "请填写结清日期"))?;
            Some(validate::past_date("settled_on", "结清日期", on, today)?.to_string())
        } else {
            None
        };
        w.update(Table::StartupLoan, loan_id, None, &[("repayment", status.into()), ("settled_on", settled.into())])?;
        Ok(())
    })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LoanView {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub community: Option<String>,
    pub amount_cents: i64,
    pub bank: String,
    pub guarantee: Option<String>,
    pub granted_on: String,
    pub term_months: i64,
    pub extension_months: i64,
    pub interest_subsidy_cents: i64,
    pub repayment: String,
    pub settled_on: Option<String>,
    pub due_on: String,
    /// Days until due (negative: overdue). None once settled.
    pub days_left: Option<i64>,
    pub borrower: String,
    pub enterprise: Option<String>,
    /// The interest subsidy due, per calendar year of the term.
    pub subsidy_by_year: Vec<YearSubsidy>,
    /// What may be done now ([`ACTIONS`], [`refusal`]).
    pub actions: Vec<&'static str>,
}

/// The interest subsidy due for one loan in one year (cents).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct YearSubsidy {
    pub year: i32,
    pub cents: i64,
}

/// The interest subsidy's annual rate, read once (hundredths of a percent:
/// 1.85% is 185).
pub fn subsidy_rate(conn: &Connection) -> Result<crate::settings::Dated> {
    crate::settings::dated(conn, "employment.loan.subsidy_rate")
}

/// The interest subsidy due for each month of a loan's term (not its
/// extension, not after it was settled): amount × the month's annual rate ÷ 12.
pub fn subsidy_months(
    rate: &crate::settings::Dated,
    amount_cents: i64,
    granted: NaiveDate,
    term_months: i64,
    settled_on: Option<NaiveDate>,
) -> Vec<(NaiveDate, i64)> {
    let mut out = Vec::new();
    for i in 0..term_months.max(0) as u32 {
        let Some(month) = granted.checked_add_months(Months::new(i)) else { break };
        if settled_on.is_some_and(|s| s < month) {
            break;
        }
        let rate = rate.in_month(month).unwrap_or(0);
        out.push((month, (amount_cents as i128 * rate as i128 / 10_000 / 12) as i64));
    }
    out
}

const LOAN_SQL: &str = "SELECT l.id, l.person_id, p.name, c.name, l.amount_cents, l.bank, l.guarantee, l.granted_on,
        l.term_months, l.extension_months, l.interest_subsidy_cents, l.repayment, l.settled_on, l.borrower, l.enterprise
    FROM startup_loan l JOIN person p ON p.id = l.person_id LEFT JOIN community c ON c.id = p.community_id";

fn loan_views(conn: &Connection, filter: &str, key: Option<&str>, today: NaiveDate) -> Result<Vec<LoanView>> {
    let mut stmt = conn.prepare_cached(&format!("{LOAN_SQL} {filter} ORDER BY l.granted_on"))?;
    let mut rows = stmt.query([key])?;
    let rate = subsidy_rate(conn)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let granted: String = r.get(7)?;
        let (term, ext): (i64, i64) = (r.get(8)?, r.get(9)?);
        let due = granted
            .parse::<NaiveDate>()
            .ok()
            .and_then(|g| g.checked_add_months(Months::new((term + ext) as u32)))
            .unwrap_or(today);
        let settled: Option<String> = r.get(12)?;
        let amount: i64 = r.get(4)?;
        let mut subsidy_by_year: Vec<YearSubsidy> = Vec::new();
        if let Ok(g) = granted.parse::<NaiveDate>() {
            let settled_on = settled.as_deref().and_then(|s| s.parse().ok());
            for (month, cents) in subsidy_months(&rate, amount, g, term, settled_on) {
                use chrono::Datelike;
                match subsidy_by_year.last_mut() {
                    Some(y) if y.year == month.year() => y.cents += cents,
                    _ => subsidy_by_year.push(YearSubsidy { year: month.year(), cents }),
                }
            }
        }
        out.push(LoanView {
            borrower: r.get::<_, Option<String>>(13)?.unwrap_or_else(|| PERSON.into()),
            enterprise: r.get(14)?,
            subsidy_by_year,
            id: r.get(0)?,
            person_id: r.get(1)?,
            name: r.get(2)?,
            community: r.get(3)?,
            amount_cents: r.get(4)?,
            bank: r.get(5)?,
            guarantee: r.get(6)?,
            granted_on: granted,
            term_months: term,
            extension_months: ext,
            interest_subsidy_cents: r.get(10)?,
            repayment: r.get(11)?,
            days_left: settled.is_none().then(|| (due - today).num_days()),
            actions: actions(settled.is_some(), ext > 0),
            settled_on: settled,
            due_on: due.to_string(),
        });
    }
    Ok(out)
}

pub fn of_person(conn: &Connection, person_id: &str, today: NaiveDate) -> Result<Vec<LoanView>> {
    loan_views(conn, "WHERE l.person_id = ?1", Some(person_id), today)
}

/// Loans not settled that fall due within the alert window, or are overdue,
/// the most urgent first.
pub fn alerts(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Vec<LoanView>> {
    let window = crate::settings::integer(conn, "employment.loan_alert_days")?;
    let mut out: Vec<LoanView> =
        loan_views(conn, "WHERE l.settled_on IS NULL AND (?1 IS NULL OR p.community_id = ?1)", actor.scope(), today)?
            .into_iter()
            .filter(|l| l.days_left.is_some_and(|d| d <= window))
            .collect();
    out.sort_by_key(|l| l.days_left);
    Ok(out)
}

/// Every loan, for the loans page.
pub fn all(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Vec<LoanView>> {
    loan_views(conn, "WHERE ?1 IS NULL OR p.community_id = ?1", actor.scope(), today)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReliefInput {
    pub programme: String,
    pub date: String,
    /// What was given (慰问金, 米面油 …).
    pub help: String,
    /// Yuan, if money.
    pub amount: Option<String>,
}

/// Hardship relief for the person of a case.
pub fn add_relief(
    store: &mut Store,
    actor: &Actor,
    case_id: &str,
    r: &ReliefInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| {
        let person_id = require_case(w, case_id)?;
        relief_in(w, &person_id, r, today)
    })
}

/// Hardship relief (春风行动, 困难帮扶) for any resident, with or without an
/// employment case.
pub fn add_relief_for_person(
    store: &mut Store,
    actor: &Actor,
    person_id: &str,
    r: &ReliefInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| {
        super::require_person(w, person_id)?;
        relief_in(w, person_id, r, today)
    })
}

fn relief_in(w: &mut WriteTx, person_id: &str, r: &ReliefInput, today: NaiveDate) -> Result<String> {
    let programme =
        validate::one_of("programme", "帮扶项目", &r.programme, &dict::labels(w.conn(), "relief_programme")?)?;
    let id = new_id();
    w.insert(
        Table::HardshipRelief,
        &id,
        &[
            ("person_id", person_id.to_string().into()),
            ("programme", programme.into()),
            ("date", validate::past_date("date", "帮扶日期", &r.date, today)?.to_string().into()),
            ("help", validate::required("help", "帮扶内容", &r.help)?.into()),
            ("amount_cents", validate::yuan_to_cents("amount", "金额", r.amount.as_deref(), 1_000_000.0)?.into()),
        ],
    )?;
    Ok(id)
}

/// A person's relief, newest first (who may see the person).
pub fn relief_of(conn: &Connection, actor: &Actor, person_id: &str) -> Result<Vec<serde_json::Value>> {
    actor.require_community(super::community_of(conn, person_id)?.as_deref())?;
    crate::store::json_rows(
        conn,
        "SELECT id, programme, date, help, amount_cents FROM hardship_relief WHERE person_id = ?1 ORDER BY date DESC",
        [person_id],
    )
}
