//! Finding a person (人员查询 and the roster's search box): by part of the
//! name, pinyin initials with surnames read as surnames, the full ID number
//! or its last 4 to 6 characters, and the phone or its last 4 digits.
use street_ledger::elderly::roster::{self, RosterQuery};
use street_ledger::elderly::ElderlyInput;
use street_ledger::person::search::{self, PersonQuery};

use crate::support::{clerk, elder, id_number, new_office, today, Office};

fn found(office: &Office, text: &str) -> Vec<String> {
    let q = PersonQuery { text: text.into(), page: 1, page_size: 50, ..Default::default() };
    search::search(office.store.conn(), &clerk(), &q, today()).unwrap().items.into_iter().map(|p| p.name).collect()
}

fn on_roster(office: &Office, text: &str) -> Vec<String> {
    let q = RosterQuery { text: text.into(), page: 1, page_size: 50, ..Default::default() };
    roster::list(office.store.conn(), &clerk(), &q, today()).unwrap().items.into_iter().map(|r| r.name).collect()
}

fn with_phone(name: &str, number: &str, community: &str, phone: &str) -> ElderlyInput {
    let mut e = elder(name, number, community);
    e.person.phone = Some(phone.into());
    e
}

#[test]
fn a_part_of_the_name_finds_everyone_whose_name_contains_it() {
    let mut office = new_office();
    let c = office.dongfeng.clone();
    office.register(&elder("欧阳春华", &id_number(1950, 1, 1, 11), &c));
    office.register(&elder("王春梅", &id_number(1950, 1, 2, 12), &c));
    office.register(&elder("李秀英", &id_number(1950, 1, 3, 13), &c));

    assert_eq!(found(&office, "春"), ["欧阳春华", "王春梅"]);
    assert_eq!(found(&office, "阳春"), ["欧阳春华"]);
    assert_eq!(found(&office, "李秀英"), ["李秀英"]);
    assert_eq!(on_roster(&office, " 春 "), ["欧阳春华", "王春梅"]);
    assert!(found(&office, "赵").is_empty());
    assert_eq!(found(&office, "").len(), 3, "an empty query lists everyone");
}

#[test]
fn polyphonic_surnames_are_found_by_their_surname_initials() {
    let mut office = new_office();
    let c = office.dongfeng.clone();
    let people = [
        ("曾国藩", "zgf"),
        ("单雄信", "sxx"),
        ("解缙", "xj"),
        ("仇英", "qy"),
        ("区寄", "oj"),
        ("朴树", "ps"),
        ("查良镛", "zly"),
    ];
    for (i, (name, _)) in people.iter().enumerate() {
        office.register(&elder(name, &id_number(1950, 2, 1 + i as u32, 11), &c));
    }
    for (name, initials) in people {
        assert_eq!(found(&office, initials), [name], "{initials}");
        assert_eq!(on_roster(&office, &initials.to_uppercase()), [name], "{initials} in capitals");
        assert_eq!(found(&office, &initials[..2]), [name], "a prefix of the initials");
    }
    // The everyday readings of these characters are not how the surnames are said.
    for wrong in ["cgf", "dxx", "jj", "cy", "qj", "zly2"] {
        assert!(found(&office, wrong).is_empty(), "{wrong}");
    }
}

#[test]
fn the_full_id_number_and_its_last_4_to_6_characters_find_the_person() {
    let mut office = new_office();
    let c = office.dongfeng.clone();
    office.register(&elder("陈淑珍", "11010519491231002X", &c));
    office.register(&elder("陈德明", &id_number(1951, 7, 7, 345), &c));

    for text in ["11010519491231002X", "11010519491231002x", "002X", "002x", "31002X", "1002X"] {
        assert_eq!(found(&office, text), ["陈淑珍"], "{text}");
        assert_eq!(on_roster(&office, text), ["陈淑珍"], "{text}");
    }
    // A middle part of the number is not a search key: it would match too many.
    assert!(found(&office, "19491231").is_empty());
}

#[test]
fn the_phone_and_its_last_4_digits_find_the_person() {
    let mut office = new_office();
    let c = office.dongfeng.clone();
    office.register(&with_phone("黄凤英", &id_number(1948, 3, 3, 22), &c, "138-0013-5790"));
    office.register(&with_phone("黄海", &id_number(1949, 3, 3, 33), &c, "13900002468"));

    assert_eq!(found(&office, "13800135790"), ["黄凤英"]);
    assert_eq!(found(&office, "5790"), ["黄凤英"]);
    assert_eq!(on_roster(&office, "2468"), ["黄海"]);
    assert!(found(&office, "0013").is_empty());
}

