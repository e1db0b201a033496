//! 电话问候 (phone check-ins). A call is contact, not a home visit: it is
//! on the person's record, but neither the visit rate (`super::rate`) nor
//! the visits due (`super::care::due_visits`) count it.
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{dict, Result};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct CallInput {
    pub date: String,
    pub caller: String,
    /// 正常 / 未接 / 异常 (dictionary call_result).
    pub result: String,
    /// 处理情况: what was done about it.
    pub action: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CallRecord {
    pub id: String,
    #[serde(flatten)]
    pub call: CallInput,
}

pub fn add_call(
    store: &mut Store,
    actor: &Actor,
    elderly_id: &str,
    input: &CallInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| record_call(w, elderly_id, input, today))
}

/// [`add_call`] inside a larger write (demo).
pub fn record_call(w: &mut WriteTx, elderly_id: &str, input: &CallInput, today: NaiveDate) -> Result<String> {
    super::care::require_allowed(w, elderly_id, super::CALL)?;
    let date = validate::past_date("date", "问候日期", &input.date, today)?;
    let caller = validate::required("caller", "问候人", &input.caller)?;
    let result = validate::one_of("result", "问候结果", &input.result, &dict::labels_in(w, "call_result")?)?;
    let action = optional(input.action.as_deref());
    // A call that found something wrong, or reached no one, is followed up:
    // the record says how, so the next person on the phone knows.
    if result != "正常" && action.is_none() {
        return Err(
            invalid("action", format!("问候结果为“{result}”，请填写处理情况（如上门查看、联系紧急联系人）")).into()
        );
    }
    let id = new_id();
    let f = [
        ("elderly_id", elderly_id.to_string().into()),
        ("date", date.to_string().into()),
        ("caller", caller.into()),
        ("result", result.into()),
        ("action", action.into()),
    ];
    w.insert(Table::ElderlyCall, &id, &f)?;
    Ok(id)
}

/// Newest first.
pub fn calls(conn: &Connection, elderly_id: &str) -> Result<Vec<CallRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, date, caller, result, action FROM elderly_call WHERE elderly_id = ?1 ORDER BY date DESC, id DESC",
    )?;
    let rows = stmt.query_map([elderly_id], |r| {
        Ok(CallRecord {
            id: r.get(0)?,
            call: CallInput { date: r.get(1)?, caller: r.get(2)?, result: r.get(3)?, action: r.get(4)? },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
