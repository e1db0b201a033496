//! The print view (人民调解协议书 and the other A4 documents): the case as
//! its documents print it (full ID numbers where the role may see them), and
//! 另存为PDF, printed by the webview itself straight into a PDF file, with no
//! dialog, as the system's print dialog would print it (same print CSS).
//! Where the file goes, the export rule and the audit are the core's
//! (`street_ledger::print`); this only has the window print.
use std::time::Duration;

use serde::Serialize;
use street_ledger::access::Actor;
use street_ledger::export::{self, Target};
use street_ledger::mediation::{self, PrintDetail};
use street_ledger::print::{self, PrintError};
use street_ledger::{Error, ErrorPayload};
use tauri::{State, WebviewWindow};

use super::{with, with_store, Reply};
use crate::AppState;

/// A mediation case for its 受理登记表 and 协议书: the parties' full ID
/// numbers for roles that may see them (the core audits it), masked with a
/// note for the toolbar otherwise.
#[tauri::command(async)]
pub fn mediation_print_detail(state: State<AppState>, id: String) -> Reply<PrintDetail> {
    with(&state, |s, a| mediation::print_detail(s, a, &id))
}

#[derive(Serialize)]
pub struct Saved {
    path: String,
}

/// Prints what the window shows (the print view) to `<文档>/街道民生台账导出/<name>.pdf`
/// and answers once the file is complete; no unaudited copy of names and ID
/// numbers is left behind.
#[tauri::command]
pub async fn save_print_pdf(state: State<'_, AppState>, window: WebviewWindow, name: String) -> Reply<Saved> {
    let target = print::pdf_target(&state.data_dir, &name);
    let actor: Actor = with(&state, |s, a| print::prepare(s, &target).map(|()| a.clone()))?;
    print_to_pdf(&window, &target).await?;
    let path = target.path;
    let saved = with_store(&state, |s| print::record(s, &actor, &path, &name));
    if saved.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    saved.map(|()| Saved { path: path.display().to_string() })
}

fn failed(e: PrintError) -> ErrorPayload {
    Error::from(e).payload()
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

    let unusable = || failed(PrintError::Failed);
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
        _ => Err(failed(PrintError::Timeout)),
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
    Err(failed(PrintError::Unsupported))
}
