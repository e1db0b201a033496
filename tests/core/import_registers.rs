//! Importing the other registers from offices' own files: employment
//! assistance cases, households (one row per member), mediation cases
//! (several parties a side in one cell). Each file, made here, holds good
//! rows and every kind of bad one; what went in is read back through the
//! registers' own read functions; a second import adds nothing; all or
//! nothing writes nothing.
use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;
use street_ledger::check;
use street_ledger::employment::case::{self, CaseQuery};
use street_ledger::employment::household::{self, ZeroState};
use street_ledger::export::Target;
use street_ledger::import::{self, Existing, Options, Outcome, Problem};
use street_ledger::mediation::{self, MediatorInput};
use tempfile::TempDir;

use crate::support::{clerk, id_number, new_office, today, Office};

enum C {
    T(String),
    N(f64),
    E,
}

fn t(s: impl Into<String>) -> C {
    C::T(s.into())
}

/// A sheet as offices make them: a merged title over the header, then the
/// rows from Excel row 3. `merges` are (first row, last row, column) of
/// cells merged down, holding the first row's value.
fn xlsx(path: &Path, header: &[&str], rows: Vec<Vec<C>>, merges: &[(u32, u32, u16)]) {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.merge_range(0, 0, 0, header.len() as u16 - 1, "和平街道台账（2025年）", &Default::default()).unwrap();
    for (c, h) in header.iter().enumerate() {
        s.write_string(1, c as u16, *h).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            if merges.iter().any(|(first, last, col)| *col == c && r > *first && r <= *last) {
                continue;
            }
            match cell {
                C::T(v) => match merges.iter().find(|(first, _, col)| *col == c && *first == r) {
                    Some((first, last, _)) => s.merge_range(*first, c, *last, c, v, &Default::default()).map(drop),
                    None => s.write_string(r, c, v).map(drop),
                },
                C::N(n) => s.write_number(r, c, *n).map(drop),
                C::E => Ok(()),
            }
            .unwrap();
        }
    }
    book.save(path).unwrap();
}

/// The problems of one Excel row, as "column|message".
fn at(problems: &[Problem], row: usize) -> Vec<String> {
    problems.iter().filter(|p| p.row == row).map(|p| format!("{}|{}", p.column, p.message)).collect()
}

fn run(o: &mut Office, register: &str, path: &Path, options: &Options) -> Outcome {
    import::import(&mut o.store, &clerk(), register, path, options, None, today()).unwrap()
}

/// The same file refused whole when every row must be right.
fn all_or_nothing_writes_nothing(register: &str, path: &Path, setup: impl Fn(&mut Office)) {
    let mut o = new_office();
    setup(&mut o);
    let before = crate::support::all_counts(o.store.conn());
    let strict = Options { all_or_nothing: true, ..Default::default() };
    let e = import::import(&mut o.store, &clerk(), register, path, &strict, None, today()).unwrap_err();
    assert_eq!(e.code(), "import.rejected");
    assert_eq!(crate::support::all_counts(o.store.conn()), before, "nothing written");
}

fn no_full_id_numbers(problems: &[Problem], ids: &[&str]) {
    for p in problems {
        assert!(!ids.iter().any(|id| p.message.contains(id)), "a message carries an ID number: {}", p.message);
    }
}

