//! 高龄津贴 (old-age allowance): tiers by the birthday month, stops after a
//! death, 补发 on a resumed payment or a late registration, a tier raise
//! from its month, the survival check's due list, the masked account, and
//! the 发放名册 read back from the .xlsx file.
use calamine::{open_workbook, Data, Reader, Xlsx};
use street_ledger::elderly::allowance::{self, ApplyInput, EventInput};
use street_ledger::elderly::{self, StatusChange};
use street_ledger::report::{self, Cell, Report, Request};

use crate::support::{clerk, elder, id_number, new_office, set_setting, today, Office};

/// 80-89: 100 yuan, 90-99: 300, 100+: 500 a month since 2020.
fn office() -> Office {
    let mut o = new_office();
    for (n, amount) in [(1, 100), (2, 300), (3, 500)] {
        set_setting(&mut o.store, &format!("elderly.allowance.tier{n}.amount"), &format!("2020-01:{amount}"));
    }
    o
}

/// Registers someone born on (y, m, d) and applies for them on `applied`.
fn grant(o: &mut Office, name: &str, (y, m, d): (i32, u32, u32), applied: &str) -> (String, String) {
    let dongfeng = o.dongfeng.clone();
    let elderly_id = o.register(&elder(name, &id_number(y, m, d, 11), &dongfeng));
    let input = ApplyInput {
        applied_on: applied.into(),
        account_kind: Some("银行卡".into()),
        account: Some("6222 0212 3456 7890 123".into()),
        bank: Some("工商银行".into()),
    };
    let id = allowance::apply(&mut o.store, &clerk(), &elderly_id, &input, today()).expect("apply");
    (elderly_id, id)
}

fn act(o: &mut Office, id: &str, action: &str, date: &str, reason: Option<&str>) -> street_ledger::Result<()> {
    let input = EventInput { action: action.into(), date: date.into(), reason: reason.map(String::from) };
    allowance::record(&mut o.store, &clerk(), id, &input, today())
}

fn roster(o: &Office, period: &str) -> Report {
    let req = Request { name: "elderly-allowance".into(), period: period.into(), ..Default::default() };
    report::build(o.store.conn(), &clerk(), &req).expect("build")
}

fn yuan(c: &Cell) -> f64 {
    match c {
        Cell::Money(m) => *m,
        other => panic!("not money: {other:?}"),
    }
}

/// The rows of sheet `sheet` naming `name`, as text and yuan.
fn rows_of<'r>(r: &'r Report, sheet: &str, name: &str) -> Vec<&'r Vec<Cell>> {
    let s = r.sheets.iter().find(|s| s.name == sheet).unwrap_or_else(|| panic!("no sheet {sheet}"));
    s.rows.iter().filter(|row| row.iter().any(|c| *c == Cell::text(name))).collect()
}

/// 本月金额, 补发 and 合计 of a person on the main sheet; None when absent.
fn paid(r: &Report, name: &str) -> Option<(f64, f64, f64)> {
    rows_of(r, "发放名册", name).first().map(|row| (yuan(&row[7]), yuan(&row[8]), yuan(&row[9])))
}

#[test]
fn the_80th_birthday_month_is_unpaid_and_the_next_month_is_new_on_the_roster() {
    let mut o = office();
    grant(&mut o, "钱八十", (1945, 3, 15), "2025-03-20");
    assert_eq!(paid(&roster(&o, "2025-03"), "钱八十"), None, "the birthday month itself is not paid");
    let april = roster(&o, "2025-04");
    assert_eq!(paid(&april, "钱八十"), Some((100.0, 0.0, 100.0)));
    let added = rows_of(&april, "新增", "钱八十");
    assert_eq!(added.len(), 1);
    assert_eq!(added[0][6], Cell::text("80-89岁"));
    assert!(rows_of(&roster(&o, "2025-05"), "新增", "钱八十").is_empty(), "new only in its first month");
}

