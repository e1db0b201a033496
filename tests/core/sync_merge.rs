//! Sync merges: whatever order packages arrive in, duplicated, delayed or
//! dropped and sent again, every PC ends with the same records, and every
//! pair of edits made without seeing each other is listed for review (冲突待核)
//! exactly once, on every PC.
//!
//! Packages here are opened bundles (`sync::bundle` / `sync::apply`): the
//! sealing is the same bytes whatever is inside, and is tested in
//! `sync_files`. The PCs are real SQLite files in temporary folders.
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use rusqlite::types::Value;
use street_ledger::access::Actor;
use street_ledger::elderly::care::{self, ServiceInput};
use street_ledger::employment::case::{self, CaseInput};
use street_ledger::employment::household;
use street_ledger::person::PersonInput;
use street_ledger::store::{Store, Table};
use street_ledger::sync::{self, Kind};
use street_ledger::{check, dump};
use tempfile::TempDir;

use crate::support::{clerk, elder, id_number, new_office, today};

const MAX_PCS: usize = 5;

/// The office, and four PCs that joined it by its snapshot, made once: each
/// case starts from copies of these files.
struct Templates {
    _dir: TempDir,
    files: Vec<PathBuf>,
}

fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let mut office = new_office();
        for i in 0..3 {
            let e =
                office.register(&elder(&format!("老人{i}"), &id_number(1940, 1, 1 + i, 11), &office.dongfeng.clone()));
            care::add_service(&mut office.store, &clerk(), &e, &service("起始"), today()).unwrap();
        }
        // The re-employment register too: a household and a case.
        let member = |name: &str, idn: String| household::MemberInput {
            person: PersonInput { name: name.into(), id_number: Some(idn), ..Default::default() },
            relation: "户主".into(),
            status: household::MemberStatus {
                work_status: "失业".into(),
                able: true,
                willing: true,
                ..Default::default()
            },
        };
        let h = household::HouseholdInput {
            community_id: office.dongfeng.clone(),
            address: "东风路1号".into(),
            notes: None,
            members: vec![member("户主甲", id_number(1980, 1, 1, 21))],
        };
        household::create(&mut office.store, &clerk(), &h, today()).unwrap();
        let c = CaseInput {
            person: PersonInput {
                name: "户主甲".into(),
                id_number: Some(id_number(1980, 1, 1, 21)),
                ..Default::default()
            },
            ..Default::default()
        };
        case::register(&mut office.store, &clerk(), &c, today()).unwrap();
        let snapshot = sync::bundle(office.store.conn(), office.store.installation_id(), Kind::Snapshot).unwrap();
        let mut files = vec![dir.path().join("pc0.db")];
        // Closed first: closing folds the write-ahead log into the file.
        let crate::support::Office { store, _dir: office_dir, .. } = office;
        let path = store.path().to_path_buf();
        drop(store);
        std::fs::copy(path, &files[0]).unwrap();
        drop(office_dir);
        for i in 1..MAX_PCS {
            let path = dir.path().join(format!("pc{i}.db"));
            let mut store = Store::open(&path).unwrap();
            sync::apply(&mut store, &Actor::system(), &snapshot).unwrap();
            drop(store);
            files.push(path);
        }
        Templates { _dir: dir, files }
    })
}

fn service(notes: &str) -> ServiceInput {
    ServiceInput {
        date: "2025-06-01".into(),
        service_type: "日常照料".into(),
        paid: "无偿".into(),
        notes: Some(notes.into()),
        ..Default::default()
    }
}

struct Pc {
    store: Store,
}

/// `n` PCs of one office, all holding the same records.
fn office_of(n: usize) -> (TempDir, Vec<Pc>) {
    let t = templates();
    let dir = TempDir::new().unwrap();
    let pcs = (0..n)
        .map(|i| {
            let path = dir.path().join(format!("pc{i}.db"));
            std::fs::copy(&t.files[i], &path).unwrap();
            Pc { store: Store::open(&path).unwrap() }
        })
        .collect();
    (dir, pcs)
}

