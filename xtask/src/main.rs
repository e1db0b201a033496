//! `cargo xtask <command>`: the one entry point for running and testing Street Ledger,
//! so a fresh machine, a developer and CI all go through the same steps.

mod bench;
mod deps;
mod package;
mod util;

use std::{
    env,
    ffi::OsString,
    process::{Command, ExitCode},
    time::Duration,
};
use util::{cargo, step, Result};

const DESKTOP: &str = "street-ledger-desktop";

const USAGE: &str = "\
usage: cargo xtask <command>
  run [--data-dir DIR] [--release]   build and start the desktop app
  test                               system packages, tauri-driver, then every test suite
  bench [--persons N] [--markdown FILE]
                                     time the release CLI on a demo street (100,000 persons):
                                     demo, backup, check, roster export, join, import, sync;
                                     print the table (and write it to FILE)
  bench criterion [ARGS...]          cargo bench -p street-ledger ARGS... (search/roster p95)
  bench ui                           keystroke to drawn list in the release app on the 100,000-person
                                     street (30 roster searches under Xvfb; p50/p95)
  deps [build|test]                  only install the system packages (default: test = all)
  package                            build the .deb (installs tauri-cli first: ~15 min once)
  package-test                       package, then install it, start it under Xvfb, remove it
";

fn main() -> ExitCode {
    let args: Vec<OsString> = env::args_os().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().and_then(|a| a.to_str()) {
        Some("run") => parse_run_args(rest).and_then(run),
        Some("test") if rest.is_empty() => test(),
        Some("test") => Err(format!("test takes no arguments\n{USAGE}")),
        Some("bench") => match rest.first().and_then(|a| a.to_str()) {
            Some("criterion") => criterion(&rest[1..]),
            Some("ui") if rest.len() == 1 => ui_bench(),
            _ => bench::parse_args(rest).map_err(|e| format!("{e}\n{USAGE}")).and_then(bench::street),
        },
        Some("deps") => match rest.iter().map(|a| a.to_str()).collect::<Vec<_>>()[..] {
            [] | [Some("test")] => deps::ensure(&[deps::BUILD, deps::TEST]),
            [Some("build")] => deps::ensure(&[deps::BUILD]),
            _ => Err(format!("deps takes `build` or `test`\n{USAGE}")),
        },
        // Slow and optional: not part of `test` nor of CI.
        Some("package") if rest.is_empty() => package::package().map(drop),
        Some("package-test") if rest.is_empty() => package::package_test(),
        Some("package" | "package-test") => Err(format!("package and package-test take no arguments\n{USAGE}")),
        Some(package::RUN_INSTALLED) => package::run_installed(rest),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, Default, PartialEq)]
struct RunArgs {
    data_dir: Option<OsString>,
    release: bool,
}

fn parse_run_args(args: &[OsString]) -> Result<RunArgs> {
    let mut out = RunArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let s = arg.to_string_lossy();
        if s == "--release" {
            out.release = true;
        } else if s == "--data-dir" {
            out.data_dir = Some(it.next().ok_or("--data-dir needs a folder")?.clone());
        } else if let Some(dir) = s.strip_prefix("--data-dir=") {
            out.data_dir = Some(dir.into());
        } else {
            return Err(format!("run: unexpected argument `{s}`\n{USAGE}"));
        }
    }
    Ok(out)
}

fn run(args: RunArgs) -> Result {
    // Checked before the build: a 3-minute build that cannot show a window helps nobody.
    let needs_display = cfg!(all(unix, not(target_os = "macos")));
    let has = |v| env::var_os(v).is_some_and(|s| !s.is_empty());
    if needs_display && !has("DISPLAY") && !has("WAYLAND_DISPLAY") {
        return Err("需要图形桌面会话才能运行（未设置 DISPLAY 或 WAYLAND_DISPLAY）。\n\
             A desktop session is needed to run the app (neither DISPLAY nor WAYLAND_DISPLAY is set).\n\
             没有桌面时可用虚拟屏幕 / Without one, use a virtual screen:\n    \
             xvfb-run -a cargo xtask run"
            .into());
    }
    deps::ensure(&[deps::BUILD])?;
    let profile = if args.release { "release" } else { "debug" };
    let mut build = cargo();
    build.args(["build", "-p", DESKTOP]);
    if args.release {
        build.arg("--release");
    }
    step(&format!("cargo build -p {DESKTOP} ({profile})"), &mut build)?;

    let bin = util::target_dir()?.join(profile).join(format!("{DESKTOP}{}", env::consts::EXE_SUFFIX));
    // The app runs in the caller's folder, so a relative --data-dir means what the caller meant.
    let mut app = Command::new(&bin);
    if let Some(dir) = &args.data_dir {
        app.arg("--data-dir").arg(dir);
    }
    println!("==> {}", bin.display());
    let status = app.status().map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    if !status.success() {
        std::process::exit(status.code().unwrap_or(1));
    }
    Ok(())
}

