//! Assistance records (救助与残疾记录) of an elderly person: 低保 (minimum
//! living allowance), 特困 (extreme-poverty support), 残疾证 (disability
//! certificate) and the 残疾人两项补贴 (the two disability subsidies).
//!
//! 困难 and 残疾 follow from the records in force (在享): a person with one
//! has the kind whether ticked or not, and a tick with no record behind it
//! is reported as unbacked (`ElderlyPerson::unbacked_kinds`), so the roster
//! cannot claim what the person's own data does not show.
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{dict, idcard, Error, Result};

/// 低保: minimum living allowance.
pub const LOW_INCOME: &str = "低保";
/// 特困: extreme-poverty support.
pub const EXTREME_POVERTY: &str = "特困";
/// 残疾证: disability certificate.
pub const DISABILITY_CERT: &str = "残疾证";
/// 困难残疾人生活补贴: living subsidy for disabled people in hardship.
pub const LIVING_SUBSIDY: &str = "困难残疾人生活补贴";
/// 重度残疾人护理补贴: care subsidy for the severely disabled.
pub const CARE_SUBSIDY: &str = "重度残疾人护理补贴";
pub const KINDS: [&str; 5] = [LOW_INCOME, EXTREME_POVERTY, DISABILITY_CERT, LIVING_SUBSIDY, CARE_SUBSIDY];

/// 在享: in force; 停发: stopped (kept as history, derives nothing).
pub const IN_FORCE: &str = "在享";
pub const STOPPED: &str = "停发";
pub const STATUSES: [&str; 2] = [IN_FORCE, STOPPED];

/// 特困 供养方式: institutional or home support.
pub const SUPPORT_MODES: [&str; 2] = ["集中供养", "分散供养"];
/// 特困 自理能力, as 特困人员认定办法 grades it.
pub const SELF_CARE: [&str; 3] = ["具备生活自理能力", "部分丧失生活自理能力", "完全丧失生活自理能力"];

/// The roster kinds and the record kinds that make them.
pub const HARDSHIP: (&str, &[&str]) = ("困难", &[LOW_INCOME, EXTREME_POVERTY]);
pub const DISABLED: (&str, &[&str]) = ("残疾", &[DISABILITY_CERT, LIVING_SUBSIDY, CARE_SUBSIDY]);
pub const DERIVED: [(&str, &[&str]); 2] = [HARDSHIP, DISABLED];

/// The most a monthly amount may be (yuan): a typo guard.
const MAX_MONTHLY_YUAN: f64 = 20_000.0;

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct AssistanceInput {
    /// One of [`KINDS`].
    pub kind: String,
    /// 在享 / 停发.
    pub status: String,
    /// 低保证号 or 残疾证号.
    pub cert_no: Option<String>,
    /// 低保 保障人数: persons covered by the household's allowance.
    pub persons: Option<String>,
    /// Monthly amount in yuan (低保 and the two subsidies).
    pub amount: Option<String>,
    /// 特困: 集中供养 / 分散供养.
    pub support_mode: Option<String>,
    /// 特困: [`SELF_CARE`].
    pub self_care: Option<String>,
    /// 残疾证: type and grade; read from the number when left empty.
    pub disability_type: Option<String>,
    pub disability_grade: Option<String>,
    /// 认定日期 (optional).
    pub since: Option<String>,
}

/// 停发: a record in force stopped; 恢复: a stopped one in force again.
pub const STOP: &str = "stop";
pub const RESUME: &str = "resume";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AssistanceRecord {
    pub id: String,
    pub row_version: i64,
    pub kind: String,
    pub status: String,
    /// 残疾证号 masked like the ID number it contains; 低保证号 as is.
    pub cert_no: Option<String>,
    pub persons: Option<i64>,
    pub amount_cents: Option<i64>,
    pub support_mode: Option<String>,
    pub self_care: Option<String>,
    pub disability_type: Option<String>,
    pub disability_grade: Option<String>,
    pub since: Option<String>,
    /// What may be done to it now: [`STOP`] or [`RESUME`].
    pub actions: Vec<&'static str>,
}