fn cases_file(dir: &Path) -> (PathBuf, [String; 3]) {
    let path = dir.join("就业援助对象.xlsx");
    let ids = [id_number(1975, 1, 1, 11), id_number(1990, 5, 6, 12), id_number(1988, 7, 8, 13)];
    let header = ["序号", "姓名", "公民身份号码", "社区", "人员类别", "文化程度", "登记日期", "手机号"];
    let row = |name: &str, id: C, categories: &str, date: C| {
        vec![C::N(1.0), t(name), id, t("东风社区"), t(categories), t("初中"), date, C::E]
    };
    let mut rows = vec![
        // 3: good; a date as an Excel serial, the phone in full-width digits.
        vec![
            C::N(1.0),
            t("张三"),
            t(&ids[0]),
            t("东风社区"),
            t("4050、低保"),
            t("初中"),
            C::N(45000.0),
            t("１３８００１３８０００"),
        ],
        // 4: good; a name in full-width spaces, 1945.3.2-style date, a value with a slash.
        vec![C::N(2.0), t("　李四　"), t(&ids[1]), t("西城社区"), t("残疾"), t("高中/中专"), t("2024.3.2"), C::E],
        // 5: good; 2024年3月2日, a category with a slash in its name.
        row("王五", t(&ids[2]), "刑满释放/戒毒康复", t("2024年3月2日")),
    ];
    rows.push(row("错号", t("110105197501010021"), "低保", C::E)); // 6
    rows.push(row("变成数字", C::N(110105197501010000.0), "低保", C::E)); // 7
    rows.push(row("未知类别", t(id_number(1980, 1, 1, 15)), "下岗职工", C::E)); // 8
    rows.push(row("张三", t(&ids[0]), "低保", C::E)); // 9: a repeat of row 3
    rows.push(row("日期不对", t(id_number(1981, 1, 1, 17)), "低保", t("2024年13月1日"))); // 10
    xlsx(&path, &header, rows, &[]);
    (path, ids)
}

#[test]
fn employment_cases_are_imported_with_every_problem_named_and_nothing_twice() {
    let dir = TempDir::new().unwrap();
    let (path, ids) = cases_file(dir.path());
    let mut o = new_office();
    let p = import::preview(&mut o.store, &clerk(), "employment", &path, &Options::default(), today()).unwrap();
    assert_eq!((p.header_row, p.rows, p.new, p.unit.as_str()), (2, 8, 3, "人"), "{:?}", p.problems);
    assert!(at(&p.problems, 6)[0].starts_with("公民身份号码|") && at(&p.problems, 6)[0].contains("校验"));
    assert!(at(&p.problems, 7)[0].contains("文本"), "{:?}", at(&p.problems, 7));
    assert!(at(&p.problems, 8)[0].starts_with("人员类别|") && at(&p.problems, 8)[0].contains("下岗职工"));
    assert_eq!(p.unknown.get("categories").cloned(), Some(vec!["下岗职工".to_string()]));
    assert!(p.choices["categories"].contains(&"低保".to_string()));
    assert!(!p.choices["categories"].contains(&"4050".to_string()), "derived ones are not offered");
    assert!(at(&p.problems, 9)[0].contains("与第3行是同一人"), "{:?}", at(&p.problems, 9));
    assert!(at(&p.problems, 10)[0].starts_with("登记日期|"), "{:?}", at(&p.problems, 10));
    no_full_id_numbers(&p.problems, &["110105197501010021"]);
    assert_eq!(o.count("employment_case"), 0, "a preview writes nothing");

    let out = run(&mut o, "employment", &path, &Options::default());
    assert_eq!((out.imported, out.rejected), (3, 5));
    let list = case::list(o.store.conn(), &clerk(), &CaseQuery::default(), today()).unwrap();
    let by_name = |n: &str| list.items.iter().find(|c| c.name == n).unwrap_or_else(|| panic!("{n} imported"));
    assert_eq!(by_name("张三").categories, ["4050", "低保"], "4050 derived, not stored");
    assert_eq!(by_name("张三").registered_on, "2023-03-15", "Excel serial 45000");
    assert_eq!(by_name("李四").registered_on, "2024-03-02");
    assert_eq!(by_name("王五").categories, ["刑满释放/戒毒康复"]);
    let li = case::detail(o.store.conn(), &clerk(), &by_name("李四").id, today()).unwrap();
    assert_eq!(li.education.as_deref(), Some("高中/中专"));
    assert_eq!(li.stored_categories, ["残疾"]);
    let phone: String =
        o.store.conn().query_row("SELECT phone FROM person WHERE id_number = ?1", [&ids[0]], |r| r.get(0)).unwrap();
    assert_eq!(phone, "13800138000", "full-width digits folded");

    let again = run(&mut o, "employment", &path, &Options::default());
    assert_eq!((again.imported, again.skipped, again.rejected), (0, 3, 5));
    let update = run(&mut o, "employment", &path, &Options { existing: Existing::Update, ..Default::default() });
    assert_eq!((update.imported, update.updated), (0, 3));
    assert_eq!(o.count("employment_case"), 3, "nobody twice");
    assert!(check::check(o.store.conn()).unwrap().ok());
    all_or_nothing_writes_nothing("employment", &path, |_| ());
}

