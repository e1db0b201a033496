//! The audit trail (操作日志): who changed what, when and on which PC, the
//! other events an office must account for, the administrator's page and
//! its export; nobody edits or deletes it from the program, and `check`
//! finds entries altered or removed behind the program's back.
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{Duration, Local, Utc};
use rusqlite::Connection;
use street_ledger::access::Actor;
use street_ledger::access::Role;
use street_ledger::accounts::{self, NewAccount};
use street_ledger::audit::{self, AuditEntry, AuditQuery};
use street_ledger::demo::{self, DemoSpec};
use street_ledger::store::Store;
use street_ledger::{check, elderly, office, person};
use tempfile::TempDir;

use crate::support::{clerk, date, elder, id_number, new_office, today, Office};

fn admin() -> Actor {
    Actor::admin("管理员老周(zhou)")
}

/// Every test's trail fits on one page of 200.
fn big_page(q: AuditQuery) -> AuditQuery {
    AuditQuery { page: 1, page_size: 200, ..q }
}

fn entries(store: &Store, q: AuditQuery) -> Vec<AuditEntry> {
    audit::query(store.conn(), &admin(), &big_page(q)).unwrap().items
}

fn local_day(offset_days: i64) -> String {
    (Local::now().date_naive() + Duration::days(offset_days)).to_string()
}

/// 李秀英 on the roster, with her ID number and phones, entered by the clerk.
fn registered(office: &mut Office) -> (String, elderly::ElderlyInput) {
    let mut input = elder("李秀英", &id_number(1947, 3, 8, 22), &office.dongfeng.clone());
    input.person.phone = Some("13800001111".into());
    input.emergency_phone = Some("13911112222".into());
    let id = office.register(&input);
    (id, input)
}

/// A field change as (field, label, old, new).
type Shown<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn person_of(store: &Store, elderly_id: &str) -> String {
    store.conn().query_row("SELECT person_id FROM elderly WHERE id = ?1", [elderly_id], |r| r.get(0)).unwrap()
}

/// An office set up in the app's way: with its first administrator, 张三.
fn office_with_admin() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let admin = NewAccount {
        username: "zhangsan".into(),
        display_name: "张三".into(),
        password: "zhang-2025".into(),
        ..Default::default()
    };
    office::setup_with_admin(&mut store, "和平街道", &["东风社区".to_string()], &admin).unwrap();
    (dir, store)
}

/// Another program's connection (the sqlite3 tool): it drops the triggers
/// that guard the trail, then runs `sql`.
fn tamper(store: &Store, sql: &str) {
    let other = Connection::open(store.path()).unwrap();
    other
        .execute_batch(
            "DROP TRIGGER change_entry_no_update; DROP TRIGGER change_entry_no_delete;
             DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;",
        )
        .unwrap();
    assert_eq!(other.execute(sql, []).unwrap(), 1, "{sql}");
}

