//! Who may do what (权限), through the core functions the desktop commands
//! and the CLI call. Each role's session is a real account logged in.
//!
//! The matrix: every entry point, for each role, on a record of 东风社区 (the
//! community worker's own) and of 西城社区 (another). A refusal is code
//! `access.denied`, a message saying 无权限, and nothing written: every
//! table's rows (records, indexes, change log, audit trail) are as before.
use chrono::Duration;
use serde_json::json;
use street_ledger::access::{Actor, Role};
use street_ledger::elderly::care::{self, ServiceInput, VisitInput};
use street_ledger::elderly::roster::{self, RosterQuery};
use street_ledger::elderly::{self, ElderlyInput, StatusChange};
use street_ledger::person::search::{self, PersonQuery};
use street_ledger::person::{self, PersonInput};
use street_ledger::{accounts, dump, office, Error, Result};

use crate::people::{self, assert_denied, snapshot, staff, Staff};
use crate::support::{clerk, id_number, new_office, today, Office};

/// A person on the roster, with what the tests reach them by.
struct Elder {
    elderly_id: String,
    person_id: String,
    name: &'static str,
    id_number: String,
    phone: &'static str,
    community_id: String,
}

struct World {
    office: Office,
    staff: Staff,
    /// In 东风社区, the community worker's own.
    own: Elder,
    /// In 西城社区.
    other: Elder,
    /// Makes each call's new ID numbers, names and dates unique.
    seq: u16,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Own,
    Other,
}

fn on_roster(office: &mut Office, name: &'static str, idn: String, phone: &'static str, community: &str) -> Elder {
    let input = ElderlyInput {
        person: PersonInput {
            name: name.into(),
            id_number: Some(idn.clone()),
            phone: Some(phone.into()),
            community_id: Some(community.into()),
            address: Some("和平里3号楼2单元101".into()),
            ..Default::default()
        },
        emergency_name: Some("家属".into()),
        emergency_phone: Some("13900001111".into()),
        ..Default::default()
    };
    let elderly_id = office.register(&input);
    let person_id = office
        .store
        .conn()
        .query_row("SELECT person_id FROM elderly WHERE id = ?1", [&elderly_id], |r| r.get(0))
        .unwrap();
    Elder { elderly_id, person_id, name, id_number: idn, phone, community_id: community.into() }
}

fn world() -> World {
    let mut office = new_office();
    let dongfeng = office.dongfeng.clone();
    let xicheng = office.xicheng.clone();
    let staff = staff(&mut office.store, &clerk(), &dongfeng);
    let own = on_roster(&mut office, "王秀英", id_number(1945, 3, 8, 42), "13812345678", &dongfeng);
    let other = on_roster(&mut office, "李桂芳", id_number(1946, 11, 20, 64), "13987654321", &xicheng);
    World { office, staff, own, other, seq: 0 }
}

impl World {
    fn elder(&self, t: Target) -> &Elder {
        match t {
            Target::Own => &self.own,
            Target::Other => &self.other,
        }
    }

    fn next(&mut self) -> u16 {
        self.seq += 1;
        self.seq
    }
}

/// May a role do it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum May {
    Yes,
    No,
}
use May::{No, Yes};

/// For a 东风 record and for a 西城 record, in the order: 管理员, 街道工作人员,
/// 社区工作人员 of 东风社区, 只读.
struct Rule {
    own: [May; 4],
    other: [May; 4],
}

/// Changing records: every role but 只读, a community worker in their own community only.
const WRITE: Rule = Rule { own: [Yes, Yes, Yes, No], other: [Yes, Yes, No, No] };
/// Reading a record: every role, a community worker in their own community only.
const READ: Rule = Rule { own: [Yes, Yes, Yes, Yes], other: [Yes, Yes, No, Yes] };
/// Seeing full ID numbers and phones: like writing.
const UNMASK: Rule = WRITE;
/// Lists narrow a community worker to their community instead of refusing.
const ANYONE: Rule = Rule { own: [Yes, Yes, Yes, Yes], other: [Yes, Yes, Yes, Yes] };
/// Users, communities, settings.
const ADMIN: Rule = Rule { own: [Yes, No, No, No], other: [Yes, No, No, No] };

