//! The committee's own work through the desktop (issue 16, part B): the case
//! file's new printouts (申请书, 权利义务告知书, 调解笔录, 卷宗封面, 卷内目录)
//! each saved as an A4 PDF whose first page is kept as a PNG to look at;
//! then the mediator roster's profile and trainings, a case's difficulty,
//! and a dispute found by screening that becomes a case (立案).
use std::path::Path;

use street_ledger::access::Actor;
use street_ledger::mediation::lifecycle::{self, StepInput};
use street_ledger::mediation::mediators::Profile;
use street_ledger::mediation::{self, CaseInput, MediatorInput, PartyInput};

use super::{count, id_born, today};
use crate::harness::{office_dir, store, App, PASSWORD};
use crate::mediation::{pdf_text_and_picture, saved_pdf};

fn day(n: i64) -> String {
    (today() - chrono::Duration::days(n)).to_string()
}

/// 陈淑珍 (known by her ID number) against 吴海涛: applied for, mediated in
/// two sessions and settled by a written agreement, by an earlier session.
fn seed_case(dir: &Path) -> String {
    let mut s = store(dir);
    let admin = Actor::admin("测试");
    let profile = Profile { sex: Some("女".into()), birth_year: Some(1970), ..Default::default() };
    let mediator =
        MediatorInput { name: "王调解".into(), cert_no: Some("TJ-2023-007".into()), profile, ..Default::default() };
    let m = mediation::add_mediator(&mut s, &admin, &mediator).unwrap();
    let party = |side: &str, name: &str, id: Option<String>| PartyInput {
        side: side.into(),
        name: name.into(),
        id_number: id,
        ethnicity: Some("汉族".into()),
        occupation: Some("退休职工".into()),
        address: Some("和平路8号2单元101".into()),
        ..Default::default()
    };
    let input = CaseInput {
        dispute_type: "损害赔偿".into(),
        source: "当事人申请".into(),
        mediator_ids: vec![m],
        summary: "吴海涛骑电动车撞伤陈淑珍，双方就医药费赔偿发生争执。".into(),
        requests: Some("请求吴海涛赔偿医药费人民币贰仟元".into()),
        received_on: day(20),
        parties: vec![party("申请方", "陈淑珍", Some(id_born(1963, 4, 8, 22))), party("被申请方", "吴海涛", None)],
        staff: "小王".into(),
        difficulty: Some("疑难".into()),
        ..Default::default()
    };
    let id = mediation::register(&mut s, &admin, &input, today()).unwrap();
    let step = |kind: &str, on: i64, content: &str| StepInput {
        step: kind.into(),
        date: day(on),
        staff: "刘记录".into(),
        place: Some("和平街道调解室".into()),
        participants: Some("陈淑珍、吴海涛，调解员王调解".into()),
        content: Some(content.into()),
        agreement_kind: Some("书面".into()),
        terms: Some("吴海涛赔偿陈淑珍医药费人民币贰仟元整".into()),
        performance_deadline: Some(day(0)),
        ..Default::default()
    };
    for (kind, on, content) in [
        ("调查", 18, "到医院了解伤情"),
        ("调解", 15, "时间：09:00—10:30\n双方各自陈述，吴海涛认为赔偿过高。"),
        ("调解", 12, "时间：14:30—16:00\n调解员释法说理，双方同意按实际医药费赔偿。"),
        ("协议", 12, ""),
    ] {
        lifecycle::record(&mut s, &admin, &id, &step(kind, on, content), today()).unwrap();
    }
    id
}