/// Households, one row per member: 户主身份证号 and 社区 merged down each
/// household's rows.
fn households_file(dir: &Path) -> (PathBuf, Vec<String>) {
    let path = dir.join("家庭户.xlsx");
    let ids: Vec<String> = (0..12).map(|i| id_number(1970 + i, 3, 1 + i as u32, 21 + 2 * i as u16)).collect();
    let header =
        ["户主身份证号", "社区", "家庭住址", "姓名", "身份证号", "与户主关系", "就业状况", "工作单位", "起始日期"];
    let m = |head: C, name: &str, id: C, relation: &str, status: &str, since: C| {
        let employer = if status == "就业" { t("某超市") } else { C::E };
        vec![head, t("东风社区"), t("和平路１２号"), t(name), id, t(relation), t(status), employer, since]
    };
    let rows = vec![
        // 3–5: household A, zero-employment: both adults unemployed, a student.
        m(t(&ids[0]), "户主甲", t(&ids[0]), "户主", "失业", t("2024.3.2")),
        m(C::E, "配偶甲", t(&ids[1]), "配偶", "失业", C::N(45000.0)),
        m(C::E, "子女甲", t(id_number(2010, 1, 1, 31)), "子女", "在校学生", C::E),
        // 6–7: household B: an unknown relation sends both rows back.
        m(t(&ids[2]), "户主乙", t(&ids[2]), "户主", "就业", C::E),
        m(C::E, "儿媳乙", t(&ids[3]), "儿媳妇", "失业", C::E),
        // 8–9: household C: a member's ID number is wrong.
        m(t(&ids[4]), "户主丙", t(&ids[4]), "户主", "失业", C::E),
        m(C::E, "错号丙", t("110105197501010021"), "配偶", "失业", C::E),
        // 10: household D: the head's number stored as a number.
        m(C::N(110105197501010000.0), "户主丁", t(&ids[6]), "户主", "失业", C::E),
        // 11–12: household E: the head listed twice.
        m(t(&ids[7]), "户主戊", t(&ids[7]), "户主", "失业", C::E),
        m(C::E, "户主戊", t(&ids[7]), "户主", "失业", C::E),
        // 13: household F: a date that does not exist.
        m(t(&ids[8]), "户主己", t(&ids[8]), "户主", "失业", t("2024年2月30日")),
    ];
    xlsx(&path, &header, rows, &[(2, 4, 0), (2, 4, 1), (5, 6, 0), (7, 8, 0), (10, 11, 0)]);
    (path, ids)
}