/// Runs `op` for every role on both communities' records, in one office, and
/// checks each outcome against `rule`.
fn matrix(entry: &str, rule: Rule, op: impl Fn(&mut World, &Actor, Target) -> Result<()>) {
    let mut w = world();
    for target in [Target::Own, Target::Other] {
        let mays = if target == Target::Own { rule.own } else { rule.other };
        for (i, may) in mays.into_iter().enumerate() {
            let actor = w.staff.all()[i].clone();
            let case = format!("{entry}, {} on a {target:?} record", actor.role.label());
            match may {
                Yes => {
                    if let Err(e) = op(&mut w, &actor, target) {
                        panic!("{case}: should be allowed, got {}: {e}", e.code());
                    }
                }
                No => {
                    let before = snapshot(w.office.store.conn());
                    assert_denied(op(&mut w, &actor, target), &case);
                    assert_eq!(snapshot(w.office.store.conn()), before, "{case}: refused but wrote something");
                }
            }
        }
    }
}

// ---- the matrix, one entry point per test ---------------------------------

#[test]
fn registering_onto_the_roster_is_a_write_in_the_community_registered_into() {
    matrix("elderly::register", WRITE, |w, actor, t| {
        let n = w.next();
        let community = w.elder(t).community_id.clone();
        let input = crate::support::elder(&format!("新登记{n}号"), &id_number(1950, 1, 1, 100 + n), &community);
        elderly::register(&mut w.office.store, actor, &input, today()).map(|_| ())
    });
}

#[test]
fn editing_a_roster_entry_is_a_write_in_the_persons_community() {
    matrix("elderly::update", WRITE, |w, actor, t| {
        let n = w.next();
        let e = w.elder(t);
        let input = ElderlyInput {
            person: PersonInput {
                name: e.name.into(),
                community_id: Some(e.community_id.clone()),
                ..Default::default()
            },
            health_notes: Some(format!("第{n}次更新：血压平稳")),
            ..Default::default()
        };
        let id = e.elderly_id.clone();
        elderly::update(&mut w.office.store, actor, &id, None, &input, today())
    });
}

#[test]
fn changing_a_roster_status_is_a_write_in_the_persons_community() {
    matrix("elderly::change_status", WRITE, |w, actor, t| {
        let n = w.next();
        let change = StatusChange {
            status: "迁出".into(),
            date: (today() - Duration::days(n as i64)).to_string(),
            reason: Some("随子女迁居外区".into()),
        };
        let id = w.elder(t).elderly_id.clone();
        elderly::change_status(&mut w.office.store, actor, &id, &change, today())
    });
}

fn a_service() -> ServiceInput {
    ServiceInput {
        date: today().to_string(),
        service_type: "代办代购".into(),
        paid: "无偿".into(),
        ..Default::default()
    }
}

fn a_visit() -> VisitInput {
    VisitInput { date: today().to_string(), visitor: "社工小李".into(), way: "入户".into(), ..Default::default() }
}

#[test]
fn recording_a_service_is_a_write_in_the_persons_community() {
    matrix("care::add_service", WRITE, |w, actor, t| {
        let id = w.elder(t).elderly_id.clone();
        care::add_service(&mut w.office.store, actor, &id, &a_service(), today()).map(|_| ())
    });
}

#[test]
fn recording_a_visit_is_a_write_in_the_persons_community() {
    matrix("care::add_visit", WRITE, |w, actor, t| {
        let id = w.elder(t).elderly_id.clone();
        care::add_visit(&mut w.office.store, actor, &id, &a_visit(), today()).map(|_| ())
    });
}

#[test]
fn opening_a_roster_entry_by_id_is_a_read_in_the_persons_community() {
    matrix("elderly::get", READ, |w, actor, t| {
        let e = w.elder(t);
        let got = elderly::get(w.office.store.conn(), actor, &e.elderly_id, today())?;
        assert_eq!(got.person.name, e.name);
        Ok(())
    });
}

