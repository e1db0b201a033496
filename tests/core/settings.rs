//! Settings (系统设置): administrators change thresholds and intervals; each
//! change is a logged record change and takes effect at once.
use street_ledger::access::{Actor, Role};
use street_ledger::{dict, elderly};

use crate::support::{clerk, elder, id_number, new_office, today};

#[test]
fn the_settings_page_lists_every_setting_with_its_current_value() {
    let o = new_office();
    let settings = dict::settings(o.store.conn()).unwrap();
    let high_age = settings.iter().find(|s| s.key == "elderly.high_age_threshold").unwrap();
    assert_eq!((high_age.label, high_age.value.as_str()), ("高龄起算年龄（岁）", "80"));
    assert!(settings.iter().any(|s| s.key == "backup.dir" && s.value.is_empty()));
}

#[test]
fn lowering_the_advanced_age_threshold_makes_a_76_year_old_advanced_age_at_once() {
    let mut o = new_office();
    let born = today().format("%Y").to_string().parse::<i32>().unwrap() - 77;
    let id = o.register(&elder("周老汉", &id_number(born, 1, 1, 1), &o.dongfeng.clone()));
    let kinds = |o: &crate::support::Office| elderly::get(o.store.conn(), &clerk(), &id, today()).unwrap().kinds;
    assert!(!kinds(&o).contains(&"高龄".to_string()));
    dict::set_setting(&mut o.store, &clerk(), "elderly.high_age_threshold", "70").unwrap();
    assert!(kinds(&o).contains(&"高龄".to_string()));
    let logged: i64 = o
        .store
        .conn()
        .query_row("SELECT count(*) FROM change_log WHERE table_name = 'setting' AND op = 'update'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(logged, 1);
}

#[test]
fn a_setting_that_is_not_a_number_or_unknown_or_changed_by_a_non_administrator_is_refused() {
    let mut o = new_office();
    let e = dict::set_setting(&mut o.store, &clerk(), "security.idle_minutes", "十五").unwrap_err();
    assert_eq!((e.code(), e.payload().field.as_deref()), ("invalid_input", Some("value")));
    let e = dict::set_setting(&mut o.store, &clerk(), "no.such.key", "1").unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let staff = Actor::new("街道小李", Role::StreetStaff, None);
    let e = dict::set_setting(&mut o.store, &staff, "security.idle_minutes", "5").unwrap_err();
    assert_eq!(e.code(), "access.denied");
    assert_eq!(dict::setting(o.store.conn(), "security.idle_minutes").unwrap().as_deref(), Some("15"));
}

#[test]
fn a_folder_setting_not_seeded_is_created_on_first_save() {
    let mut o = new_office();
    dict::set_setting(&mut o.store, &clerk(), "backup.dir", "/media/usb/备份").unwrap();
    assert_eq!(dict::setting(o.store.conn(), "backup.dir").unwrap().as_deref(), Some("/media/usb/备份"));
}

#[test]
fn an_administrator_adds_and_retires_dictionary_options_and_the_registers_follow() {
    use street_ledger::dict;
    let mut o = crate::support::new_office();
    dict::add_entry(&mut o.store, &crate::support::clerk(), "employment_category", "高校毕业生").unwrap();
    let labels = dict::labels(o.store.conn(), "employment_category").unwrap();
    assert!(labels.contains(&"高校毕业生".to_string()) && labels.contains(&"4050".to_string()), "the seed stays");
    let again =
        dict::add_entry(&mut o.store, &crate::support::clerk(), "employment_category", "高校毕业生").unwrap_err();
    assert_eq!(again.payload().field.as_deref(), Some("label"));
    let entries = dict::dictionaries(o.store.conn()).unwrap();
    let living = entries.iter().find(|d| d.dict == "living_arrangement").unwrap();
    assert_eq!(living.name, "居住情况");
    let id = living.entries.iter().find(|e| e.label == "空巢").unwrap().id.clone().unwrap();
    dict::set_entry_active(&mut o.store, &crate::support::clerk(), &id, false).unwrap();
    let mut input = crate::support::elder("周老", &crate::support::id_number(1940, 1, 1, 91), &o.dongfeng.clone());
    input.living_arrangement = Some("空巢".into());
    let e = street_ledger::elderly::register(&mut o.store, &crate::support::clerk(), &input, crate::support::today())
        .unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("living_arrangement"), "a retired option is refused");
    let worker = street_ledger::access::Actor::new("小李", street_ledger::access::Role::StreetStaff, None);
    assert_eq!(dict::add_entry(&mut o.store, &worker, "education", "博士").unwrap_err().code(), "access.denied");
}