fn max_seq(store: &Store, log: &str) -> i64 {
    store.conn().query_row(&format!("SELECT max(seq) FROM {log}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn an_edit_shows_who_on_which_pc_changed_which_fields_with_id_numbers_and_phones_masked() {
    let mut office = new_office();
    let (id, mut input) = registered(&mut office);
    let person_id = person_of(&office.store, &id);
    let old_id = input.person.id_number.clone().unwrap();
    let new_id = id_number(1947, 3, 8, 24);
    input.person.id_number = Some(new_id.clone());
    input.person.phone = Some("13900003333".into());
    input.emergency_phone = Some("13700004444".into());
    let editor = Actor::new("赵敏(zhaomin)", Role::StreetStaff, None);
    elderly::update(&mut office.store, &editor, &id, Some(1), &input, today()).unwrap();

    let found = entries(&office.store, AuditQuery { record_id: Some(person_id.clone()), ..Default::default() });
    assert_eq!(found.len(), 2, "the person's insert and its edit: {found:#?}");
    let edit = &found[0];
    assert_eq!(edit.user, "赵敏(zhaomin)");
    assert_eq!(edit.installation_id, office.store.installation_id());
    assert!(edit.pc_name.is_some(), "this PC is named");
    assert_eq!((edit.action.as_str(), edit.action_label), ("update", "修改"));
    assert_eq!(edit.table_label, Some("人员"));
    assert_eq!(edit.record_id.as_deref(), Some(person_id.as_str()));
    let shown: Vec<Shown> =
        edit.changes.iter().map(|c| (c.field.as_str(), c.field_label, c.old.as_deref(), c.new.as_deref())).collect();
    assert_eq!(
        shown,
        [
            (
                "id_number",
                Some("身份证号"),
                Some(person::mask_id(&old_id).as_str()),
                Some(person::mask_id(&new_id).as_str())
            ),
            ("phone", Some("联系电话"), Some("138****1111"), Some("139****3333")),
        ]
    );
    assert_eq!(found[1].action_label, "新增");

    let roster = entries(&office.store, AuditQuery { record_id: Some(id.clone()), ..Default::default() });
    let change = roster[0].changes.iter().find(|c| c.field == "emergency_phone").expect("emergency phone logged");
    assert_eq!((change.old.as_deref(), change.new.as_deref()), (Some("139****2222"), Some("137****4444")));
    assert_eq!(roster[0].table_label, Some("老人花名册"));

    let page = serde_json::to_string(&entries(&office.store, AuditQuery::default())).unwrap();
    for secret in [&old_id, &new_id, "13800001111", "13900003333", "13911112222", "13700004444"] {
        assert!(!page.contains(secret), "the page never shows {secret} in full");
    }
}

#[test]
fn logins_their_failures_and_the_password_hashes_of_accounts_appear_as_the_office_needs_them() {
    let (_dir, mut store) = office_with_admin();
    let wrong = accounts::login(&mut store, "zhangsan", "not-the-password", Utc::now()).unwrap_err();
    assert_eq!(wrong.code(), "auth.wrong_password");
    let zhang = accounts::login(&mut store, "zhangsan", "zhang-2025", Utc::now()).unwrap();

    let failed = audit::query(
        store.conn(),
        &zhang,
        &big_page(AuditQuery { action: Some("login_failed".into()), ..Default::default() }),
    )
    .unwrap()
    .items;
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!((failed[0].user.as_str(), failed[0].action_label), ("zhangsan", "登录失败"));
    assert_eq!(failed[0].table_label, Some("账号"));
    assert_eq!(failed[0].detail.as_deref(), Some("第1次密码错误"));
    assert_eq!(failed[0].installation_id, store.installation_id());

    let logins = entries(&store, AuditQuery { action: Some("login".into()), ..Default::default() });
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].user, "张三(zhangsan)");

    let account = entries(&store, AuditQuery { action: Some("account".into()), ..Default::default() });
    assert_eq!(account.len(), 1, "the administrator made at setup");
    let hash = account[0].changes.iter().find(|c| c.field == "password_hash").unwrap();
    assert_eq!((hash.old.as_deref(), hash.new.as_deref()), (None, Some("(已隐藏)")));
    let role = account[0].changes.iter().find(|c| c.field == "role").unwrap();
    assert_eq!(role.new.as_deref(), Some("管理员"), "codes are shown as their Chinese labels");
}

