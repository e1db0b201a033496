//! Staff accounts (账号): logging in, locking after wrong passwords, changing
//! and resetting passwords, and passwords never kept or shown in clear.
use chrono::{DateTime, Duration, TimeZone, Utc};
use street_ledger::access::{Actor, Role};
use street_ledger::accounts::{self, NewAccount};
use street_ledger::office::{self, Community};
use street_ledger::store::{Store, Table};
use street_ledger::{dump, Error};
use tempfile::TempDir;

use crate::people::{account, assert_denied, cells_holding, snapshot, PASSWORD};
use crate::support::{is_chinese, set_setting};

/// An office set up in the app: with its first administrator, 管理员 `admin`.
struct Office {
    store: Store,
    admin: Actor,
    dongfeng: String,
    _dir: TempDir,
}

const ADMIN_PASSWORD: &str = "Admin-初始密码-2025";

fn office() -> Office {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let first = NewAccount {
        username: "admin".into(),
        display_name: "张主任".into(),
        password: ADMIN_PASSWORD.into(),
        ..Default::default()
    };
    let o = office::setup_with_admin(&mut store, "和平街道", &["东风社区".into(), "西城社区".into()], &first).unwrap();
    let dongfeng = o.communities.iter().find(|c: &&Community| c.name == "东风社区").unwrap().id.clone();
    let admin = accounts::login(&mut store, "admin", ADMIN_PASSWORD, t0()).unwrap();
    Office { store, admin, dongfeng, _dir: dir }
}

impl Office {
    /// A 街道工作人员 account `wangli` with [`PASSWORD`].
    fn with_wangli(mut self) -> Self {
        accounts::create(&mut self.store, &self.admin, &account("wangli", Role::StreetStaff, None)).unwrap();
        self
    }

    fn login(&mut self, username: &str, password: &str, at: DateTime<Utc>) -> Result<Actor, Error> {
        accounts::login(&mut self.store, username, password, at)
    }

    /// (user, target, detail) of the audit events of one action, oldest first.
    fn audit(&self, action: &str) -> Vec<(String, String, String)> {
        let mut stmt = self
            .store
            .conn()
            .prepare("SELECT user_name, target, detail FROM audit_event WHERE action = ?1 ORDER BY seq")
            .unwrap();
        stmt.query_map([action], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect()
    }

    fn hash_of(&self, username: &str) -> String {
        self.store
            .conn()
            .query_row("SELECT password_hash FROM account WHERE username = ?1", [username], |r| r.get(0))
            .unwrap()
    }
}

/// Logins happen at times the test chooses.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 16, 9, 0, 0).unwrap()
}

fn at(minutes: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(minutes)
}

fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(e) => {
            assert!(is_chinese(&e.to_string()), "{e}");
            e.code().to_string()
        }
        Ok(v) => format!("ok: {v:?}"),
    }
}

fn refused_on<T: std::fmt::Debug>(r: Result<T, Error>, field: &str) {
    match r {
        Err(Error::Invalid(i)) => assert_eq!(i.field, field, "{}", i.message),
        other => panic!("expected invalid input on {field}, got {other:?}"),
    }
}

/// Fails `n` logins of `username` at `when`.
fn fail(o: &mut Office, username: &str, n: usize, when: DateTime<Utc>) -> Vec<String> {
    (0..n).map(|i| code(o.login(username, &format!("wrong-guess-{i}"), when))).collect()
}

// ---- logging in ----------------------------------------------------------

#[test]
fn the_first_administrator_is_made_with_the_office_and_logs_in() {
    let mut o = office();
    let me = o.login("admin", ADMIN_PASSWORD, t0()).unwrap();
    assert_eq!(me.role, Role::Admin);
    assert_eq!(me.community_id, None);
    assert_eq!(me.user, "张主任(admin)");
    let list = accounts::list(o.store.conn(), &me).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].username.as_str(), list[0].role, list[0].role_label), ("admin", Role::Admin, "管理员"));
}

#[test]
fn the_first_account_is_an_administrator_whatever_role_the_form_sends() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let first = NewAccount {
        username: "boss".into(),
        role: "read_only".into(),
        password: PASSWORD.into(),
        ..Default::default()
    };
    office::setup_with_admin(&mut store, "和平街道", &["东风社区".into()], &first).unwrap();
    assert_eq!(accounts::login(&mut store, "boss", PASSWORD, t0()).unwrap().role, Role::Admin);
}