#[test]
fn an_edit_moves_the_person_to_their_new_search_keys() {
    let mut office = new_office();
    let c = office.dongfeng.clone();
    let input = with_phone("黄凤英", &id_number(1948, 3, 3, 22), &c, "13800135790");
    let id = office.register(&input);
    let mut edit = input.clone();
    edit.person.name = "黄凤兰".into();
    edit.person.phone = Some("13611112222".into());
    street_ledger::elderly::update(&mut office.store, &crate::support::clerk(), &id, Some(1), &edit, today()).unwrap();

    assert!(found(&office, "凤英").is_empty());
    assert!(found(&office, "5790").is_empty());
    assert_eq!(found(&office, "凤兰"), ["黄凤兰"]);
    assert_eq!(found(&office, "hfl"), ["黄凤兰"]);
    assert_eq!(found(&office, "2222"), ["黄凤兰"]);
}

#[test]
fn search_can_be_narrowed_to_one_community() {
    let mut office = new_office();
    let (d, x) = (office.dongfeng.clone(), office.xicheng.clone());
    office.register(&elder("杨建华", &id_number(1950, 4, 4, 11), &d));
    office.register(&elder("杨建国", &id_number(1950, 4, 5, 13), &x));

    let q = PersonQuery { text: "yjh".into(), community_id: Some(x.clone()), page: 1, page_size: 50 };
    assert!(search::search(office.store.conn(), &clerk(), &q, today()).unwrap().items.is_empty());
    let q = PersonQuery { text: "杨建".into(), community_id: Some(x.clone()), page: 1, page_size: 50 };
    let page = search::search(office.store.conn(), &clerk(), &q, today()).unwrap();
    assert_eq!((page.total, page.items[0].name.as_str()), (1, "杨建国"));
    let rq = RosterQuery { text: "杨".into(), community_id: Some(d), page: 1, page_size: 50, ..Default::default() };
    let rows = roster::list(office.store.conn(), &clerk(), &rq, today()).unwrap().items;
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["杨建华"]);
}

#[test]
fn a_long_name_is_found_whole_or_by_parts_of_up_to_4_characters() {
    let mut office = new_office();
    let c = office.dongfeng.clone();
    office.register(&elder("阿依古丽·买买提", &id_number(1950, 5, 5, 11), &c));
    office.register(&elder("买买提", &id_number(1950, 5, 6, 13), &c));

    assert_eq!(found(&office, "阿依古丽买买提"), ["阿依古丽·买买提"], "whole, without the dot");
    assert_eq!(found(&office, "古丽买买"), ["阿依古丽·买买提"]);
    assert_eq!(found(&office, "买买提"), ["阿依古丽·买买提", "买买提"]);
    // Five or six characters of a longer name match too many ways to be a key.
    assert!(found(&office, "古丽买买提").is_empty());
    assert!(found(&office, "阿依古丽·买买提").is_empty(), "the dot is not typed into the key");
}

#[test]
fn a_surname_of_two_readings_is_found_by_either_and_the_edit_of_a_phone_tail_is_found_at_once() {
    let mut office = new_office();
    let c = office.dongfeng.clone();
    let input = with_phone("单田芳", "11010519491231002X", &c, "13912340001");
    let id = office.register(&input);

    // 单 is read shàn as a surname; typed the everyday way (dān) it is not found.
    assert_eq!(found(&office, "stf"), ["单田芳"]);
    assert!(found(&office, "dtf").is_empty());
    assert_eq!(found(&office, "0001"), ["单田芳"]);
    assert!(found(&office, "001").is_empty(), "3 digits are no phone tail");
    assert_eq!(found(&office, "31002x"), ["单田芳"]);
    assert!(found(&office, "231002X").is_empty(), "7 characters are no ID tail");

    let mut edit = input.clone();
    edit.person.phone = Some("13912349999".into());
    street_ledger::elderly::update(&mut office.store, &clerk(), &id, Some(1), &edit, today()).unwrap();
    assert_eq!(found(&office, "9999"), ["单田芳"]);
    assert!(found(&office, "0001").is_empty());
}

#[test]
fn search_still_finds_everyone_after_the_database_is_vacuumed() {
    // The index keys persons by rowid: VACUUM (run when a sync key is
    // forgotten) must keep them, as SQLite does for a table with indexes.
    let mut office = new_office();
    let c = office.dongfeng.clone();
    let raw = rusqlite::Connection::open(office.store.path()).unwrap();
    office.register(&elder("赵一", &id_number(1950, 6, 1, 11), &c));
    // A row written around the write path and removed again leaves a gap in
    // the rowids, which a renumbering VACUUM would close.
    raw.execute_batch(
        "INSERT INTO person (id, row_version, name, name_key, created_at) VALUES ('gap', 1, '空', 'kong', '2026-01-01')",
    )
    .unwrap();
    office.register(&elder("钱二", &id_number(1950, 6, 2, 13), &c));
    office.register(&elder("孙三", &id_number(1950, 6, 3, 15), &c));
    raw.execute_batch("DELETE FROM person WHERE id = 'gap'; VACUUM").unwrap();
    drop(raw);

    assert_eq!(found(&office, "钱"), ["钱二"]);
    assert_eq!(found(&office, "ss"), ["孙三"]);
    let report = street_ledger::check::check(office.store.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}
