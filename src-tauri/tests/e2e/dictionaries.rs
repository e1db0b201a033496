//! 字典管理: an administrator adds an option to one dictionary and retires
//! one of another; the registration forms follow at once, without logging
//! in again.
use crate::harness::{office_dir, App, PASSWORD};

/// The texts of the options a select or a set of checkboxes offers.
async fn offered(app: &App, css: &str) -> Vec<String> {
    app.find(css).await;
    let script = "return [...document.querySelectorAll(arguments[0])].map(e => e.value)";
    let values = app.client.execute(script, vec![css.into()]).await.unwrap();
    values.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn an_administrator_adds_and_retires_options_and_the_forms_follow() {
    let app = App::start_as(office_dir(), "admin", PASSWORD).await;
    // Before: 空巢 is offered, 高校毕业生 is not.
    app.go("#/roster/new").await;
    let living = offered(&app, "#elderly-form select[name=living_arrangement] option").await;
    assert!(living.contains(&"空巢".to_string()), "{living:?}");

    app.click("#nav a[data-nav=dictionaries]").await;
    let employment = "#dictionaries .dict-card[data-dict=employment_category]";
    let title = app.text_with(&format!("{employment} h2"), "就业困难人员类别").await;
    assert!(title.contains("11 项在用"), "{title}");
    let living_card = "#dictionaries .dict-card[data-dict=living_arrangement]";
    app.text_with(&format!("{living_card} h2"), "居住情况").await;

    // Empty and duplicate options are refused beside the field.
    app.click(&format!("{employment} .dict-add button")).await;
    app.text_with(&format!("{employment} .dict-add .field-error"), "选项").await;
    app.type_into(&format!("{employment} .dict-add input"), "残疾").await;
    app.click(&format!("{employment} .dict-add button")).await;
    app.text_with(&format!("{employment} .dict-add .field-error"), "已在字典中").await;

    app.type_into(&format!("{employment} .dict-add input"), "高校毕业生").await;
    app.click(&format!("{employment} .dict-add button")).await;
    app.text_with(&format!("{employment} h2"), "12 项在用").await;
    app.text_with(&format!("{employment} .dict-entries"), "高校毕业生").await;

    // 居住情况: 空巢 retired, shown struck through with 启用 beside it.
    app.click(&format!("{living_card} .dict-entry[data-label=空巢] button")).await;
    app.text_with(&format!("{living_card} h2"), "4 项在用，1 项停用").await;
    let retired = app.text_with(&format!("{living_card} .dict-entry.retired"), "空巢").await;
    assert!(retired.contains("已停用") && retired.contains("启用"), "{retired}");
    app.screenshot("60-dictionaries").await;

    // The forms, without logging in again.
    app.click("#nav a[data-nav=new]").await;
    let living = offered(&app, "#elderly-form select[name=living_arrangement] option").await;
    assert!(!living.contains(&"空巢".to_string()), "{living:?}");
    assert!(living.contains(&"独居".to_string()), "{living:?}");
    app.go("#/cases/new").await;
    let categories = offered(&app, "#case-form input[name=categories]").await;
    assert!(categories.contains(&"高校毕业生".to_string()), "{categories:?}");
    app.screenshot("61-case-form-new-category").await;

    // 启用 brings 空巢 back.
    app.click("#nav a[data-nav=dictionaries]").await;
    app.click(&format!("{living_card} .dict-entry[data-label=空巢] button")).await;
    app.text_with(&format!("{living_card} h2"), "5 项在用").await;
    app.go("#/roster/new").await;
    let living = offered(&app, "#elderly-form select[name=living_arrangement] option").await;
    assert!(living.contains(&"空巢".to_string()), "{living:?}");
    app.stop().await;
}