#[test]
fn each_account_logs_in_as_its_role_and_community() {
    let mut o = office();
    let dongfeng = o.dongfeng.clone();
    let cases = [
        ("jiedao", Role::StreetStaff, None),
        ("dongfeng", Role::CommunityStaff, Some(dongfeng.as_str())),
        ("chakan", Role::ReadOnly, None),
        ("admin2", Role::Admin, None),
    ];
    for (username, role, community) in cases {
        accounts::create(&mut o.store, &o.admin.clone(), &account(username, role, community)).unwrap();
        let me = o.login(username, PASSWORD, t0()).unwrap();
        assert_eq!(me.role, role, "{username}");
        assert_eq!(me.community_id.as_deref(), community, "{username}");
        assert!(me.user.ends_with(&format!("({username})")), "{}", me.user);
    }
}

#[test]
fn a_community_worker_account_may_name_its_community_by_name() {
    let mut o = office();
    accounts::create(&mut o.store, &o.admin.clone(), &account("df2", Role::CommunityStaff, Some("东风社区"))).unwrap();
    assert_eq!(o.login("df2", PASSWORD, t0()).unwrap().community_id, Some(o.dongfeng.clone()));
}

#[test]
fn a_community_worker_account_must_name_an_existing_community() {
    let mut o = office();
    let admin = o.admin.clone();
    let before = snapshot(o.store.conn());
    refused_on(accounts::create(&mut o.store, &admin, &account("df", Role::CommunityStaff, None)), "community_id");
    refused_on(
        accounts::create(&mut o.store, &admin, &account("df", Role::CommunityStaff, Some("南湖社区"))),
        "community_id",
    );
    assert_eq!(snapshot(o.store.conn()), before);
}

#[test]
fn a_login_name_is_taken_only_once() {
    let mut o = office().with_wangli();
    let admin = o.admin.clone();
    refused_on(accounts::create(&mut o.store, &admin, &account("wangli", Role::ReadOnly, None)), "username");
    refused_on(accounts::create(&mut o.store, &admin, &account("  ", Role::ReadOnly, None)), "username");
    let mut bad_role = account("lisi", Role::ReadOnly, None);
    bad_role.role = "superuser".into();
    refused_on(accounts::create(&mut o.store, &admin, &bad_role), "role");
}

#[test]
fn a_successful_login_is_logged() {
    let mut o = office().with_wangli();
    let me = o.login("wangli", PASSWORD, t0()).unwrap();
    let logins = o.audit("login");
    let last = logins.last().unwrap();
    assert_eq!((last.0.as_str(), last.1.as_str()), (me.user.as_str(), "wangli"));
}

#[test]
fn a_wrong_password_is_refused_and_logged() {
    let mut o = office().with_wangli();
    let before_logins = o.audit("login").len();
    let e = o.login("wangli", "not-my-password", t0()).unwrap_err();
    assert_eq!(e.code(), "auth.wrong_password");
    assert!(e.to_string().contains("再错4次"), "{e}");
    assert!(!e.to_string().contains("not-my-password"));

    let failed = o.audit("login_failed");
    assert_eq!(failed.len(), 1);
    let (user, target, detail) = &failed[0];
    assert_eq!((user.as_str(), target.as_str()), ("wangli", "wangli"));
    assert!(is_chinese(detail) && !detail.contains("not-my-password"), "{detail}");
    assert_eq!(o.audit("login").len(), before_logins, "no successful login logged");
    assert!(o.audit("account_locked").is_empty());
}

#[test]
fn an_unknown_login_name_is_refused_like_a_wrong_password_and_logged() {
    let mut o = office();
    let e = o.login("nobody", PASSWORD, t0()).unwrap_err();
    assert_eq!(e.code(), "auth.wrong_password", "the same answer: login names cannot be probed");
    assert_eq!(o.audit("login_failed").len(), 1);
}

/// The whole answer to a refused login: code and message, as the UI gets it.
fn answers(o: &mut Office, username: &str, n: usize, when: DateTime<Utc>) -> Vec<street_ledger::ErrorPayload> {
    (0..n).map(|i| o.login(username, &format!("wrong-guess-{i}"), when).unwrap_err().payload()).collect()
}

