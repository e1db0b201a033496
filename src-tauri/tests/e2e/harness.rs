//! Drives the real desktop app: tauri-driver (over WebKitWebDriver) starts
//! the built binary on a data folder of the test's own, and fantoccini talks
//! WebDriver to it. Run under Xvfb (`cargo xtask test` does).
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use street_ledger::accounts::NewAccount;
use street_ledger::office;
use street_ledger::store::Store;
use tempfile::TempDir;

const APP: &str = env!("CARGO_BIN_EXE_street-ledger-desktop");
const PATIENCE: Duration = Duration::from_secs(15);

pub struct App {
    pub client: Client,
    driver: Child,
    data: Option<TempDir>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub const PASSWORD: &str = "mima1234";

/// A data folder with the office and its administrator (`admin`) set up, for
/// tests that start past the first-start page.
/// Where this run keeps sync keys (see `sync::keys`): never the user's own
/// config folder. The tests' own stores and the app (through
/// STREET_LEDGER_CONFIG_DIR) use the same folder.
pub fn config_dir() -> &'static Path {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("street-ledger-config");
    assert!(street_ledger::sync::keys::use_config_dir(&dir), "the key store was used before the run fixed it");
    street_ledger::sync::keys::config_dir()
}

pub fn office_dir() -> TempDir {
    config_dir();
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let admin = NewAccount {
        username: "admin".into(),
        display_name: "王主任".into(),
        password: PASSWORD.into(),
        ..Default::default()
    };
    office::setup_with_admin(&mut store, "和平街道", &["和平社区".into(), "建设社区".into()], &admin).unwrap();
    dir
}

pub fn store(dir: &Path) -> Store {
    config_dir();
    Store::open_dir(dir).unwrap()
}

impl App {
    pub async fn start(data: TempDir) -> App {
        App::start_env(data, &[]).await
    }