fn ids(store: &Store, table: &str) -> Vec<String> {
    let mut stmt = store.conn().prepare(&format!("SELECT id FROM {table} ORDER BY id")).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// One edit or deletion, with what its PC held of the record when made.
#[derive(Debug, Clone)]
struct Made {
    record: String,
    fields: Vec<String>,
    stamp: (String, String),
    value: Option<String>,
    knew: BTreeSet<(String, String)>,
}

fn stamps_of(store: &Store, record: &str) -> BTreeSet<(String, String)> {
    let mut stmt = store.conn().prepare("SELECT hlc, installation_id FROM change_log WHERE record_id = ?1").unwrap();
    stmt.query_map([record], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

fn last_stamp(store: &Store) -> (String, String) {
    store
        .conn()
        .query_row("SELECT hlc, installation_id FROM change_log ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    /// Edit a field of the k-th record of a kind on a PC.
    Edit {
        pc: usize,
        k: usize,
        what: usize,
        value: usize,
    },
    Create {
        pc: usize,
    },
    AddService {
        pc: usize,
        k: usize,
    },
    DeleteService {
        pc: usize,
        k: usize,
    },
    /// Send a package from one PC to another: it waits in the post.
    Send {
        from: usize,
        to: usize,
    },
    /// Deliver the i-th waiting package (reordered), maybe keeping a copy
    /// to deliver again (duplicated), or lose it (dropped).
    Deliver {
        i: usize,
        keep: bool,
        lose: bool,
    },
}

const VALUES: [&str; 3] = ["甲", "乙", "丙"];
/// What an edit may change: (table, field).
const EDITS: [(&str, &str); 8] = [
    ("person", "address"),
    ("person", "phone"),
    ("elderly", "health_notes"),
    ("elderly", "status"),
    ("elderly_service", "notes"),
    ("employment_case", "wishes"),
    ("employment_case", "skills"),
    ("household", "address"),
];

fn op() -> impl Strategy<Value = Op> {
    let pc = 0..MAX_PCS;
    prop_oneof![
        4 => (pc.clone(), 0..8usize, 0..EDITS.len(), 0..VALUES.len())
            .prop_map(|(pc, k, what, value)| Op::Edit { pc, k, what, value }),
        1 => pc.clone().prop_map(|pc| Op::Create { pc }),
        1 => (pc.clone(), 0..8usize).prop_map(|(pc, k)| Op::AddService { pc, k }),
        1 => (pc.clone(), 0..8usize).prop_map(|(pc, k)| Op::DeleteService { pc, k }),
        3 => (pc.clone(), pc).prop_map(|(from, to)| Op::Send { from, to }),
        3 => (0..16usize, any::<bool>(), prop::bool::weighted(0.15))
            .prop_map(|(i, keep, lose)| Op::Deliver { i, keep, lose }),
    ]
}

struct World {
    _dir: TempDir,
    pcs: Vec<Pc>,
    post: Vec<(usize, sync::Bundle)>,
    made: Vec<Made>,
    created: u16,
}

impl World {
    fn new(n: usize) -> World {
        let (dir, pcs) = office_of(n);
        World { _dir: dir, pcs, post: Vec::new(), made: Vec::new(), created: 0 }
    }

    fn step(&mut self, op: &Op) {
        let n = self.pcs.len();
        match *op {
            Op::Edit { pc, k, what, value } => {
                let (table, field) = EDITS[what];
                let store = &mut self.pcs[pc % n].store;
                let records = ids(store, table);
                let Some(record) = records.get(k % records.len().max(1)).cloned() else { return };
                let knew = stamps_of(store, &record);
                let v = if table == "elderly" && field == "status" {
                    ["在册", "迁出", "在册"][value]
                } else {
                    VALUES[value]
                };
                let t = Table::from_name(table).unwrap();
                let changed = store
                    .write(&clerk(), |w| w.update(t, &record, None, &[(field, Value::Text(v.to_string()))]))
                    .unwrap();
                if changed {
                    let stamp = last_stamp(store);
                    self.made.push(Made { record, fields: vec![field.into()], stamp, value: Some(v.into()), knew });
                }
            }
            Op::Create { pc } => {
                self.created += 1;
                let store = &mut self.pcs[pc % n].store;
                let community = ids(store, "community")[0].clone();
                let seq = 100 + 2 * self.created + 2 * 1000 * (pc % n) as u16;
                if self.created.is_multiple_of(2) {
                    let input = elder(&format!("新人{pc}{}", self.created), &id_number(1950, 3, 3, seq), &community);
                    street_ledger::elderly::register(store, &clerk(), &input, today()).unwrap();
                } else {
                    let person = PersonInput {
                        name: format!("求职{pc}{}", self.created),
                        id_number: Some(id_number(1985, 3, 3, seq)),
                        community_id: Some(community),
                        ..Default::default()
                    };
                    case::register(store, &clerk(), &CaseInput { person, ..Default::default() }, today()).unwrap();
                }
            }
            Op::AddService { pc, k } => {
                let store = &mut self.pcs[pc % n].store;
                // Services go to those on the roster (在册) only.
                let roster = ids(store, "elderly WHERE status = '在册'");
                let Some(e) = roster.get(k % roster.len().max(1)) else { return };
                care::add_service(store, &clerk(), e, &service("新增"), today()).unwrap();
            }
            Op::DeleteService { pc, k } => {
                let store = &mut self.pcs[pc % n].store;
                let services = ids(store, "elderly_service");
                let Some(record) = services.get(k % services.len().max(1)).cloned() else { return };
                let knew = stamps_of(store, &record);
                care::delete_entry(store, &clerk(), Table::ElderlyService, &record).unwrap();
                let fields = Table::ElderlyService.field_names().map(str::to_string).collect();
                let stamp = last_stamp(store);
                self.made.push(Made { record, fields, stamp, value: None, knew });
            }
            Op::Send { from, to } => {
                let (from, to) = (from % n, to % n);
                if from != to {
                    let s = &self.pcs[from].store;
                    self.post.push((to, sync::bundle(s.conn(), s.installation_id(), Kind::Changes).unwrap()));
                }
            }
            Op::Deliver { i, keep, lose } => {
                if self.post.is_empty() {
                    return;
                }
                let i = i % self.post.len();
                let (to, bundle) = if keep { self.post[i].clone() } else { self.post.remove(i) };
                if !lose {
                    sync::apply(&mut self.pcs[to].store, &Actor::system(), &bundle).unwrap();
                }
            }
        }
    }

    /// Everyone meets everyone until nothing new moves.
    fn settle(&mut self) {
        for _ in 0..3 {
            for from in 0..self.pcs.len() {
                for to in 0..self.pcs.len() {
                    if from != to {
                        let s = &self.pcs[from].store;
                        let b = sync::bundle(s.conn(), s.installation_id(), Kind::Changes).unwrap();
                        sync::apply(&mut self.pcs[to].store, &Actor::system(), &b).unwrap();
                    }
                }
            }
        }
    }

    /// The conflicts the edits made should leave: per field of a record, the
    /// edits no other edit of that field knew of, when they disagree.
    fn expected_conflicts(&self) -> BTreeSet<(String, String, (String, String))> {
        let mut by_field: BTreeMap<(String, String), Vec<&Made>> = BTreeMap::new();
        for m in &self.made {
            for f in &m.fields {
                by_field.entry((m.record.clone(), f.clone())).or_default().push(m);
            }
        }
        let mut out = BTreeSet::new();
        for ((record, field), made) in by_field {
            let heads: Vec<&&Made> =
                made.iter().filter(|m| !made.iter().any(|o| o.stamp != m.stamp && o.knew.contains(&m.stamp))).collect();
            let values: BTreeSet<&Option<String>> = heads.iter().map(|m| &m.value).collect();
            if values.len() > 1 {
                for h in heads {
                    out.insert((record.clone(), field.clone(), h.stamp.clone()));
                }
            }
        }
        out
    }
}

fn listed_conflicts(store: &Store) -> BTreeSet<(String, String, (String, String))> {
    let mut stmt = store
        .conn()
        .prepare("SELECT record_id, field, hlc, installation_id FROM sync_conflict WHERE field <> '_deleted'")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, (r.get(2)?, r.get(3)?))))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_pc_ends_with_the_same_records_and_the_same_conflicts(
        n in 3..=MAX_PCS,
        ops in prop::collection::vec(op(), 4..40),
    ) {
        let mut world = World::new(n);
        for op in &ops {
            world.step(op);
        }
        world.settle();
        let first = dump::records(world.pcs[0].store.conn()).unwrap();
        let expected = world.expected_conflicts();
        for (i, pc) in world.pcs.iter().enumerate() {
            prop_assert_eq!(&dump::records(pc.store.conn()).unwrap(), &first, "PC {} differs", i);
            let report = check::check(pc.store.conn()).unwrap();
            prop_assert!(report.ok(), "PC {}: {:?}", i, report.problems);
            prop_assert_eq!(&listed_conflicts(&pc.store), &expected, "PC {} conflicts", i);
            let pending: i64 = pc.store.conn().query_row("SELECT count(*) FROM sync_pending", [], |r| r.get(0)).unwrap();
            prop_assert_eq!(pending, 0);
        }
    }
}

fn pair() -> (TempDir, Vec<Pc>) {
    office_of(2)
}

fn exchange(pcs: &mut [Pc], from: usize, to: usize) -> sync::Applied {
    let s = &pcs[from].store;
    let b = sync::bundle(s.conn(), s.installation_id(), Kind::Changes).unwrap();
    sync::apply(&mut pcs[to].store, &Actor::system(), &b).unwrap()
}

fn address_of(store: &Store, person: &str) -> Option<String> {
    store.conn().query_row("SELECT address FROM person WHERE id = ?1", [person], |r| r.get(0)).unwrap()
}

fn set_address(store: &mut Store, person: &str, address: &str) {
    store
        .write(&clerk(), |w| w.update(Table::Person, person, None, &[("address", Value::Text(address.into()))]))
        .unwrap();
}

#[test]
fn an_edit_reaches_a_pc_that_never_meets_its_maker_through_a_third() {
    let (_dir, mut pcs) = office_of(3);
    // PC 2 has only ever met PC 1 (a USB stick between them), PC 0 too.
    exchange(&mut pcs, 2, 1);
    let person = ids(&pcs[0].store, "person")[0].clone();
    set_address(&mut pcs[0].store, &person, "和平路1号");
    exchange(&mut pcs, 0, 1);
    exchange(&mut pcs, 1, 2);
    assert_eq!(address_of(&pcs[2].store, &person).as_deref(), Some("和平路1号"));
}

#[test]
fn edits_that_follow_what_a_pc_holds_arrive_as_made_and_ones_made_meanwhile_are_merged() {
    let (_dir, mut pcs) = pair();
    let people = ids(&pcs[0].store, "person");
    let version = |store: &Store, id: &str| -> i64 {
        store.conn().query_row("SELECT row_version FROM person WHERE id = ?1", [id], |r| r.get(0)).unwrap()
    };
    // Two edits in turn on PC 0: they follow everything PC 1 holds.
    set_address(&mut pcs[0].store, &people[0], "和平路1号");
    set_address(&mut pcs[0].store, &people[0], "和平路2号");
    // PC 1 edits another field of another person meanwhile, and the same
    // field of a third person as PC 0 does after it.
    let phone = [("phone", Value::Text("13900000001".into()))];
    pcs[1].store.write(&clerk(), |w| w.update(Table::Person, &people[1], None, &phone).map(drop)).unwrap();
    set_address(&mut pcs[1].store, &people[2], "西城路1号");
    set_address(&mut pcs[0].store, &people[2], "东风路9号");
    exchange(&mut pcs, 0, 1);
    exchange(&mut pcs, 1, 0);
    let third = address_of(&pcs[0].store, &people[2]);
    assert!(matches!(third.as_deref(), Some("东风路9号" | "西城路1号")));
    for pc in &pcs {
        assert_eq!(address_of(&pc.store, &people[0]).as_deref(), Some("和平路2号"));
        assert_eq!(address_of(&pc.store, &people[2]), third, "the newer stamp, on both");
        assert!(check::check(pc.store.conn()).unwrap().ok());
    }
    for person in &people[..3] {
        assert_eq!(version(&pcs[0].store, person), version(&pcs[1].store, person), "every change counted");
    }
    assert_eq!(version(&pcs[1].store, &people[0]), 3, "the insert and two edits");
    // The two edits of one field made without seeing each other are listed.
    let listed = sync::review::conflicts(pcs[1].store.conn(), &clerk()).unwrap();
    assert_eq!(listed.iter().map(|c| c.record_id.as_str()).collect::<Vec<_>>(), [people[2].as_str()]);
    assert_eq!(dump::records(pcs[0].store.conn()).unwrap(), dump::records(pcs[1].store.conn()).unwrap());
}

#[test]
fn a_package_read_twice_changes_nothing_the_second_time() {
    let (_dir, mut pcs) = pair();
    let person = ids(&pcs[0].store, "person")[0].clone();
    set_address(&mut pcs[0].store, &person, "和平路1号");
    let s = &pcs[0].store;
    let b = sync::bundle(s.conn(), s.installation_id(), Kind::Changes).unwrap();
    let first = sync::apply(&mut pcs[1].store, &Actor::system(), &b).unwrap();
    let log = crate::support::count(pcs[1].store.conn(), "change_log");
    let again = sync::apply(&mut pcs[1].store, &Actor::system(), &b).unwrap();
    assert_eq!((first.received, again.received, again.records_changed), (1, 0, 0));
    assert_eq!(crate::support::count(pcs[1].store.conn(), "change_log"), log);
}

#[test]
fn packages_shrink_once_every_pc_has_said_what_it_holds() {
    let (_dir, mut pcs) = pair();
    let person = ids(&pcs[0].store, "person")[0].clone();
    set_address(&mut pcs[0].store, &person, "和平路1号");
    assert!(exchange(&mut pcs, 0, 1).received == 1);
    exchange(&mut pcs, 1, 0); // PC 0 now knows what PC 1 holds
    let s = &pcs[0].store;
    let b = sync::bundle(s.conn(), s.installation_id(), Kind::Changes).unwrap();
    assert!(b.body.changes.is_empty(), "{} changes resent", b.body.changes.len());
    let snapshot = sync::bundle(s.conn(), s.installation_id(), Kind::Snapshot).unwrap();
    assert_eq!(snapshot.body.changes.len() as i64, crate::support::count(s.conn(), "change_log"));
}

#[test]
fn concurrent_edits_keep_the_newer_everywhere_and_a_pick_settles_them_on_both_pcs() {
    let (_dir, mut pcs) = pair();
    let person = ids(&pcs[0].store, "person")[0].clone();
    set_address(&mut pcs[0].store, &person, "东风路1号");
    set_address(&mut pcs[1].store, &person, "西城路2号"); // later stamp: wins
    exchange(&mut pcs, 0, 1);
    exchange(&mut pcs, 1, 0);
    for pc in &pcs {
        assert_eq!(address_of(&pc.store, &person).as_deref(), Some("西城路2号"));
        let c = sync::review::conflicts(pc.store.conn(), &clerk()).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].field_label, "住址");
        let values: Vec<&str> = c[0].heads.iter().map(|h| h.value.as_str()).collect();
        assert_eq!(values, ["西城路2号", "东风路1号"], "the value in force first");
        assert!(c[0].heads[0].in_force && !c[0].heads[1].in_force);
    }
    let c = sync::review::conflicts(pcs[0].store.conn(), &clerk()).unwrap();
    let older = &c[0].heads[1];
    sync::review::resolve(&mut pcs[0].store, &clerk(), &person, "address", &older.hlc, &older.installation_id).unwrap();
    exchange(&mut pcs, 0, 1);
    for pc in &pcs {
        assert_eq!(address_of(&pc.store, &person).as_deref(), Some("东风路1号"));
        assert!(sync::review::conflicts(pc.store.conn(), &clerk()).unwrap().is_empty());
        assert!(check::check(pc.store.conn()).unwrap().ok());
    }
}

