//! Guaranteed start-up loans (创业担保贷款, formerly 小额担保贷款) and
//! hardship relief (春风行动 and similar).
//!
//! A loan is due at granting date plus its term, plus its one extension (at
//! most 12 months, without interest subsidy). Alerts: maturing within the
//! setting employment.loan_alert_days (default 60), and overdue.
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
}

/// Registers a loan to the person of a case.
pub fn add_loan(store: &mut Store, actor: &Actor, case_id: &str, l: &LoanInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| add_loan_in(w, case_id, l, today))
}

pub fn add_loan_in(w: &mut WriteTx, case_id: &str, l: &LoanInput, today: NaiveDate) -> Result<String> {
    let person_id = require_case(w, case_id)?;
    let amount = validate::yuan_to_cents("amount", "贷款金额", Some(&l.amount), 3_000_000.0)?;
    if amount == 0 {
        return Err(invalid("amount", "请填写贷款金额").into());
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
    /// What may be done now ([`ACTIONS`], [`refusal`]).
    pub actions: Vec<&'static str>,
}

const LOAN_SQL: &str = "SELECT l.id, l.person_id, p.name, c.name, l.amount_cents, l.bank, l.guarantee, l.granted_on,
        l.term_months, l.extension_months, l.interest_subsidy_cents, l.repayment, l.settled_on
    FROM startup_loan l JOIN person p ON p.id = l.person_id LEFT JOIN community c ON c.id = p.community_id";

fn loan_views(conn: &Connection, filter: &str, key: Option<&str>, today: NaiveDate) -> Result<Vec<LoanView>> {
    let mut stmt = conn.prepare_cached(&format!("{LOAN_SQL} {filter} ORDER BY l.granted_on"))?;
    let mut rows = stmt.query([key])?;
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
        out.push(LoanView {
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
        let programme =
            validate::one_of("programme", "帮扶项目", &r.programme, &dict::labels(w.conn(), "relief_programme")?)?;
        let id = new_id();
        w.insert(
            Table::HardshipRelief,
            &id,
            &[
                ("person_id", person_id.into()),
                ("programme", programme.into()),
                ("date", validate::past_date("date", "帮扶日期", &r.date, today)?.to_string().into()),
                ("help", validate::required("help", "帮扶内容", &r.help)?.into()),
                ("amount_cents", validate::yuan_to_cents("amount", "金额", r.amount.as_deref(), 1_000_000.0)?.into()),
            ],
        )?;
        Ok(id)
    })
}