#[test]
fn households_are_imported_whole_from_one_row_per_member() {
    let dir = TempDir::new().unwrap();
    let (path, ids) = households_file(dir.path());
    let mut o = new_office();
    let p = import::preview(&mut o.store, &clerk(), "households", &path, &Options::default(), today()).unwrap();
    assert_eq!((p.rows, p.new), (11, 3), "{:?}", p.problems);
    assert!(at(&p.problems, 7)[0].starts_with("与户主关系|") && at(&p.problems, 7)[0].contains("儿媳妇"));
    assert!(at(&p.problems, 6)[0].contains("同户第7行有问题"), "{:?}", at(&p.problems, 6));
    assert_eq!(p.unknown.get("relation").cloned(), Some(vec!["儿媳妇".to_string()]));
    assert!(at(&p.problems, 9)[0].starts_with("身份证号|") && at(&p.problems, 9)[0].contains("校验"));
    assert!(at(&p.problems, 8)[0].contains("同户第9行"), "{:?}", at(&p.problems, 8));
    assert!(at(&p.problems, 10)[0].starts_with("户主身份证号|") && at(&p.problems, 10)[0].contains("文本"));
    assert!(at(&p.problems, 12)[0].contains("与第11行是同一人"), "{:?}", at(&p.problems, 12));
    assert!(at(&p.problems, 13)[0].starts_with("起始日期|"), "{:?}", at(&p.problems, 13));
    no_full_id_numbers(&p.problems, &["110105197501010021", ids[2].as_str(), ids[3].as_str()]);

    let rejected = dir.path().join("退回.xlsx");
    let out = import::import(
        &mut o.store,
        &clerk(),
        "households",
        &path,
        &Options::default(),
        Some(&Target::from(&rejected)),
        today(),
    )
    .unwrap();
    assert_eq!((out.imported, out.rejected), (3, 8));
    assert!(rejected.exists());
    let list = household::list(o.store.conn(), &clerk(), None, today()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].head.as_str(), list[0].members, list[0].address.as_str()), ("户主甲", 3, "和平路12号"));
    assert_eq!(list[0].zero, ZeroState::Candidate { again: false }, "proposed as a zero-employment household");
    let view = household::detail(o.store.conn(), &clerk(), &list[0].id, today()).unwrap();
    let spouse = view.members.iter().find(|m| m.name == "配偶甲").unwrap();
    assert_eq!((spouse.relation.as_str(), spouse.since.as_deref()), ("配偶", Some("2023-03-15")));

    let again = run(&mut o, "households", &path, &Options::default());
    assert_eq!((again.imported, again.skipped), (0, 3));
    assert_eq!(o.count("household"), 1, "no household twice");

    // An update: the spouse found work and a parent moved in.
    let csv = dir.path().join("更新.csv");
    let text = format!(
        "户主身份证号,社区,家庭住址,姓名,身份证号,与户主关系,就业状况,工作单位\n\
         {a},东风社区,和平路12号,配偶甲,{b},配偶,就业,某超市\n\
         {a},东风社区,和平路12号,父亲甲,{c},父母,退休,\n",
        a = ids[0],
        b = ids[1],
        c = id_number(1950, 1, 1, 41)
    );
    std::fs::write(&csv, text).unwrap();
    let stop = Options { existing: Existing::Stop, ..Default::default() };
    let e = import::import(&mut o.store, &clerk(), "households", &csv, &stop, None, today()).unwrap_err();
    assert_eq!(e.code(), "import.existing");
    let out = run(&mut o, "households", &csv, &Options { existing: Existing::Update, ..Default::default() });
    assert_eq!((out.updated, out.rejected), (2, 0), "{:?}", out.problems);
    let view = household::detail(o.store.conn(), &clerk(), &list[0].id, today()).unwrap();
    assert_eq!(view.members.len(), 4);
    assert_eq!(view.members.iter().find(|m| m.name == "配偶甲").unwrap().work_status, "就业");
    assert_eq!(view.zero, ZeroState::No, "someone works now");
    assert!(check::check(o.store.conn()).unwrap().ok());
    all_or_nothing_writes_nothing("households", &path, |_| ());
}

fn mediators(o: &mut Office) {
    for name in ["老调解", "李调解"] {
        let m = MediatorInput { name: name.into(), ..Default::default() };
        mediation::add_mediator(&mut o.store, &clerk(), &m).unwrap();
    }
}

fn mediation_file(dir: &Path) -> (PathBuf, [String; 3]) {
    let path = dir.join("调解案件.xlsx");
    let ids = [id_number(1970, 1, 1, 51), id_number(1975, 2, 2, 52), id_number(1980, 3, 3, 53)];
    let header = [
        "受理日期",
        "调委会",
        "纠纷类型",
        "案件来源",
        "申请人",
        "申请人身份证号",
        "被申请人",
        "被申请人身份证号",
        "调解员",
        "纠纷简要情况",
        "涉及金额（元）",
    ];
    let case = |date: C, kind: &str, applicants: &str, a_ids: C, respondent_id: C, mediators: &str| {
        vec![
            date,
            t("东风社区调委会"),
            t(kind),
            t("当事人申请"),
            t(applicants),
            a_ids,
            t("乙一"),
            respondent_id,
            t(mediators),
            t("楼上漏水引起纠纷"),
            C::N(3000.0),
        ]
    };
    let rows = vec![
        // 3: good; two applicants, the second without an ID number.
        case(C::N(45000.0), "邻里", "甲一、甲二", t(format!("{}、", ids[0])), t(&ids[1]), "老调解、李调解"),
        // 4: good; the street's committee, respondents split by a full-width comma.
        vec![
            t("2025.3.2"),
            C::E,
            t("物业"),
            t("主动调解"),
            t("丙"),
            C::E,
            t("丁，戊"),
            C::E,
            t("李调解"),
            t("　楼道堆物　"),
            C::E,
        ],
        case(t("2025年3月3日"), "邻里", "错号", t("110105197501010021"), C::E, "老调解"), // 5
        case(t("2025年3月4日"), "邻里", "数字", C::E, C::N(110105197501010000.0), "老调解"), // 6
        case(t("2025年3月5日"), "噪音", "未知", t(&ids[2]), C::E, "王调解"),              // 7
        case(t("2025年2月30日"), "邻里", "日期", C::E, C::E, "老调解"),                   // 8
        case(C::N(45000.0), "邻里", "甲一、甲二", t(format!("{}、", ids[0])), t(&ids[1]), "老调解"), // 9: repeat of 3
        case(t("2025-03-06"), "邻里", "甲、乙", t(&ids[2]), C::E, "老调解"),              // 10: two names, one number
    ];
    xlsx(&path, &header, rows, &[]);
    (path, ids)
}