#[test]
fn a_deletion_concurrent_with_an_edit_goes_to_review_and_the_record_can_come_back() {
    let (_dir, mut pcs) = pair();
    let service = ids(&pcs[0].store, "elderly_service")[0].clone();
    care::delete_entry(&mut pcs[0].store, &clerk(), Table::ElderlyService, &service).unwrap();
    pcs[1]
        .store
        .write(&clerk(), |w| w.update(Table::ElderlyService, &service, None, &[("notes", Value::Text("补记".into()))]))
        .unwrap();
    exchange(&mut pcs, 0, 1);
    exchange(&mut pcs, 1, 0);
    for pc in &pcs {
        assert!(!ids(&pc.store, "elderly_service").contains(&service), "deleted everywhere meanwhile");
        let c = sync::review::conflicts(pc.store.conn(), &clerk()).unwrap();
        let notes = c.iter().find(|c| c.field == "notes").expect("the edit is listed");
        assert!(notes.heads.iter().any(|h| h.value == "（删除）") && notes.heads.iter().any(|h| h.value == "补记"));
    }
    let c = sync::review::conflicts(pcs[1].store.conn(), &clerk()).unwrap();
    let keep = c.iter().find(|c| c.field == "notes").unwrap().heads.iter().find(|h| h.value == "补记").unwrap().clone();
    sync::review::resolve(&mut pcs[1].store, &clerk(), &service, "notes", &keep.hlc, &keep.installation_id).unwrap();
    exchange(&mut pcs, 1, 0);
    for pc in &pcs {
        let notes: String = pc
            .store
            .conn()
            .query_row("SELECT notes FROM elderly_service WHERE id = ?1", [&service], |r| r.get(0))
            .expect("back on every PC");
        assert_eq!(notes, "补记");
        assert!(sync::review::conflicts(pc.store.conn(), &clerk()).unwrap().is_empty());
        assert!(check::check(pc.store.conn()).unwrap().ok(), "{:?}", check::check(pc.store.conn()).unwrap());
    }
}

