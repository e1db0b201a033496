//! ID numbers (GB 11643-1999) as registration sees them: a wrong number is
//! refused on the id_number field with a Chinese message and nothing is
//! written; a right one gives sex, birth date and age.
use street_ledger::elderly::{self, roster};
use street_ledger::idcard::{self, IdNumber, Sex};
use street_ledger::Error;

use crate::support::{self, clerk, elder, id_number, new_office, today, Office};

const TABLES: [&str; 4] = ["person", "elderly", "person_token", "change_log"];

fn counts(office: &Office) -> Vec<i64> {
    TABLES.iter().map(|t| office.count(t)).collect()
}

/// Registering `number` must fail on id_number with a message containing `says`.
fn assert_refused(number: &str, says: &str) {
    let mut office = new_office();
    let before = counts(&office);
    let input = elder("孙桂兰", number, &office.dongfeng.clone());

    let err = elderly::register(&mut office.store, &clerk(), &input, today()).unwrap_err();

    match &err {
        Error::Invalid(i) => assert_eq!(i.field, "id_number", "{number}"),
        other => panic!("{number}: expected invalid input, got {other:?}"),
    }
    let message = err.to_string();
    assert!(support::is_chinese(&message) && message.contains(says), "{number}: {message}");
    assert_eq!(counts(&office), before, "{number}: nothing may be written");
}

#[test]
fn a_wrong_check_character_is_refused_and_names_the_right_one() {
    assert_refused("110105194912310021", "校验位");
    assert_refused("110105194912310021", "应为X");
}

#[test]
fn an_impossible_birth_date_is_refused_even_with_a_matching_check_character() {
    for first17 in ["11010519490231002", "11010519491301002", "11010520230229002"] {
        let number = format!("{first17}{}", idcard::check_character(first17));
        assert_refused(&number, "出生日期");
    }
}

#[test]
fn a_number_of_the_wrong_length_is_refused_with_the_length_typed() {
    assert_refused("11010519491231002", "17位");
    assert_refused("11010519491231002X1", "19位");
}

#[test]
fn letters_other_than_a_final_x_are_refused() {
    assert_refused("11010519491231A02X", "只能包含数字");
    assert_refused("1101051949123100ZX", "只能包含数字");
}

#[test]
fn a_missing_id_number_is_refused_for_the_roster() {
    assert_refused("  ", "请填写身份证号");
}

#[test]
fn sex_birth_date_and_age_come_from_the_number_not_the_form() {
    let mut office = new_office();
    // Sequence 002: a woman, whatever the form says.
    let mut input = elder("陈淑珍", "11010519491231002x", &office.dongfeng.clone());
    input.person.sex = Some("男".into());
    input.person.birth_date = Some("1960-01-01".into());
    let id = office.register(&input);

    let p = elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap().person;
    assert_eq!(p.sex.as_deref(), Some("女"));
    assert_eq!(p.birth_date.as_deref(), Some("1949-12-31"));
    assert_eq!(p.age, Some(75));
    assert_eq!(p.id_number_masked.as_deref(), Some("110105********002X"));
    let stored: String = office.store.conn().query_row("SELECT id_number FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, "11010519491231002X", "stored with an uppercase X");
}

#[test]
fn an_old_15_digit_number_is_stored_as_its_18_digit_form() {
    let mut office = new_office();
    let id = office.register(&elder("周德福", "110105491231003", &office.dongfeng.clone()));

    let stored: String = office.store.conn().query_row("SELECT id_number FROM person", [], |r| r.get(0)).unwrap();
    let expected = IdNumber::parse("110105491231003").unwrap();
    assert_eq!(stored, expected.as_str());
    assert_eq!(&stored[..14], "11010519491231");
    assert_eq!(expected.sex(), Sex::Male);
    // Found by the 18-digit form, and registering the 18-digit form again is a duplicate.
    let q = roster::RosterQuery { text: stored.clone(), ..Default::default() };
    let found = roster::list(office.store.conn(), &clerk(), &q, today()).unwrap();
    assert_eq!(found.items.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [id.as_str()]);
    let again =
        elderly::register(&mut office.store, &clerk(), &elder("周德福", &stored, &office.dongfeng.clone()), today());
    assert!(matches!(again, Err(Error::Invalid(ref i)) if i.field == "id_number"), "{again:?}");
}

#[test]
fn a_typed_number_is_looked_up_before_saving() {
    let mut office = new_office();
    let number = id_number(1940, 2, 29, 17);
    let unknown = elderly::lookup(office.store.conn(), &clerk(), &number, today()).unwrap();
    assert_eq!((unknown.id.sex.as_str(), unknown.id.birth_date.as_str(), unknown.id.age), ("男", "1940-02-29", 85));
    assert!(unknown.id.existing.is_none() && unknown.elderly_id.is_none());

    let id = office.register(&elder("吴建国", &number, &office.dongfeng.clone()));
    let known = elderly::lookup(office.store.conn(), &clerk(), &number, today()).unwrap();
    assert_eq!(known.id.existing.map(|p| p.name), Some("吴建国".to_string()));
    assert_eq!(known.elderly_id, Some(id));

    let err = elderly::lookup(office.store.conn(), &clerk(), "11010519400229001", today()).unwrap_err();
    assert!(matches!(err, Error::Invalid(ref i) if i.field == "id_number"), "{err:?}");
}