#[test]
fn the_90th_birthday_month_pays_the_old_tier_and_the_next_month_the_new_one() {
    let mut o = office();
    grant(&mut o, "孙九十", (1935, 5, 10), "2024-01-05");
    let may = roster(&o, "2025-05");
    assert_eq!(paid(&may, "孙九十"), Some((100.0, 0.0, 100.0)));
    let june = roster(&o, "2025-06");
    assert_eq!(paid(&june, "孙九十"), Some((300.0, 0.0, 300.0)));
    let change = rows_of(&june, "标准调整", "孙九十");
    assert_eq!(change.len(), 1, "the tier change is listed in its month");
    assert_eq!((&change[0][5], &change[0][6]), (&Cell::text("80-89岁"), &Cell::text("90-99岁")));
    assert_eq!(yuan(&change[0][9]), 200.0);
}

#[test]
fn a_death_on_the_last_day_of_a_month_is_paid_that_month_and_stopped_the_next() {
    let mut o = office();
    let (elderly_id, id) = grant(&mut o, "李故", (1940, 1, 10), "2024-03-01");
    let change = StatusChange { status: "去世".into(), date: "2025-04-30".into(), reason: None };
    elderly::change_status(&mut o.store, &clerk(), &elderly_id, &change, today()).unwrap();
    assert_eq!(paid(&roster(&o, "2025-04"), "李故"), Some((100.0, 0.0, 100.0)));
    let may = roster(&o, "2025-05");
    assert_eq!(paid(&may, "李故"), None);
    let stopped = rows_of(&may, "停发", "李故");
    assert_eq!(stopped.len(), 1);
    assert_eq!((&stopped[0][7], &stopped[0][8]), (&Cell::text("2025-04-30"), &Cell::text("去世")));
    assert_eq!(yuan(&stopped[0][6]), 100.0);
    // Stopped by itself: nothing more may be done to it.
    let state = allowance::of_elderly(o.store.conn(), &clerk(), &elderly_id, today()).unwrap();
    let view = state.allowance.unwrap();
    assert_eq!((view.status.as_str(), view.actions.len(), view.check_due_on), ("停发", 0, None));
    let events: Vec<(&str, &str)> = view.history.iter().map(|e| (e.event.as_str(), e.date.as_str())).collect();
    assert_eq!(events, [("在享", "2024-03-01"), ("停发", "2025-04-30")], "the stop is in the history");
    assert_eq!(view.history[1].reason.as_deref(), Some("去世"));
    let before = o.count("allowance_event");
    assert!(act(&mut o, &id, "survival_check", "2025-06-01", None).is_err());
    assert_eq!(o.count("allowance_event"), before);

    // Put back on the roster (the death was a mistake): still stopped until
    // resumed, and the months stopped are not owed.
    let back = StatusChange { status: "在册".into(), date: "2025-06-02".into(), reason: None };
    elderly::change_status(&mut o.store, &clerk(), &elderly_id, &back, today()).unwrap();
    let view = allowance::of_elderly(o.store.conn(), &clerk(), &elderly_id, today()).unwrap().allowance.unwrap();
    assert_eq!((view.status.as_str(), view.actions.as_slice()), ("停发", &["resume"][..]));
    assert_eq!(paid(&roster(&o, "2025-06"), "李故"), None);
    act(&mut o, &id, "resume", "2025-06-03", Some("误报去世，已核实")).unwrap();
    assert_eq!(paid(&roster(&o, "2025-06"), "李故"), Some((100.0, 0.0, 100.0)), "no 补发 for May");
}

