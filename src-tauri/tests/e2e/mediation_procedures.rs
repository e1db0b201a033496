//! 人民调解's procedures of issue 16 through the desktop: a dispute settled on
//! the spot recorded in one step (简易程序) and counted in that month's
//! statistics; a 延期 agreed by both parties that clears the 超期 alert; the
//! committees page.
use chrono::{Datelike, Duration};
use street_ledger::access::Actor;
use street_ledger::mediation::lifecycle::{self, StepInput};
use street_ledger::mediation::{self, CaseInput, MediatorInput, PartyInput};

use super::today;
use crate::harness::{office_dir, store, App, PASSWORD};

fn mediator(dir: &std::path::Path) -> String {
    let m = MediatorInput { name: "李调解".into(), cert_no: Some("TJ-2024-001".into()), ..Default::default() };
    mediation::add_mediator(&mut store(dir), &Actor::admin("测试"), &m).unwrap()
}

#[tokio::test]
async fn an_on_the_spot_case_is_recorded_in_one_step_and_counted_in_that_months_statistics() {
    let dir = office_dir();
    mediator(dir.path());
    let app = App::start_as(dir, "admin", PASSWORD).await;

    app.click("#nav a[data-nav=mediation-new]").await;
    app.select("#med-committee", "和平街道和平社区人民调解委员会").await;
    app.select("#med-dispute-type", "邻里").await;
    app.select("#med-source-input", "主动调解").await;
    app.type_into("#med-summary", "两户因楼道堆放杂物发生争吵，调解员路过当场调解。").await;
    app.click("#mediator-checks input[type=checkbox]").await;
    app.type_into("#applicant-rows tr[data-row='0'] .p-name", "孙美兰").await;
    app.type_into("#respondent-rows tr[data-row='0'] .p-name", "周志强").await;
    // 简易程序: the session and the oral agreement with the intake.
    app.click("#simple-procedure").await;
    app.type_into("#simple-content", "调解员当场听取双方意见，说明楼道不得堆放杂物的规定。").await;
    app.type_into("#simple-terms", "周志强当日清理楼道杂物，双方互相谅解。").await;
    app.click("#simple-performed").await;
    app.screenshot("54-mediation-on-the-spot-form").await;
    app.click("#med-submit").await;

    let year = today().year();
    app.text_with("#mediation-number", &format!("（{year}）和平社区人调字第1号")).await;
    app.text_with("#mediation-status", "履行").await;
    app.text_with("#mediation-facts", "简易程序").await;
    let steps = app.text_with("#mediation-timeline", "周志强当日清理楼道杂物").await;
    for step in ["受理", "调解", "协议", "履行"] {
        assert!(steps.contains(step), "{step} in the timeline: {steps}");
    }
    let on = today().to_string();
    assert_eq!(steps.matches(on.as_str()).count(), 4, "every step dated the day it happened: {steps}");
    // An oral agreement performed: 结案 may follow without a visit.
    app.screenshot("55-mediation-on-the-spot-case").await;
    let choices =
        "return [...document.querySelectorAll('#step-panel .step-choice')].map(b => b.dataset.step).join(' ')";
    let panel = app.client.execute(choices, vec![]).await.unwrap().as_str().unwrap_or_default().to_string();
    assert_eq!(panel, "回访 结案", "an oral agreement performed: 结案 without a visit");

    // This month's statistics count it as received and settled orally.
    app.click("#nav a[data-nav=reports]").await;
    app.select("#report-name", "人民调解工作统计表").await;
    app.select("#report-period-kind", "月度").await;
    app.find("#report-year").await.clear().await.unwrap();
    app.type_into("#report-year", &year.to_string()).await;
    app.select("#report-month", &format!("{}月", today().month())).await;
    app.click("#report-preview").await;
    app.text_with("#report-sheet-0 thead", "防止因民间纠纷引起自杀").await;
    app.row_with("#report-sheet-0", "和平社区调委会").await;
    let script = "const tr = [...document.querySelectorAll('#report-sheet-0 tbody tr')]
        .find(r => r.cells[0].textContent.trim() === arguments[0]);
        return [...tr.cells].map(c => c.textContent.trim());";
    let row = app.client.execute(script, vec!["和平社区调委会".into()]).await.unwrap();
    let cells: Vec<&str> = row.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    // 调委会, 排查次数, 发现纠纷, 预防纠纷, 受理, 调解成功, 调解不成, 终止调解, 成功率, 金额, 口头 …
    assert_eq!(cells[4..8], ["1", "1", "0", "0"], "{cells:?}");
    assert_eq!(cells[10], "1", "口头: {cells:?}");
    app.screenshot("56-mediation-month-statistics").await;
    app.stop().await;
}

