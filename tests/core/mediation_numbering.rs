//! Case numbers per committee (issue 16): "（2026）和平社区人调字第15号",
//! consecutive per committee and year, issued only by the PC that keeps the
//! committee's sequence; 0.2.0's per-PC numbers read back; the keeper moved
//! by an administrator or handed over by a snapshot; and, with several PCs
//! registering offline and syncing in any order, no two cases ever share a
//! number and no number given ever changes.
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use street_ledger::access::{Actor, Role};
use street_ledger::check;
use street_ledger::mediation::committee::{self, CommitteeInput};
use street_ledger::mediation::numbering::{self, Parsed};
use street_ledger::mediation::{self};
use street_ledger::store::Store;
use street_ledger::sync::{self, Kind};
use tempfile::TempDir;

use crate::mediation::case_with_parties;
use crate::support::{clerk, date, new_office, today, Office};

fn register(store: &mut Store, committee: Option<&str>, on: &str, seq: u16) -> String {
    let mut input = case_with_parties(store, on, seq);
    input.committee_id = committee.map(String::from);
    mediation::register(store, &clerk(), &input, date(2026, 12, 31)).unwrap()
}

fn number(store: &Store, id: &str) -> String {
    mediation::detail(store.conn(), &clerk(), id).unwrap().row.number
}

#[test]
fn each_committee_numbers_its_own_cases_per_year_in_its_short_name() {
    let mut o = new_office();
    let dongfeng = committee::default_id(Some(&o.dongfeng));
    let street = register(&mut o.store, None, "2025-03-01", 10);
    let east = register(&mut o.store, Some(&dongfeng), "2025-03-02", 20);
    let street2 = register(&mut o.store, None, "2025-03-03", 30);
    let old_year = register(&mut o.store, None, "2024-12-30", 40);
    let new_year = register(&mut o.store, None, "2026-01-02", 50);
    assert_eq!(number(&o.store, &street), "（2025）和平街道人调字第1号");
    assert_eq!(number(&o.store, &east), "（2025）东风社区人调字第1号");
    assert_eq!(number(&o.store, &street2), "（2025）和平街道人调字第2号");
    assert_eq!(number(&o.store, &old_year), "（2024）和平街道人调字第1号");
    assert_eq!(number(&o.store, &new_year), "（2026）和平街道人调字第1号");
    // A community's case without a committee named is its community's.
    let mut input = case_with_parties(&mut o.store, "2025-03-04", 60);
    input.community_id = Some(o.xicheng.clone());
    let west = mediation::register(&mut o.store, &clerk(), &input, today()).unwrap();
    assert_eq!(number(&o.store, &west), "（2025）西城社区人调字第1号");

    // Another committee the office adds; a renamed short name goes into
    // later numbers only, and one that numbers already carry is refused.
    let property = CommitteeInput {
        name: "和平街道物业纠纷人民调解委员会".into(),
        short_name: "和平物业".into(),
        kind: "行业性专业性".into(),
        ..Default::default()
    };
    let worker = Actor::new("东风小李", Role::CommunityStaff, Some(o.dongfeng.clone()));
    assert_eq!(committee::save(&mut o.store, &worker, &property).unwrap_err().payload().code, "access.denied");
    let pid = committee::save(&mut o.store, &clerk(), &property).unwrap();
    let p1 = register(&mut o.store, Some(&pid), "2025-03-05", 70);
    assert_eq!(number(&o.store, &p1), "（2025）和平物业人调字第1号");
    let taken = CommitteeInput { id: Some(pid.clone()), short_name: "东风社区".into(), ..property.clone() };
    let e = committee::save(&mut o.store, &clerk(), &taken).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("short_name"));
    let renamed = CommitteeInput { id: Some(pid.clone()), short_name: "和平物业调".into(), ..property };
    committee::save(&mut o.store, &clerk(), &renamed).unwrap();
    let p2 = register(&mut o.store, Some(&pid), "2025-03-06", 80);
    assert_eq!(number(&o.store, &p1), "（2025）和平物业人调字第1号", "a number given never changes");
    assert_eq!(number(&o.store, &p2), "（2025）和平物业调人调字第2号");
    let listed = committee::list(o.store.conn(), o.store.installation_id()).unwrap();
    let names: Vec<&str> = listed.iter().map(|c| c.short_name.as_str()).collect();
    assert_eq!(names, ["和平街道", "东风社区", "西城社区", "和平物业调"]);
    assert!(listed.iter().all(|c| c.kept_here && c.keeper == "本机"));
    assert!(check::check(o.store.conn()).unwrap().ok());
}

