//! `cargo xtask package` and `cargo xtask package-test`: the Debian package of the desktop
//! app, and a check that it installs, starts, and uninstalls keeping the user's data.
//! Slow and optional (tauri-cli alone takes about 15 minutes to install the first time):
//! neither `cargo xtask test` nor CI runs them.
//!
//! Debian package names must be lowercase ASCII, and Tauri derives the package name (and
//! the .deb's and desktop file's names) from `productName`, which is 街道民生台账 in
//! tauri.conf.json (right for the Windows installer and its Start menu entry). So the deb
//! build overrides `productName` with the ASCII package name through `--config`, and a
//! desktop-entry template puts the Chinese name back where people see it.

use crate::{
    deps,
    util::{self, cargo, step, Result},
};
use std::{
    env, fs,
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc::{self, Receiver, RecvTimeoutError},
    thread,
    time::{Duration, Instant},
};

/// Window title and the name shown in menus.
const PRODUCT: &str = "街道民生台账";
/// The Debian package, the binary in /usr/bin, the desktop file and the icons' name.
const DEB_NAME: &str = "street-ledger-desktop";
const BIN: &str = crate::DESKTOP;

/// The desktop entry (Handlebars, filled in by Tauri's bundler).
const DESKTOP_TEMPLATE: &str = "\
[Desktop Entry]
Type=Application
Name=街道民生台账
Name[zh_CN]=街道民生台账
GenericName=Street Ledger
{{#if comment}}
Comment={{comment}}
{{/if}}
Keywords=台账;民生;街道;为老服务;再就业;人民调解;
Exec={{exec}}
StartupWMClass={{exec}}
Icon={{icon}}
Categories={{categories}}
Terminal=false
";

/// The password of the test database's administrator (a throwaway folder under target/).
const TEST_PASSWORD: &str = "package-test-1234";

/// Set for the installed app: it then prints `PROBE_LINE` once the UI has its first page
/// (login or first run) on screen (src-tauri/src/commands/probe.rs, called from ui/js/app.js).
const PROBE_VAR: &str = "STREET_LEDGER_STARTUP_PROBE";
const PROBE_LINE: &str = "startup: login page shown";

pub struct Built {
    pub deb: PathBuf,
    pub binary: PathBuf,
}

/// `cargo xtask package`: build the .deb and check what it carries.
pub fn package() -> Result<Built> {
    deps::ensure(&[deps::BUILD])?;
    let path = util::path_with(util::cargo_bin_dir());
    ensure_tauri_cli(&path)?;

    let target = util::target_dir()?;
    let work = target.join("package");
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let template = work.join(format!("{DEB_NAME}.desktop.hbs"));
    write(&template, DESKTOP_TEMPLATE)?;
    let config = work.join("deb.conf.json");
    write(&config, &deb_config(&template))?;

    let mut build = Command::new(util::cargo_program());
    build
        .args(["tauri", "build", "--bundles", "deb", "--config"])
        .arg(&config)
        .current_dir(util::root().join("src-tauri"))
        .env("PATH", &path);
    step("cargo tauri build --bundles deb (release build, then the .deb)", &mut build)?;

    let deb = newest_deb(&target.join("release/bundle/deb"))?;
    let binary = target.join("release").join(format!("{BIN}{}", env::consts::EXE_SUFFIX));
    verify_deb(&deb, &work)?;

    println!("\n==> package built");
    println!("    .deb:           {}", deb.display());
    println!("    .deb size:      {}", size_of(&deb));
    println!("    release binary: {} ({})", binary.display(), size_of(&binary));
    Ok(Built { deb, binary })
}

fn ensure_tauri_cli(path: &std::ffi::OsStr) -> Result {
    let version = util::which_in("cargo-tauri", path).and_then(|bin| {
        let out = Command::new(bin).arg("--version").stderr(Stdio::null()).output().ok()?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    });
    match version {
        Some(v) if is_cli_v2(&v) => {
            println!("==> {v}: installed");
            return Ok(());
        }
        Some(v) => println!("==> found `{v}`, but Tauri v2 needs tauri-cli 2: replacing it"),
        None => println!("==> tauri-cli is not installed (cargo install, into ~/.cargo/bin)"),
    }
    println!("    this takes about 15 minutes the first time (some 600 crates to compile)");
    // ^2: the newest on crates.io are pre-releases of the next major version.
    step(
        "cargo install tauri-cli --version ^2 --locked",
        cargo().args(["install", "tauri-cli", "--version", "^2", "--locked", "--force"]),
    )
    .map(drop)
}

fn is_cli_v2(version_line: &str) -> bool {
    version_line.strip_prefix("tauri-cli ").is_some_and(|v| v.starts_with("2."))
}

/// What `--config` merges over tauri.conf.json for the deb build.
fn deb_config(template: &Path) -> String {
    format!(
        r#"{{"productName": "{}", "bundle": {{"linux": {{"deb": {{"desktopTemplate": "{}"}}}}}}}}"#,
        json_escape(DEB_NAME),
        json_escape(&template.to_string_lossy())
    )
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Newest `street-ledger-desktop_*.deb` (older versions may still lie there).
fn newest_deb(dir: &Path) -> Result<PathBuf> {
    let entries = fs::read_dir(dir).map_err(|e| format!("no .deb folder {}: {e}", dir.display()))?;
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(&format!("{DEB_NAME}_")) && name.ends_with(".deb")
        })
        .max_by_key(|p| fs::metadata(p).and_then(|m| m.modified()).ok())
        .ok_or_else(|| format!("no {DEB_NAME}_*.deb in {}", dir.display()))
}

/// Reads the package back: name, version, binary, desktop entry, icons.
fn verify_deb(deb: &Path, work: &Path) -> Result {
    println!("\n==> checking {}", deb.display());
    if util::which("dpkg-deb").is_none() {
        println!("    (no dpkg-deb here: not checked)");
        return Ok(());
    }
    let field = |name: &str| -> Result<String> {
        let out = Command::new("dpkg-deb").arg("-f").arg(deb).arg(name).output();
        let out = out.map_err(|e| format!("cannot run dpkg-deb: {e}"))?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    for name in ["Package", "Version", "Architecture", "Section", "Depends", "Recommends", "Installed-Size"] {
        println!("    {name}: {}", field(name)?);
    }
    println!("    Description: {}", field("Description")?.lines().next().unwrap_or(""));
    check(field("Package")? == DEB_NAME, &format!("Package is {DEB_NAME}"))?;
    let want = conf_version()?;
    check(field("Version")? == want, &format!("Version is {want} (tauri.conf.json)"))?;
    check(field("Description")?.contains(PRODUCT), &format!("Description names {PRODUCT}"))?;

    let contents = work.join("deb-contents");
    let _ = fs::remove_dir_all(&contents);
    let mut x = Command::new("dpkg-deb");
    x.arg("-x").arg(deb).arg(&contents);
    let status = x.status().map_err(|e| format!("cannot run dpkg-deb -x: {e}"))?;
    check(status.success(), "dpkg-deb -x unpacks it")?;
    check(contents.join("usr/bin").join(BIN).is_file(), &format!("carries /usr/bin/{BIN}"))?;
    let desktop_file = contents.join(format!("usr/share/applications/{DEB_NAME}.desktop"));
    let desktop = fs::read_to_string(&desktop_file).unwrap_or_default();
    check(!desktop.is_empty(), &format!("carries /usr/share/applications/{DEB_NAME}.desktop"))?;
    for line in desktop.lines().filter(|l| !l.trim().is_empty()) {
        println!("      {line}");
    }
    check(desktop.lines().any(|l| l == format!("Name={PRODUCT}")), &format!("desktop entry Name={PRODUCT}"))?;
    check(desktop.lines().any(|l| l.starts_with("Categories=Office")), "desktop entry Categories=Office")?;
    check(desktop.lines().any(|l| l == format!("Icon={BIN}")), &format!("desktop entry Icon={BIN}"))?;
    let icons = contents.join("usr/share/icons/hicolor");
    let sizes: Vec<String> = fs::read_dir(&icons)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().join("apps").join(format!("{BIN}.png")).is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    check(!sizes.is_empty(), &format!("carries the icon ({})", sizes.join(", ")))?;
    Ok(())
}

/// `version` from tauri.conf.json (the only key of that name there).
fn conf_version() -> Result<String> {
    let file = util::root().join("src-tauri/tauri.conf.json");
    let text = fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    json_string_value(&text, "version").ok_or_else(|| format!("no \"version\" in {}", file.display()))
}

/// The first `"key": "value"` in a JSON text (plain values only).
fn json_string_value(json: &str, key: &str) -> Option<String> {
    let at = json.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = json[at..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// `cargo xtask package-test`: install the .deb, start the installed app on a prepared
/// database under Xvfb (screenshot, cold start), uninstall, check the data is still there.
pub fn package_test() -> Result {
    let built = package()?;
    deps::ensure(&[deps::TEST])?;
    if !cfg!(target_os = "linux") || util::which("dpkg").is_none() {
        return Err("package-test needs a Debian-like Linux (dpkg)".into());
    }
    step(
        "cargo build --release -p street-ledger (the CLI, to prepare a database)",
        cargo().args(["build", "--release", "-p", "street-ledger", "--bin", "street-ledger"]),
    )?;
    let target = util::target_dir()?;
    let cli = target.join("release/street-ledger");
    let out = target.join("package-test");
    let _ = fs::remove_dir_all(&out);
    let data = out.join("data");
    fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    step(
        "street-ledger init --office 测试街道 --communities 和平社区 (prepared database)",
        Command::new(&cli)
            .args(["init", "--office", "测试街道", "--communities", "和平社区"])
            .env("STREET_LEDGER_DATA_DIR", &data)
            .env("STREET_LEDGER_PASSWORD", TEST_PASSWORD),
    )?;
    let db = data.join("street-ledger.db");
    check(db.is_file(), &format!("{} exists", db.display()))?;

    install(&built.deb)?;
    // Whatever happens while installed, the package is removed again.
    let tried = installed_checks_and_run(&data, &out);
    let removed = step(&format!("dpkg -r {DEB_NAME}"), root_cmd("dpkg")?.args(["-r", DEB_NAME]));
    let starts = tried?;
    removed?;

    println!("\n==> after removal");
    check(!is_installed(DEB_NAME), &format!("{DEB_NAME} is no longer installed"))?;
    check(!starts.installed_bin.exists(), &format!("{} is gone", starts.installed_bin.display()))?;
    check(db.is_file(), &format!("the user's data is kept: {}", db.display()))?;

    println!("\n==> package-test passed");
    println!("    .deb:            {} ({})", built.deb.display(), size_of(&built.deb));
    println!("    release binary:  {} ({})", built.binary.display(), size_of(&built.binary));
    let each: Vec<String> = starts.cold_ms.iter().map(|ms| format!("{ms} ms")).collect();
    let (min, median, max) = spread(&starts.cold_ms);
    println!("    start to login page: min {min} ms, median {median} ms, max {max} ms");
    println!("                     (each start: {}; the first is the first after install)", each.join(", "));
    println!("    screenshot:      {}", starts.screenshot.display());
    Ok(())
}

struct Starts {
    installed_bin: PathBuf,
    cold_ms: Vec<u128>,
    screenshot: PathBuf,
}

fn install(deb: &Path) -> Result {
    if step(&format!("dpkg -i {}", deb.display()), root_cmd("dpkg")?.arg("-i").arg(deb)).is_err() {
        println!("    dpkg -i failed (missing dependencies?): letting apt-get fix it");
        step(
            "apt-get -f install",
            root_cmd("apt-get")?.env("DEBIAN_FRONTEND", "noninteractive").args([
                "-o",
                "DPkg::Lock::Timeout=600",
                "-y",
                "-f",
                "install",
            ]),
        )?;
    }
    check(is_installed(DEB_NAME), &format!("{DEB_NAME} is installed"))
}

fn installed_checks_and_run(data: &Path, out: &Path) -> Result<Starts> {
    println!("\n==> dpkg -L {DEB_NAME}");
    let listing = Command::new("dpkg").args(["-L", DEB_NAME]).output();
    let listing = listing.map_err(|e| format!("cannot run dpkg -L: {e}"))?;
    let files: Vec<PathBuf> = String::from_utf8_lossy(&listing.stdout).lines().map(PathBuf::from).collect();
    let find = |suffix: &str| files.iter().find(|p| p.to_string_lossy().ends_with(suffix) && p.is_file()).cloned();
    let bin = find(&format!("/bin/{BIN}")).ok_or(format!("dpkg -L lists no installed /usr/bin/{BIN}"))?;
    println!("    ok: binary {}", bin.display());
    let desktop = find(&format!("/applications/{DEB_NAME}.desktop"))
        .ok_or(format!("dpkg -L lists no installed {DEB_NAME}.desktop"))?;
    println!("    ok: desktop entry {}", desktop.display());
    let icons = files.iter().filter(|p| p.to_string_lossy().contains("/icons/") && p.is_file()).count();
    check(icons > 0, &format!("{icons} icon files installed"))?;

    let screenshot = out.join("installed-app.png");
    let result = out.join("cold-start-ms.txt");
    // The app and import must share one X display: xtask runs itself under xvfb-run.
    let me = env::current_exe().map_err(|e| format!("cannot find xtask's own binary: {e}"))?;
    let mut run = Command::new("xvfb-run");
    run.args(["-a", "-s", "-screen 0 1366x768x24"]).arg(me).arg(RUN_INSTALLED).args([&bin, data, &screenshot, &result]);
    step(
        &format!("start the installed {} under Xvfb (STREET_LEDGER_DATA_DIR={})", bin.display(), data.display()),
        &mut run,
    )?;
    let text = fs::read_to_string(&result).map_err(|e| format!("no {}: {e}", result.display()))?;
    let cold_ms: Vec<u128> = text.split_whitespace().filter_map(|s| s.parse().ok()).collect();
    if cold_ms.is_empty() {
        return Err(format!("no start times in {}", result.display()));
    }
    Ok(Starts { installed_bin: bin, cold_ms, screenshot })
}

/// The hidden subcommand run inside xvfb-run.
pub const RUN_INSTALLED: &str = "__package-run-installed";

/// Inside Xvfb: start the app with the start-up probe on, time spawn to its login page
/// (the UI's `ui_ready`), screenshot it 2 s later, stop it; then two more starts for the
/// timing alone.
pub fn run_installed(args: &[std::ffi::OsString]) -> Result {
    let [bin, data, screenshot, result] = args else {
        return Err(format!("{RUN_INSTALLED} takes BIN DATA_DIR SCREENSHOT RESULT"));
    };
    let log_path = Path::new(screenshot).with_file_name("installed-app.log");
    let log = fs::File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let mut times = Vec::new();
    for round in 1..=3 {
        let t0 = Instant::now();
        let mut app = Command::new(bin)
            .env("STREET_LEDGER_DATA_DIR", data)
            .env(PROBE_VAR, "1")
            .stdout(Stdio::piped())
            .stderr(log.try_clone().map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", Path::new(bin).display()))?;
        let shown = watch_stdout(&mut app, t0, log.try_clone().map_err(|e| e.to_string())?);
        let ms = match wait_for_login_page(&mut app, &shown, Duration::from_secs(30)) {
            Ok(d) => d.as_millis(),
            Err(e) => {
                stop(&mut app);
                return Err(format!("{e} (app output: {})", log_path.display()));
            }
        };
        println!("    start {round}: login page on screen {ms} ms after spawn");
        times.push(ms);
        if round == 1 {
            println!("    waiting 2 s before the screenshot");
            thread::sleep(Duration::from_secs(2));
            let shot = Command::new("import").args(["-window", "root"]).arg(screenshot).status();
            let ok = shot.is_ok_and(|s| s.success());
            if let Some(code) = app.try_wait().ok().flatten() {
                return Err(format!("the app exited by itself ({code}); output: {}", log_path.display()));
            }
            stop(&mut app);
            check(ok, &format!("screenshot {}", Path::new(screenshot).display()))?;
        } else {
            // A moment for WebKit's helper processes to come up: killed mid-start they
            // complain about the display vanishing.
            thread::sleep(Duration::from_secs(1));
            stop(&mut app);
        }
    }
    let text: Vec<String> = times.iter().map(u128::to_string).collect();
    fs::write(result, text.join(" ") + "\n").map_err(|e| format!("cannot write {}: {e}", Path::new(result).display()))
}

/// Copies the app's stdout into the log. When `PROBE_LINE` comes, the time since `t0`
/// arrives on the returned channel (taken as the line is read, not when it is polled).
fn watch_stdout(app: &mut Child, t0: Instant, mut log: fs::File) -> Receiver<Duration> {
    let (tx, rx) = mpsc::channel();
    if let Some(out) = app.stdout.take() {
        thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if line.trim() == PROBE_LINE {
                    let _ = tx.send(t0.elapsed());
                }
                let _ = writeln!(log, "{line}");
            }
        });
    }
    rx
}

/// Waits for the app to say its first page is on screen (`PROBE_LINE`).
fn wait_for_login_page(app: &mut Child, shown: &Receiver<Duration>, timeout: Duration) -> Result<Duration> {
    let t0 = Instant::now();
    loop {
        match shown.recv_timeout(Duration::from_millis(20)) {
            Ok(took) => return Ok(took),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Err("the app closed its output before its login page".into()),
        }
        if let Some(status) = app.try_wait().map_err(|e| e.to_string())? {
            return Err(format!("the app exited before showing its login page ({status})"));
        }
        if t0.elapsed() > timeout {
            return Err(format!(
                "no \"{PROBE_LINE}\" from the app within {} s ({PROBE_VAR} set): is its UI stuck, \
                 or is this a build without the start-up probe?",
                timeout.as_secs()
            ));
        }
    }
}

/// Smallest, median and largest of the start times.
fn spread(ms: &[u128]) -> (u128, u128, u128) {
    let mut sorted = ms.to_vec();
    sorted.sort_unstable();
    let median = match sorted.len() {
        0 => 0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    };
    (sorted.first().copied().unwrap_or(0), median, sorted.last().copied().unwrap_or(0))
}

/// SIGTERM, then SIGKILL if it lingers.
fn stop(app: &mut Child) {
    let _ = Command::new("kill").args(["-TERM", &app.id().to_string()]).status();
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(5) {
        if app.try_wait().ok().flatten().is_some() {
            return;
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = app.kill();
    let _ = app.wait();
}

/// `prog` as root: directly when we are root, else through `sudo -n`.
fn root_cmd(prog: &str) -> Result<Command> {
    let uid = Command::new("id").arg("-u").output();
    if uid.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0") {
        return Ok(Command::new(prog));
    }
    let sudo_ok = util::which("sudo").is_some()
        && Command::new("sudo")
            .args(["-n", "true"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if !sudo_ok {
        return Err(format!("{prog} needs root: run as root or with passwordless sudo"));
    }
    let mut c = Command::new("sudo");
    // sudo's env_reset would drop variables set on sudo itself.
    c.args(["-n", "env", "DEBIAN_FRONTEND=noninteractive", prog]);
    Ok(c)
}

fn is_installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f", "${Status}", pkg])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

fn check(ok: bool, what: &str) -> Result {
    if ok {
        println!("    ok: {what}");
        Ok(())
    } else {
        Err(format!("check failed: {what}"))
    }
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn size_of(path: &Path) -> String {
    match fs::metadata(path) {
        Ok(m) => fmt_size(m.len()),
        Err(e) => format!("size unknown: {e}"),
    }
}

fn fmt_size(bytes: u64) -> String {
    format!("{:.1} MiB, {bytes} bytes", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deb_config_is_json_with_ascii_name() {
        let c = deb_config(Path::new("/t/a \"b\"\\c.hbs"));
        assert_eq!(
            c,
            r#"{"productName": "street-ledger-desktop", "bundle": {"linux": {"deb": {"desktopTemplate": "/t/a \"b\"\\c.hbs"}}}}"#
        );
        assert!(DEB_NAME.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    }

    #[test]
    fn desktop_template_names_the_app_in_chinese() {
        assert!(DESKTOP_TEMPLATE.lines().any(|l| l == format!("Name={PRODUCT}")));
        for var in ["{{exec}}", "{{icon}}", "{{categories}}"] {
            assert!(DESKTOP_TEMPLATE.contains(var), "{var}");
        }
    }

    #[test]
    fn versions() {
        assert_eq!(json_string_value(r#"{"a": 1, "version":  "0.1.0" }"#, "version").as_deref(), Some("0.1.0"));
        assert_eq!(json_string_value(r#"{"version": 1}"#, "version"), None);
        assert!(is_cli_v2("tauri-cli 2.12.4"));
        assert!(!is_cli_v2("tauri-cli 1.6.0"));
        assert!(!is_cli_v2("tauri-cli 3.0.0-alpha.1"));
        assert_eq!(fmt_size(3 * 1024 * 1024), "3.0 MiB, 3145728 bytes");
    }

    #[test]
    fn start_times_spread() {
        assert_eq!(spread(&[420, 180, 250]), (180, 250, 420));
        assert_eq!(spread(&[300, 100, 200, 400]), (100, 250, 400));
        assert_eq!(spread(&[7]), (7, 7, 7));
    }
}
