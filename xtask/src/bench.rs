//! `cargo xtask bench`: the figures issue 18 sets targets for, each a whole
//! process of the release `street-ledger` CLI timed on fresh folders, with its
//! peak memory. One command, so the README's figures can be made again.
use std::{
    env,
    ffi::OsString,
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use crate::util::{self, cargo, step, Result};

const DB_FILE: &str = "street-ledger.db";
const OFFICE: &str = "示例街道";
const COMMUNITIES: [&str; 3] = ["东风社区", "西城社区", "南山社区"];
/// The bench's own office and sync passphrases: throwaway folders, never real data.
const PASSWORD: &str = "bench-2026-pass";
const SYNC_KEY: &str = "示例街道同步密钥2026";

#[derive(Debug, PartialEq)]
pub struct Args {
    persons: usize,
    markdown: Option<PathBuf>,
    /// Keep the scratch folders (to profile one step again by hand).
    keep: bool,
}

pub fn parse_args(args: &[OsString]) -> Result<Args> {
    let mut out = Args { persons: 100_000, markdown: None, keep: false };
    let mut it = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = it.next() {
        match &*arg {
            "--persons" => {
                let n = it.next().ok_or("--persons needs a number")?;
                out.persons = n.parse().ok().filter(|n| *n >= 100).ok_or("--persons: a number of at least 100")?;
            }
            "--keep" => out.keep = true,
            "--markdown" => out.markdown = Some(it.next().ok_or("--markdown needs a file")?.into_owned().into()),
            _ => {
                return Err(format!(
                    "bench: unexpected argument `{arg}` (criterion: `cargo xtask bench criterion {arg} ...`)"
                ))
            }
        }
    }
    Ok(out)
}

/// One row of the table.
struct Row {
    what: String,
    took: Option<Duration>,
    cpu: Option<Duration>,
    size: Option<u64>,
    peak_kb: Option<u64>,
    target: &'static str,
}

/// A CLI run and what it printed.
struct Measured {
    usage: Usage,
    stdout: String,
}

/// Removed when the run ends, however it ends (unless kept).
struct Scratch(PathBuf, bool);

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.1 {
            println!("kept {}", self.0.display());
        } else {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

pub fn street(args: Args) -> Result {
    step(
        "cargo build --release -p street-ledger --bin street-ledger",
        cargo().args(["build", "--release", "-p", "street-ledger", "--bin", "street-ledger"]),
    )?;
    let bin = util::target_dir()?.join("release").join(format!("street-ledger{}", env::consts::EXE_SUFFIX));
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let scratch =
        Scratch(env::temp_dir().join(format!("street-ledger-bench-{}-{nanos}", std::process::id())), args.keep);
    let root = &scratch.0;
    fs::create_dir_all(root.join("config")).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    let cli = Cli { bin, root: root.clone() };
    let n = args.persons;
    let mut rows = Vec::new();

    // The demo street: its database, one backup, check.
    let a = root.join("a");
    let m = cli.run("demo", &a, &["demo", "--seed", "5", "--persons", &n.to_string()], None)?;
    rows.push(Row::of(format!("`demo` at {n} persons (size: the database)"), &m, Some(db_size(&a)), "≤ 5 s, ≤ 150 MB"));
    let m = cli.run("backup", &a, &["backup"], None)?;
    rows.push(Row::of(
        "one backup (`backup`; size: the file)".into(),
        &m,
        newest_file_size(&a.join("backups")),
        "≤ 60 MB",
    ));
    let m = cli.run("check", &a, &["check"], None)?;
    rows.push(Row::of("`check` on the demo street".into(), &m, None, "≤ 4 s, ≤ 300 MB"));

    // A new PC joins the demo street from its snapshot.
    let snapshot = root.join("a.slsync");
    cli.run("snapshot (setup)", &a, &["sync", "snapshot", "-o", path_str(&snapshot)?], None)?;
    let m = cli.run("join", &root.join("b"), &["sync", "join", path_str(&snapshot)?], None)?;
    let joined = number_after(&m.stdout, "导入").unwrap_or(0);
    rows.push(Row::of(format!("a new PC joining the demo street ({joined} changes)"), &m, None, "≤ 8 s"));
    // Disk: the next office needs none of these.
    let _ = fs::remove_dir_all(&a);
    let _ = fs::remove_dir_all(root.join("b"));

    // A roster of `n` rows imported into an empty office, then exported.
    let x = root.join("x");
    let csv = root.join("roster.csv");
    let this_year = current_year();
    write_roster(&csv, n, this_year, false).map_err(|e| format!("cannot write {}: {e}", csv.display()))?;
    let communities = COMMUNITIES.join(",");
    cli.run("init (setup)", &x, &["init", "--office", OFFICE, "--communities", &communities], Some(PASSWORD))?;
    let m = cli.run("import", &x, &["--user", "admin", "import", "elderly", path_str(&csv)?], Some(PASSWORD))?;
    check_count(&m.stdout, "新增", n)?;
    rows.push(Row::of(format!("importing {n} rows (.csv) into an empty office"), &m, None, "≤ 5 s"));
    let xlsx = root.join("roster.xlsx");
    let period = (this_year - 1).to_string();
    let report = ["--user", "admin", "report", "elderly-roster", "--period", &period, "-o", path_str(&xlsx)?];
    let m = cli.run("roster export", &x, &report, Some(PASSWORD))?;
    rows.push(Row::of(
        format!("roster export (五类老人花名册 of those {n} rows; size: the .xlsx)"),
        &m,
        file_size(&xlsx),
        "no slower",
    ));

    // That office's PC Y joins and tells X what it holds; then X changes the
    // phone and health note of a quarter of the roster (n / 2 field changes,
    // like the sync bench's) and Y takes those changes in.
    let y = root.join("y");
    let snapshot = root.join("x.slsync");
    cli.run("snapshot (setup)", &x, &["sync", "snapshot", "-o", path_str(&snapshot)?], None)?;
    cli.run("join (setup)", &y, &["sync", "join", path_str(&snapshot)?], None)?;
    let from_y = root.join("y.slsync");
    cli.run("export (setup)", &y, &["sync", "export", "-o", path_str(&from_y)?], None)?;
    cli.run("import (setup)", &x, &["sync", "import", path_str(&from_y)?], None)?;
    let changed_rows = n / 4;
    write_roster(&csv, changed_rows, this_year, true).map_err(|e| format!("cannot write {}: {e}", csv.display()))?;
    let update = ["--user", "admin", "import", "elderly", "--existing", "update", path_str(&csv)?];
    let m = cli.run("changes on X (setup)", &x, &update, Some(PASSWORD))?;
    check_count(&m.stdout, "更新", changed_rows)?;
    let package = root.join("x-changes.slsync");
    cli.run("export (setup)", &x, &["sync", "export", "-o", path_str(&package)?], None)?;
    let m = cli.run("sync import", &y, &["sync", "import", path_str(&package)?], None)?;
    let received = number_after(&m.stdout, "新修改").unwrap_or(0);
    rows.push(Row::of(
        format!("taking in {received} synced changes (`sync import`; size: the package)"),
        &m,
        file_size(&package),
        "≤ 1.0 s",
    ));
    rows.push(Row {
        what: "search and roster p95: `cargo xtask bench criterion --bench roster`".into(),
        took: None,
        cpu: None,
        size: None,
        peak_kb: None,
        target: "≤ 2 ms",
    });

    let table = table(&rows);
    println!("\n==> street figures (release CLI, whole processes, {n} persons)\n\n{table}");
    if let Some(file) = &args.markdown {
        fs::write(file, &table).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        println!("written to {}", file.display());
    }
    Ok(())
}

impl Row {
    fn of(what: String, m: &Measured, size: Option<u64>, target: &'static str) -> Row {
        let u = &m.usage;
        Row { what, took: Some(u.took), cpu: u.cpu, size, peak_kb: u.peak_kb, target }
    }
}

struct Cli {
    bin: PathBuf,
    root: PathBuf,
}

impl Cli {
    /// Runs the CLI on `data_dir` with the bench's key store, sync key and
    /// (when given) password; fails on any exit but success.
    fn run(&self, title: &str, data_dir: &Path, args: &[&str], password: Option<&str>) -> Result<Measured> {
        let out_file = self.root.join("stdout.txt");
        let stdout = fs::File::create(&out_file).map_err(|e| format!("{}: {e}", out_file.display()))?;
        let mut cmd = Command::new(&self.bin);
        cmd.arg("--data-dir").arg(data_dir).args(args).stdin(Stdio::null()).stdout(stdout);
        cmd.env("STREET_LEDGER_CONFIG_DIR", self.root.join("config")).env("STREET_LEDGER_SYNC_KEY", SYNC_KEY);
        match password {
            Some(p) => cmd.env("STREET_LEDGER_PASSWORD", p),
            None => cmd.env_remove("STREET_LEDGER_PASSWORD"),
        };
        let usage = run_measured(&mut cmd).map_err(|e| format!("{title}: {e}"))?;
        let stdout = fs::read_to_string(&out_file).unwrap_or_default();
        let last = stdout.lines().last().unwrap_or("").to_string();
        println!("==> {title}: {} — {last}", fmt_secs(usage.took));
        if !usage.ok {
            return Err(format!("{title} failed: {stdout}"));
        }
        Ok(Measured { usage, stdout })
    }
}

/// A whole process, timed from start to exit.
struct Usage {
    took: Duration,
    /// User plus system time: on a shared machine, steadier than the wall time.
    cpu: Option<Duration>,
    peak_kb: Option<u64>,
    ok: bool,
}

/// Starts `cmd` and reaps it with `wait4`, whose resource usage is this
/// child's own CPU time and peak resident memory (std-only: libc is linked anyway).
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn run_measured(cmd: &mut Command) -> std::io::Result<Usage> {
    #[repr(C)]
    struct Rusage {
        times: [i64; 4], // ru_utime, ru_stime: seconds and microseconds each
        maxrss_kb: i64,
        rest: [i64; 13],
    }
    extern "C" {
        fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut Rusage) -> i32;
    }
    let start = Instant::now();
    let child = cmd.spawn()?;
    let mut status = 0;
    let mut usage = Rusage { times: [0; 4], maxrss_kb: 0, rest: [0; 13] };
    loop {
        // SAFETY: both pointers are to live locals of the types wait4 expects.
        let r = unsafe { wait4(child.id() as i32, &mut status, 0, &mut usage) };
        if r >= 0 {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    let took = start.elapsed();
    let [us, uu, ss, su] = usage.times.map(|t| t.max(0) as u64);
    let cpu = Duration::from_secs(us + ss) + Duration::from_micros(uu + su);
    let ok = status & 0x7f == 0 && (status >> 8) & 0xff == 0;
    Ok(Usage { took, cpu: Some(cpu), peak_kb: Some(usage.maxrss_kb as u64), ok })
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn run_measured(cmd: &mut Command) -> std::io::Result<Usage> {
    let start = Instant::now();
    let status = cmd.status()?;
    Ok(Usage { took: start.elapsed(), cpu: None, peak_kb: None, ok: status.success() })
}

/// A roster like an office keeps (the import bench's rows), ID numbers
/// valid and unique, registered over the sixteen years before `this_year` (as
/// in the report bench: a year's 新增 sheet is a small part of the roster).
/// `changed`: the same people, each with a new phone and a health note: two
/// field changes a row.
fn write_roster(path: &Path, rows: usize, this_year: i64, changed: bool) -> std::io::Result<()> {
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    let given = ["秀英", "桂兰", "建国", "玉兰", "国华", "淑珍", "德明", "凤英"];
    let (phone, health) = if changed { ("139", "血压偏高，已提醒复查") } else { ("138", "") };
    let mut out =
        String::from("示例街道老年人花名册\n序号,姓名,身份证号,所属社区,联系电话,老人类别,住址,健康状况,登记日期\n");
    for i in 0..rows {
        let area = ["110105", "110106", "110108"][i % 3];
        let j = i / 3; // within an area: born 1930–1965, any day up to the 28th, then a sequence
        let birth = format!("{}{:02}{:02}", 1930 + j % 36, 1 + j / 36 % 12, 1 + j / 432 % 28);
        let id = id_number(&format!("{area}{birth}{:03}", j / 12_096 % 1000));
        let name = format!("{}{}", surnames[i % 10], given[i / 10 % 8]);
        let category = ["独居", "困难", "", "残疾"][i % 4];
        let community = COMMUNITIES[i % 3];
        let registered = format!("{}-{:02}-{:02}", this_year - 16 + (i % 16) as i64, 1 + i / 16 % 12, 1 + i / 192 % 28);
        let _ = writeln!(
            out,
            "{},{name},{id},{community},{phone}{i:08},{category},和平路{}号,{health},{registered}",
            i + 1,
            i % 500
        );
    }
    fs::write(path, out)
}

/// The first 17 characters and the check character of GB 11643.
fn id_number(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

fn check_count(stdout: &str, marker: &str, want: usize) -> Result {
    match number_after(stdout, marker) {
        Some(n) if n == want => Ok(()),
        got => Err(format!("expected {marker}{want}, got {got:?}: {stdout}")),
    }
}

/// The number right after `marker` in the CLI's (Chinese) output.
fn number_after(text: &str, marker: &str) -> Option<usize> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// The database with its write-ahead log, if one was left.
fn db_size(dir: &Path) -> u64 {
    ["", "-wal"].iter().filter_map(|s| file_size(&dir.join(format!("{DB_FILE}{s}")))).sum()
}

fn file_size(path: &Path) -> Option<u64> {
    fs::metadata(path).ok().map(|m| m.len())
}

fn newest_file_size(dir: &Path) -> Option<u64> {
    let files = fs::read_dir(dir).ok()?.filter_map(|e| e.ok()?.metadata().ok()).filter(|m| m.is_file());
    files.max_by_key(|m| m.modified().ok()).map(|m| m.len())
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str().ok_or_else(|| format!("not UTF-8: {}", p.display()))
}

/// This year (UTC), for the report's period.
fn current_year() -> i64 {
    let days = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0) as i64;
    civil_year(days)
}

/// The proleptic Gregorian year of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
fn civil_year(days: i64) -> i64 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let month_index = (5 * doy + 2) / 153; // March = 0
    yoe + era * 400 + i64::from(month_index >= 10)
}

fn fmt_secs(d: Duration) -> String {
    match d.as_secs_f64() {
        s if s < 10.0 => format!("{s:.2} s"),
        _ => util::fmt_duration(d),
    }
}

fn table(rows: &[Row]) -> String {
    let mb = |bytes: u64| format!("{:.1} MiB", bytes as f64 / 1_048_576.0);
    let mut out = String::from("| what | time | CPU time | size | peak memory | target |\n|---|---|---|---|---|---|\n");
    for r in rows {
        let dash = || "–".to_string();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            r.what,
            r.took.map(fmt_secs).unwrap_or_else(dash),
            r.cpu.map(fmt_secs).unwrap_or_else(dash),
            r.size.map(mb).unwrap_or_else(dash),
            r.peak_kb.map(|kb| mb(kb * 1024)).unwrap_or_else(dash),
            r.target
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_carry_gb11643_check_characters() {
        // Published examples of the standard's check character.
        assert_eq!(id_number("11010519491231002"), "11010519491231002X");
        assert_eq!(id_number("44052418800101001"), "440524188001010014");
    }

    #[test]
    fn roster_rows_have_unique_ids() {
        let dir = env::temp_dir().join(format!("xtask-roster-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("r.csv");
        write_roster(&file, 40_000, 2026, false).unwrap();
        let text = fs::read_to_string(&file).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let ids: std::collections::HashSet<&str> = text.lines().skip(2).map(|l| l.split(',').nth(2).unwrap()).collect();
        assert_eq!(ids.len(), 40_000);
    }

    #[test]
    fn numbers_are_read_after_their_marker() {
        assert_eq!(number_after("已加入街道办：导入266531条修改，1条记录。", "导入"), Some(266_531));
        assert_eq!(number_after("已导入：新修改50000条（已有0条）", "新修改"), Some(50_000));
        assert_eq!(number_after("无", "新增"), None);
        assert!(check_count("已导入：新增99人", "新增", 100).is_err());
    }

    #[test]
    fn years_from_day_counts() {
        assert_eq!(civil_year(0), 1970);
        assert_eq!(civil_year(20_818), 2026); // 2026-12-31
        assert_eq!(civil_year(20_819), 2027); // 2027-01-01
        assert_eq!(civil_year(-1), 1969);
    }

    #[test]
    fn bench_args() {
        let os = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(parse_args(&[]).unwrap(), Args { persons: 100_000, markdown: None, keep: false });
        let a = parse_args(&os(&["--persons", "2000", "--markdown", "b.md"])).unwrap();
        assert_eq!(a, Args { persons: 2000, markdown: Some("b.md".into()), keep: false });
        assert!(parse_args(&os(&["--persons", "x"])).is_err());
        assert!(parse_args(&os(&["--bogus"])).is_err());
    }
}