#[test]
fn a_record_received_before_the_one_it_belongs_to_waits_then_appears() {
    let (_dir, mut pcs) = office_of(3);
    // PC 0 registers a person; PC 1 receives it and adds a service; PC 2
    // hears from PC 1 only the service's change first (PC 1's own changes).
    let community = ids(&pcs[0].store, "community")[0].clone();
    let e = street_ledger::elderly::register(
        &mut pcs[0].store,
        &clerk(),
        &elder("孙大娘", &id_number(1941, 2, 2, 22), &community),
        today(),
    )
    .unwrap();
    exchange(&mut pcs, 0, 1);
    care::add_service(&mut pcs[1].store, &clerk(), &e, &service("送餐"), today()).unwrap();
    let s = &pcs[1].store;
    let mut b = sync::bundle(s.conn(), s.installation_id(), Kind::Changes).unwrap();
    let own = s.installation_id().to_string();
    b.body.changes.retain(|c| c.installation_id == own);
    let a = sync::apply(&mut pcs[2].store, &Actor::system(), &b).unwrap();
    assert_eq!(a.pending, 1);
    assert_eq!(sync::review::pending(pcs[2].store.conn()).unwrap()[0].table_label, "服务记录");
    assert!(check::check(pcs[2].store.conn()).unwrap().ok());
    exchange(&mut pcs, 0, 2);
    assert!(sync::review::pending(pcs[2].store.conn()).unwrap().is_empty());
    assert_eq!(dump::records(pcs[2].store.conn()).unwrap(), dump::records(pcs[1].store.conn()).unwrap());
}

#[test]
fn a_community_worker_cannot_see_or_settle_the_office_wide_conflict_list() {
    let (_dir, pcs) = pair();
    let community = ids(&pcs[0].store, "community")[0].clone();
    let worker = Actor::new("社区小李", street_ledger::access::Role::CommunityStaff, Some(community));
    let e = sync::review::conflicts(pcs[0].store.conn(), &worker).unwrap_err();
    assert_eq!(e.code(), "access.denied");
}