#[test]
fn mediation_cases_are_imported_with_both_sides_parties_and_nothing_twice() {
    let dir = TempDir::new().unwrap();
    let (path, ids) = mediation_file(dir.path());
    let mut o = new_office();
    mediators(&mut o);
    let p = import::preview(&mut o.store, &clerk(), "mediation", &path, &Options::default(), today()).unwrap();
    assert_eq!((p.rows, p.new, p.unit.as_str()), (8, 2, "件"), "{:?}", p.problems);
    assert!(at(&p.problems, 5)[0].starts_with("申请人身份证号|") && at(&p.problems, 5)[0].contains("校验"));
    assert!(at(&p.problems, 6)[0].starts_with("被申请人身份证号|") && at(&p.problems, 6)[0].contains("文本"));
    assert_eq!(at(&p.problems, 7).len(), 2, "{:?}", at(&p.problems, 7));
    assert_eq!(p.unknown.get("dispute_type").cloned(), Some(vec!["噪音".to_string()]));
    assert_eq!(p.unknown.get("mediators").cloned(), Some(vec!["王调解".to_string()]));
    assert!(["老调解", "李调解"].iter().all(|m| p.choices["mediators"].contains(&m.to_string())));
    assert!(at(&p.problems, 8)[0].starts_with("受理日期|"), "{:?}", at(&p.problems, 8));
    assert!(at(&p.problems, 9)[0].contains("与第3行是同一案件"), "{:?}", at(&p.problems, 9));
    assert!(at(&p.problems, 10)[0].contains("身份证号有1个、姓名有2个"), "{:?}", at(&p.problems, 10));
    no_full_id_numbers(&p.problems, &["110105197501010021"]);

    let out = run(&mut o, "mediation", &path, &Options::default());
    assert_eq!((out.imported, out.rejected), (2, 6));
    let list = mediation::list(o.store.conn(), &clerk(), &Default::default()).unwrap().items;
    let first = list.iter().find(|c| c.received_on == "2023-03-15").expect("the case of row 3");
    assert_eq!((first.committee.as_str(), first.applicants.as_str()), ("东风社区调委会", "甲一、甲二"));
    assert_eq!((first.mediators.as_str(), first.status.as_str()), ("老调解、李调解", "受理"));
    let second = list.iter().find(|c| c.received_on == "2025-03-02").expect("the case of row 4");
    assert_eq!((second.committee.as_str(), second.respondents.as_str()), ("和平街道调委会", "丁、戊"));
    let detail = mediation::detail(o.store.conn(), &clerk(), &first.id).unwrap();
    assert_eq!(detail.amount_cents, 300_000);
    let linked: Vec<bool> = detail.parties.iter().map(|p| p.id_number.is_some()).collect();
    assert_eq!(linked, [true, false, true], "parties with ID numbers are linked to persons");
    assert_eq!(mediation::detail(o.store.conn(), &clerk(), &second.id).unwrap().summary, "楼道堆物");

    let again = run(&mut o, "mediation", &path, &Options { existing: Existing::Update, ..Default::default() });
    assert_eq!((again.imported, again.skipped), (0, 2), "a case already there stays as it is");
    assert_eq!(o.count("mediation_case"), 2, "no case twice");
    let stop = Options { existing: Existing::Stop, ..Default::default() };
    let e = import::import(&mut o.store, &clerk(), "mediation", &path, &stop, None, today()).unwrap_err();
    assert_eq!(e.code(), "import.existing");
    assert!(check::check(o.store.conn()).unwrap().ok());
    all_or_nothing_writes_nothing("mediation", &path, mediators);
    let linked = street_ledger::person::find_by_id_number(o.store.conn(), &ids[0]).unwrap();
    assert!(linked.is_some(), "an applicant with an ID number is a person on file");
}