/// The packages and tauri-driver the desktop tests need; the PATH that
/// finds tauri-driver.
fn desktop_test_setup() -> Result<OsString> {
    deps::ensure(&[deps::BUILD, deps::TEST])?;
    // tauri-driver lands in ~/.cargo/bin, which a CI shell or sudo may not have on PATH.
    let path = util::path_with(util::cargo_bin_dir());
    if util::which_in("tauri-driver", &path).is_none() {
        step(
            "cargo install tauri-driver",
            // ^2: the newest on crates.io may be pre-releases of a next major version.
            cargo().args(["install", "tauri-driver", "--version", "^2", "--locked"]),
        )?;
    }
    Ok(path)
}

/// `cargo <args>` under Xvfb at the office screen's size (or the current
/// display where there is no xvfb-run).
fn under_xvfb(args: &[&str]) -> Command {
    if util::which("xvfb-run").is_some() {
        let mut c = Command::new("xvfb-run");
        c.args(["-a", "-s", "-screen 0 1366x768x24"]).arg(util::cargo_program()).args(args);
        c.current_dir(util::root());
        c
    } else {
        println!("    (no xvfb-run: the end-to-end tests use the current display)");
        let mut c = cargo();
        c.args(args);
        c
    }
}

/// Keystroke to drawn list: the e2e bench (src-tauri/tests/e2e/latency.rs)
/// on a release build; it prints p50/p95 and writes target/ui-latency.txt.
fn ui_bench() -> Result {
    let path = desktop_test_setup()?;
    let args = [
        "test",
        "--release",
        "-p",
        DESKTOP,
        "--test",
        "e2e",
        "latency",
        "--",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ];
    let mut bench = under_xvfb(&args);
    bench.env("PATH", &path);
    step("keystroke to drawn list (release app, 100,000 persons, Xvfb)", &mut bench).map(drop)
}

fn test() -> Result {
    let path = desktop_test_setup()?;
    let target = util::target_dir()?;
    warn_if_short_of_disk(&target);
    let shots = target.join("e2e-screenshots");

    let mut times: Vec<(String, Duration)> = Vec::new();
    let mut timed = |title: &str, cmd: &mut Command| -> Result {
        times.push((title.to_string(), step(title, cmd)?));
        Ok(())
    };
    // At the root, plain `cargo test` is the core only (default-members), no Tauri build.
    timed("cargo test (core)", cargo().arg("test"))?;
    timed("cargo test -p xtask", cargo().args(["test", "-p", "xtask"]))?;

    let mut e2e = under_xvfb(&["test", "-p", DESKTOP, "--", "--test-threads=1"]);
    e2e.env("PATH", &path).env("STREET_LEDGER_SCREENSHOTS", &shots);
    timed("cargo test -p street-ledger-desktop (end-to-end, Xvfb)", &mut e2e)?;

    println!("\n==> all tests passed");
    for (title, t) in &times {
        println!("    {:<58} {}", title, util::fmt_duration(*t));
    }
    println!("    screenshots: {}", shots.display());
    Ok(())
}

/// What a clean `cargo xtask test` leaves in the target folder, with room
/// to spare: a build that runs out of disk fails in the middle of a link
/// with an error that does not say so plainly.
const TEST_BUILD_BYTES: u64 = 3 << 30;

fn warn_if_short_of_disk(target: &std::path::Path) {
    let dir = target.ancestors().find(|d| d.exists()).unwrap_or(target);
    if let Some(free) = util::free_bytes(dir).filter(|f| *f < TEST_BUILD_BYTES) {
        println!(
            "    warning: {:.1} GB free on the disk of {}; a clean build and test writes about 2 GB there, and may run out",
            free as f64 / (1u64 << 30) as f64,
            target.display()
        );
    }
}

fn criterion(extra: &[OsString]) -> Result {
    step("cargo bench -p street-ledger", cargo().args(["bench", "-p", "street-ledger"]).args(extra)).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_space_is_read_from_dfs_available_column() {
        let df =
            "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda 263174212 91226440 4194304 96% /\n";
        assert_eq!(util::parse_df_free_kb(df), Some(4_194_304));
        assert_eq!(util::parse_df_free_kb("Filesystem\n"), None);
    }

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn run_args() {
        assert_eq!(parse_run_args(&[]).unwrap(), RunArgs::default());
        let a = parse_run_args(&os(&["--release", "--data-dir", "/tmp/台账"])).unwrap();
        assert_eq!(a, RunArgs { data_dir: Some("/tmp/台账".into()), release: true });
        let a = parse_run_args(&os(&["--data-dir=d"])).unwrap();
        assert_eq!(a.data_dir, Some("d".into()));
        assert!(parse_run_args(&os(&["--data-dir"])).is_err());
        assert!(parse_run_args(&os(&["--bogus"])).is_err());
    }
}
