//! The error payload the desktop UI and the CLI receive: `{code, message}`,
//! plus `field` for invalid input, and nothing else.
use serde_json::json;
use street_ledger::elderly;
use street_ledger::store::StoreError;
use street_ledger::validate::invalid;
use street_ledger::Error;

use crate::support::{clerk, elder, new_office, today};

#[test]
fn an_error_other_than_invalid_input_serialises_to_code_and_message_only() {
    let payload = serde_json::to_value(Error::NotFound { what: "该老人" }.payload()).unwrap();
    assert_eq!(payload, json!({"code": "not_found", "message": "该老人不存在，可能已被删除，请刷新后重试"}));

    let stale = serde_json::to_value(Error::from(StoreError::Stale).payload()).unwrap();
    assert_eq!(
        stale,
        json!({"code": "store.stale", "message": "该记录刚被其他人修改过，您的修改未保存。请刷新后重新填写"})
    );

    let configured = serde_json::to_value(Error::AlreadyConfigured.payload()).unwrap();
    assert_eq!(configured["code"], "already_configured");
    assert_eq!(configured.as_object().unwrap().len(), 2);
}

#[test]
fn invalid_input_serialises_with_the_field_at_fault() {
    let payload = serde_json::to_value(Error::from(invalid("id_number", "身份证号校验位不对")).payload()).unwrap();
    assert_eq!(payload, json!({"code": "invalid_input", "message": "身份证号校验位不对", "field": "id_number"}));
}

#[test]
fn a_refused_registration_carries_the_field_to_the_ui() {
    let mut office = new_office();
    let input = elder("孙桂兰", "110105194912310021", &office.dongfeng.clone());
    let err = elderly::register(&mut office.store, &clerk(), &input, today()).unwrap_err();
    let payload = serde_json::to_value(err.payload()).unwrap();
    assert_eq!(
        payload,
        json!({"code": "invalid_input", "message": "身份证号校验位不对（按前17位应为X），请核对是否输错", "field": "id_number"})
    );
}

#[test]
fn export_refusals_have_stable_codes_and_name_the_file_and_what_to_do() {
    use street_ledger::export::ExportError;
    let f = "D:\\报表\\老人花名册.xlsx".to_string();
    let cases = [
        (ExportError::Exists(f.clone()), "export.exists", "替换"),
        (ExportError::Database(f.clone()), "export.database", "请换一个"),
        (ExportError::Backup(f.clone()), "export.backup", "请换一个"),
        (ExportError::Folder(f.clone()), "export.folder", "文件名"),
        (ExportError::Write { path: f.clone(), why: "拒绝访问".into() }, "export.write", "换一个保存位置"),
    ];
    for (e, code, says) in cases {
        let payload = serde_json::to_value(Error::from(e).payload()).unwrap();
        assert_eq!(payload["code"], code);
        let message = payload["message"].as_str().unwrap();
        assert!(message.contains(&f) && message.contains(says), "{message}");
        assert_eq!(payload.as_object().unwrap().len(), 2);
    }
}

/// The codes the desktop shell answers with are the core's too, each with a
/// message that says what to do.
#[test]
fn the_shells_refusals_have_stable_codes_and_say_what_to_do() {
    use street_ledger::print::PrintError;
    use street_ledger::sync::SyncError;
    let cases = [
        (Error::Restoring, "store.closed", "请稍候"),
        (SyncError::Failed.into(), "sync.failed", "下次会再试"),
        (PrintError::Folder("D:\\导出".into()).into(), "print.folder", "D:\\导出"),
        (PrintError::Failed.into(), "print.failed", "打印到文件"),
        (PrintError::Timeout.into(), "print.timeout", "重试"),
        (PrintError::Unsupported.into(), "print.unsupported", "Microsoft Print to PDF"),
    ];
    for (e, code, says) in cases {
        let payload = serde_json::to_value(e.payload()).unwrap();
        assert_eq!(payload["code"], code);
        assert!(payload["message"].as_str().unwrap().contains(says), "{payload}");
        assert_eq!(payload.as_object().unwrap().len(), 2);
    }
}
