//! 慰问 (holiday and condolence visits: 春节, 重阳节, 生日, 住院, …): what
//! was given to whom, when and by whom. The printed lists carry a 签字
//! column for the person's signature; the 重阳节 list shows who has had a
//! 重阳节 visit in the year.
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{dict, Result};

/// The 慰问类型 the 重阳节 list looks for.
pub const DOUBLE_NINTH: &str = "重阳节";

/// The most a single 慰问金 may be (a typo guard, yuan).
const MAX_YUAN: f64 = 100_000.0;

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct CondolenceInput {
    /// 慰问类型, of the dictionary condolence_kind.
    pub kind: String,
    pub date: String,
    /// 慰问品: what was given (米、油、蛋糕…).
    pub gift: Option<String>,
    /// 慰问金 in yuan as typed.
    pub amount: Option<String>,
    /// 经办人.
    pub staff: String,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CondolenceRecord {
    pub id: String,
    pub kind: String,
    pub date: String,
    pub gift: Option<String>,
    pub amount_cents: Option<i64>,
    pub staff: String,
    pub notes: Option<String>,
}

pub fn add_condolence(
    store: &mut Store,
    actor: &Actor,
    elderly_id: &str,
    input: &CondolenceInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| record_condolence(w, elderly_id, input, today))
}

/// [`add_condolence`] inside a larger write (demo).
pub fn record_condolence(
    w: &mut WriteTx,
    elderly_id: &str,
    input: &CondolenceInput,
    today: NaiveDate,
) -> Result<String> {
    super::care::require_allowed(w, elderly_id, super::CONDOLE)?;
    let kind = validate::one_of("kind", "慰问类型", &input.kind, &dict::labels_in(w, "condolence_kind")?)?;
    let date = validate::past_date("date", "慰问日期", &input.date, today)?;
    let gift = optional(input.gift.as_deref());
    let amount = validate::yuan_to_cents("amount", "慰问金", input.amount.as_deref(), MAX_YUAN)?;
    // A visit with nothing given is a visit (探访), not a 慰问: the list it
    // goes on is signed for what was received.
    if gift.is_none() && amount == 0 {
        return Err(invalid("gift", "请填写慰问品或慰问金（至少一项）").into());
    }
    let staff = validate::required("staff", "经办人", &input.staff)?;
    let id = new_id();
    let f = [
        ("elderly_id", elderly_id.to_string().into()),
        ("kind", kind.into()),
        ("date", date.to_string().into()),
        ("gift", gift.into()),
        ("amount_cents", (amount > 0).then_some(amount).into()),
        ("staff", staff.into()),
        ("notes", optional(input.notes.as_deref()).into()),
    ];
    w.insert(Table::ElderlyCondolence, &id, &f)?;
    Ok(id)
}

/// Newest first.
pub fn condolences(conn: &Connection, elderly_id: &str) -> Result<Vec<CondolenceRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, date, gift, amount_cents, staff, notes FROM elderly_condolence
         WHERE elderly_id = ?1 ORDER BY date DESC, id DESC",
    )?;
    let rows = stmt.query_map([elderly_id], |r| {
        Ok(CondolenceRecord {
            id: r.get(0)?,
            kind: r.get(1)?,
            date: r.get(2)?,
            gift: r.get(3)?,
            amount_cents: r.get(4)?,
            staff: r.get(5)?,
            notes: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
