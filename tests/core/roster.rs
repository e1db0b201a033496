//! The office and the elderly roster: setup, registering, reading back,
//! editing, leaving the roster, and the list's filters.
use street_ledger::elderly::roster::{self, RosterQuery};
use street_ledger::elderly::{self, care, StatusChange};
use street_ledger::person::{self, PersonInput};
use street_ledger::store::Store;
use street_ledger::{dict, office, Error};
use tempfile::TempDir;

use crate::support::{clerk, elder, id_number, new_office, set_setting, today, Office};

fn names(office: &Office, q: &RosterQuery) -> Vec<String> {
    roster::list(office.store.conn(), &clerk(), q, today()).unwrap().items.into_iter().map(|r| r.name).collect()
}

fn query() -> RosterQuery {
    RosterQuery { page: 1, page_size: 50, ..Default::default() }
}

#[test]
fn setup_writes_the_office_its_communities_and_the_seed_dictionaries() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(office::get(store.conn()).unwrap(), None);

    let o = office::setup(
        &mut store,
        &clerk(),
        "  和平街道 ",
        &["东风社区，西城社区".into(), "".into(), "南湖社区".into()],
    )
    .unwrap();

    assert_eq!(o.name, "和平街道");
    assert_eq!(o.communities.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["东风社区", "西城社区", "南湖社区"]);
    assert_eq!(office::get(store.conn()).unwrap(), Some(o));
    assert_eq!(dict::labels(store.conn(), "visit_level").unwrap(), ["高风险", "重点", "一般"]);
    assert_eq!(
        street_ledger::settings::stored(store.conn(), "elderly.high_age_threshold").unwrap().as_deref(),
        Some("80")
    );
}

#[test]
fn setup_is_refused_once_done_and_with_repeated_or_no_communities() {
    let mut office = new_office();
    let err = office::setup(&mut office.store, &clerk(), "另一街道", &["甲社区".into()]).unwrap_err();
    assert!(matches!(err, Error::AlreadyConfigured), "{err:?}");
    assert_eq!(office.count("office"), 1);

    let dir = TempDir::new().unwrap();
    let mut fresh = Store::open_dir(dir.path()).unwrap();
    let repeated =
        office::setup(&mut fresh, &clerk(), "和平街道", &["东风社区".into(), "东风社区".into()]).unwrap_err();
    assert!(matches!(repeated, Error::Invalid(ref i) if i.field == "communities"), "{repeated:?}");
    let none = office::setup(&mut fresh, &clerk(), "和平街道", &[" ".into()]).unwrap_err();
    assert!(matches!(none, Error::Invalid(ref i) if i.field == "communities"), "{none:?}");
    assert_eq!(office::get(fresh.conn()).unwrap(), None);
}