#[test]
fn the_page_filters_by_user_action_date_and_record_and_pages_newest_first() {
    let mut office = new_office();
    let (wang_entry, _) = registered(&mut office);
    let li = Actor::new("李四(lisi)", Role::StreetStaff, None);
    let li_entry = elderly::register(
        &mut office.store,
        &li,
        &elder("王建国", &id_number(1940, 5, 1, 11), &office.xicheng.clone()),
        today(),
    )
    .unwrap();
    let li_person = person_of(&office.store, &li_entry);
    person::reveal(&office.store, &li, &li_person).unwrap();
    let store = &office.store;
    let everything = entries(store, AuditQuery::default());

    for name in ["lisi", "李四", "李四(lisi)"] {
        let by_li = entries(store, AuditQuery { user: Some(name.into()), ..Default::default() });
        assert_eq!(by_li.len(), 3, "{name}: person, roster entry, unmasking");
        assert!(by_li.iter().all(|e| e.user == "李四(lisi)"));
    }
    assert!(entries(store, AuditQuery { user: Some("li".into()), ..Default::default() }).is_empty(), "whole names");

    let roster = entries(store, AuditQuery { action: Some("elderly".into()), ..Default::default() });
    assert_eq!(roster.iter().map(|e| e.record_id.clone().unwrap()).collect::<Vec<_>>(), [li_entry.clone(), wang_entry]);
    let unmasked = entries(store, AuditQuery { action: Some("unmask".into()), ..Default::default() });
    assert_eq!(unmasked.len(), 1);
    assert_eq!(unmasked[0].record_id.as_deref(), Some(li_person.as_str()));
    assert_eq!(unmasked[0].action_label, "查看完整信息");
    let changes = entries(store, AuditQuery { action: Some("change".into()), ..Default::default() });
    assert_eq!(changes.len(), everything.len() - 1, "every entry but the unmasking");
    let updates = entries(store, AuditQuery { action: Some("update".into()), ..Default::default() });
    assert!(updates.iter().all(|e| e.action == "update"));

    let on_record = entries(store, AuditQuery { record_id: Some(li_person.clone()), ..Default::default() });
    assert_eq!(on_record.iter().map(|e| e.action_label).collect::<Vec<_>>(), ["查看完整信息", "新增"]);

    let today_local = local_day(0);
    let on_day = AuditQuery { from: Some(today_local.clone()), to: Some(today_local), ..Default::default() };
    assert_eq!(entries(store, on_day).len(), everything.len());
    assert!(entries(store, AuditQuery { from: Some(local_day(1)), ..Default::default() }).is_empty());
    assert!(entries(store, AuditQuery { to: Some(local_day(-1)), ..Default::default() }).is_empty());

    let page =
        audit::query(store.conn(), &admin(), &AuditQuery { page: 2, page_size: 2, ..Default::default() }).unwrap();
    assert_eq!(page.total as usize, everything.len());
    assert_eq!(page.items, everything[2..4]);
    assert!(everything.windows(2).all(|w| w[0].at >= w[1].at), "newest first");

    for (q, field) in [
        (AuditQuery { action: Some("delete".into()), ..Default::default() }, "action"),
        (AuditQuery { from: Some("2025-13-01".into()), ..Default::default() }, "from"),
        (AuditQuery { from: Some("2025-06-02".into()), to: Some("2025-06-01".into()), ..Default::default() }, "to"),
    ] {
        let e = audit::query(store.conn(), &admin(), &q).unwrap_err();
        assert_eq!((e.code(), e.payload().field.as_deref()), ("invalid_input", Some(field)), "{q:?}");
        assert!(crate::support::is_chinese(&e.to_string()));
    }
}

#[test]
fn only_an_administrator_may_read_or_export_the_trail() {
    let office = new_office();
    let dir = TempDir::new().unwrap();
    for role in [Role::StreetStaff, Role::CommunityStaff, Role::ReadOnly] {
        let x = Actor::new("x", role, Some(office.dongfeng.clone()));
        let denied = audit::query(office.store.conn(), &x, &AuditQuery::default()).unwrap_err();
        assert_eq!(denied.code(), "access.denied");
        let path = dir.path().join("log.xlsx");
        let denied = audit::export_xlsx(&office.store, &x, &AuditQuery::default(), &path).unwrap_err();
        assert_eq!(denied.code(), "access.denied");
        assert!(!path.exists());
        assert_eq!(audit::users(office.store.conn(), &x).unwrap_err().code(), "access.denied");
    }
}

#[test]
fn the_program_can_neither_edit_nor_delete_audit_entries() {
    let (_dir, mut store) = office_with_admin();
    accounts::login(&mut store, "zhangsan", "wrong-password", Utc::now()).unwrap_err();
    let other = Connection::open(store.path()).unwrap();
    for conn in [store.local(), &other] {
        for sql in [
            "UPDATE change_log SET user_name = '别人' WHERE seq = 1",
            "DELETE FROM change_log WHERE seq = (SELECT max(seq) FROM change_log)",
            "UPDATE change_entry SET record_id = 'x' WHERE seq = 1",
            "UPDATE change_entry SET seen = NULL WHERE seq = (SELECT max(seq) FROM change_entry)",
            "UPDATE change_entry SET hash = NULL WHERE seq = (SELECT max(seq) FROM change_entry)",
            "UPDATE change_entry SET hash = randomblob(32) WHERE seq = 1",
            "UPDATE change_entry SET hash = randomblob(4) WHERE seq = 1",
            "DELETE FROM change_entry WHERE seq = (SELECT max(seq) FROM change_entry)",
            "UPDATE change_txn SET user_name = '别人'",
            "DELETE FROM change_pc",
            "UPDATE change_table SET name = 'person'",
            "DELETE FROM change_table",
            "UPDATE audit_event SET detail = ''",
            "DELETE FROM audit_event",
            "DELETE FROM audit_head",
            "UPDATE audit_head SET seq = 0",
        ] {
            let e = conn.execute(sql, []).unwrap_err();
            assert!(e.to_string().contains("操作日志不可修改"), "{sql}: {e}");
        }
    }
    assert!(check::check(store.conn()).unwrap().ok());
}