#[test]
fn the_person_page_is_a_read_in_the_persons_community() {
    matrix("elderly::detail", READ, |w, actor, t| {
        let e = w.elder(t);
        let got = elderly::detail(w.office.store.conn(), actor, &e.elderly_id, today())?;
        assert_eq!(got.elderly.id, e.elderly_id);
        Ok(())
    });
}

#[test]
fn looking_up_a_known_id_number_is_a_read_in_the_persons_community() {
    matrix("elderly::lookup", READ, |w, actor, t| {
        let e = w.elder(t);
        let got = elderly::lookup(w.office.store.conn(), actor, &e.id_number, today())?;
        assert_eq!(got.elderly_id.as_deref(), Some(e.elderly_id.as_str()));
        Ok(())
    });
}

#[test]
fn the_roster_list_refuses_no_one() {
    matrix("roster::list", ANYONE, |w, actor, t| {
        let q = RosterQuery { community_id: Some(w.elder(t).community_id.clone()), ..Default::default() };
        roster::list(w.office.store.conn(), actor, &q, today()).map(|_| ())
    });
}

#[test]
fn person_search_refuses_no_one() {
    matrix("person::search::search", ANYONE, |w, actor, t| {
        let q = PersonQuery { text: w.elder(t).name.into(), ..Default::default() };
        search::search(w.office.store.conn(), actor, &q, today()).map(|_| ())
    });
}

#[test]
fn the_due_visits_list_refuses_no_one() {
    matrix("care::due_visits", ANYONE, |w, actor, t| {
        let community = w.elder(t).community_id.clone();
        care::due_visits(w.office.store.conn(), actor, Some(&community), today()).map(|_| ())
    });
}

#[test]
fn revealing_a_full_id_number_needs_unmask_in_the_persons_community() {
    matrix("person::reveal", UNMASK, |w, actor, t| {
        let e = w.elder(t);
        let got = person::reveal(&w.office.store, actor, &e.person_id)?;
        assert_eq!(got.id_number.as_deref(), Some(e.id_number.as_str()));
        assert_eq!(got.phone.as_deref(), Some(e.phone));
        Ok(())
    });
}

#[test]
fn dumping_every_record_unmasked_is_for_administrators_only() {
    // Every community's full ID numbers are in a dump, so no scoped or read-only role may take one.
    matrix("dump::dump", ADMIN, |w, actor, _| dump::dump(&w.office.store, actor).map(|_| ()));
}

#[test]
fn adding_a_community_is_for_administrators_only() {
    matrix("office::add_community", ADMIN, |w, actor, _| {
        let n = w.next();
        office::add_community(&mut w.office.store, actor, &format!("新建{n}社区")).map(|_| ())
    });
}

#[test]
fn creating_an_account_is_for_administrators_only() {
    matrix("accounts::create", ADMIN, |w, actor, _| {
        let n = w.next();
        let a = people::account(&format!("xinren{n}"), Role::ReadOnly, None);
        accounts::create(&mut w.office.store, actor, &a).map(|_| ())
    });
}

#[test]
fn listing_accounts_is_for_administrators_only() {
    matrix("accounts::list", ADMIN, |w, actor, _| {
        let list = accounts::list(w.office.store.conn(), actor)?;
        assert_eq!(list.len(), 4);
        Ok(())
    });
}

#[test]
fn resetting_a_password_is_for_administrators_only() {
    matrix("accounts::reset_password", ADMIN, |w, actor, _| {
        let n = w.next();
        accounts::reset_password(&mut w.office.store, actor, "chakan", &format!("Reset-{n}-密码够长")).map(|_| ())
    });
}

// ---- across communities --------------------------------------------------

#[test]
fn a_community_worker_cannot_read_another_communitys_person_by_id() {
    let w = world();
    let (conn, me, e) = (w.office.store.conn(), &w.staff.dongfeng, &w.other);
    let refusals = [
        assert_denied(elderly::get(conn, me, &e.elderly_id, today()), "get"),
        assert_denied(elderly::detail(conn, me, &e.elderly_id, today()), "detail"),
        assert_denied(elderly::lookup(conn, me, &e.id_number, today()), "lookup"),
        assert_denied(person::reveal(&w.office.store, me, &e.person_id), "reveal"),
    ];
    // The same error, not the record: nothing of the person in it.
    let first = refusals[0].payload();
    for r in &refusals {
        let p = r.payload();
        assert_eq!(p, first);
        for secret in [e.name, &e.id_number[14..], &e.phone[7..], "西城"] {
            assert!(!p.message.contains(secret), "{} leaks {secret}", p.message);
        }
    }
    // Their own community's person they read as usual.
    elderly::detail(conn, me, &w.own.elderly_id, today()).unwrap();
}