/// What the page's form offers: the kinds, each with the fields it takes
/// (the form shows only those), and the choices of the fixed fields.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Choices {
    pub kinds: Vec<KindFields>,
    pub statuses: [&'static str; 2],
    pub support_modes: [&'static str; 2],
    pub self_care: [&'static str; 3],
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KindFields {
    pub kind: &'static str,
    pub fields: &'static [&'static str],
}

pub fn choices() -> Choices {
    let fields = |kind: &str| -> &'static [&'static str] {
        match kind {
            LOW_INCOME => &["cert_no", "persons", "amount"],
            EXTREME_POVERTY => &["support_mode", "self_care"],
            DISABILITY_CERT => &["cert_no", "disability_type", "disability_grade"],
            _ => &["amount"],
        }
    };
    Choices {
        kinds: KINDS.iter().map(|k| KindFields { kind: k, fields: fields(k) }).collect(),
        statuses: STATUSES,
        support_modes: SUPPORT_MODES,
        self_care: SELF_CARE,
    }
}

/// 停发 a record in force, or puts a stopped one in force again (refused
/// while another of its kind is in force).
pub fn set_status(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    action: &str,
    today: NaiveDate,
) -> Result<()> {
    type Stored = (Option<i64>, Option<i64>, Option<String>, Option<String>, Option<String>, Option<String>);
    let (persons, amount, mode, care, dtype, grade): Stored = store
        .conn()
        .prepare_cached(
            "SELECT persons, amount_cents, support_mode, self_care, disability_type, disability_grade
             FROM elderly_assistance WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .optional()?
        .ok_or(Error::NotFound { what: "该救助或残疾记录" })?;
    let status = match action {
        STOP => STOPPED,
        RESUME => IN_FORCE,
        _ => return Err(invalid("status", "请选择停发或恢复").into()),
    };
    let input = AssistanceInput {
        status: status.into(),
        persons: persons.map(|p| p.to_string()),
        amount: amount.map(|c| format!("{}.{:02}", c / 100, c % 100)),
        support_mode: mode,
        self_care: care,
        disability_type: dtype,
        disability_grade: grade,
        ..Default::default()
    };
    update(store, actor, id, expected_version, &input, today)
}

pub fn add(
    store: &mut Store,
    actor: &Actor,
    elderly_id: &str,
    input: &AssistanceInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| record(w, elderly_id, input, today))
}

/// [`add`] inside a larger write (demo).
pub fn record(w: &mut WriteTx, elderly_id: &str, input: &AssistanceInput, today: NaiveDate) -> Result<String> {
    super::care::require_allowed(w, elderly_id, super::ASSISTANCE)?;
    let mut f = fields(w, elderly_id, None, input, today)?;
    f.push(("elderly_id", elderly_id.to_string().into()));
    let id = new_id();
    w.insert(Table::ElderlyAssistance, &id, &f)?;
    Ok(id)
}

/// Saves an edit of a record (its kind stays): a status 停发, a new amount.
/// A certificate number or date left empty keeps the stored one (the page
/// shows the number masked).
pub fn update(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    input: &AssistanceInput,
    today: NaiveDate,
) -> Result<()> {
    store.write(actor, |w| {
        type Stored = (String, String, Option<String>, Option<String>);
        let (elderly_id, kind, cert, since): Stored = w
            .conn()
            .prepare_cached("SELECT elderly_id, kind, cert_no, since FROM elderly_assistance WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?
            .ok_or(Error::NotFound { what: "该救助或残疾记录" })?;
        super::care::require_allowed(w, &elderly_id, super::ASSISTANCE)?;
        let mut input = input.clone();
        input.kind = kind;
        if optional(input.cert_no.as_deref()).is_none() {
            input.cert_no = cert;
        }
        if optional(input.since.as_deref()).is_none() {
            input.since = since;
        }
        let f = fields(w, &elderly_id, Some(id), &input, today)?;
        w.update(Table::ElderlyAssistance, id, expected_version, &f)?;
        Ok(())
    })
}

/// Checks a record by its kind; the fields of other kinds are stored empty.
fn fields(
    w: &mut WriteTx,
    elderly_id: &str,
    own_id: Option<&str>,
    input: &AssistanceInput,
    today: NaiveDate,
) -> Result<Vec<(&'static str, Value)>> {
    let kinds: Vec<String> = KINDS.iter().map(|k| k.to_string()).collect();
    let kind = validate::one_of("kind", "记录类别", &input.kind, &kinds)?;
    let statuses: Vec<String> = STATUSES.iter().map(|k| k.to_string()).collect();
    let status = validate::one_of("status", "享受状态", &input.status, &statuses)?;
    let since = match optional(input.since.as_deref()) {
        Some(d) => Some(validate::past_date("since", "认定日期", &d, today)?.to_string()),
        None => None,
    };
    if status == IN_FORCE {
        let other: Option<String> = w
            .conn()
            .prepare_cached(
                "SELECT id FROM elderly_assistance WHERE elderly_id = ?1 AND kind = ?2 AND status = ?3 AND id <> ?4",
            )?
            .query_row([elderly_id, &kind, IN_FORCE, own_id.unwrap_or("")], |r| r.get(0))
            .optional()?;
        if other.is_some() {
            return Err(invalid("kind", format!("该老人已有在享的{kind}记录，请修改那一条，或先将其改为停发")).into());
        }
    }
    let (mut cert, mut persons, mut amount, mut mode, mut care, mut dtype, mut grade) =
        (None, None, None, None, None, None, None);
    match kind.as_str() {
        LOW_INCOME => {
            cert = Some(low_income_cert(input.cert_no.as_deref())?);
            persons = Some(persons_covered(input.persons.as_deref())?);
            amount = Some(monthly("amount", "低保月金额", input.amount.as_deref())?);
        }
        EXTREME_POVERTY => {
            mode = Some(pick("support_mode", "供养方式", input.support_mode.as_deref(), &SUPPORT_MODES)?);
            care = Some(pick("self_care", "自理能力", input.self_care.as_deref(), &SELF_CARE)?);
        }
        DISABILITY_CERT => {
            let (c, t, g) = disability_cert(w, elderly_id, input)?;
            (cert, dtype, grade) = (Some(c), Some(t), Some(g));
        }
        _ => amount = Some(monthly("amount", &format!("{kind}月金额"), input.amount.as_deref())?),
    }
    Ok(vec![
        ("kind", kind.into()),
        ("status", status.into()),
        ("cert_no", cert.into()),
        ("persons", persons.into()),
        ("amount_cents", amount.into()),
        ("support_mode", mode.into()),
        ("self_care", care.into()),
        ("disability_type", dtype.into()),
        ("disability_grade", grade.into()),
        ("since", since.into()),
    ])
}

fn pick(field: &'static str, label: &str, value: Option<&str>, allowed: &[&str]) -> Result<String> {
    let Some(v) = optional(value) else {
        return Err(invalid(field, format!("请选择{label}（{}）", allowed.join("、"))).into());
    };
    let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
    Ok(validate::one_of(field, label, &v, &allowed)?)
}

/// 低保证号: numbered locally, so only its shape is checked (letters,
/// digits and hyphens, 4 to 30 of them).
fn low_income_cert(input: Option<&str>) -> Result<String> {
    let c = optional(input).ok_or_else(|| invalid("cert_no", "请填写低保证号"))?;
    let shape = (4..=30).contains(&c.chars().count()) && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-');
    if !shape {
        return Err(invalid("cert_no", format!("低保证号“{c}”格式不对：应为4到30位字母、数字或连字符")).into());
    }
    Ok(c)
}

fn persons_covered(input: Option<&str>) -> Result<i64> {
    let p = optional(input).ok_or_else(|| invalid("persons", "请填写低保保障人数"))?;
    match p.trim_end_matches('人').parse::<i64>() {
        Ok(n) if (1..=20).contains(&n) => Ok(n),
        _ => Err(invalid("persons", format!("保障人数“{p}”应为1到20的整数")).into()),
    }
}

fn monthly(field: &'static str, label: &str, input: Option<&str>) -> Result<i64> {
    if optional(input).is_none() {
        return Err(invalid(field, format!("请填写{label}（元）")).into());
    }
    let cents = validate::yuan_to_cents(field, label, input, MAX_MONTHLY_YUAN)?;
    if cents == 0 {
        return Err(invalid(field, format!("{label}应大于0")).into());
    }
    Ok(cents)
}

/// 残疾证号 (第二代): the holder's 18-digit ID number, then one digit of the
/// type (1 视力 … 7 多重, the order of the disability_type dictionary) and
/// one of the grade (1–4 for 一级–四级). The ID number must be the person's
/// own; a type or grade typed beside it must agree with the number, and
/// one left empty is read from it.
fn disability_cert(w: &mut WriteTx, elderly_id: &str, input: &AssistanceInput) -> Result<(String, String, String)> {
    let c = optional(input.cert_no.as_deref())
        .ok_or_else(|| invalid("cert_no", "请填写残疾证号（18位身份证号加残疾类别、等级各1位，共20位）"))?
        .to_uppercase();
    let wrong = || invalid("cert_no", "残疾证号应为20位：18位身份证号，加1位残疾类别（1-7）和1位残疾等级（1-4）");
    if c.chars().count() != 20 || !c.is_ascii() {
        return Err(wrong().into());
    }
    let (idn, codes) = c.split_at(18);
    let idn = idcard::IdNumber::parse(idn)
        .map_err(|e| invalid("cert_no", format!("残疾证号的前18位不是有效的身份证号：{e}")))?;
    let own: Option<String> = w
        .conn()
        .prepare_cached("SELECT p.id_number FROM elderly e JOIN person p ON p.id = e.person_id WHERE e.id = ?1")?
        .query_row([elderly_id], |r| r.get(0))?;
    if own.as_deref().is_some_and(|o| o != idn.as_str()) {
        return Err(invalid("cert_no", "残疾证号的前18位与该老人的身份证号不一致，请核对证件").into());
    }
    let types = dict::labels_in(w, "disability_type")?;
    let grades = dict::labels_in(w, "disability_grade")?;
    let digit = |i: usize| codes[i..=i].parse::<usize>().ok().filter(|d| *d >= 1);
    let from_number = |i: usize, list: &[String]| digit(i).and_then(|d| list.get(d - 1).cloned());
    let (Some(t), Some(g)) = (from_number(0, &types), from_number(1, &grades)) else {
        return Err(wrong().into());
    };
    for (field, label, typed, read) in [
        ("disability_type", "残疾类别", &input.disability_type, &t),
        ("disability_grade", "残疾等级", &input.disability_grade, &g),
    ] {
        if let Some(v) = optional(typed.as_deref()) {
            if &v != read {
                return Err(invalid(field, format!("{label}“{v}”与残疾证号标明的“{read}”不一致，请核对")).into());
            }
        }
    }
    Ok((c, t, g))
}

/// The person's records, in force first, then by kind.
pub fn records(conn: &Connection, elderly_id: &str) -> Result<Vec<AssistanceRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, row_version, kind, status, cert_no, persons, amount_cents, support_mode, self_care,
                disability_type, disability_grade, since
         FROM elderly_assistance WHERE elderly_id = ?1 ORDER BY status = '在享' DESC, kind, id",
    )?;
    let rows = stmt.query_map([elderly_id], |r| {
        let kind: String = r.get(2)?;
        let cert: Option<String> = r.get(4)?;
        Ok(AssistanceRecord {
            id: r.get(0)?,
            row_version: r.get(1)?,
            cert_no: cert.map(|c| if kind == DISABILITY_CERT { mask_disability_cert(&c) } else { c }),
            kind,
            status: r.get(3)?,
            persons: r.get(5)?,
            amount_cents: r.get(6)?,
            support_mode: r.get(7)?,
            self_care: r.get(8)?,
            disability_type: r.get(9)?,
            disability_grade: r.get(10)?,
            since: r.get(11)?,
            actions: vec![if r.get::<_, String>(3)? == IN_FORCE { STOP } else { RESUME }],
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The ID number inside masked as everywhere; the type and grade digits shown.
pub fn mask_disability_cert(c: &str) -> String {
    if c.len() == 20 && c.is_ascii() {
        format!("{}{}", crate::person::mask_id(&c[..18]), &c[18..])
    } else {
        crate::person::mask_id(c)
    }
}

/// SQL giving, for the roster entry `e`, the kinds of its records in force
/// (comma-separated, NULL for none): read with [`apply`].
pub const IN_FORCE_SQL: &str =
    "(SELECT group_concat(a.kind) FROM elderly_assistance a WHERE a.elderly_id = e.id AND a.status = '在享')";

/// Adds to `kinds` the kinds the records in force make, and returns the
/// ticked kinds no record backs (困难 ticked with no 低保 or 特困 in force).
pub fn apply(kinds: &mut Vec<String>, in_force: Option<&str>) -> Vec<String> {
    let records: Vec<&str> = in_force.map(|s| s.split(',').collect()).unwrap_or_default();
    let mut unbacked = Vec::new();
    for (kind, from) in DERIVED {
        let backed = records.iter().any(|r| from.contains(r));
        let ticked = kinds.iter().any(|k| k == kind);
        if backed && !ticked {
            kinds.push(kind.to_string());
        } else if ticked && !backed {
            unbacked.push(kind.to_string());
        }
    }
    unbacked
}

/// The roster filter for a derived kind: ticked, or made by a record in force.
pub fn kind_filter_sql(kind: &str) -> Option<String> {
    let (_, from) = DERIVED.iter().find(|(k, _)| *k == kind)?;
    Some(format!(
        "(instr(r.kinds, '\"{kind}\"') > 0 OR r.elderly_id IN
            (SELECT elderly_id FROM elderly_assistance WHERE status = '在享' AND kind IN ({})))",
        quoted(from)
    ))
}

/// The roster filter 无记录勾选: a derived kind ticked with no record in force.
pub fn unbacked_filter_sql() -> String {
    let one = |(kind, from): &(&str, &[&str])| {
        format!(
            "(instr(r.kinds, '\"{kind}\"') > 0 AND r.elderly_id NOT IN
                (SELECT elderly_id FROM elderly_assistance WHERE status = '在享' AND kind IN ({})))",
            quoted(from)
        )
    };
    format!("({})", DERIVED.iter().map(one).collect::<Vec<_>>().join(" OR "))
}

fn quoted(list: &[&str]) -> String {
    list.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ")
}