#[test]
fn a_resumed_payment_pays_the_months_held_as_backpay() {
    let mut o = office();
    let (elderly_id, id) = grant(&mut o, "周暂停", (1940, 1, 10), "2024-03-01");
    act(&mut o, &id, "suspend", "2025-02-10", Some("未按期生存认证")).unwrap();
    assert_eq!(paid(&roster(&o, "2025-02"), "周暂停"), Some((100.0, 0.0, 100.0)), "paid in the month suspended");
    let march = roster(&o, "2025-03");
    assert_eq!(paid(&march, "周暂停"), None);
    assert_eq!(rows_of(&march, "停发", "周暂停").len(), 1, "a suspension leaves the roster as a stop");
    assert_eq!(paid(&roster(&o, "2025-04"), "周暂停"), None);
    act(&mut o, &id, "resume", "2025-05-06", Some("已完成生存认证")).unwrap();
    let may = roster(&o, "2025-05");
    assert_eq!(paid(&may, "周暂停"), Some((100.0, 200.0, 300.0)), "March and April back-paid in May");
    let back = rows_of(&may, "补发", "周暂停");
    assert_eq!(back.len(), 1);
    assert_eq!(
        (&back[0][5], &back[0][6], &back[0][8]),
        (&Cell::text("2025-03至2025-04"), &Cell::Int(2), &Cell::text("恢复发放"))
    );
    assert_eq!(rows_of(&may, "新增", "周暂停")[0][9], Cell::text("恢复发放"));
    // The history keeps every step; the page offers what the status allows.
    let view = allowance::of_elderly(o.store.conn(), &clerk(), &elderly_id, today()).unwrap().allowance.unwrap();
    let events: Vec<&str> = view.history.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(events, ["在享", "暂停", "在享"]);
    assert_eq!(view.actions, ["suspend", "stop", "survival_check"]);
}

#[test]
fn a_late_registration_is_paid_back_from_the_month_after_the_birthday_month_or_not_by_the_setting() {
    let mut o = office();
    grant(&mut o, "吴晚登", (1944, 10, 3), "2025-05-10");
    let may = roster(&o, "2025-05");
    // Turned 80 in October 2024: November to April back-paid in May.
    assert_eq!(paid(&may, "吴晚登"), Some((100.0, 600.0, 700.0)));
    let back = rows_of(&may, "补发", "吴晚登");
    assert_eq!((&back[0][5], &back[0][8]), (&Cell::text("2024-11至2025-04"), &Cell::text("补登记")));
    set_setting(&mut o.store, "elderly.allowance.start", "2");
    assert_eq!(paid(&roster(&o, "2025-05"), "吴晚登"), None, "from the month after the application");
    assert_eq!(paid(&roster(&o, "2025-06"), "吴晚登"), Some((100.0, 0.0, 100.0)));
}

#[test]
fn a_raise_from_july_keeps_the_first_half_year_at_the_old_amount() {
    let mut o = office();
    grant(&mut o, "郑调标", (1940, 1, 10), "2024-03-01");
    set_setting(&mut o.store, "elderly.allowance.tier1.amount", "2020-01:100;2025-07:150");
    assert_eq!(paid(&roster(&o, "2025-06"), "郑调标"), Some((100.0, 0.0, 100.0)));
    let july = roster(&o, "2025-07");
    assert_eq!(paid(&july, "郑调标"), Some((150.0, 0.0, 150.0)));
    assert_eq!(yuan(&rows_of(&july, "标准调整", "郑调标")[0][9]), 50.0);
    // The year sums its months: six at 100, six at 150.
    assert_eq!(paid(&roster(&o, "2025"), "郑调标"), Some((1500.0, 0.0, 1500.0)));
    assert_eq!(paid(&roster(&o, "2025Q3"), "郑调标"), Some((450.0, 0.0, 450.0)));
}

#[test]
fn the_survival_check_falls_due_a_year_after_the_last_one() {
    let mut o = office();
    let (overdue_elderly, overdue) = grant(&mut o, "冯到期", (1940, 1, 10), "2024-06-01");
    grant(&mut o, "陈将到", (1940, 2, 10), "2024-07-10");
    grant(&mut o, "褚未到", (1940, 3, 10), "2024-08-01");
    let names = |o: &Office| -> Vec<(String, i64)> {
        let due = allowance::checks_due(o.store.conn(), &clerk(), None, today()).unwrap();
        due.into_iter().map(|d| (d.name, d.days_overdue)).collect()
    };
    // 2025-06-01 passed 15 days ago; 2025-07-10 is within 30 days; 2025-08-01 is not.
    assert_eq!(names(&o), [("冯到期".to_string(), 15), ("陈将到".to_string(), -24)]);
    let due = allowance::checks_due(o.store.conn(), &clerk(), None, today()).unwrap();
    assert_eq!((due[0].last_check.as_deref(), due[0].due_on.as_str()), (None, "2025-06-01"), "never checked");
    act(&mut o, &overdue, "survival_check", "2025-06-16", None).unwrap();
    assert_eq!(names(&o), [("陈将到".to_string(), -24)]);
    let view = |id: &str| allowance::of_elderly(o.store.conn(), &clerk(), id, today()).unwrap().allowance.unwrap();
    let checked = view(&overdue_elderly);
    assert_eq!(
        (checked.last_check.as_deref(), checked.check_due_on.as_deref()),
        (Some("2025-06-16"), Some("2026-06-16"))
    );
}