#[test]
fn a_registered_person_reads_back_masked_with_age_and_community() {
    let mut office = new_office();
    let mut input = elder("刘玉兰", &id_number(1944, 10, 1, 26), &office.dongfeng.clone());
    input.person.phone = Some("139-0000-5678".into());
    input.person.address = Some("建设路8号2单元301室".into());
    input.kinds = vec!["独居".into(), "高龄".into(), "独居".into()];
    input.living_arrangement = Some("独居".into());
    input.emergency_phone = Some("13611112222".into());
    let id = office.register(&input);

    let d = elderly::detail(office.store.conn(), &clerk(), &id, today()).unwrap();
    let e = &d.elderly;
    assert_eq!(e.person.name, "刘玉兰");
    assert_eq!(e.person.age, Some(80));
    assert_eq!(
        e.person.id_number_masked.as_deref(),
        Some(&*format!("110105********{}", &id_number(1944, 10, 1, 26)[14..]))
    );
    assert_eq!(e.person.phone_masked.as_deref(), Some("139****5678"));
    assert_eq!(e.emergency_phone_masked.as_deref(), Some("136****2222"));
    assert_eq!(e.person.community_name.as_deref(), Some("东风社区"));
    assert_eq!(e.kinds, ["独居", "高龄"], "高龄 is derived, never stored twice");
    assert_eq!(e.visit_level, "高风险", "80+ living alone is suggested as high-risk");
    assert_eq!((e.status.as_str(), e.registered_on.as_str()), ("在册", "2025-06-16"));
    assert!(d.services.is_empty() && d.visits.is_empty());
    let stored: String = office.store.conn().query_row("SELECT kinds FROM elderly", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, r#"["独居"]"#);
}

#[test]
fn a_value_outside_its_dictionary_is_refused_on_its_field() {
    let mut office = new_office();
    let mut input = elder("刘玉兰", &id_number(1944, 10, 1, 26), &office.dongfeng.clone());
    input.living_arrangement = Some("住养老院".into());
    let err = elderly::register(&mut office.store, &clerk(), &input, today()).unwrap_err();
    assert!(matches!(err, Error::Invalid(ref i) if i.field == "living_arrangement"), "{err:?}");
    let no_community = elder("刘玉兰", &id_number(1944, 10, 1, 26), "不存在社区");
    let err = elderly::register(&mut office.store, &clerk(), &no_community, today()).unwrap_err();
    assert!(matches!(err, Error::Invalid(ref i) if i.field == "community_id"), "{err:?}");
    assert_eq!(office.count("person"), 0);
}

#[test]
fn registering_the_same_id_number_twice_is_refused() {
    let mut office = new_office();
    let number = id_number(1950, 5, 20, 11);
    office.register(&elder("郭志强", &number, &office.dongfeng.clone()));
    let persons = office.count("person");

    let again = elder("郭志刚", &number, &office.xicheng.clone());
    let err = elderly::register(&mut office.store, &clerk(), &again, today()).unwrap_err();

    match &err {
        Error::Invalid(i) => assert_eq!(i.field, "id_number"),
        other => panic!("expected invalid input, got {other:?}"),
    }
    assert!(err.to_string().contains("郭志强"), "names who holds it: {err}");
    assert_eq!(office.count("person"), persons);
    assert_eq!(office.count("elderly"), 1);
}

#[test]
fn a_person_known_but_not_on_the_roster_is_reused_not_duplicated() {
    let mut office = new_office();
    let number = id_number(1950, 5, 20, 11);
    let person_id = office
        .store
        .write(&clerk(), |w| {
            person::create(
                w,
                &PersonInput { name: "郭志强".into(), id_number: Some(number.clone()), ..Default::default() },
                today(),
            )
        })
        .unwrap();

    let mut input = elder("郭志强", &number, &office.dongfeng.clone());
    input.person.phone = Some("13812345678".into());
    let id = office.register(&input);

    assert_eq!(office.count("person"), 1);
    let e = elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap();
    assert_eq!(e.person.id, person_id);
    assert_eq!(e.person.community_name.as_deref(), Some("东风社区"), "the form's fields update the person");
    assert_eq!(e.person.phone_masked.as_deref(), Some("138****5678"));
    assert_eq!(elderly::of_person(office.store.conn(), &person_id).unwrap(), Some(id));
}

#[test]

fn registering_a_known_person_keeps_the_phone_the_form_could_only_show_masked() {
    let mut office = new_office();
    let number = id_number(1950, 5, 20, 11);
    office
        .store
        .write(&clerk(), |w| {
            let p = PersonInput {
                name: "郭志强".into(),
                id_number: Some(number.clone()),
                phone: Some("13812345678".into()),
                ..Default::default()
            };
            person::create(w, &p, today())
        })
        .unwrap();
    // The new-person form learns of him by lookup, which shows the phone masked only.
    let shown = elderly::lookup(office.store.conn(), &clerk(), &number, today()).unwrap().id.existing.unwrap();
    assert_eq!(shown.phone_masked.as_deref(), Some("138****5678"));

    let id = office.register(&elder("郭志强", &number, &office.dongfeng.clone()));

    let e = elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap();
    assert_eq!(e.person.phone_masked.as_deref(), Some("138****5678"), "empty means keep, as in an edit");
}

#[test]
fn an_edit_saves_the_person_and_the_roster_entry_and_keeps_masked_fields() {
    let mut office = new_office();
    let mut input = elder("马春梅", &id_number(1952, 8, 8, 44), &office.dongfeng.clone());
    input.person.phone = Some("13500001234".into());
    let id = office.register(&input);

    // The edit form sends the masked ID number and phone back empty.
    let mut edit = input.clone();
    edit.person.id_number = None;
    edit.person.phone = None;
    edit.person.community_id = Some(office.xicheng.clone());
    edit.kinds = vec!["困难".into()];
    edit.economic_status = Some("低保".into());
    elderly::update(&mut office.store, &clerk(), &id, Some(1), &edit, today()).unwrap();

    let e = elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap();
    assert_eq!(e.person.community_name.as_deref(), Some("西城社区"));
    assert_eq!(e.kinds, ["困难"]);
    assert_eq!(e.economic_status.as_deref(), Some("低保"));
    assert_eq!(e.visit_level, "重点");
    assert_eq!(e.person.phone_masked.as_deref(), Some("135****1234"), "empty means keep");
    assert_eq!(e.person.birth_date.as_deref(), Some("1952-08-08"));
    assert_eq!(e.row_version, 2);
}

#[test]
fn editing_or_reading_an_unknown_entry_is_not_found() {
    let mut office = new_office();
    let input = elder("马春梅", &id_number(1952, 8, 8, 44), &office.dongfeng.clone());
    let err = elderly::update(&mut office.store, &clerk(), "no-such-id", None, &input, today()).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(elderly::get(office.store.conn(), &clerk(), "no-such-id", today()).unwrap_err().code(), "not_found");
}

#[test]
fn a_deceased_person_leaves_the_default_list_but_keeps_the_history() {
    let mut office = new_office();
    let alive = office.register(&elder("冯桂英", &id_number(1941, 4, 4, 28), &office.dongfeng.clone()));
    let gone = office.register(&elder("冯德福", &id_number(1938, 9, 9, 15), &office.dongfeng.clone()));
    let service = care::ServiceInput {
        date: "2025-05-01".into(),
        service_type: "日常照料".into(),
        paid: "无偿".into(),
        ..Default::default()
    };
    care::add_service(&mut office.store, &clerk(), &gone, &service, today()).unwrap();
    let visit = care::VisitInput {
        date: "2025-05-02".into(),
        visitor: "社工小李".into(),
        way: "入户".into(),
        ..Default::default()
    };
    care::add_visit(&mut office.store, &clerk(), &gone, &visit, today()).unwrap();

    let change = StatusChange { status: "去世".into(), date: "2025-06-01".into(), reason: None };
    elderly::change_status(&mut office.store, &clerk(), &gone, &change, today()).unwrap();

    assert_eq!(names(&office, &query()), ["冯桂英"]);
    let all = RosterQuery { status: Some("全部".into()), ..query() };
    assert_eq!(names(&office, &all).len(), 2);
    let dead = RosterQuery { status: Some("去世".into()), ..query() };
    assert_eq!(names(&office, &dead), ["冯德福"]);
    let by_name = RosterQuery { text: "冯德福".into(), ..query() };
    assert!(names(&office, &by_name).is_empty(), "the default list is the active roster");
    let d = elderly::detail(office.store.conn(), &clerk(), &gone, today()).unwrap();
    assert_eq!((d.elderly.status.as_str(), d.elderly.status_date.as_deref()), ("去世", Some("2025-06-01")));
    assert_eq!((d.services.len(), d.visits.len()), (1, 1));
    assert_eq!(elderly::get(office.store.conn(), &clerk(), &alive, today()).unwrap().status, "在册");
}

#[test]
fn moving_away_needs_a_reason_and_an_unknown_status_is_refused() {
    let mut office = new_office();
    let id = office.register(&elder("冯桂英", &id_number(1941, 4, 4, 28), &office.dongfeng.clone()));
    let no_reason = StatusChange { status: "迁出".into(), date: "2025-06-01".into(), reason: None };
    let err = elderly::change_status(&mut office.store, &clerk(), &id, &no_reason, today()).unwrap_err();
    assert!(matches!(err, Error::Invalid(ref i) if i.field == "status_reason"), "{err:?}");
    let unknown = StatusChange { status: "失联".into(), date: "2025-06-01".into(), reason: None };
    let err = elderly::change_status(&mut office.store, &clerk(), &id, &unknown, today()).unwrap_err();
    assert!(matches!(err, Error::Invalid(ref i) if i.field == "status"), "{err:?}");
    assert_eq!(elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap().row_version, 1);
}

#[test]
fn the_list_filters_by_community_and_by_stored_kind() {
    let mut office = new_office();
    let mut alone = elder("东一", &id_number(1950, 1, 1, 11), &office.dongfeng.clone());
    alone.kinds = vec!["独居".into()];
    office.register(&alone);
    office.register(&elder("东二", &id_number(1951, 1, 1, 13), &office.dongfeng.clone()));
    let mut poor = elder("西一", &id_number(1952, 1, 1, 15), &office.xicheng.clone());
    poor.kinds = vec!["困难".into(), "独居".into()];
    poor.sanwu = true;
    office.register(&poor);

    let by_community = |c: &str| names(&office, &RosterQuery { community_id: Some(c.into()), ..query() });
    assert_eq!(by_community(&office.dongfeng), ["东二", "东一"]);
    assert_eq!(by_community(&office.xicheng), ["西一"]);
    let by_kind = |k: &str| names(&office, &RosterQuery { kind: Some(k.into()), ..query() });
    assert_eq!(by_kind("独居"), ["东一", "西一"]);
    assert_eq!(by_kind("困难"), ["西一"]);
    assert_eq!(by_kind("三无"), ["西一"]);
    assert!(by_kind("残疾").is_empty());
    let both = RosterQuery { community_id: Some(office.dongfeng.clone()), kind: Some("独居".into()), ..query() };
    assert_eq!(names(&office, &both), ["东一"]);
}

#[test]
fn advanced_age_is_derived_for_the_day_with_the_threshold_from_settings() {
    let mut office = new_office();
    // On 2025-06-16: 80 today, 80 tomorrow, 85, 79.
    office.register(&elder("八十今天", &id_number(1945, 6, 16, 11), &office.dongfeng.clone()));
    office.register(&elder("八十明天", &id_number(1945, 6, 17, 13), &office.dongfeng.clone()));
    office.register(&elder("八十五岁", &id_number(1940, 1, 1, 15), &office.dongfeng.clone()));
    office.register(&elder("七十九岁", &id_number(1946, 1, 1, 17), &office.dongfeng.clone()));
    let high_age = |office: &Office| {
        let mut n = names(office, &RosterQuery { kind: Some("高龄".into()), ..query() });
        n.sort();
        n
    };
    let mut expected = vec!["八十五岁".to_string(), "八十今天".to_string()];
    expected.sort();
    assert_eq!(high_age(&office), expected);
    let rows = roster::list(office.store.conn(), &clerk(), &query(), today()).unwrap().items;
    for r in &rows {
        assert_eq!(r.kinds.contains(&"高龄".to_string()), expected.contains(&r.name), "{}: {:?}", r.name, r.kinds);
    }

    set_setting(&mut office.store, "elderly.high_age_threshold", "85");
    assert_eq!(high_age(&office), ["八十五岁"]);
    let id = rows.iter().find(|r| r.name == "八十今天").unwrap().id.clone();
    assert!(elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap().kinds.is_empty());
}

#[test]
fn the_list_is_sorted_by_pinyin_reading_surnames_as_surnames_and_paged() {
    let mut office = new_office();
    // 曾 read as a surname is "zeng": after 王 (wang), before 张 (zhang); read "ceng" it would come first.
    for (i, name) in ["张三", "曾国藩", "王五", "安六"].iter().enumerate() {
        office.register(&elder(name, &id_number(1950, 1, 1 + i as u32, 11), &office.dongfeng.clone()));
    }
    assert_eq!(names(&office, &query()), ["安六", "王五", "曾国藩", "张三"]);
    let page2 = roster::list(office.store.conn(), &clerk(), &RosterQuery { page: 2, page_size: 3, ..query() }, today())
        .unwrap();
    assert_eq!(page2.total, 4);
    assert_eq!(page2.items.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["张三"]);
}