#[test]
fn check_detects_a_change_log_entry_altered_behind_the_program() {
    let mut office = new_office();
    let (id, mut input) = registered(&mut office);
    input.person.phone = Some("13900003333".into());
    elderly::update(&mut office.store, &clerk(), &id, Some(1), &input, today()).unwrap();
    assert!(check::check(office.store.conn()).unwrap().ok());
    let seq: i64 = office
        .store
        .conn()
        .query_row("SELECT seq FROM change_log WHERE op = 'update' AND table_name = 'person'", [], |r| r.get(0))
        .unwrap();

    let person: String =
        office.store.conn().query_row("SELECT record_id FROM change_log WHERE seq = ?1", [seq], |r| r.get(0)).unwrap();

    // Rewriting an old value (replaying the log never reads those).
    tamper(
        &office.store,
        &format!("UPDATE change_entry SET fields = replace(fields, '13800001111', '13800009999') WHERE seq = {seq}"),
    );
    let report = check::check(office.store.conn()).unwrap();
    assert_eq!(
        report.problems,
        [format!("操作日志（记录变更）第{seq}条（person记录{person}）与校验链不符：可能被绕过程序改动")]
    );
}

#[test]
fn check_detects_an_event_removed_from_the_middle_of_the_trail() {
    let (_dir, mut store) = office_with_admin();
    for _ in 0..3 {
        accounts::login(&mut store, "zhangsan", "wrong-password", Utc::now()).unwrap_err();
    }
    accounts::login(&mut store, "zhangsan", "zhang-2025", Utc::now()).unwrap();
    let middle = max_seq(&store, "audit_event") - 2;
    tamper(&store, &format!("DELETE FROM audit_event WHERE seq = {middle}"));

    let report = check::check(store.conn()).unwrap();
    assert_eq!(report.problems, [format!("操作日志（登录、导出等）第{middle}条缺失：可能被绕过程序删除")]);
}

#[test]
fn check_detects_the_newest_change_log_entry_removed() {
    let mut office = new_office();
    registered(&mut office);
    let newest = max_seq(&office.store, "change_log");
    tamper(&office.store, &format!("DELETE FROM change_entry WHERE seq = {newest}"));

    let report = check::check(office.store.conn()).unwrap();
    let chain = format!("操作日志（记录变更）最新的第{newest}条缺失：可能被绕过程序删除");
    assert!(report.problems.contains(&chain), "{:?}", report.problems);
}

#[test]
fn check_detects_entries_added_behind_the_program() {
    let (_dir, store) = office_with_admin();
    let other = Connection::open(store.path()).unwrap();
    other
        .execute(
            "INSERT INTO audit_event (at, installation_id, user_name, action, target, detail)
             VALUES ('2025-06-16T00:00:00.000Z', 'x', '张三', 'login', 'zhangsan', '')",
            [],
        )
        .unwrap();
    let seq = max_seq(&store, "audit_event");
    let report = check::check(store.conn()).unwrap();
    assert!(!report.ok());
    assert!(report.problems.iter().any(|p| p.contains(&format!("第{seq}条"))), "{:?}", report.problems);
}

#[test]
fn a_fresh_demo_passes_the_check_with_both_chains_started() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let spec = DemoSpec { office_name: "示例街道".into(), communities: 3, persons: 2_000, seed: 7, today: today() };
    demo::generate(&mut store, &clerk(), &spec).unwrap();
    accounts::login(&mut store, "admin", "demo1234", Utc::now()).unwrap();

    let report = check::check(store.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    for log in ["change_log", "audit_event"] {
        let (head, newest): (String, String) = store
            .conn()
            .query_row(
                &format!(
                    "SELECT (SELECT hash FROM audit_head WHERE log = '{log}'),
                            (SELECT hash FROM {log} ORDER BY seq DESC LIMIT 1)"
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(head, newest, "{log}");
    }
    // Every entry keeps the tag of its hash (4 bytes), and each write's last
    // entry the whole hash, which covers the entries before it.
    let count = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM change_log WHERE hash IS NULL OR length(hash) NOT IN (8, 64)"), 0);
    let writes = count("SELECT count(DISTINCT txn_id) FROM change_log");
    assert!(count("SELECT count(*) FROM change_log") > 10 * writes);
    assert_eq!(count("SELECT count(*) FROM change_log WHERE length(hash) = 64"), writes);
    assert_eq!(
        count(
            "SELECT count(*) FROM change_log c WHERE length(hash) = 64
             AND seq = (SELECT max(seq) FROM change_log WHERE txn_id = c.txn_id)"
        ),
        writes
    );
}

#[test]
fn entries_written_before_the_chain_existed_are_covered_by_it() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(street_ledger::store::DB_FILE);
    {
        // A schema-2 database, as the previous release left it.
        let old = Connection::open(&path).unwrap();
        old.execute_batch(include_str!("../../src/store/migrations/0001_init.sql")).unwrap();
        old.execute_batch(include_str!("../../src/store/migrations/0002_accounts_audit.sql")).unwrap();
        old.pragma_update(None, "user_version", 2).unwrap();
        for who in ["甲", "乙", "丙"] {
            old.execute(
                "INSERT INTO audit_event (at, installation_id, user_name, action, target, detail)
                 VALUES ('2025-01-01T00:00:00.000Z', 'old-pc', ?1, 'login', ?1, '')",
                [who],
            )
            .unwrap();
        }
    }
    let store = Store::open(&path).unwrap();
    assert!(audit::verify_chain(store.conn()).unwrap().is_empty());
    audit::record(&store, "丁", audit::Action::Backup, "备份.zip", "").unwrap();
    assert!(audit::verify_chain(store.conn()).unwrap().is_empty());
    assert_eq!(entries(&store, AuditQuery::default()).len(), 4);

    tamper(&store, "DELETE FROM audit_event WHERE seq = 2");
    assert_eq!(
        audit::verify_chain(store.conn()).unwrap(),
        ["操作日志（登录、导出等）第2条缺失：可能被绕过程序删除"],
        "the first chained entry no longer follows what was before it"
    );
}

fn read_sheet(path: &Path) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range("操作日志").unwrap();
    range.rows().map(|r| r.iter().map(Data::to_string).collect()).collect()
}

