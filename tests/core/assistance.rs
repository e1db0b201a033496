//! Issue 17, point 2: assistance records (低保, 特困, 残疾证, the two
//! disability subsidies), the 困难 and 残疾 they make, and a hand tick
//! with no record flagged.
use street_ledger::access::{Actor, Role};
use street_ledger::elderly::assistance::{self, AssistanceInput};
use street_ledger::elderly::roster::{self, RosterQuery};
use street_ledger::elderly::{self, StatusChange};
use street_ledger::Error;

use crate::support::{all_counts, clerk, elder, id_number, new_office, today, Office};

fn low_income(cert: &str, persons: &str, amount: &str) -> AssistanceInput {
    AssistanceInput {
        kind: "低保".into(),
        status: "在享".into(),
        cert_no: Some(cert.into()),
        persons: Some(persons.into()),
        amount: Some(amount.into()),
        ..Default::default()
    }
}

fn disability(cert: &str) -> AssistanceInput {
    AssistanceInput {
        kind: "残疾证".into(), status: "在享".into(), cert_no: Some(cert.into()), ..Default::default()
    }
}

fn add(o: &mut Office, id: &str, input: &AssistanceInput) -> Result<String, Error> {
    assistance::add(&mut o.store, &clerk(), id, input, today())
}

fn kinds(o: &Office, id: &str) -> (Vec<String>, Vec<String>) {
    let e = elderly::get(o.store.conn(), &clerk(), id, today()).unwrap();
    (e.kinds, e.unbacked_kinds)
}

/// 王秀英, 75 (no 高龄), in 东风社区, with no kind ticked.
fn wang(o: &mut Office) -> (String, String) {
    let idn = id_number(1950, 4, 8, 22);
    let id = o.register(&elder("王秀英", &idn, &o.dongfeng.clone()));
    (id, idn)
}

#[test]
fn a_low_income_record_makes_hardship_and_a_disability_certificate_makes_disabled() {
    let mut o = new_office();
    let (id, idn) = wang(&mut o);
    assert_eq!(kinds(&o, &id), (vec![], vec![]));

    add(&mut o, &id, &low_income("DB-2024-0318", "2", "1120.50")).unwrap();
    assert_eq!(kinds(&o, &id).0, vec!["困难"]);

    // 4 肢体残疾, 2 二级: type and grade read from the number.
    let cert_id = add(&mut o, &id, &disability(&format!("{idn}42"))).unwrap();
    assert_eq!(kinds(&o, &id), (vec!["困难".to_string(), "残疾".to_string()], vec![]));

    let detail = elderly::detail(o.store.conn(), &clerk(), &id, today()).unwrap();
    let cert = detail.assistance.iter().find(|r| r.id == cert_id).unwrap();
    assert_eq!((cert.disability_type.as_deref(), cert.disability_grade.as_deref()), (Some("肢体残疾"), Some("二级")));
    assert!(!cert.cert_no.as_deref().unwrap().contains(&idn[6..14]), "the ID number inside is masked");
    let low = detail.assistance.iter().find(|r| r.kind == "低保").unwrap();
    assert_eq!((low.persons, low.amount_cents), (Some(2), Some(112050)));

    // The roster list and its 困难 filter see the derived kind too.
    let q = RosterQuery { kind: Some("困难".into()), ..Default::default() };
    let page = roster::list(o.store.conn(), &clerk(), &q, today()).unwrap();
    assert_eq!(page.items.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![id.as_str()]);
    assert_eq!(page.items[0].kinds, vec!["困难", "残疾"]);

    // Stopped (停发), the record makes nothing any more.
    let mut stop = low_income("", "2", "1120.50");
    stop.status = "停发".into();
    let low_id = low.id.clone();
    assistance::update(&mut o.store, &clerk(), &low_id, Some(low.row_version), &stop, today()).unwrap();
    assert_eq!(kinds(&o, &id).0, vec!["残疾"]);
}