#[tokio::test]
async fn an_extension_both_parties_agree_to_clears_the_overdue_alert() {
    let dir = office_dir();
    let m = mediator(dir.path());
    let received = (today() - Duration::days(40)).to_string();
    let id = {
        let mut s = store(dir.path());
        let admin = Actor::admin("测试");
        let party = |side: &str, name: &str| PartyInput { side: side.into(), name: name.into(), ..Default::default() };
        let input = CaseInput {
            dispute_type: "损害赔偿".into(),
            source: "当事人申请".into(),
            mediator_ids: vec![m],
            summary: "装修损坏邻居墙面，赔偿数额有争议".into(),
            received_on: received.clone(),
            parties: vec![party("申请方", "陈淑珍"), party("被申请方", "吴海涛")],
            staff: "小王".into(),
            ..Default::default()
        };
        let id = mediation::register(&mut s, &admin, &input, today()).unwrap();
        let session = StepInput {
            step: "调解".into(),
            date: (today() - Duration::days(30)).to_string(),
            staff: "李调解".into(),
            content: Some("双方对损失数额分歧较大，需等待鉴定".into()),
            ..Default::default()
        };
        lifecycle::record(&mut s, &admin, &id, &session, today()).unwrap();
        id
    };
    let app = App::start_as(dir, "admin", PASSWORD).await;

    app.click("#nav a[data-nav=mediation-alerts]").await;
    app.text_with("#alert-total", "共 1 项").await;
    app.text_with("#alert-table tbody", "超期未结").await;

    app.go(&format!("#/mediation/case/{id}")).await;
    app.click(".step-choice[data-step='延期']").await;
    app.find("#step-form[data-step='延期']").await;
    let deadline = (today() + Duration::days(20)).to_string();
    app.set_date("#step-new-deadline", &deadline).await;
    app.type_into("#step-reason", "等待墙面损失鉴定结果，双方同意延期").await;
    // Without the parties' consent ticked: refused beside it, nothing written.
    app.click("#step-submit").await;
    app.text_with(".field-error[data-for=consent]", "双方当事人同意").await;
    app.click("#step-consent").await;
    app.screenshot("57-mediation-extension-form").await;
    app.click("#step-submit").await;
    app.text_with("#mediation-timeline", "等待墙面损失鉴定结果").await;
    app.text_with("#mediation-facts", &format!("{deadline}（已延期）")).await;
    app.text_with("#mediation-status", "调解").await;
    app.screenshot("58-mediation-extended-case").await;

    app.click("#nav a[data-nav=mediation-alerts]").await;
    app.text_with("#alert-total", "共 0 项").await;
    app.text_with("#alert-table tbody", "没有需要提醒的案件").await;
    app.stop().await;
}

#[tokio::test]
async fn the_committees_page_lists_each_committee_with_the_pc_that_numbers_it() {
    let app = App::start_as(office_dir(), "admin", PASSWORD).await;
    app.click("#nav a[data-nav=committees]").await;
    app.text_with("#committee-total", "共 3 个").await;
    let rows = app.rows("#committee-table").await;
    assert!(rows[0].contains("和平街道人民调解委员会") && rows[0].contains("本机"), "{rows:?}");
    app.type_into("#committee-name", "和平街道物业纠纷人民调解委员会").await;
    app.type_into("#committee-short", "和平社区").await;
    app.click("#committee-submit").await;
    app.text_with(".field-error[data-for=short_name]", "已被其他调委会使用").await;
    app.find("#committee-short").await.clear().await.unwrap();
    app.type_into("#committee-short", "和平物业").await;
    app.click("#committee-submit").await;
    app.text_with("#committee-total", "共 4 个").await;
    app.text_with("#committee-table tbody", "和平物业").await;
    app.screenshot("59-mediation-committees").await;
    app.stop().await;
}

#[tokio::test]
async fn the_courts_ruling_on_a_judicial_confirmation_is_recorded_on_the_case_page() {
    let dir = office_dir();
    let m = mediator(dir.path());
    let id = {
        let mut s = store(dir.path());
        let admin = Actor::admin("测试");
        let party = |side: &str, name: &str| PartyInput { side: side.into(), name: name.into(), ..Default::default() };
        let input = CaseInput {
            dispute_type: "合同".into(),
            source: "当事人申请".into(),
            mediator_ids: vec![m],
            summary: "装修款结算纠纷".into(),
            received_on: (today() - Duration::days(12)).to_string(),
            parties: vec![party("申请方", "郑小红"), party("被申请方", "冯建军")],
            staff: "小王".into(),
            ..Default::default()
        };
        let id = mediation::register(&mut s, &admin, &input, today()).unwrap();
        let step = |step: &str, days: i64| StepInput {
            step: step.into(),
            date: (today() - Duration::days(days)).to_string(),
            staff: "李调解".into(),
            content: Some(format!("{step}记录")),
            agreement_kind: Some("书面".into()),
            terms: Some("冯建军支付郑小红装修尾款一万元".into()),
            performance_deadline: Some(today().to_string()),
            ..Default::default()
        };
        for (name, days) in [("调解", 10), ("协议", 9), ("司法确认", 5)] {
            lifecycle::record(&mut s, &admin, &id, &step(name, days), today()).unwrap();
        }
        id
    };
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.go(&format!("#/mediation/case/{id}")).await;
    app.click(".step-choice[data-step='司法确认裁定']").await;
    app.find("#step-form[data-step='司法确认裁定']").await;
    app.type_into("#step-court", "和平区人民法院").await;
    app.type_into("#step-ruling-no", "（2026）和0105民特12号").await;
    app.click("#step-submit").await;
    app.text_with(".field-error[data-for=ruling]", "裁定结果").await;
    app.select("#step-ruling", "确认").await;
    app.screenshot("59a-mediation-ruling-form").await;
    app.click("#step-submit").await;
    app.text_with("#mediation-timeline", "和平区人民法院（2026）和0105民特12号：确认").await;
    app.text_with("#mediation-facts", "裁定确认").await;
    let offered =
        "return [...document.querySelectorAll('#step-panel .step-choice')].map(b => b.dataset.step).join(' ')";
    let steps = app.client.execute(offered, vec![]).await.unwrap();
    assert!(!steps.as_str().unwrap_or_default().contains("司法确认"), "recorded once: {steps}");
    app.stop().await;
}