#[test]
fn both_forms_of_number_read_back() {
    assert_eq!(
        numbering::parse("(2026)和平街人调字第2-15号"),
        Some(Parsed::PerPc { year: 2026, prefix: "和平街".into(), pc: 2, seq: 15 })
    );
    assert_eq!(
        numbering::parse("（2026）和平社区人调字第15号"),
        Some(Parsed::Committee { year: 2026, committee: "和平社区".into(), seq: 15 })
    );
    assert_eq!(numbering::format(2026, "和平社区", 15), "（2026）和平社区人调字第15号");
    assert_eq!(numbering::parse(numbering::PENDING), None);
}

/// An office and a second PC that joined it by a snapshot file.
fn two_pcs(hand_over: &[String], o: &mut Office) -> (TempDir, Store) {
    let folder = TempDir::new().unwrap();
    let key = sync::office_key(o.store.conn(), "和平街道同步密钥2025").unwrap();
    let snapshot = folder.path().join("快照.slsync");
    sync::snapshot_handing_over(&mut o.store, &clerk(), &snapshot, &key, hand_over).unwrap();
    let dir = TempDir::new().unwrap();
    let mut b = Store::open_dir(dir.path()).unwrap();
    sync::join(&mut b, &snapshot, "和平街道同步密钥2025").unwrap();
    (dir, b)
}

fn exchange(from: &Store, to: &mut Store) {
    let b = sync::bundle(from.conn(), from.installation_id(), Kind::Changes).unwrap();
    sync::apply(to, &Actor::system(), &b).unwrap();
}

#[test]
fn a_snapshot_hands_a_committee_to_the_pc_that_joins_with_it() {
    let mut a = new_office();
    let dongfeng = committee::default_id(Some(&a.dongfeng));
    let (_dir, mut b) = two_pcs(std::slice::from_ref(&dongfeng), &mut a);
    let kept = |s: &Store| {
        committee::list(s.conn(), s.installation_id()).unwrap().into_iter().find(|c| c.id == dongfeng).unwrap()
    };
    assert!(kept(&b).kept_here, "the joining PC keeps 东风社区's numbers");
    assert!(!kept(&a.store).kept_here);
    let on_a = register(&mut a.store, Some(&dongfeng), "2025-03-01", 10);
    assert_eq!(number(&a.store, &on_a), "待编号", "the maker no longer numbers it");
    let on_b = register(&mut b, Some(&dongfeng), "2025-03-02", 20);
    assert_eq!(number(&b, &on_b), "（2025）东风社区人调字第1号");
    exchange(&a.store, &mut b);
    assert_eq!(number(&b, &on_a), "（2025）东风社区人调字第2号", "numbered when the keeper takes it in");
    exchange(&b, &mut a.store);
    assert_eq!(number(&a.store, &on_a), "（2025）东风社区人调字第2号");
    // Only a committee this PC keeps can be handed over.
    let key = sync::office_key(a.store.conn(), "和平街道同步密钥2025").unwrap();
    let out = TempDir::new().unwrap();
    let e = sync::snapshot_handing_over(&mut a.store, &clerk(), out.path().join("x.slsync"), &key, &[dongfeng])
        .unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("committees"));
}