#[tokio::test]
async fn the_case_files_new_printouts_save_as_a4_pdfs() {
    let dir = office_dir();
    let case = seed_case(dir.path());
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.go(&format!("#/mediation/case/{case}")).await;
    app.text_with("#difficulty-card", "疑难").await;
    app.find("#case-file-buttons").await;
    app.screenshot("60-mediation-case-file-buttons").await;
    let number = app.find("#mediation-number").await.text().await.unwrap();
    let chen = id_born(1963, 4, 8, 22);
    let documents: [(&str, &str, u32, &[&str]); 5] = [
        (
            "application",
            "人民调解申请书",
            1,
            &[
                "申请人",
                "陈淑珍",
                chen.as_str(),
                "被申请人",
                "吴海涛",
                "赔偿医药费人民币贰仟元",
                "此致",
                "和平街道人民调解委员会",
            ],
        ),
        (
            "notice",
            "人民调解权利义务告知书",
            1,
            &["选择或者接受人民调解员", "如实陈述纠纷事实", "司法确认", "陈淑珍", "（盖章）"],
        ),
        ("session", "调解笔录", 2, &["09:00", "16:00", "和平街道调解室", "刘记录", "王调解", "记录人签名"]),
        (
            "cover",
            "人民调解卷宗",
            1,
            &["和平街道人民调解委员会", number.as_str(), "损害赔偿纠纷", "疑难", "调解协议", "本卷共"],
        ),
        ("contents", "卷内目录", 1, &["人民调解申请书", "调解笔录（第2次）", "人民调解协议书", "序号"]),
    ];
    for (kind, title, pages, expected) in documents {
        // cairo names some glyphs by their Kangxi radicals in the PDF's
        // text (面 as ⾯, 页 as ⻚): the words looked for avoid them.
        app.click(&format!("#print-{kind}")).await;
        app.text_with("#print-view .sheet", title).await;
        app.screenshot(&format!("61-mediation-{kind}-print")).await;
        app.click("#print-pdf").await;
        let pdf = saved_pdf(&app).await;
        assert!(pdf.file_name().unwrap().to_string_lossy().ends_with(&format!("-{number}.pdf")), "{pdf:?}");
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF: {pdf:?}");
        match pdf_text_and_picture(&pdf, &format!("mediation-{kind}")) {
            Some((info, text)) => {
                let count = info.lines().find_map(|l| l.strip_prefix("Pages:")).map(str::trim);
                assert_eq!(count, Some(pages.to_string().as_str()), "{kind}: {info}");
                assert!(info.contains("(A4)"), "{kind}: A4 pages: {info}");
                for e in expected {
                    assert!(text.contains(e), "{kind}: {e} missing in the PDF: {text}");
                }
                assert!(!text.contains("打印预览"), "{kind}: the app's toolbar printed");
            }
            None => println!("poppler-utils not found: the PDF's text and picture not checked"),
        }
        app.click("#print-close").await;
        app.find("#step-panel").await;
    }
    let dir = app.stop().await;
    let saved: i64 = store(dir.path())
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_event WHERE action = 'export' AND detail LIKE '%另存为PDF'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(saved, 5, "each PDF is in the audit trail");
    let unmasked: i64 = store(dir.path())
        .conn()
        .query_row("SELECT count(*) FROM audit_event WHERE action = 'unmask'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(unmasked, 1, "the application alone shows the full ID number");
}

#[tokio::test]
async fn a_mediators_profile_and_training_a_cases_difficulty_and_a_screened_dispute_opened_as_a_case() {
    let dir = office_dir();
    let case = seed_case(dir.path());
    let app = App::start_as(dir, "admin", PASSWORD).await;

    // 调解员名册: the profile corrected, a training recorded.
    app.click("#nav a[data-nav=mediators]").await;
    app.click_row("#mediator-table", "王调解").await;
    app.text_with("#mediator-form-title", "修改调解员：王调解").await;
    app.select("#mediator-education", "大专").await;
    app.select("#mediator-employment", "专职").await;
    app.set_date("#mediator-term-from", &format!("{}-01-01", today().format("%Y"))).await;
    app.click("#mediator-submit").await;
    app.text_with("#mediator-table tbody", "专职").await;
    app.select("#training-mediator", "王调解（街道调委会）").await;
    app.type_into("#training-hours", "3").await;
    app.type_into("#training-topic", "人民调解法及调解技巧").await;
    app.click("#training-submit").await;
    app.text_with("#training-table tbody", "人民调解法及调解技巧").await;
    let row = app.row_text("#mediator-table", "王调解").await;
    assert!(row.contains("女") && row.contains("1970") && row.contains("大专") && row.contains("1次 3学时"), "{row}");
    app.screenshot("62-mediators-profile").await;

    // The case's difficulty, changed on its page.
    app.go(&format!("#/mediation/case/{case}")).await;
    app.select("#case-difficulty", "重大").await;
    app.click("#case-difficulty-save").await;
    app.text_with("#toast", "重大").await;
    app.text_with("#case-subsidy", "协议所在月份未设补贴标准").await;

    // 排查表: a dispute found, then 立案 from its row.
    app.click("#nav a[data-nav=screening]").await;
    app.text_with("#screening-total", "合计 0 件").await;
    app.select("#screening-community", "和平社区").await;
    app.type_into("#screening-parties", "赵甲、钱乙").await;
    app.select("#screening-type", "邻里").await;
    app.select("#screening-risk", "高").await;
    app.type_into("#screening-owner", "老刘").await;
    app.type_into("#screening-summary", "楼道堆物引发争吵").await;
    app.click("#screening-submit").await;
    app.text_with("#screening-total", "合计 1 件").await;
    app.screenshot("63-screening-list").await;
    app.click("#screening-table tbody tr .open-case").await;
    app.text_with("#from-screening", "赵甲、钱乙").await;
    assert_eq!(app.value("#applicant-rows tr.party-row .p-name").await, "赵甲");
    assert_eq!(app.value("#respondent-rows tr.party-row .p-name").await, "钱乙");
    app.click("#mediator-checks input[type=checkbox]").await;
    app.click("#med-submit").await;
    app.text_with("#mediation-status", "受理").await;
    app.click("#nav a[data-nav=screening]").await;
    let row = app.text_with("#screening-table tbody", "人调字").await;
    assert!(row.contains("赵甲"), "{row}");
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "mediation_case"), 2);
    assert_eq!(count(dir.path(), "mediator_training"), 1);
    let linked: i64 = store(dir.path())
        .conn()
        .query_row("SELECT count(*) FROM screening_entry WHERE case_id IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(linked, 1);
}