#[test]
fn a_known_and_an_unknown_name_get_the_same_answers_through_the_lock_and_after() {
    let mut o = office().with_wangli();
    let known = answers(&mut o, "wangli", 6, t0());
    let unknown = answers(&mut o, "nobody", 6, t0());
    assert_eq!(known, unknown, "the answers must not tell which login names exist");
    let codes: Vec<&str> = known.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "auth.wrong_password",
            "auth.wrong_password",
            "auth.wrong_password",
            "auth.wrong_password",
            "auth.locked",
            "auth.locked"
        ]
    );
    assert!(known[0].message.contains("再错4次") && known[3].message.contains("再错1次"), "{known:?}");
    // Both locks run out alike, and both counts start again.
    assert_eq!(answers(&mut o, "wangli", 1, at(15)), answers(&mut o, "nobody", 1, at(15)));
    assert!(answers(&mut o, "nobody", 1, at(15))[0].message.contains("再错3次"));
    // Both were audited as failures and locks, the unknown name not as typed.
    let locked = o.audit("account_locked");
    assert_eq!(
        locked.iter().map(|(_, target, _)| target.as_str()).collect::<Vec<_>>(),
        ["wangli", "（不存在的登录名）"]
    );
}

#[test]
fn an_unknown_name_takes_the_steps_a_known_one_takes_and_its_text_is_not_kept() {
    // The same work: one argon2id verification against a hash of the form
    // (and so the parameters) of every account's, one count, one event.
    let mut o = office().with_wangli();
    let shape = |h: &str| h.split('$').map(str::len).collect::<Vec<_>>();
    assert_eq!(shape(accounts::UNKNOWN_NAME_HASH), shape(&o.hash_of("wangli")));
    assert_eq!(accounts::UNKNOWN_NAME_HASH.split('$').next(), o.hash_of("wangli").split('$').next());
    assert!(!accounts::verify_password("", accounts::UNKNOWN_NAME_HASH));
    assert!(!accounts::verify_password(PASSWORD, accounts::UNKNOWN_NAME_HASH));
    let rows =
        |o: &Office| -> i64 { o.store.conn().query_row("SELECT count(*) FROM login_state", [], |r| r.get(0)).unwrap() };
    let (before_rows, before_events) = (rows(&o), o.audit("login_failed").len());
    o.login("wangli", "typed-into-the-wrong-box", t0()).unwrap_err();
    o.login("Secret-password-typed-as-name", "x", t0()).unwrap_err();
    assert_eq!(rows(&o), before_rows + 1, "only the known name's count is kept in the database");
    assert_eq!(o.audit("login_failed").len(), before_events + 2);
    assert!(cells_holding(o.store.conn(), "Secret-password-typed-as-name").is_empty(), "the name is not kept");
}