#[test]
fn an_administrator_moves_a_committees_numbering_after_a_warning_or_hands_it_over_from_its_keeper() {
    let mut a = new_office();
    let (_dir, mut b) = two_pcs(&[], &mut a);
    exchange(&b, &mut a.store);
    let street = committee::default_id(None);
    // Taking it over on another PC: refused until the warning is confirmed.
    let e = committee::keep_here(&mut b, &clerk(), &street, false).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("confirm"));
    assert!(e.to_string().contains("原编号电脑已把最后编的案号同步过来"), "{e}");
    let reader = Actor::new("只读小赵", Role::ReadOnly, None);
    assert_eq!(committee::keep_here(&mut b, &reader, &street, true).unwrap_err().payload().code, "access.denied");
    let pending = register(&mut b, None, "2025-03-01", 10);
    assert_eq!(number(&b, &pending), "待编号");
    committee::keep_here(&mut b, &clerk(), &street, true).unwrap();
    assert_eq!(number(&b, &pending), "（2025）和平街道人调字第1号", "its waiting cases are numbered");
    // Handed back from the keeper: no warning needed. A, once it has heard
    // of the move, no longer keeps it.
    exchange(&b, &mut a.store);
    assert!(committee::hand_to(&mut a.store, &clerk(), &street, b.installation_id()).is_err(), "A no longer keeps it");
    committee::hand_to(&mut b, &clerk(), &street, a.store.installation_id()).unwrap();
    exchange(&b, &mut a.store);
    let next = register(&mut a.store, None, "2025-03-02", 20);
    assert_eq!(number(&a.store, &next), "（2025）和平街道人调字第2号");
}

// ---- several PCs, offline, any sync order ----

const PCS: usize = 3;

/// The office with a mediator, and two PCs that joined it, made once.
fn templates() -> &'static (TempDir, Vec<PathBuf>) {
    static T: OnceLock<(TempDir, Vec<PathBuf>)> = OnceLock::new();
    T.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let mut office = new_office();
        let input = case_with_parties(&mut office.store, "2025-01-01", 1);
        drop(input); // adds the mediator
        let snapshot = sync::bundle(office.store.conn(), office.store.installation_id(), Kind::Snapshot).unwrap();
        let Office { store, _dir: office_dir, .. } = office;
        let mut files = vec![dir.path().join("pc0.db")];
        let path = store.path().to_path_buf();
        drop(store);
        std::fs::copy(path, &files[0]).unwrap();
        drop(office_dir);
        for i in 1..PCS {
            let path = dir.path().join(format!("pc{i}.db"));
            let mut store = Store::open(&path).unwrap();
            sync::apply(&mut store, &Actor::system(), &snapshot).unwrap();
            files.push(path);
        }
        // Every PC has heard of every other.
        let mut stores: Vec<Store> = files.iter().map(|f| Store::open(f).unwrap()).collect();
        for from in 0..PCS {
            for to in 0..PCS {
                if from != to {
                    let (f, t) = pair(&mut stores, from, to);
                    exchange(f, t);
                }
            }
        }
        (dir, files)
    })
}

fn pair(stores: &mut [Store], from: usize, to: usize) -> (&Store, &mut Store) {
    if from < to {
        let (l, r) = stores.split_at_mut(to);
        (&l[from], &mut r[0])
    } else {
        let (l, r) = stores.split_at_mut(from);
        (&r[0], &mut l[to])
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// A PC registers a case of a committee (street, 东风, 西城) on a day
    /// from 2025-12-01 (crossing into 2026).
    Register {
        pc: usize,
        committee: usize,
        day: i64,
    },
    Sync {
        from: usize,
        to: usize,
    },
    /// The committee's keeper hands it to another PC.
    HandOver {
        committee: usize,
        to: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..PCS, 0..3usize, 0..60i64).prop_map(|(pc, committee, day)| Op::Register { pc, committee, day }),
        4 => (0..PCS, 0..PCS).prop_filter("two PCs", |(a, b)| a != b).prop_map(|(from, to)| Op::Sync { from, to }),
        1 => (0..3usize, 0..PCS).prop_map(|(committee, to)| Op::HandOver { committee, to }),
    ]
}