#[test]
fn a_community_worker_cannot_write_another_communitys_person() {
    let mut w = world();
    let me = w.staff.dongfeng.clone();
    let id = w.other.elderly_id.clone();
    let before = snapshot(w.office.store.conn());
    let store = &mut w.office.store;

    let edit = ElderlyInput {
        person: PersonInput {
            name: "李桂芳".into(),
            community_id: Some(w.other.community_id.clone()),
            ..Default::default()
        },
        health_notes: Some("改写".into()),
        ..Default::default()
    };
    assert_denied(elderly::update(store, &me, &id, None, &edit, today()), "update");
    let gone = StatusChange { status: "去世".into(), date: today().to_string(), reason: None };
    assert_denied(elderly::change_status(store, &me, &id, &gone, today()), "change_status");
    assert_denied(care::add_service(store, &me, &id, &a_service(), today()), "add_service");
    assert_denied(care::add_visit(store, &me, &id, &a_visit(), today()), "add_visit");

    assert_eq!(snapshot(w.office.store.conn()), before);
}

#[test]
fn a_community_worker_cannot_pull_another_communitys_person_into_their_own() {
    let mut w = world();
    let me = w.staff.dongfeng.clone();
    let before = snapshot(w.office.store.conn());
    let edit = ElderlyInput {
        person: PersonInput {
            name: w.other.name.into(),
            community_id: Some(w.office.dongfeng.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let id = w.other.elderly_id.clone();
    assert_denied(elderly::update(&mut w.office.store, &me, &id, None, &edit, today()), "update into own community");
    assert_eq!(snapshot(w.office.store.conn()), before);
}

#[test]
fn a_community_worker_cannot_move_their_own_person_into_another_community() {
    let mut w = world();
    let me = w.staff.dongfeng.clone();
    let before = snapshot(w.office.store.conn());
    let edit = ElderlyInput {
        person: PersonInput {
            name: w.own.name.into(),
            community_id: Some(w.office.xicheng.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let id = w.own.elderly_id.clone();
    assert_denied(elderly::update(&mut w.office.store, &me, &id, None, &edit, today()), "move to 西城");
    assert_eq!(snapshot(w.office.store.conn()), before);
}

#[test]
fn a_community_worker_cannot_register_someone_into_another_community() {
    let mut w = world();
    let me = w.staff.dongfeng.clone();
    let before = snapshot(w.office.store.conn());
    // By the community's id, as the form sends it, and by its name, as an import would.
    for community in [w.office.xicheng.clone(), "西城社区".to_string()] {
        let input = crate::support::elder("赵德明", &id_number(1944, 5, 5, 31), &community);
        assert_denied(elderly::register(&mut w.office.store, &me, &input, today()), &community);
    }
    assert_eq!(snapshot(w.office.store.conn()), before);
    // Into their own community it goes through.
    let input = crate::support::elder("赵德明", &id_number(1944, 5, 5, 31), &w.office.dongfeng.clone());
    elderly::register(&mut w.office.store, &me, &input, today()).unwrap();
}

#[test]
fn a_community_worker_cannot_take_over_another_communitys_known_person_by_registering_their_id_number() {
    let mut w = world();
    // Known in 西城 (not on the roster): registering that ID number into 东风 would move them.
    let idn = id_number(1943, 7, 7, 53);
    let xicheng = w.office.xicheng.clone();
    w.office
        .store
        .write(&clerk(), |tx| {
            person::create(
                tx,
                &PersonInput {
                    name: "钱凤兰".into(),
                    id_number: Some(idn.clone()),
                    community_id: Some(xicheng.clone()),
                    ..Default::default()
                },
                today(),
            )
        })
        .unwrap();
    let me = w.staff.dongfeng.clone();
    let before = snapshot(w.office.store.conn());
    let input = crate::support::elder("钱凤兰", &idn, &w.office.dongfeng.clone());
    assert_denied(elderly::register(&mut w.office.store, &me, &input, today()), "register a 西城 person into 东风");
    assert_eq!(snapshot(w.office.store.conn()), before);
}

#[test]
fn a_community_worker_asking_the_roster_for_another_community_gets_their_own() {
    let w = world();
    let conn = w.office.store.conn();
    let me = &w.staff.dongfeng;
    for asked in [Some(w.office.xicheng.clone()), None] {
        let q = RosterQuery { community_id: asked.clone(), ..Default::default() };
        let page = roster::list(conn, me, &q, today()).unwrap();
        let names: Vec<&str> = page.items.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["王秀英"], "asked for {asked:?}");
        assert_eq!(page.total, 1);
    }
    // Searching the roster for the other community's person by name or ID number finds no one.
    for text in [w.other.name, &w.other.id_number, &w.other.id_number[12..]] {
        let q = RosterQuery { text: text.into(), ..Default::default() };
        assert_eq!(roster::list(conn, me, &q, today()).unwrap().total, 0, "{text}");
    }
    // Street staff see both.
    let all = roster::list(conn, &w.staff.street, &RosterQuery::default(), today()).unwrap();
    assert_eq!(all.total, 2);
}

#[test]
fn a_community_worker_searching_persons_finds_only_their_own_community() {
    let w = world();
    let conn = w.office.store.conn();
    let me = &w.staff.dongfeng;
    for text in [w.other.name, "lgf", &w.other.id_number, &w.other.id_number[12..], w.other.phone] {
        let q = PersonQuery { text: text.into(), community_id: Some(w.office.xicheng.clone()), ..Default::default() };
        assert_eq!(search::search(conn, me, &q, today()).unwrap().total, 0, "{text}");
        let q = PersonQuery { text: text.into(), ..Default::default() };
        assert_eq!(search::search(conn, &w.staff.street, &q, today()).unwrap().total, 1, "{text}");
    }
    let everyone = search::search(conn, me, &PersonQuery::default(), today()).unwrap();
    let names: Vec<&str> = everyone.items.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["王秀英"]);
}

#[test]
fn a_community_worker_sees_only_their_own_communitys_due_visits() {
    let w = world();
    let conn = w.office.store.conn();
    for asked in [Some(w.office.xicheng.as_str()), None] {
        let due = care::due_visits(conn, &w.staff.dongfeng, asked, today()).unwrap();
        let names: Vec<&str> = due.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["王秀英"], "asked for {asked:?}");
    }
    assert_eq!(care::due_visits(conn, &w.staff.readonly, None, today()).unwrap().len(), 2);
}

#[test]
fn a_community_worker_without_a_community_reaches_no_ones_records() {
    let w = world();
    let conn = w.office.store.conn();
    let lost = Actor::new("无社区(nobody)", Role::CommunityStaff, None);
    assert_eq!(roster::list(conn, &lost, &RosterQuery::default(), today()).unwrap().total, 0);
    assert_eq!(search::search(conn, &lost, &PersonQuery::default(), today()).unwrap().total, 0);
    assert!(care::due_visits(conn, &lost, None, today()).unwrap().is_empty());
    for e in [&w.own, &w.other] {
        assert_denied(elderly::get(conn, &lost, &e.elderly_id, today()), "get");
    }
}

#[test]
fn a_community_workers_dump_holds_no_other_communitys_records() {
    let w = world();
    let before = snapshot(w.office.store.conn());
    match dump::dump(&w.office.store, &w.staff.dongfeng) {
        Err(e) => {
            assert_denied(Err::<(), _>(e), "dump by a community worker");
            assert_eq!(snapshot(w.office.store.conn()), before);
        }
        Ok(v) => {
            let text = v.to_string();
            assert!(!text.contains(&w.other.id_number), "another community's full ID number exported");
            assert!(!text.contains(w.other.name), "another community's person exported");
        }
    }
}

#[test]
fn a_refused_service_or_visit_says_no_permission_whatever_the_persons_status() {
    let mut w = world();
    let gone = StatusChange { status: "去世".into(), date: today().to_string(), reason: None };
    let id = w.other.elderly_id.clone();
    elderly::change_status(&mut w.office.store, &clerk(), &id, &gone, today()).unwrap();
    let before = snapshot(w.office.store.conn());
    for me in [w.staff.dongfeng.clone(), w.staff.readonly.clone()] {
        let who = me.role.label();
        let e = assert_denied(care::add_service(&mut w.office.store, &me, &id, &a_service(), today()), who);
        assert!(!e.to_string().contains("去世"), "{who}: {e}");
        let e = assert_denied(care::add_visit(&mut w.office.store, &me, &id, &a_visit(), today()), who);
        assert!(!e.to_string().contains("去世"), "{who}: {e}");
    }
    assert_eq!(snapshot(w.office.store.conn()), before);
}

// ---- per role -------------------------------------------------------------

#[test]
fn read_only_reads_every_community_but_writes_nothing_and_cannot_reveal() {
    let mut w = world();
    let me = w.staff.readonly.clone();
    let conn = w.office.store.conn();
    for e in [&w.own, &w.other] {
        elderly::detail(conn, &me, &e.elderly_id, today()).unwrap();
        elderly::lookup(conn, &me, &e.id_number, today()).unwrap();
    }
    assert_eq!(roster::list(conn, &me, &RosterQuery::default(), today()).unwrap().total, 2);
    assert_eq!(search::search(conn, &me, &PersonQuery::default(), today()).unwrap().total, 2);

    let before = snapshot(w.office.store.conn());
    let store = &mut w.office.store;
    let input = crate::support::elder("周玉珍", &id_number(1948, 8, 8, 22), &w.office.dongfeng);
    let e = assert_denied(elderly::register(store, &me, &input, today()), "register");
    assert!(e.to_string().contains("只读"), "{e}");
    assert_denied(person::reveal(store, &me, &w.own.person_id), "reveal");
    assert_denied(dump::dump(store, &me), "dump");
    assert_denied(care::add_visit(store, &me, &w.own.elderly_id, &a_visit(), today()), "add_visit");
    assert_eq!(snapshot(w.office.store.conn()), before);
}

#[test]
fn every_role_reads_id_numbers_and_phones_masked() {
    let w = world();
    let conn = w.office.store.conn();
    for me in w.staff.all() {
        let mut shown = Vec::new();
        for e in [&w.own, &w.other] {
            if let Ok(d) = elderly::detail(conn, me, &e.elderly_id, today()) {
                shown.push(serde_json::to_value(d).unwrap());
            }
            if let Ok(l) = elderly::lookup(conn, me, &e.id_number, today()) {
                shown.push(serde_json::to_value(l).unwrap());
            }
        }
        shown.push(serde_json::to_value(roster::list(conn, me, &RosterQuery::default(), today()).unwrap()).unwrap());
        shown.push(serde_json::to_value(search::search(conn, me, &PersonQuery::default(), today()).unwrap()).unwrap());
        let text = serde_json::Value::Array(shown).to_string();
        for full in [w.own.id_number.as_str(), w.other.id_number.as_str(), w.own.phone, w.other.phone, "13900001111"] {
            assert!(!text.contains(full), "{} sees {full} unmasked", me.role.label());
        }
        assert!(text.contains("138****5678"), "{}", me.role.label());
    }
}

#[test]
fn street_staff_work_in_every_community_but_cannot_administer() {
    let mut w = world();
    let me = w.staff.street.clone();
    for e in [&w.own, &w.other] {
        let id = e.elderly_id.clone();
        care::add_visit(&mut w.office.store, &me, &id, &a_visit(), today()).unwrap();
        person::reveal(&w.office.store, &me, &e.person_id).unwrap();
    }
    let before = snapshot(w.office.store.conn());
    let store = &mut w.office.store;
    let e = assert_denied(office::add_community(store, &me, "新村社区"), "add_community");
    assert!(e.to_string().contains("管理员"), "{e}");
    assert_denied(accounts::list(store.conn(), &me), "list accounts");
    assert_denied(accounts::create(store, &me, &people::account("xinren", Role::Admin, None)), "create");
    assert_denied(accounts::reset_password(store, &me, "admin", "Takeover-12345"), "reset admin's password");
    assert_eq!(snapshot(w.office.store.conn()), before);
}

#[test]
fn a_community_worker_cannot_create_accounts_or_make_themselves_administrator() {
    let mut w = world();
    let me = w.staff.dongfeng.clone();
    let before = snapshot(w.office.store.conn());
    let store = &mut w.office.store;
    assert_denied(accounts::create(store, &me, &people::account("boss", Role::Admin, None)), "create admin");
    assert_denied(accounts::reset_password(store, &me, "dongfeng", "MyOwnReset-123"), "reset own via admin path");
    assert_eq!(snapshot(w.office.store.conn()), before);
}

#[test]
fn an_administrator_does_everything_in_every_community() {
    let mut w = world();
    let me = w.staff.admin.clone();
    let c = office::add_community(&mut w.office.store, &me, "新村社区").unwrap();
    let input = crate::support::elder("孙福海", &id_number(1940, 2, 2, 11), &c.id);
    let id = elderly::register(&mut w.office.store, &me, &input, today()).unwrap();
    care::add_service(&mut w.office.store, &me, &id, &a_service(), today()).unwrap();
    for e in [&w.own, &w.other] {
        person::reveal(&w.office.store, &me, &e.person_id).unwrap();
    }
    accounts::create(&mut w.office.store, &me, &people::account("xincun", Role::CommunityStaff, Some("新村社区")))
        .unwrap();
    assert_eq!(accounts::list(w.office.store.conn(), &me).unwrap().len(), 5);
    dump::dump(&w.office.store, &me).unwrap();
}

// ---- what is audited -------------------------------------------------------

fn audit(w: &World, action: &str) -> Vec<(String, String, String)> {
    let conn = w.office.store.conn();
    let mut stmt =
        conn.prepare("SELECT user_name, target, detail FROM audit_event WHERE action = ?1 ORDER BY seq").unwrap();
    stmt.query_map([action], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect()
}

#[test]
fn revealing_a_full_id_number_is_audited_as_unmask_without_the_number() {
    let w = world();
    let me = &w.staff.street;
    person::reveal(&w.office.store, me, &w.other.person_id).unwrap();
    let events = audit(&w, "unmask");
    assert_eq!(events.len(), 1);
    let (user, target, detail) = &events[0];
    assert_eq!(user, &me.user);
    assert_eq!(target, &w.other.person_id);
    assert!(detail.contains(w.other.name), "{detail}");
    for secret in [w.other.id_number.as_str(), &w.other.id_number[12..], w.other.phone, &w.other.phone[7..]] {
        let cells = people::cells_holding(w.office.store.conn(), secret);
        assert!(!cells.iter().any(|c| c.starts_with("audit_event")), "{secret} in {cells:?}");
    }
}

#[test]
fn a_refused_reveal_is_neither_answered_nor_audited() {
    let w = world();
    let _ = person::reveal(&w.office.store, &w.staff.readonly, &w.own.person_id);
    let _ = person::reveal(&w.office.store, &w.staff.dongfeng, &w.other.person_id);
    assert!(audit(&w, "unmask").is_empty());
}

#[test]
fn a_dump_is_audited_as_an_export() {
    let w = world();
    let v = dump::dump(&w.office.store, &w.staff.admin).unwrap();
    assert!(v.to_string().contains(&w.own.id_number), "the dump is unmasked");
    let events = audit(&w, "export");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, w.staff.admin.user);
    assert!(!events[0].2.contains(&w.own.id_number));
}

#[test]
fn a_refusal_reaches_the_ui_as_code_and_chinese_message() {
    let w = world();
    let e = elderly::get(w.office.store.conn(), &w.staff.dongfeng, &w.other.elderly_id, today()).unwrap_err();
    let payload = serde_json::to_value(e.payload()).unwrap();
    assert_eq!(payload["code"], json!("access.denied"));
    assert!(payload["message"].as_str().unwrap().starts_with("无权限"));
    assert_eq!(payload.as_object().unwrap().len(), 2, "{payload}");
    assert!(matches!(e, Error::Access(_)));
}
