//! Issue 17, point 2, through the desktop: a 低保 record and a 残疾证
//! entered on the person page make 困难 and 残疾; a 残疾 ticked by hand
//! with no record is flagged on the page and found by the roster filter.
use street_ledger::access::Actor;
use street_ledger::elderly::{self, ElderlyInput};

use street_ledger::person::PersonInput;

use super::{count, today, ZENG_ID};
use crate::harness::{office_dir, store, App, PASSWORD};

#[tokio::test]
async fn a_low_income_record_and_a_disability_certificate_on_the_person_page_make_hardship_and_disabled() {
    let dir = office_dir();
    // 残疾 ticked by hand, as before these records existed.
    let id = {
        let mut s = store(dir.path());
        let community = street_ledger::office::communities(s.conn()).unwrap()[0].id.clone();
        let input = ElderlyInput {
            person: PersonInput {
                name: "曾国藩".into(),
                id_number: Some(ZENG_ID.into()),
                community_id: Some(community),
                ..Default::default()
            },
            kinds: vec!["独居".into(), "残疾".into()],
            ..Default::default()
        };
        elderly::register(&mut s, &Actor::admin("测试"), &input, today()).unwrap()
    };
    let app = App::start_as(dir, "admin", PASSWORD).await;

    // The roster's filter finds the unbacked tick, flagged in the list.
    app.select("#roster-kind", "无记录勾选").await;
    let row = app.row_text("#roster-table", "曾国藩").await;
    assert!(row.contains("残疾（无记录）"), "{row}");
    app.screenshot("17-roster-unbacked").await;

    app.go(&format!("#/elderly/{id}")).await;
    app.text_with("#person-kinds", "残疾（无记录）").await;
    app.click("button[data-tab=assistance]").await;
    app.text_with("#assistance-flag", "已勾选“残疾”").await;
    app.screenshot("17-assistance-flag").await;

    // 低保: the kind the form starts with.
    app.type_into("#assistance-form input[name=cert_no]", "DB-2024-0318").await;
    app.type_into("#assistance-form input[name=persons]", "2").await;
    app.click("#assistance-submit").await;
    app.text_with(".field-error[data-for=amount]", "请填写低保月金额").await;
    app.type_into("#assistance-form input[name=amount]", "1120.5").await;
    app.click("#assistance-submit").await;
    let row = app.row_text("#assistance-table", "低保").await;
    assert!(row.contains("DB-2024-0318") && row.contains("2人") && row.contains("1120.50"), "{row}");
    let kinds = app.text_with("#person-kinds", "困难").await;
    assert!(kinds.contains("残疾（无记录）"), "{kinds}");

    // 残疾证: a number one digit short is refused beside the field.
    app.select("#assistance-form select[name=kind]", "残疾证").await;
    app.type_into("#assistance-form input[name=cert_no]", &format!("{ZENG_ID}4")).await;
    app.click("#assistance-submit").await;
    app.text_with(".field-error[data-for=cert_no]", "残疾证号应为20位").await;
    app.type_into("#assistance-form input[name=cert_no]", &format!("{ZENG_ID}42")).await;
    app.click("#assistance-submit").await;
    let row = app.row_text("#assistance-table", "残疾证").await;
    assert!(row.contains("肢体残疾") && row.contains("二级") && !row.contains(ZENG_ID), "{row}");
    app.text_with("button[data-tab=assistance]", "救助与残疾（2）").await;
    let kinds = app.find("#person-kinds").await.text().await.unwrap();
    assert!(kinds.contains("困难") && kinds.contains("残疾") && !kinds.contains("无记录"), "{kinds}");
    app.screenshot("17-assistance").await;
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly_assistance"), 2);
}