#[test]
fn extreme_poverty_and_a_subsidy_make_the_kinds_with_their_own_fields() {
    let mut o = new_office();
    let (id, _) = wang(&mut o);
    let tekun = AssistanceInput {
        kind: "特困".into(),
        status: "在享".into(),
        support_mode: Some("分散供养".into()),
        self_care: Some("部分丧失生活自理能力".into()),
        ..Default::default()
    };
    add(&mut o, &id, &tekun).unwrap();
    let care = AssistanceInput {
        kind: "重度残疾人护理补贴".into(),
        status: "在享".into(),
        amount: Some("100".into()),
        ..Default::default()
    };
    let first = add(&mut o, &id, &care).unwrap();
    assert_eq!(kinds(&o, &id).0, vec!["困难", "残疾"]);

    // A second 在享 record of the same kind is refused.
    let err = add(&mut o, &id, &care).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "kind"), "{err:?}");
    assert!(err.to_string().contains("已有在享的重度残疾人护理补贴记录"), "{err}");

    // 停发 from the page's row action: the amount kept, 残疾 gone.
    assistance::set_status(&mut o.store, &clerk(), &first, None, assistance::STOP, today()).unwrap();
    assert_eq!(kinds(&o, &id).0, vec!["困难"]);
    let records = elderly::detail(o.store.conn(), &clerk(), &id, today()).unwrap().assistance;
    let stopped = records.iter().find(|r| r.id == first).unwrap();
    assert_eq!((stopped.status.as_str(), stopped.amount_cents), ("停发", Some(10000)));
    assert_eq!(stopped.actions, [assistance::RESUME]);

    // A new one in force; the old one cannot be resumed beside it.
    let raised = AssistanceInput { amount: Some("120".into()), ..care };
    add(&mut o, &id, &raised).unwrap();
    let err = assistance::set_status(&mut o.store, &clerk(), &first, None, assistance::RESUME, today()).unwrap_err();
    assert!(err.to_string().contains("已有在享的重度残疾人护理补贴记录"), "{err}");
}

#[test]
fn a_hand_tick_with_no_record_is_flagged_on_the_person_and_in_the_roster() {
    let mut o = new_office();
    let mut ticked = elder("李桂兰", &id_number(1951, 2, 2, 44), &o.dongfeng.clone());
    ticked.kinds = vec!["困难".into(), "残疾".into(), "独居".into()];
    let id = o.register(&ticked);
    let (plain, _) = wang(&mut o);

    assert_eq!(kinds(&o, &id).1, vec!["困难", "残疾"]);
    let q = RosterQuery { kind: Some(roster::UNBACKED.into()), ..Default::default() };
    let flagged = |o: &Office| {
        roster::list(o.store.conn(), &clerk(), &q, today())
            .unwrap()
            .items
            .into_iter()
            .map(|r| (r.id, r.unbacked_kinds))
            .collect::<Vec<_>>()
    };
    assert_eq!(flagged(&o), vec![(id.clone(), vec!["困难".to_string(), "残疾".to_string()])]);
    assert!(!flagged(&o).iter().any(|(i, _)| *i == plain));

    // A 低保 record backs 困难; 残疾 stays flagged.
    add(&mut o, &id, &low_income("DB0001", "1", "980")).unwrap();
    assert_eq!(kinds(&o, &id).1, vec!["残疾"]);
    assert_eq!(flagged(&o), vec![(id.clone(), vec!["残疾".to_string()])]);
    let living = AssistanceInput {
        kind: "困难残疾人生活补贴".into(),
        status: "在享".into(),
        amount: Some("90".into()),
        ..Default::default()
    };
    add(&mut o, &id, &living).unwrap();
    assert_eq!(kinds(&o, &id).1, Vec::<String>::new());
    assert!(flagged(&o).is_empty());
}

