//! The print view (人民调解协议书 and the other A4 documents): the case as
//! its documents print it (full ID numbers where the role may see them), and
//! 另存为PDF, printed by the webview itself straight into a PDF file, with no
//! dialog, as the system's print dialog would print it (same print CSS). Like
//! every command: the session, one call, the error as `{code, message}`.
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use street_ledger::access::Actor;
use street_ledger::accounts::AuthError;
use street_ledger::audit::{self, Action};
use street_ledger::export::{self, Target};
use street_ledger::mediation::{self, PrintDetail};
use street_ledger::{Error, ErrorPayload};
use tauri::{State, WebviewWindow};

use crate::AppState;

type Reply<T> = Result<T, ErrorPayload>;

/// A mediation case for its 受理登记表 and 协议书: the parties' full ID
/// numbers for roles that may see them (the core audits it), masked with a
/// note for the toolbar otherwise.
#[tauri::command(async)]
pub fn mediation_print_detail(state: State<AppState>, id: String) -> Reply<PrintDetail> {
    crate::commands::with(&state, |s, a| mediation::print_detail(s, a, &id))
}

#[derive(Serialize)]
pub struct Saved {
    path: String,
}

/// Prints what the window shows (the print view) to `<文档>/街道民生台账导出/<name>.pdf`
/// and answers once the file is complete. The file holds names and ID
/// numbers, so it is audited like any export. An earlier file of the same
/// name is kept and the new one numbered (the core's `export::fresh`); the
/// path passes the core's export rule like every export.
#[tauri::command]
pub async fn save_print_pdf(state: State<'_, AppState>, window: WebviewWindow, name: String) -> Reply<Saved> {
    let actor = actor(&state)?;
    let target = Target::new(export::fresh(&export::folder(&state.data_dir), &file_stem(&name), "pdf"), false);
    checked(&state, &target)?;
    let path = target.path.clone();
    print_to_pdf(&window, &target).await?;
    // No unaudited copy of names and ID numbers is left behind.
    audited(&state, &actor, &path, &name).inspect_err(|_| {
        let _ = std::fs::remove_file(&path);
    })
}

/// The core's export rule on the target, and its folder made.
fn checked(state: &AppState, target: &Target) -> Reply<()> {
    let guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    let store = guard.as_ref().map_err(|e| e.clone())?;
    export::check(store, target)?;
    let dir = target.path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|_| failed("print.folder", format!("无法创建文件夹 {}，请检查磁盘空间和权限", dir.display())))
}

fn actor(state: &AppState) -> Reply<Actor> {
    let guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    let store = guard.as_ref().map_err(|e| e.clone())?;
    match state.session.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
        Some(session) => session.active(store).map_err(ErrorPayload::from),
        None => Err(Error::Auth(AuthError::NotLoggedIn).payload()),
    }
}

fn audited(state: &AppState, actor: &Actor, path: &Path, name: &str) -> Reply<Saved> {
    let guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    let store = guard.as_ref().map_err(|e| e.clone())?;
    audit::record(store, &actor.user, Action::Export, &path.display().to_string(), &format!("{name}，另存为PDF"))?;
    Ok(Saved { path: path.display().to_string() })
}

fn failed(code: &str, message: impl Into<String>) -> ErrorPayload {
    ErrorPayload { code: code.into(), message: message.into(), field: None }
}

/// A name every file system takes: no separators or characters Windows
/// refuses, no trailing dots or spaces, not too long for a path.
fn file_stem(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || r#"\/:*?"<>|"#.contains(c) { '_' } else { c }).take(80).collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        "打印文档".into()
    } else {
        cleaned.into()
    }
}

/// How long a print may take before the user is told; a few A4 pages take
/// a second or two.
const PATIENCE: Duration = Duration::from_secs(120);

