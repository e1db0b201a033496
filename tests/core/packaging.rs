//! The Windows installer installs without internet: offices have none, so
//! it carries WebView2's offline installer instead of downloading it.
use serde_json::Value;

fn tauri_conf() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src-tauri/tauri.conf.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("tauri.conf.json")).expect("tauri.conf.json is JSON")
}

#[test]
fn the_windows_installer_embeds_webview2_and_downloads_nothing() {
    let conf = tauri_conf();
    let windows = &conf["bundle"]["windows"];
    assert!(conf["bundle"]["targets"].as_array().unwrap().iter().any(|t| t == "nsis"), "an NSIS installer is built");
    let mode = windows["webviewInstallMode"]["type"].as_str();
    // offlineInstaller embeds WebView2's installer; fixedRuntime a runtime.
    // Both install without internet; downloadBootstrapper, embedBootstrapper
    // (which downloads too) and skip do not.
    assert!(matches!(mode, Some("offlineInstaller" | "fixedRuntime")), "webviewInstallMode is {mode:?}");
    let text = serde_json::to_string(&conf).unwrap();
    assert!(!text.contains("Bootstrapper"), "nothing in the configuration downloads WebView2");
}