/// Every number any PC shows: it belongs to one case only, and a case's
/// number, once given, is the same everywhere and for ever.
fn observe(stores: &[Store], by_case: &mut BTreeMap<String, String>, by_number: &mut BTreeMap<String, String>) {
    for s in stores {
        let mut stmt = s.conn().prepare("SELECT id, number FROM mediation_case WHERE number <> ''").unwrap();
        let rows: Vec<(String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        for (id, n) in rows {
            let was = by_case.entry(id.clone()).or_insert_with(|| n.clone());
            assert_eq!(*was, n, "a case's number changed");
            let owner = by_number.entry(n.clone()).or_insert_with(|| id.clone());
            assert_eq!(*owner, id, "two cases share {n}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 50, ..ProptestConfig::default() })]

    #[test]
    fn no_two_cases_share_a_number_whatever_the_sync_order(ops in prop::collection::vec(op(), 1..30)) {
        let (_, files) = templates();
        let dir = TempDir::new().unwrap();
        let mut stores: Vec<Store> = files
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let path = dir.path().join(format!("pc{i}.db"));
                std::fs::copy(f, &path).unwrap();
                Store::open(&path).unwrap()
            })
            .collect();
        let communities: Vec<Option<String>> = std::iter::once(None)
            .chain(street_ledger::office::communities(stores[0].conn()).unwrap().into_iter().map(|c| Some(c.id)))
            .collect();
        let committees: Vec<String> = communities.iter().map(|c| committee::default_id(c.as_deref())).collect();
        let (mut by_case, mut by_number) = (BTreeMap::new(), BTreeMap::new());
        let mut registered = 0;
        for (n, op) in ops.iter().enumerate() {
            match op {
                Op::Register { pc, committee, day } => {
                    let on = (date(2025, 12, 1) + chrono::Duration::days(*day)).to_string();
                    register(&mut stores[*pc], Some(&committees[*committee]), &on, 100 + 2 * n as u16);
                    registered += 1;
                }
                Op::Sync { from, to } => {
                    let (f, t) = pair(&mut stores, *from, *to);
                    exchange(f, t);
                }
                Op::HandOver { committee, to } => {
                    let keeper = (0..PCS).find(|i| {
                        committee::list(stores[*i].conn(), stores[*i].installation_id())
                            .unwrap()
                            .iter()
                            .any(|c| c.id == committees[*committee] && c.kept_here)
                    });
                    if let Some(k) = keeper.filter(|k| k != to) {
                        let target = stores[*to].installation_id().to_string();
                        committee::hand_to(&mut stores[k], &clerk(), &committees[*committee], &target).unwrap();
                    }
                }
            }
            observe(&stores, &mut by_case, &mut by_number);
        }
        // Everyone syncs with everyone: every case is numbered, once.
        for _ in 0..2 {
            for from in 0..PCS {
                for to in 0..PCS {
                    if from != to {
                        let (f, t) = pair(&mut stores, from, to);
                        exchange(f, t);
                    }
                }
            }
        }
        observe(&stores, &mut by_case, &mut by_number);
        prop_assert_eq!(by_case.len(), registered, "every case numbered in the end");
        for s in &stores {
            let waiting: i64 =
                s.conn().query_row("SELECT count(*) FROM mediation_case WHERE number = ''", [], |r| r.get(0)).unwrap();
            prop_assert_eq!(waiting, 0);
        }
        // Consecutive per committee and year: 1..n with no gap.
        let mut per: BTreeMap<(i32, String), Vec<i64>> = BTreeMap::new();
        for n in by_number.keys() {
            if let Some(Parsed::Committee { year, committee, seq }) = numbering::parse(n) {
                per.entry((year, committee)).or_default().push(seq);
            }
        }
        for ((year, c), mut seqs) in per {
            seqs.sort();
            prop_assert_eq!(seqs.clone(), (1..=seqs.len() as i64).collect::<Vec<_>>(), "{} {}", year, c);
        }
    }
}

#[test]
fn a_community_added_later_gets_its_committee_numbered_by_the_pc_that_added_it() {
    let mut a = new_office();
    let (_dir, mut b) = two_pcs(&[], &mut a);
    let added = street_ledger::office::add_community(&mut b, &clerk(), "新城社区").unwrap();
    let id = committee::default_id(Some(&added.id));
    let listed = committee::list(b.conn(), b.installation_id()).unwrap();
    let new = listed.iter().find(|c| c.id == id).unwrap();
    assert_eq!((new.name.as_str(), new.short_name.as_str()), ("和平街道新城社区人民调解委员会", "新城社区"));
    assert!(new.kept_here, "{new:?}");
    let case = register(&mut b, Some(&id), "2025-04-01", 10);
    assert_eq!(number(&b, &case), "（2025）新城社区人调字第1号");
    exchange(&b, &mut a.store);
    assert_eq!(number(&a.store, &case), "（2025）新城社区人调字第1号");
    assert!(check::check(a.store.conn()).unwrap().ok());
}