#[test]
fn bad_requests_are_refused_and_write_nothing() {
    let mut o = office();
    let dongfeng = o.dongfeng.clone();
    let young = o.register(&elder("蒋年轻", &id_number(1950, 1, 1, 11), &dongfeng));
    let before = (o.count("elderly_allowance"), o.count("allowance_event"));
    let input = ApplyInput { applied_on: "2025-06-01".into(), ..Default::default() };
    let e = allowance::apply(&mut o.store, &clerk(), &young, &input, today()).unwrap_err();
    assert!(e.to_string().contains("未满80周岁"), "{e}");
    let (_, id) = grant(&mut o, "沈在享", (1940, 1, 10), "2024-03-01");
    let after = (o.count("elderly_allowance"), o.count("allowance_event"));
    assert_eq!(after, (before.0 + 1, before.1 + 1));
    let bad_account =
        ApplyInput { applied_on: "2025-06-01".into(), account: Some("62220212X".into()), ..Default::default() };
    let old = o.register(&elder("韩账号", &id_number(1940, 5, 1, 11), &dongfeng));
    let e = allowance::apply(&mut o.store, &clerk(), &old, &bad_account, today()).unwrap_err();
    assert!(!e.to_string().contains("62220212"), "the account stays out of messages: {e}");
    assert!(act(&mut o, &id, "resume", "2025-06-01", None).is_err(), "already 在享");
    assert!(act(&mut o, &id, "suspend", "2025-06-01", None).is_err(), "a reason is needed");
    assert!(act(&mut o, &id, "stop", "2025-07-01", Some("自愿放弃")).is_err(), "not after today");
    assert_eq!((o.count("elderly_allowance"), o.count("allowance_event")), after);
}

#[test]
fn the_account_leaves_the_core_masked_like_an_id_number() {
    let mut o = office();
    let (elderly_id, _) = grant(&mut o, "杨账户", (1940, 1, 10), "2024-03-01");
    let view = allowance::of_elderly(o.store.conn(), &clerk(), &elderly_id, today()).unwrap().allowance.unwrap();
    assert_eq!(view.account_masked.as_deref(), Some("622202*********0123"));
    let r = roster(&o, "2025-06");
    assert_eq!(rows_of(&r, "发放名册", "杨账户")[0][10], Cell::text("622202*********0123"));
    // In full only in a file asked for unmasked, as the ID numbers are.
    let req =
        Request { name: "elderly-allowance".into(), period: "2025-06".into(), unmasked: true, ..Default::default() };
    let full = report::build(o.store.conn(), &clerk(), &req).unwrap();
    assert_eq!(rows_of(&full, "发放名册", "杨账户")[0][10], Cell::text("6222021234567890123"));
}

#[test]
fn the_roster_file_has_every_sheet_with_its_total_row() {
    let mut o = office();
    grant(&mut o, "朱文件", (1945, 3, 15), "2025-03-20");
    grant(&mut o, "秦补发", (1944, 10, 3), "2025-04-10");
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("高龄津贴.xlsx");
    let req = Request { name: "elderly-allowance".into(), period: "2025-04".into(), ..Default::default() };
    report::export(&o.store, &clerk(), &req, path.as_path(), today()).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["发放名册", "新增", "停发", "补发", "标准调整"]);
    let main = book.worksheet_range("发放名册").unwrap();
    let text = |r: u32, c: u32| main.get_value((r, c)).map(|d| d.to_string()).unwrap_or_default();
    let header = (0..main.height() as u32).find(|r| text(*r, 0) == "序号").unwrap();
    let cols: Vec<String> = (0..11).map(|c| text(header, c)).collect();
    assert_eq!(
        cols,
        ["序号", "社区", "姓名", "身份证号", "出生日期", "年龄段", "标准", "本月金额", "补发", "合计", "账号"]
    );
    let total = (0..main.height() as u32).find(|r| text(*r, 0) == "合计").unwrap();
    let number = |r: u32, c: u32| match main.get_value((r, c)) {
        Some(Data::Float(f)) => *f,
        other => panic!("{other:?}"),
    };
    // 朱文件 100; 秦补发 100 and November to March back-paid (500).
    assert_eq!((number(total, 7), number(total, 8), number(total, 9)), (200.0, 500.0, 700.0));
    for sheet in ["新增", "停发", "补发", "标准调整"] {
        let range = book.worksheet_range(sheet).unwrap();
        assert!((0..range.height() as u32).any(|r| range.get_value((r, 0)).is_some_and(|d| *d == "合计")), "{sheet}");
    }
}

