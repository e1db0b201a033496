//! Issue 17, points 4 and 6: enterprise retirees younger than 60, phone
//! check-ins (电话问候), the risk factors behind the suggested visit level,
//! and the monthly visit rate (月探访率).
use street_ledger::elderly::{self, ElderlyInput};
use street_ledger::Error;

use crate::support::{clerk, elder, id_number, new_office, today};

/// A woman (even sequence) born so that she is `age` on the tests' today.
fn woman_aged(name: &str, age: i32, community: &str) -> ElderlyInput {
    let seq = name.chars().map(|c| c as u32).sum::<u32>() % 400 * 2;
    elder(name, &id_number(2025 - age, 1, 10, seq as u16), community)
}

#[test]
fn a_52_year_old_enterprise_retiree_is_accepted_apart_from_the_five_kinds() {
    let mut o = new_office();
    let mut input = woman_aged("周秀兰", 52, &o.dongfeng.clone());
    input.enterprise_retiree = true;
    let id = o.register(&input);

    let e = elderly::get(o.store.conn(), &clerk(), &id, today()).unwrap();
    assert!(e.enterprise_retiree);
    assert_eq!(e.person.age, Some(52));
    assert!(e.kinds.is_empty(), "no kind: {:?}", e.kinds);
    assert_eq!(e.visit_level, "一般");

    // Under 60 she is a retiree only: a kind or 三无 is refused.
    let mut alone = woman_aged("吴桂芳", 52, &o.dongfeng.clone());
    alone.enterprise_retiree = true;
    alone.kinds = vec!["独居".into()];
    let err = elderly::register(&mut o.store, &clerk(), &alone, today()).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "kinds"), "{err:?}");
    assert!(err.to_string().contains("只能作为企业退休人员登记"), "{err}");
    assert_eq!(o.count("elderly"), 1);
}

#[test]
fn a_59_year_old_living_alone_is_still_refused_and_so_is_a_retiree_below_the_retiree_minimum() {
    let mut o = new_office();
    let mut alone = woman_aged("郑丽华", 59, &o.dongfeng.clone());
    alone.kinds = vec!["独居".into()];
    let err = elderly::register(&mut o.store, &clerk(), &alone, today()).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "id_number"), "{err:?}");
    assert!(err.to_string().contains("未满60周岁"), "{err}");

    let mut young = woman_aged("冯小梅", 44, &o.dongfeng.clone());
    young.enterprise_retiree = true;
    let err = elderly::register(&mut o.store, &clerk(), &young, today()).unwrap_err();
    assert!(err.to_string().contains("未满45周岁"), "{err}");
    assert_eq!(o.count("elderly"), 0);
    assert_eq!(o.count("person"), 0, "bad input writes nothing");
}