#[test]
fn every_register_has_a_template_with_notes_and_drop_down_lists() {
    let mut o = new_office();
    mediators(&mut o);
    let dir = TempDir::new().unwrap();
    let codes: Vec<&str> = import::registers().iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, ["elderly", "employment", "households", "mediation"]);
    for (code, first_header, listed) in
        [("employment", "姓名*", "低保"), ("households", "户主身份证号*", "户主"), ("mediation", "受理日期*", "老调解")]
    {
        let path = dir.path().join(format!("{code}.xlsx"));
        import::template(&o.store, code, &path).unwrap();
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let range = book.worksheet_range("导入模板").unwrap();
        assert_eq!(range.get_value((0, 0)).unwrap().to_string(), first_header, "{code}");
        let notes: Vec<String> = range.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
        assert!(notes.iter().any(|n| n.contains("文本格式")), "{code}: {notes:?}");
        let xml = crate::import::sheet_xml(&path);
        assert!(xml.contains("dataValidation") && xml.contains(listed), "{code}: drop-down lists");
        // The template itself reads back: the header found, the notes row
        // not taken for a row of data.
        let p = import::preview(&mut o.store, &clerk(), code, &path, &Options::default(), today()).unwrap();
        assert_eq!((p.header_row, p.rows), (1, 0), "{code}: {:?}", p.problems);
    }
    let e = import::preview(&mut o.store, &clerk(), "loans", Path::new("x.xlsx"), &Options::default(), today())
        .unwrap_err();
    assert_eq!(e.code(), "import.no_register");
    assert!(e.to_string().contains("households（家庭户（零就业家庭））"), "{e}");
}

#[test]
fn a_son_still_in_his_parents_household_who_heads_his_own_in_the_file_is_not_added_to_theirs() {
    let dir = TempDir::new().unwrap();
    let (father, son, wife) = (id_number(1960, 2, 2, 71), id_number(1988, 3, 3, 73), id_number(1990, 4, 4, 75));
    let mut o = new_office();
    let first = dir.path().join("父母家.csv");
    let text = format!(
        "户主身份证号,社区,家庭住址,姓名,身份证号,与户主关系,就业状况,工作单位\n\
         {father},东风社区,和平路1号,父亲,{father},户主,退休,\n\
         {father},东风社区,和平路1号,儿子,{son},子女,失业,\n"
    );
    std::fs::write(&first, text).unwrap();
    assert_eq!(run(&mut o, "households", &first, &Options::default()).imported, 2);
    // A later file lists the son as the head of his own household.
    let second = dir.path().join("儿子家.csv");
    let text = format!(
        "户主身份证号,社区,家庭住址,姓名,身份证号,与户主关系,就业状况,工作单位\n\
         {son},东风社区,和平路2号,儿子,{son},户主,失业,\n\
         {son},东风社区,和平路2号,儿媳,{wife},配偶,失业,\n"
    );
    std::fs::write(&second, text).unwrap();
    let out = run(&mut o, "households", &second, &Options { existing: Existing::Update, ..Default::default() });
    assert_eq!((out.imported, out.updated, out.rejected), (0, 0, 2), "{:?}", out.problems);
    assert!(out.problems.iter().any(|p| p.message.contains("移出")), "{:?}", out.problems);
    let list = household::list(o.store.conn(), &clerk(), None, today()).unwrap();
    assert_eq!((list.len(), list[0].members), (1, 2), "the parents' household is as it was");
}