#[test]
fn applying_is_offered_from_the_80th_birthday_month() {
    let mut o = office();
    let dongfeng = o.dongfeng.clone();
    let can_apply =
        |o: &Office, id: &str| allowance::of_elderly(o.store.conn(), &clerk(), id, today()).unwrap().can_apply;
    // Today is 2025-06-16: 80 on the 30th of this month, or not before July.
    let this_month = o.register(&elder("许本月", &id_number(1945, 6, 30, 11), &dongfeng));
    let next_month = o.register(&elder("何下月", &id_number(1945, 7, 1, 11), &dongfeng));
    assert!(can_apply(&o, &this_month));
    assert!(!can_apply(&o, &next_month));
    let input = ApplyInput { applied_on: today().to_string(), ..Default::default() };
    allowance::apply(&mut o.store, &clerk(), &this_month, &input, today()).unwrap();
    let state = allowance::of_elderly(o.store.conn(), &clerk(), &this_month, today()).unwrap();
    assert!(!state.can_apply, "once applied, the allowance is shown instead");
    let view = state.allowance.unwrap();
    // Not paid in the birthday month: the tier shown is the one July pays.
    assert_eq!(
        (view.tier.as_deref(), view.this_month_cents, view.first_month.as_str()),
        (Some("80-89岁"), 0, "2025-07")
    );
    assert_eq!(
        (view.last_check, view.check_due_on.as_deref()),
        (None, Some("2026-06-16")),
        "due a year after applying"
    );
    assert!(allowance::apply(&mut o.store, &clerk(), &next_month, &input, today()).is_err());
}

#[test]
fn a_read_only_account_sees_the_allowance_and_is_offered_nothing() {
    use street_ledger::access::{Actor, Role};
    let mut o = office();
    let (elderly_id, id) = grant(&mut o, "吕只读", (1940, 1, 10), "2024-03-01");
    let dongfeng = o.dongfeng.clone();
    let waiting = o.register(&elder("施未申", &id_number(1940, 2, 2, 11), &dongfeng));
    let viewer = Actor::new("查看", Role::ReadOnly, None);
    let state = allowance::of_elderly(o.store.conn(), &viewer, &elderly_id, today()).unwrap();
    let view = state.allowance.unwrap();
    assert_eq!((view.status.as_str(), view.actions.len()), ("在享", 0));
    assert_eq!(view.account_masked.as_deref(), Some("622202*********0123"));
    assert!(state.note.is_some_and(|n| n.contains("只读")));
    let other = allowance::of_elderly(o.store.conn(), &viewer, &waiting, today()).unwrap();
    assert!(!other.can_apply && other.note.is_some_and(|n| n.contains("只读")));
    // The core refuses what the page does not offer.
    let input = EventInput { action: "survival_check".into(), date: "2025-06-01".into(), reason: None };
    assert!(allowance::record(&mut o.store, &viewer, &id, &input, today()).is_err());
    // Too young is said as such.
    let young = o.register(&elder("孔年少", &id_number(1950, 1, 1, 11), &dongfeng));
    let state = allowance::of_elderly(o.store.conn(), &clerk(), &young, today()).unwrap();
    assert!(!state.can_apply && state.note.is_some_and(|n| n.contains("年满80周岁")));
}