#[test]
fn an_export_has_a_chinese_header_one_row_per_changed_field_no_full_id_number_and_is_itself_audited() {
    let mut office = new_office();
    let (id, mut input) = registered(&mut office);
    let full_id = input.person.id_number.clone().unwrap();
    input.person.phone = Some("13900003333".into());
    elderly::update(&mut office.store, &clerk(), &id, Some(1), &input, today()).unwrap();
    person::reveal(&office.store, &clerk(), &person_of(&office.store, &id)).unwrap();
    let q = AuditQuery::default();
    let expected: usize = entries(&office.store, q.clone()).iter().map(|e| e.changes.len().max(1)).sum();

    let dir = TempDir::new().unwrap();
    let path = dir.path().join("操作日志.xlsx");
    let rows = audit::export_xlsx(&office.store, &admin(), &q, &path).unwrap();
    assert_eq!(rows, expected);

    let sheet = read_sheet(&path);
    assert_eq!(sheet[0], ["时间", "电脑", "用户", "操作", "对象", "记录", "字段", "原值", "新值", "说明"]);
    assert_eq!(sheet.len(), rows + 1);
    let text = sheet.concat().join("\n");
    for secret in [full_id.as_str(), "13800001111", "13900003333"] {
        assert!(!text.contains(secret), "{secret} is masked in the export");
    }
    assert!(text.contains(&person::mask_id(&full_id)));
    let phone_row = sheet.iter().find(|r| r[6] == "联系电话" && r[3] == "修改").expect("the phone edit");
    assert_eq!((phone_row[7].as_str(), phone_row[8].as_str()), ("138****1111", "139****3333"));
    assert!(sheet.iter().any(|r| r[3] == "查看完整信息" && r[4] == "人员"));

    let exported = entries(&office.store, AuditQuery { action: Some("export".into()), ..Default::default() });
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0].user, admin().user);
    assert_eq!(exported[0].target.as_deref(), Some("操作日志"));
    let detail = exported[0].detail.clone().unwrap();
    assert!(detail.contains(&format!("{rows}行")) && detail.contains("已遮蔽"), "{detail}");

    let logins_only = dir.path().join("登录.xlsx");
    let q = AuditQuery { action: Some("login".into()), from: Some(date(2020, 1, 1).to_string()), ..Default::default() };
    assert_eq!(audit::export_xlsx(&office.store, &admin(), &q, &logins_only).unwrap(), 0);
    assert_eq!(read_sheet(&logins_only).len(), 1, "the header alone");
}

#[test]
fn every_choice_the_page_offers_is_a_filter_the_query_accepts() {
    let office = new_office();
    for choice in audit::action_choices() {
        assert!(crate::support::is_chinese(&choice.label), "{choice:?}");
        let q = AuditQuery { action: Some(choice.code.into()), ..Default::default() };
        audit::query(office.store.conn(), &admin(), &q).unwrap();
    }
    assert!(audit::users(office.store.conn(), &admin()).unwrap().contains(&clerk().user));
}