/// WebKitGTK's print operation with GTK's file printer: A4, the margins of
/// print.css's `@page`, PDF. It runs on the main thread (`with_webview`);
/// this waits for its `finished` (or `failed`) on a thread of its own. It
/// prints into a temporary file moved into place at the end (the core's
/// `export::place`, which never replaces a file), so a file under the name
/// given is always complete.
#[cfg(target_os = "linux")]
async fn print_to_pdf(window: &WebviewWindow, target: &Target) -> Reply<()> {
    use gtk::glib;
    use webkit2gtk::PrintOperationExt;

    let unusable = || failed("print.failed", "无法保存PDF，请点击“打印”，在打印对话框中选择“打印到文件”保存");
    let part = export::temporary(&target.path);
    let uri = glib::filename_to_uri(&part, None).map_err(|_| unusable())?.to_string();
    let (tx, rx) = std::sync::mpsc::channel::<Result<(), String>>();
    window
        .with_webview(move |webview| {
            let op = webkit2gtk::PrintOperation::new(&webview.inner());
            let settings = gtk::PrintSettings::new();
            // GTK names its file printer in the user's language (打印到文件).
            settings.set_printer(&glib::dgettext(Some("gtk30"), "Print to File"));
            settings.set(gtk::PRINT_SETTINGS_OUTPUT_FILE_FORMAT, Some("pdf"));
            settings.set(gtk::PRINT_SETTINGS_OUTPUT_URI, Some(&uri));
            let a4 = gtk::PaperSize::new(Some(gtk::PAPER_NAME_A4));
            settings.set_paper_size(&a4);
            let page = gtk::PageSetup::new();
            page.set_paper_size(&a4);
            page.set_orientation(gtk::PageOrientation::Portrait);
            page.set_top_margin(9.0, gtk::Unit::Mm);
            page.set_right_margin(20.0, gtk::Unit::Mm);
            page.set_bottom_margin(18.0, gtk::Unit::Mm);
            page.set_left_margin(20.0, gtk::Unit::Mm);
            op.set_print_settings(&settings);
            op.set_page_setup(&page);
            let on_failed = tx.clone();
            op.connect_failed(move |_, e| {
                let _ = on_failed.send(Err(e.to_string()));
            });
            // The operation lives until it has finished; `failed` comes first
            // when it fails, so the receiver sees the error.
            let keep = std::cell::RefCell::new(Some(op.clone()));
            op.connect_finished(move |_| {
                let _ = tx.send(Ok(()));
                keep.borrow_mut().take();
            });
            op.print();
        })
        .map_err(|_| unusable())?;
    let waited = tauri::async_runtime::spawn_blocking(move || rx.recv_timeout(PATIENCE)).await;
    let outcome = match waited {
        Ok(Ok(Ok(()))) => export::place(&part, target).map_err(ErrorPayload::from),
        Ok(Ok(Err(why))) => {
            eprintln!("另存为PDF失败：{why}");
            Err(unusable())
        }
        _ => Err(failed("print.timeout", "保存PDF超时，请关闭预览后重试，或点击“打印”在打印对话框中保存")),
    };
    if outcome.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    outcome
}

/// Elsewhere the system's print dialog saves the PDF (Windows: 另存为 PDF,
/// “Microsoft Print to PDF”).
#[cfg(not(target_os = "linux"))]
async fn print_to_pdf(_window: &WebviewWindow, _target: &Target) -> Reply<()> {
    Err(failed(
        "print.unsupported",
        "本机不能直接另存为PDF，请点击“打印”，在打印对话框中选择“另存为 PDF”或“Microsoft Print to PDF”",
    ))
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn a_case_number_makes_a_file_name_every_system_takes() {
        assert_eq!(file_stem("人民调解协议书-(2026)和平街人调字第1-3号"), "人民调解协议书-(2026)和平街人调字第1-3号");
        assert_eq!(file_stem("协议书 a/b:c*?\"<>|\n. "), "协议书 a_b_c_______");
        assert_eq!(file_stem(" .. "), "打印文档");
    }
}