#[test]
fn refusals_name_the_field_in_chinese_and_write_nothing() {
    let mut o = new_office();
    let (id, idn) = wang(&mut o);
    let other = id_number(1950, 1, 1, 31);
    let cases: Vec<(AssistanceInput, &str, &str)> = vec![
        (low_income("", "2", "500"), "cert_no", "请填写低保证号"),
        (low_income("低保第1号", "2", "500"), "cert_no", "低保证号"),
        (low_income("DB0001", "0", "500"), "persons", "保障人数"),
        (low_income("DB0001", "2", ""), "amount", "低保月金额"),
        (low_income("DB0001", "2", "abc"), "amount", "低保月金额"),
        (AssistanceInput { kind: "五保".into(), status: "在享".into(), ..Default::default() }, "kind", "记录类别"),
        (AssistanceInput { status: "暂停".into(), ..low_income("DB0001", "2", "500") }, "status", "享受状态"),
        (
            AssistanceInput {
                kind: "特困".into(),
                status: "在享".into(),
                self_care: Some("具备生活自理能力".into()),
                ..Default::default()
            },
            "support_mode",
            "供养方式",
        ),
        (
            AssistanceInput {
                kind: "特困".into(),
                status: "在享".into(),
                support_mode: Some("集中供养".into()),
                ..Default::default()
            },
            "self_care",
            "自理能力",
        ),
        (disability(&idn), "cert_no", "残疾证号应为20位"),
        (disability(&format!("{idn}82")), "cert_no", "残疾类别（1-7）"),
        (disability(&format!("{idn}45")), "cert_no", "残疾等级（1-4）"),
        (disability(&format!("{other}42")), "cert_no", "与该老人的身份证号不一致"),
        (disability(&format!("{}X42", &idn[..17])), "cert_no", "前18位不是有效的身份证号"),
        (
            AssistanceInput { disability_grade: Some("一级".into()), ..disability(&format!("{idn}42")) },
            "disability_grade",
            "与残疾证号标明的“二级”不一致",
        ),
        (
            AssistanceInput {
                kind: "困难残疾人生活补贴".into(), status: "在享".into(), ..Default::default()
            },
            "amount",
            "困难残疾人生活补贴月金额",
        ),
        (
            AssistanceInput { since: Some("2099-01-01".into()), ..low_income("DB0001", "2", "500") },
            "since",
            "认定日期不能晚于今天",
        ),
    ];
    let before = all_counts(o.store.conn());
    for (input, field, words) in cases {
        let err = add(&mut o, &id, &input).unwrap_err();
        assert!(matches!(&err, Error::Invalid(i) if i.field == field), "{input:?}: {err:?}");
        assert!(err.to_string().contains(words), "{input:?}: {err}");
        assert!(crate::support::is_chinese(&err.to_string()), "{err}");
    }
    assert_eq!(all_counts(o.store.conn()), before, "refused input wrote nothing");
}

#[test]
fn a_community_worker_keeps_to_their_community_and_a_person_off_the_roster_takes_no_record() {
    let mut o = new_office();
    let (id, _) = wang(&mut o);
    let xicheng = Actor::new("西城社工", Role::CommunityStaff, Some(o.xicheng.clone()));
    let before = all_counts(o.store.conn());
    let err = assistance::add(&mut o.store, &xicheng, &id, &low_income("DB0001", "1", "900"), today()).unwrap_err();
    assert!(matches!(err, Error::Access(_)), "{err:?}");
    assert!(elderly::detail(o.store.conn(), &xicheng, &id, today()).is_err());
    assert_eq!(all_counts(o.store.conn()), before);

    let dongfeng = Actor::new("东风社工", Role::CommunityStaff, Some(o.dongfeng.clone()));
    let rec = assistance::add(&mut o.store, &dongfeng, &id, &low_income("DB0001", "1", "900"), today()).unwrap();
    let err = assistance::update(&mut o.store, &xicheng, &rec, None, &low_income("", "1", "950"), today()).unwrap_err();
    assert!(matches!(err, Error::Access(_)), "{err:?}");

    let gone = StatusChange { status: "去世".into(), date: "2025-06-01".into(), reason: None };
    elderly::change_status(&mut o.store, &clerk(), &id, &gone, today()).unwrap();
    let e = elderly::get(o.store.conn(), &clerk(), &id, today()).unwrap();
    assert!(!e.actions.contains(&"assistance"), "{:?}", e.actions);
    let err = add(&mut o, &id, &disability("x")).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "status"), "{err:?}");
}
