//! System packages (Debian/Ubuntu names). Checked with dpkg-query first, so a machine
//! that has them all pays no apt-get update.

use crate::util::{step, which, Result};
use std::{
    io::IsTerminal,
    process::{Command, Stdio},
};

/// To build the Tauri app (WebKitGTK and friends) and the core (C compiler for SQLite;
/// libdbus for the Secret Service, where the office sync key is kept).
pub const BUILD: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libdbus-1-dev",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libsoup-3.0-dev",
];

/// For the end-to-end tests: a virtual screen, the WebDriver server for WebKitGTK, and
/// CJK fonts, without which Chinese renders as empty boxes in screenshots; poppler-utils
/// reads the saved PDFs (their text, and page one as a PNG). A private D-Bus session
/// with GNOME Keyring, and libsecret's secret-tool to read it, for the test of the sync
/// key in the Secret Service (tests/core/sync_key_os_store.rs).
pub const TEST: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "fonts-noto-cjk",
    "imagemagick",
    "xdotool",
    "poppler-utils",
    "dbus-daemon",
    "dbus-bin",
    "gnome-keyring",
    "libsecret-tools",
];

pub fn ensure(sets: &[&[&str]]) -> Result {
    let wanted = sets.concat();
    if !cfg!(target_os = "linux") {
        println!("==> system packages: skipped (not Linux)");
        return Ok(());
    }
    if which("dpkg-query").is_none() {
        println!("==> system packages: no dpkg-query, so not checked; expected (Debian names): {}", wanted.join(" "));
        return Ok(());
    }
    let total = wanted.len();
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        println!("==> system packages: all {total} installed");
        return Ok(());
    }
    let list = missing.join(" ");
    let install = ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends"];
    let manual = format!(
        "缺少系统软件包 / missing system packages: {list}\n\
         请以 root 运行 / run as root:\n    \
         apt-get update && DEBIAN_FRONTEND=noninteractive apt-get {} {list}",
        install.join(" ")
    );
    if which("apt-get").is_none() {
        return Err(format!("{manual}\n(no apt-get here: install their equivalents)"));
    }
    let sudo = privilege().ok_or_else(|| format!("{manual}\n(not root, and no usable sudo)"))?;
    step("apt-get update", &mut apt(&sudo, &["update"]))?;
    step(&format!("apt-get install {list}"), apt(&sudo, &install).args(&missing))?;

    let still: Vec<&str> = missing.into_iter().filter(|p| !installed(p)).collect();
    if !still.is_empty() {
        return Err(format!("still not installed after apt-get: {}", still.join(" ")));
    }
    Ok(())
}

fn installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f", "${Status}", pkg])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

/// The command prefix that gives root: none, `sudo -n`, or a prompting `sudo` only when
/// someone is there to type a password (never in CI, which has no stdin).
fn privilege() -> Option<Vec<&'static str>> {
    let uid = Command::new("id").arg("-u").output();
    if uid.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0") {
        return Some(vec![]);
    }
    which("sudo")?;
    let quiet = Command::new("sudo")
        .args(["-n", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if quiet {
        Some(vec!["sudo", "-n"])
    } else if std::io::stdin().is_terminal() {
        Some(vec!["sudo"])
    } else {
        None
    }
}

fn apt(sudo: &[&str], args: &[&str]) -> Command {
    let mut c = match sudo.split_first() {
        None => {
            let mut c = Command::new("apt-get");
            c.env("DEBIAN_FRONTEND", "noninteractive");
            c
        }
        Some((first, rest)) => {
            // sudo's env_reset would drop a variable set on sudo itself.
            let mut c = Command::new(first);
            c.args(rest).args(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
            c
        }
    };
    c.args(args);
    c
}