#[test]
fn nothing_derived_from_an_unknown_name_reaches_the_database_file() {
    // What is typed as a name is often a password typed into the wrong box:
    // a stolen database or backup must not let anyone recover it.
    let mut o = office().with_wangli();
    let typed = "MySecretPassw0rd-typed-as-name";
    assert_eq!(answers(&mut o, typed, 6, t0()).last().unwrap().code, "auth.locked", "counted and locked all the same");
    fail(&mut o, "wangli", 1, t0());
    let unknown_rows: i64 = o
        .store
        .conn()
        .query_row("SELECT count(*) FROM login_state WHERE username NOT IN ('admin', 'wangli')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(unknown_rows, 0, "login_state holds known names only");
    o.store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(o._dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    assert!(!bytes.is_empty());
    let holds = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(!holds(typed.as_bytes()), "the typed name is in the database files");
    // An unknown name's '?'+hex row would sit beside the known one's.
    assert!(holds(b"wangli"));
    let row_of_a_hash = bytes.windows(65).any(|w| w[0] == b'?' && w[1..].iter().all(u8::is_ascii_hexdigit));
    assert!(!row_of_a_hash, "a '?' row of a hashed name is in the database files");
}

#[test]
fn five_wrong_passwords_lock_the_account() {
    let mut o = office().with_wangli();
    let codes = fail(&mut o, "wangli", 5, t0());
    assert_eq!(codes, ["auth.wrong_password"; 4].into_iter().chain(["auth.locked"]).collect::<Vec<_>>());
    assert_eq!(o.audit("login_failed").len(), 5);
    let locked = o.audit("account_locked");
    assert_eq!(locked.len(), 1);
    assert_eq!(locked[0].1, "wangli");
    assert!(locked[0].2.contains("15"), "{:?}", locked[0]);
}

#[test]
fn while_locked_even_the_right_password_is_refused_and_logged() {
    let mut o = office().with_wangli();
    fail(&mut o, "wangli", 5, t0());
    let e = o.login("wangli", PASSWORD, at(1)).unwrap_err();
    assert_eq!(e.code(), "auth.locked");
    assert!(e.to_string().contains("分钟后再试"), "{e}");
    assert_eq!(o.audit("login_failed").len(), 6, "the attempt while locked is logged too");
    let e = o.login("wangli", PASSWORD, at(14) + Duration::seconds(59)).unwrap_err();
    assert_eq!(e.code(), "auth.locked");
    assert!(e.to_string().contains("请1分钟后再试"), "{e}");
}

#[test]
fn the_lock_lifts_after_15_minutes() {
    let mut o = office().with_wangli();
    fail(&mut o, "wangli", 5, t0());
    assert_eq!(code(o.login("wangli", PASSWORD, at(10))), "auth.locked");
    let me = o.login("wangli", PASSWORD, at(15)).unwrap();
    assert_eq!(me.role, Role::StreetStaff);
    // Lifted for good: the count starts again from nothing.
    assert_eq!(fail(&mut o, "wangli", 4, at(16)), ["auth.wrong_password"; 4]);
}

#[test]
fn after_the_lock_lifts_the_count_of_failures_starts_again() {
    let mut o = office().with_wangli();
    fail(&mut o, "wangli", 5, t0());
    let e = o.login("wangli", "one-more-typo", at(15)).unwrap_err();
    assert_eq!(e.code(), "auth.wrong_password", "{e}");
    assert!(e.to_string().contains("再错4次"), "{e}");
    o.login("wangli", PASSWORD, at(15)).unwrap();
}

#[test]
fn a_locked_login_tells_the_minutes_left_rounded_up() {
    let mut o = office().with_wangli();
    fail(&mut o, "wangli", 5, t0());
    for (when, says) in
        [(t0(), "请15分钟后再试"), (at(14), "请1分钟后再试"), (at(10) + Duration::seconds(1), "请5分钟后再试")]
    {
        let e = o.login("wangli", PASSWORD, when).unwrap_err();
        assert!(e.to_string().contains(says), "at {when}: {e}");
    }
}

#[test]
fn a_successful_login_clears_earlier_failures() {
    let mut o = office().with_wangli();
    fail(&mut o, "wangli", 4, t0());
    o.login("wangli", PASSWORD, t0()).unwrap();
    assert_eq!(fail(&mut o, "wangli", 4, at(1)), ["auth.wrong_password"; 4]);
    assert_eq!(code(o.login("wangli", "fifth-miss", at(1))), "auth.locked");
}

#[test]
fn a_lock_holds_one_account_only() {
    let mut o = office().with_wangli();
    fail(&mut o, "wangli", 5, t0());
    o.login("admin", ADMIN_PASSWORD, at(1)).unwrap();
    assert_eq!(code(o.login("wangli", PASSWORD, at(1))), "auth.locked");
}

#[test]
fn the_number_of_failures_and_the_lock_time_come_from_settings() {
    let mut o = office().with_wangli();
    set_setting(&mut o.store, "security.max_failures", "3");
    set_setting(&mut o.store, "security.lock_minutes", "30");
    assert_eq!(fail(&mut o, "wangli", 3, t0()), ["auth.wrong_password", "auth.wrong_password", "auth.locked"]);
    let e = o.login("wangli", PASSWORD, at(29) + Duration::seconds(30)).unwrap_err();
    assert_eq!(e.code(), "auth.locked");
    assert!(e.to_string().contains("请1分钟后再试"), "{e}");
    assert!(o.audit("account_locked")[0].2.contains("30"));
    o.login("wangli", PASSWORD, at(30)).unwrap();
}

#[test]
fn an_inactive_account_cannot_log_in() {
    let mut o = office().with_wangli();
    let id: String =
        o.store.conn().query_row("SELECT id FROM account WHERE username = 'wangli'", [], |r| r.get(0)).unwrap();
    let admin = o.admin.clone();
    o.store.write(&admin, |w| w.update(Table::Account, &id, None, &[("active", false.into())])).unwrap();
    assert_eq!(code(o.login("wangli", PASSWORD, t0())), "auth.inactive");
    assert_eq!(o.audit("login_failed").len(), 1);
}

// ---- changing and resetting passwords -------------------------------------

#[test]
fn users_change_their_own_password_knowing_the_old_one() {
    let mut o = office().with_wangli();
    let me = o.login("wangli", PASSWORD, t0()).unwrap();
    accounts::change_password(&mut o.store, &me, "wangli", PASSWORD, "Brand-new-密码-1", t0()).unwrap();
    assert_eq!(code(o.login("wangli", PASSWORD, at(1))), "auth.wrong_password");
    o.login("wangli", "Brand-new-密码-1", at(1)).unwrap();
    // The change is a logged record change by the user.
    let by: String = o
        .store
        .conn()
        .query_row(
            "SELECT user_name FROM change_log WHERE table_name = 'account' AND op = 'update' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by, me.user);
}

#[test]
fn a_wrong_old_password_changes_no_record() {
    let mut o = office().with_wangli();
    let me = o.login("wangli", PASSWORD, t0()).unwrap();
    let before = dump::records(o.store.conn()).unwrap();
    let e =
        accounts::change_password(&mut o.store, &me, "wangli", "guessed-wrong", "Brand-new-密码-1", t0()).unwrap_err();
    assert_eq!(e.code(), "auth.old_password_wrong");
    assert!(is_chinese(&e.to_string()));
    assert_eq!(dump::records(o.store.conn()).unwrap(), before);
    o.login("wangli", PASSWORD, at(1)).unwrap();
}

#[test]
fn wrong_old_passwords_in_change_password_count_toward_the_lock_like_wrong_logins() {
    let mut o = office().with_wangli();
    let me = o.login("wangli", PASSWORD, t0()).unwrap();
    let change = |o: &mut Office, old: &str, when| {
        accounts::change_password(&mut o.store, &me, "wangli", old, "Brand-new-密码-1", when).map_err(|e| e.payload())
    };
    // Two wrong logins (another window) and three wrong old passwords: five.
    assert_eq!(fail(&mut o, "wangli", 2, t0()), ["auth.wrong_password"; 2]);
    let e = change(&mut o, "guess-1", t0()).unwrap_err();
    assert_eq!(e.code, "auth.old_password_wrong");
    assert!(e.message.contains("再错2次"), "{e:?}");
    change(&mut o, "guess-2", t0()).unwrap_err();
    let e = change(&mut o, "guess-3", t0()).unwrap_err();
    assert_eq!(e.code, "auth.locked", "{e:?}");
    assert_eq!(o.audit("account_locked").len(), 1);
    // Locked for logins too, and for changing the password even with the right old one.
    assert_eq!(code(o.login("wangli", PASSWORD, at(1))), "auth.locked");
    let before = dump::records(o.store.conn()).unwrap();
    assert_eq!(change(&mut o, PASSWORD, at(1)).unwrap_err().code, "auth.locked");
    assert_eq!(dump::records(o.store.conn()).unwrap(), before, "the password is unchanged");
    // When the lock runs out, the right old password works and clears the count.
    change(&mut o, PASSWORD, at(15)).unwrap();
    assert_eq!(fail(&mut o, "wangli", 4, at(16)), ["auth.wrong_password"; 4]);
}

#[test]
fn a_locked_account_cannot_change_its_password() {
    let mut o = office().with_wangli();
    let me = o.login("wangli", PASSWORD, t0()).unwrap();
    fail(&mut o, "wangli", 5, t0());
    let hash = o.hash_of("wangli");
    let e = accounts::change_password(&mut o.store, &me, "wangli", PASSWORD, "Brand-new-密码-1", at(1)).unwrap_err();
    assert_eq!(e.code(), "auth.locked");
    assert_eq!(o.hash_of("wangli"), hash);
    o.login("wangli", PASSWORD, at(15)).expect("the old password still holds");
}

#[test]
fn no_one_changes_another_users_password_with_change_password() {
    let mut o = office().with_wangli();
    accounts::create(&mut o.store, &o.admin.clone(), &account("lisi", Role::ReadOnly, None)).unwrap();
    let lisi = o.login("lisi", PASSWORD, t0()).unwrap();
    let admin = o.admin.clone();
    let before = snapshot(o.store.conn());
    // Even knowing the old password; even an administrator (who resets instead).
    for me in [&lisi, &admin] {
        let r = accounts::change_password(&mut o.store, me, "wangli", PASSWORD, "Taken-over-123", t0());
        assert_denied(r, &format!("{} changing wangli's password", me.user));
    }
    assert_eq!(snapshot(o.store.conn()), before);
    o.login("wangli", PASSWORD, at(1)).unwrap();
}

#[test]
fn an_administrator_resets_a_password_and_lifts_the_lock() {
    let mut o = office().with_wangli();
    fail(&mut o, "wangli", 5, t0());
    let admin = o.admin.clone();
    accounts::reset_password(&mut o.store, &admin, "wangli", "Reset-by-admin-9").unwrap();
    assert_eq!(code(o.login("wangli", PASSWORD, at(1))), "auth.wrong_password");
    o.login("wangli", "Reset-by-admin-9", at(1)).unwrap();
}

#[test]
fn only_an_administrator_resets_passwords() {
    let mut o = office().with_wangli();
    fail(&mut o, "admin", 5, t0());
    accounts::create(&mut o.store, &o.admin.clone(), &account("dongfeng", Role::CommunityStaff, Some("东风社区")))
        .unwrap();
    accounts::create(&mut o.store, &o.admin.clone(), &account("chakan", Role::ReadOnly, None)).unwrap();
    let others: Vec<Actor> =
        ["wangli", "dongfeng", "chakan"].iter().map(|u| o.login(u, PASSWORD, t0()).unwrap()).collect();
    let before = snapshot(o.store.conn());
    for me in &others {
        let r = accounts::reset_password(&mut o.store, me, "admin", "Taken-over-123");
        assert_denied(r, &format!("{} resetting admin's password", me.user));
    }
    assert_eq!(snapshot(o.store.conn()), before, "nothing written, the lock still holds");
    assert_eq!(code(o.login("admin", ADMIN_PASSWORD, at(1))), "auth.locked");
}

#[test]
fn a_password_shorter_than_8_characters_is_refused() {
    let mut o = office().with_wangli();
    let admin = o.admin.clone();
    let before = snapshot(o.store.conn());
    let mut short = account("lisi", Role::ReadOnly, None);
    // Counted in characters, not bytes: seven Chinese characters are seven.
    for pw in ["", "abc1234", "街道台账密码七"] {
        short.password = pw.into();
        refused_on(accounts::create(&mut o.store, &admin, &short), "password");
    }
    assert_eq!(snapshot(o.store.conn()), before);
    let me = o.login("wangli", PASSWORD, t0()).unwrap();
    let before_change = snapshot(o.store.conn());
    refused_on(accounts::change_password(&mut o.store, &me, "wangli", PASSWORD, "abc1234", t0()), "new_password");
    refused_on(accounts::reset_password(&mut o.store, &admin, "wangli", "abc1234"), "new_password");
    assert_eq!(snapshot(o.store.conn()), before_change);
    // Eight is enough.
    short.password = "街道台账密码八位".into();
    accounts::create(&mut o.store, &admin, &short).unwrap();
}

#[test]
fn the_first_administrator_needs_a_password_of_8_characters_and_nothing_is_set_up_without_one() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let first = NewAccount { username: "admin".into(), password: "1234567".into(), ..Default::default() };
    refused_on(office::setup_with_admin(&mut store, "和平街道", &["东风社区".into()], &first), "password");
    assert_eq!(office::get(store.conn()).unwrap(), None);
    assert!(!accounts::any(store.conn()).unwrap());
}

// ---- passwords are never kept or shown -----------------------------------

#[test]
fn the_stored_hash_is_not_the_password() {
    let mut o = office().with_wangli();
    accounts::create(&mut o.store, &o.admin.clone(), &account("lisi", Role::ReadOnly, None)).unwrap();
    let (a, b) = (o.hash_of("wangli"), o.hash_of("lisi"));
    for h in [&a, &b] {
        assert!(h.starts_with("argon2id$"), "{h}");
        assert!(!h.contains(PASSWORD));
        assert!(accounts::verify_password(PASSWORD, h));
        assert!(!accounts::verify_password("wrong-password", h));
    }
    assert_ne!(a, b, "the same password hashes differently for two accounts (salted)");
}

#[test]
fn no_table_log_audit_row_or_dump_holds_a_plain_password() {
    let mut o = office().with_wangli();
    let admin = o.admin.clone();
    let typed_wrong = "Typo-Of-Wangli-1";
    let changed = "Changed-密码-2025";
    let reset = "Reset-密码-2026";
    let too_short = "Sh0rt!x";
    accounts::create(&mut o.store, &admin, &account("dongfeng", Role::CommunityStaff, Some("东风社区"))).unwrap();
    // Wrong passwords, a lock, a change, a reset, a refused short one.
    o.login("wangli", typed_wrong, t0()).unwrap_err();
    fail(&mut o, "dongfeng", 5, t0());
    let me = o.login("wangli", PASSWORD, t0()).unwrap();
    accounts::change_password(&mut o.store, &me, "wangli", PASSWORD, changed, t0()).unwrap();
    accounts::reset_password(&mut o.store, &admin, "dongfeng", reset).unwrap();
    let mut short = account("lisi", Role::ReadOnly, None);
    short.password = too_short.into();
    let e = accounts::create(&mut o.store, &admin, &short).unwrap_err();
    assert!(!e.to_string().contains(too_short));
    o.login("dongfeng", reset, at(1)).unwrap();

    let passwords = [ADMIN_PASSWORD, PASSWORD, typed_wrong, changed, reset, too_short, "wrong-guess-0"];
    let conn = o.store.conn();
    assert!(cells_holding(conn, "wangli").iter().any(|c| c == "audit_event.target"), "the search does look");
    for pw in passwords {
        assert_eq!(cells_holding(conn, pw), Vec::<String>::new(), "{pw} stored in clear");
    }

    let dumped = dump::dump(&o.store, &admin).unwrap().to_string();
    for pw in passwords {
        assert!(!dumped.contains(pw), "{pw} in the dump");
    }
    assert!(!dumped.contains("argon2id$"), "the dump leaves out password hashes");
    assert!(dumped.contains("wangli"), "accounts are in the dump, without their hashes");

    let listed = serde_json::to_string(&accounts::list(conn, &admin).unwrap()).unwrap();
    assert!(!listed.contains("argon2id") && !listed.contains("password"), "{listed}");
}

mod changes {
    use street_ledger::accounts::AccountChange;

    use super::*;

    fn change(role: Role, community: Option<&str>, active: bool) -> AccountChange {
        AccountChange {
            display_name: String::new(),
            role: role.code().into(),
            community_id: community.map(Into::into),
            active,
        }
    }

    #[test]
    fn a_disabled_account_can_no_longer_log_in_and_the_change_is_logged() {
        let mut o = office().with_wangli();
        accounts::update(&mut o.store, &o.admin.clone(), "wangli", &change(Role::StreetStaff, None, false)).unwrap();
        assert_eq!(code(o.login("wangli", PASSWORD, t0())), "auth.inactive");
        let logged: i64 = o
            .store
            .conn()
            .query_row("SELECT count(*) FROM change_log WHERE table_name = 'account' AND op = 'update'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(logged, 1);
    }

    #[test]
    fn a_worker_moved_to_another_community_logs_in_scoped_to_it() {
        let mut o = office();
        let xicheng =
            office::communities(o.store.conn()).unwrap().into_iter().find(|c| c.name == "西城社区").unwrap().id;
        let dongfeng = o.dongfeng.clone();
        accounts::create(&mut o.store, &o.admin.clone(), &account("zhaoyun", Role::CommunityStaff, Some(&dongfeng)))
            .unwrap();
        accounts::update(
            &mut o.store,
            &o.admin.clone(),
            "zhaoyun",
            &change(Role::CommunityStaff, Some(&xicheng), true),
        )
        .unwrap();
        let me = o.login("zhaoyun", PASSWORD, t0()).unwrap();
        assert_eq!(me.community_id.as_deref(), Some(xicheng.as_str()));
    }

    #[test]
    fn the_last_administrator_cannot_be_disabled_or_demoted() {
        let mut o = office();
        let admin = o.admin.clone();
        let demote = accounts::update(&mut o.store, &admin, "admin", &change(Role::StreetStaff, None, true));
        assert_eq!(code(demote), "invalid_input");
        let disable = accounts::update(&mut o.store, &admin, "admin", &change(Role::Admin, None, false));
        assert_eq!(code(disable), "invalid_input");
    }

    #[test]
    fn only_an_administrator_changes_accounts() {
        let mut o = office().with_wangli();
        let wangli = o.login("wangli", PASSWORD, t0()).unwrap();
        let e = accounts::update(&mut o.store, &wangli, "wangli", &change(Role::Admin, None, true));
        assert_eq!(code(e), "access.denied");
    }
}