    /// Starts the app with more environment variables (as the test's).
    pub async fn start_env(data: TempDir, env: &[(&str, &str)]) -> App {
        let (port, native) = (free_port(), free_port());
        let driver = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .envs(env.iter().copied())
            .env("STREET_LEDGER_DATA_DIR", data.path())
            .env(street_ledger::sync::keys::CONFIG_DIR_ENV, config_dir())
            // Exports go into the test's own folder, never the real documents.
            .env("STREET_LEDGER_EXPORT_DIR", data.path().join("exports"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver not found: run `cargo xtask test`, which installs it");
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": APP }));
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::rustls()
                .unwrap()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() > Duration::from_secs(20) => panic!("no WebDriver session: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        App { client, driver, data: Some(data) }
    }

    /// Starts the app and logs in through the login page.
    pub async fn start_as(data: TempDir, username: &str, password: &str) -> App {
        let app = App::start(data).await;
        app.login(username, password).await;
        app
    }

    pub async fn login(&self, username: &str, password: &str) {
        self.type_into("#login-username", username).await;
        self.type_into("#login-password", password).await;
        self.click("#login-submit").await;
        self.find("#user-name").await;
    }

    pub async fn find(&self, css: &str) -> Element {
        match self.client.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => {
                // What the window showed instead, so that a rare failure says why.
                let shown = self.client.execute("return document.body.innerText.slice(0, 600)", vec![]).await;
                self.screenshot("failed-find").await;
                panic!("{css} did not appear: {e}\nthe window showed: {shown:?}")
            }
        }
    }

    pub async fn click(&self, css: &str) {
        self.when_usable(css, |el| async move { el.click().await.map(drop) }).await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.when_usable(css, |el| async move {
            el.clear().await?;
            el.send_keys(text).await
        })
        .await;
    }

    /// Does `act` on the element once it can be used: commands answer off
    /// the window's thread, so an element can be there but still hidden, or
    /// replaced by the page's next render, a moment after it appears.
    async fn when_usable<F, Fut>(&self, css: &str, act: F)
    where
        F: Fn(Element) -> Fut,
        Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
    {
        use fantoccini::error::{CmdError, ErrorStatus};
        let started = Instant::now();
        loop {
            let e = match act(self.find(css).await).await {
                Ok(()) => return,
                Err(e) => e,
            };
            let passing = matches!(
                &e,
                CmdError::Standard(w) if matches!(
                    w.error,
                    ErrorStatus::ElementNotInteractable
                        | ErrorStatus::StaleElementReference
                        | ErrorStatus::ElementClickIntercepted
                        // WebKitWebDriver's answer while the page reloads
                        // ("Could not parse script result"): seen once.
                        | ErrorStatus::UnknownError
                )
            );
            if !passing || started.elapsed() > PATIENCE {
                let shown = self.client.execute("return document.body.innerText.slice(0, 600)", vec![]).await;
                self.screenshot("failed-use").await;
                panic!("{css} could not be used: {e}\nthe window showed: {shown:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn select(&self, css: &str, label: &str) {
        self.find(css).await.select_by_label(label).await.unwrap();
    }

    pub async fn go(&self, hash: &str) {
        self.client.execute(&format!("location.hash = '{hash}'"), vec![]).await.unwrap();
    }

    /// Waits until the element's text contains `expected`, and returns it.
    pub async fn text_with(&self, css: &str, expected: &str) -> String {
        self.text_within(css, expected, PATIENCE).await
    }

    /// As [`App::text_with`], for what takes longer than most steps (a
    /// large file imported by a debug build on a loaded machine).
    pub async fn text_within(&self, css: &str, expected: &str, patience: Duration) -> String {
        let started = Instant::now();
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(expected) {
                return text;
            }
            if started.elapsed() > patience {
                panic!("{css} never showed “{expected}”; it shows “{text}”");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Texts of the rows of a table body, cells joined by " | ".
    pub async fn rows(&self, table_css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for tr in self.client.find_all(Locator::Css(&format!("{table_css} tbody tr"))).await.unwrap() {
            out.push(tr.text().await.unwrap().replace(['\n', '\t'], " | "));
        }
        out
    }

    /// Waits until an attribute of an element holds `expected` (read in the
    /// page, so a page drawn again meanwhile is no stale element): the sign
    /// that a page has been drawn anew after a save.
    pub async fn attr_with(&self, css: &str, name: &str, expected: &str) -> String {
        let read = "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;";
        let started = Instant::now();
        loop {
            let args = vec![serde_json::json!(css), serde_json::json!(name)];
            let v = self.client.execute(read, args).await.ok();
            let v = v.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            if v.contains(expected) {
                return v;
            }
            if started.elapsed() > PATIENCE {
                panic!("{css}'s {name} never held “{expected}”; it holds “{v}”");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// An attribute of an element ("placeholder"), or "" when it has none.
    pub async fn attr(&self, css: &str, name: &str) -> String {
        self.find(css).await.attr(name).await.unwrap().unwrap_or_default()
    }

    /// What an input holds now (its value property, not the attribute).
    pub async fn value(&self, css: &str) -> String {
        self.find(css).await.prop("value").await.unwrap().unwrap_or_default()
    }

    /// Waits for the row of a table whose text contains `text`, and returns it.
    pub async fn row_with(&self, table_css: &str, text: &str) -> Element {
        let started = Instant::now();
        loop {
            for tr in self.client.find_all(Locator::Css(&format!("{table_css} tbody tr"))).await.unwrap() {
                if tr.text().await.unwrap_or_default().contains(text) {
                    return tr;
                }
            }
            if started.elapsed() > PATIENCE {
                panic!("no row of {table_css} shows “{text}”");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the row of a table whose text contains `text` (it opens what
    /// the row is about).
    /// A table being redrawn meanwhile is read again.
    pub async fn click_row(&self, table_css: &str, text: &str) {
        let started = Instant::now();
        loop {
            for tr in self.client.find_all(Locator::Css(&format!("{table_css} tbody tr"))).await.unwrap_or_default() {
                if tr.text().await.is_ok_and(|t| t.contains(text)) {
                    if let Ok(td) = tr.find(Locator::Css("td")).await {
                        if td.click().await.is_ok() {
                            return;
                        }
                    }
                }
            }
            if started.elapsed() > PATIENCE {
                panic!("no row of {table_css} shows “{text}” to click");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for the row of a table whose text contains `text`, and returns
    /// that text; a table being redrawn meanwhile is read again.
    pub async fn row_text(&self, table_css: &str, text: &str) -> String {
        let started = Instant::now();
        loop {
            for tr in self.client.find_all(Locator::Css(&format!("{table_css} tbody tr"))).await.unwrap_or_default() {
                if let Ok(t) = tr.text().await {
                    if t.contains(text) {
                        return t;
                    }
                }
            }
            if started.elapsed() > PATIENCE {
                panic!("no row of {table_css} shows “{text}”");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fills a date field as its date picker would (the picker's typed
    /// order follows the system's locale): the value, then `input`/`change`.
    pub async fn set_date(&self, css: &str, date: &str) {
        self.find(css).await;
        let script = "const el = document.querySelector(arguments[0]); el.value = arguments[1];
             el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));";
        self.client.execute(script, vec![css.into(), date.into()]).await.unwrap();
    }

    /// Saves a PNG into STREET_LEDGER_SCREENSHOTS (set by `cargo xtask test`).
    ///
    /// WebKitGTK drawing without GPU compositing (as the app asks, see its
    /// `main`) takes a screenshot at the window's next repaint, and a page
    /// at rest (no caret blinking, nothing changing) never repaints: the
    /// page repaints one transparent pixel until the screenshot is taken.
    pub async fn screenshot(&self, name: &str) {
        const REPAINT: &str = "const px = document.body.appendChild(document.createElement('div'));
            px.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none';
            let on = false;
            window.__repaint = setInterval(() => { on = !on; px.style.background = on ? 'rgba(255,255,255,0)' : 'rgba(0,0,0,0)'; }, 20);
            window.__repaintPixel = px;";
        const REST: &str = "clearInterval(window.__repaint); window.__repaintPixel?.remove();";
        let Some(dir) = std::env::var_os("STREET_LEDGER_SCREENSHOTS").map(PathBuf::from) else { return };
        std::fs::create_dir_all(&dir).unwrap();
        self.client.execute(REPAINT, vec![]).await.unwrap();
        let png = self.client.screenshot().await.unwrap();
        self.client.execute(REST, vec![]).await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    pub fn data_path(&self) -> PathBuf {
        self.data.as_ref().expect("data folder").path().to_path_buf()
    }

    /// Closes the app and hands back its data folder, to check what it wrote.
    pub async fn stop(mut self) -> TempDir {
        let _ = self.client.clone().close().await;
        stop_driver(&mut self.driver);
        self.data.take().expect("data folder")
    }
}

impl Drop for App {
    fn drop(&mut self) {
        stop_driver(&mut self.driver);
    }
}

/// SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver too, which
/// would otherwise hold the test's output open and hang the run.
fn stop_driver(driver: &mut Child) {
    if let Ok(None) = driver.try_wait() {
        let _ = Command::new("kill").args(["-TERM", &driver.id().to_string()]).status();
        let _ = driver.wait();
    }
}
