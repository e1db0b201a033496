//! The `street-ledger` command: a thin shell over the core library.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use street_ledger::access::Actor;
use street_ledger::accounts::{self, NewAccount};
use street_ledger::export::Target;
use street_ledger::store::{default_data_dir, Store};
use street_ledger::{backup, check, demo, dump, office, Error};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 街道民生台账 Street Ledger: registers of a street office.
#[derive(Parser)]
#[command(name = "street-ledger", version, about)]
struct Cli {
    /// Data folder (数据目录); default: STREET_LEDGER_DATA_DIR or the platform data folder.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Act as this account (登录名); the password comes from STREET_LEDGER_PASSWORD or a prompt.
    #[arg(long, global = true)]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// `import --existing`: a typo is refused by clap, never read as `skip`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ExistingArg {
    Update,
    Skip,
    Stop,
}

#[derive(Subcommand)]
enum Command {
    /// 初始化：街道名称和社区（首次使用）
    Init {
        #[arg(long)]
        office: String,
        /// Community names, separated by commas.
        #[arg(long, value_delimiter = ',', required = true)]
        communities: Vec<String>,
        /// Login name of the first administrator (password: STREET_LEDGER_PASSWORD or a prompt).
        #[arg(long, default_value = "admin")]
        admin: String,
    },
    /// 生成演示数据：一个完整街道（默认15个社区、10万居民）
    Demo {
        #[arg(long, default_value_t = 100_000)]
        persons: usize,
        #[arg(long, default_value_t = 15)]
        communities: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "示例街道")]
        office: String,
    },
    /// 导出全部记录（规范化 JSON）
    Dump {
        #[arg(long, required = true)]
        json: bool,
    },
    /// 检查数据库完整性与不变式
    Check,
    /// 立即备份（--list 列出已有备份）
    Backup {
        /// List the backups, newest first, instead of making one.
        #[arg(long)]
        list: bool,
        /// Back up only if the newest backup is older than the setting backup.every_hours (for a scheduled task).
        #[arg(long, conflicts_with = "list")]
        if_due: bool,
    },
    /// 报表：按期间和范围生成上报 Excel（--list 列出报表名称）
    Report {
        /// The report's name (see --list).
        #[arg(required_unless_present = "list")]
        name: Option<String>,
        /// 2026, 2026Q3, 2026-07 or 2026-01-01..2026-06-30.
        #[arg(long, required_unless_present = "list")]
        period: Option<String>,
        /// One community (name or id); default: the whole street.
        #[arg(long)]
        community: Option<String>,
        #[arg(short = 'o', long, required_unless_present = "list")]
        output: Option<PathBuf>,
        /// Full ID numbers instead of masked ones (roles that may see them).
        #[arg(long)]
        unmasked: bool,
        #[arg(long)]
        list: bool,
        /// Replace the output file if it exists (never the database or a backup).
        #[arg(long)]
        force: bool,
    },
    /// 导入已有表格（先预览问题；--dry-run 只预览）
    Import {
        /// What the file holds: elderly (老年人花名册), employment (就业援助对象),
        /// households (家庭户，每行一名成员), mediation (人民调解案件).
        register: String,
        file: PathBuf,
        /// Column choices as JSON {"field": "表头文字" or "C"}, or a file holding it.
        #[arg(long)]
        mapping: Option<String>,
        /// Only show what would be imported and every problem.
        #[arg(long)]
        dry_run: bool,
        /// People already on the register: update, skip or stop.
        #[arg(long, value_enum, default_value = "skip")]
        existing: ExistingArg,
        /// Import nothing unless every row is right.
        #[arg(long)]
        all_or_nothing: bool,
        /// Where to write the rejected rows (.xlsx, with a reason column).
        #[arg(long)]
        rejected: Option<PathBuf>,
        /// Write an empty import template to FILE instead.
        #[arg(long)]
        template: bool,
        /// Replace the rejected-rows file or the template if it exists (never the database or a backup).
        #[arg(long)]
        force: bool,
    },
    /// 同步：在同步文件夹中读入其他电脑的同步包并写出本机的（密钥：STREET_LEDGER_SYNC_KEY 或提示输入）
    Sync {
        /// The sync folder (shared folder or USB stick); default: the one set in the app.
        #[arg(long)]
        dir: Option<PathBuf>,
        #[command(subcommand)]
        action: Option<SyncAction>,
    },
    /// 从备份恢复（程序须已关闭；恢复前的数据库会另存，可撤销）
    Restore {
        /// The backup file (street-ledger-YYYYMMDD-HHMMSS.db), or the database in a before-restore folder to undo a restore.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum SyncAction {
    /// 写出本机的同步包（其他电脑可能还没有的修改）
    Export {
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Replace the file if it exists (never the database or a backup).
        #[arg(long)]
        force: bool,
    },
    /// 导入一个同步包
    Import { file: PathBuf },
    /// 写出快照（全部修改），供新电脑加入
    Snapshot {
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Replace the file if it exists (never the database or a backup).
        #[arg(long)]
        force: bool,
    },
    /// 新电脑加入街道办：导入其他电脑生成的快照
    Join { file: PathBuf },
}

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so `street-ledger backup --list | head` panicked in
    // println! once head had gone; a command-line tool ends quietly instead.
    #[cfg(target_os = "linux")]
    // SAFETY: setting a signal's disposition to the default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let dir = cli.data_dir.unwrap_or_else(default_data_dir);
    // Before any open: the store must be closed while its file is replaced.
    if let Command::Restore { file } = &cli.command {
        let r = backup::restore(&dir, file, &Actor::system())?;
        println!("已从“{}”恢复（数据结构第{}版）。", file.display(), r.schema_version);
        if let Some(previous) = &r.previous {
            println!(
                "恢复前的数据库已另存为“{}”；如需撤销本次恢复，请运行：street-ledger restore \"{}\"",
                previous.display(),
                previous.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = Store::open_dir(&dir)?;
    let today = chrono::Local::now().date_naive();
    match cli.command {
        Command::Init { office: name, communities, admin } => {
            let password = password(&format!("请设置管理员“{admin}”的密码："))?;
            let account =
                NewAccount {
                    username: admin.clone(), display_name: "管理员".into(), password, ..Default::default()
                };
            let o = office::setup_with_admin(&mut store, &name, &communities, &account)?;
            println!(
                "已初始化：{}，{}个社区，管理员登录名“{admin}”。数据库：{}",
                o.name,
                o.communities.len(),
                store.path().display()
            );
        }
        Command::Demo { persons, communities, seed, office: office_name } => {
            let started = std::time::Instant::now();
            let spec = demo::DemoSpec { office_name, communities, persons, seed, today };
            let s = demo::generate(&mut store, &Actor::system(), &spec)?;
            println!("演示账号（密码均为 {}）：{}", demo::DEMO_PASSWORD, demo::DEMO_ACCOUNTS.map(|a| a.0).join("、"));
            println!(
                "演示数据已生成：{}名居民，其中{}名老人，{}条服务记录，{}条探访记录；就业援助对象{}人，家庭户{}户（认定零就业家庭{}户），创业担保贷款{}笔；调解案件{}件；用时{:.1}秒",
                s.persons,
                s.elderly,
                s.services,
                s.visits,
                s.cases,
                s.households,
                s.zero_households,
                s.loans,
                s.mediation_cases,
                started.elapsed().as_secs_f64()
            );
        }
        Command::Dump { .. } => {
            let actor = login(&mut store, cli.user.as_deref())?;
            let v = dump::dump(&store, &actor)?;
            println!("{}", serde_json::to_string_pretty(&v).expect("JSON"));
        }
        Command::Check => {
            let r = check::check(store.conn())?; // as the OS administrator: no login
            println!("检查了{}条记录、{}条变更日志。", r.records, r.log_entries);
            if !r.ok() {
                for p in &r.problems {
                    println!("问题：{p}");
                }
                return Ok(ExitCode::from(1));
            }
            println!("未发现问题。");
        }
        Command::Backup { list: true, .. } => {
            let folder = backup::backup_dir(&store)?;
            let backups = backup::list(&folder)?;
            println!("备份文件夹：{}，共{}份备份（最新在前）", folder.display(), backups.len());
            for b in &backups {
                let at = b.created_at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S");
                println!("{}\t{at}\t{:.1} MB", b.file_name, b.size as f64 / 1_048_576.0);
            }
        }
        Command::Backup { if_due, .. } => {
            if if_due && !backup::due(&store, chrono::Utc::now())? {
                println!("距上次备份未到设定间隔，本次未备份。");
                return Ok(ExitCode::SUCCESS);
            }
            // As the OS administrator, like check: no login.
            let b = backup::backup_now(&store, &Actor::system(), if if_due { "定时备份" } else { "命令行备份" })?;
            println!("已备份到“{}”（{:.1} MB）。", b.path.display(), b.size as f64 / 1_048_576.0);
        }
        Command::Sync { dir, action } => return sync(&mut store, dir, action),
        Command::Import { register, file, mapping, dry_run, existing, all_or_nothing, rejected, template, force } => {
            use street_ledger::import;
            if template {
                import::template(&store, &register, Target::new(&file, force))?;
                println!("已生成导入模板“{}”。", file.display());
                return Ok(ExitCode::SUCCESS);
            }
            let actor = login(&mut store, cli.user.as_deref())?;
            let mapping = match mapping {
                Some(m) => {
                    let text = std::fs::read_to_string(&m).unwrap_or(m);
                    serde_json::from_str(&text).map_err(|_| {
                        street_ledger::validate::invalid(
                            "mapping",
                            "--mapping 应为 JSON，如 {\"id_number\": \"证件号\"}",
                        )
                    })?
                }
                None => Default::default(),
            };
            let existing = match existing {
                ExistingArg::Update => import::Existing::Update,
                ExistingArg::Skip => import::Existing::Skip,
                ExistingArg::Stop => import::Existing::Stop,
            };
            let options = import::Options { mapping, existing, all_or_nothing, ..Default::default() };
            if dry_run {
                let p = import::preview(&mut store, &actor, &register, &file, &options, today)?;
                println!(
                    "工作表“{}”，表头在第{}行；共{}行：可新增{}行，已登记{}人。",
                    p.sheet, p.header_row, p.rows, p.new, p.existing
                );
                for x in &p.problems {
                    println!("第{}行 {}：{}", x.row, x.column, x.message);
                }
                print_footer(&p.footer);
                return Ok(if p.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) });
            }
            let rejected = rejected.map(|r| Target::new(r, force));
            let out = import::import(&mut store, &actor, &register, &file, &options, rejected.as_ref(), today)?;
            println!(
                "已导入：新增{}人，更新{}人，跳过{}人，退回{}行。",
                out.imported, out.updated, out.skipped, out.rejected
            );
            for x in &out.problems {
                println!("第{}行 {}：{}", x.row, x.column, x.message);
            }
            print_footer(&out.footer);
        }
        Command::Report { list: true, .. } => {
            for (name, title) in street_ledger::report::CATALOGUE {
                println!("{name}\t{title}");
            }
        }
        Command::Report { name, period, community, output, unmasked, force, .. } => {
            let actor = login(&mut store, cli.user.as_deref())?;
            let req = street_ledger::report::Request {
                name: name.unwrap_or_default(),
                period: period.unwrap_or_default(),
                community_id: community,
                unmasked,
            };
            let output = output.expect("required by clap");
            let path = street_ledger::report::export(&store, &actor, &req, Target::new(output, force), today)?;
            println!("已生成“{}”。", path.display());
        }
        Command::Restore { .. } => unreachable!("restored above, before the store was opened"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The footer rows skipped (合计, 填表人…), on one line.
fn print_footer(footer: &[street_ledger::import::FooterRow]) {
    if !footer.is_empty() {
        let rows: Vec<String> = footer.iter().map(|f| f.row.to_string()).collect();
        let labels: Vec<&str> = footer.iter().map(|f| f.label.as_str()).collect();
        println!("已跳过表尾{}行（第{}行：{}）。", footer.len(), rows.join("、"), labels.join("、"));
    }
}

/// Sync runs as the OS user, like backup: a scheduled task has no one to log
/// in, and a package reveals nothing without the office key.
fn sync(store: &mut Store, dir: Option<PathBuf>, action: Option<SyncAction>) -> Result<ExitCode, Error> {
    use street_ledger::sync::{self, Kind};
    let actor = Actor::system();
    if let Some(SyncAction::Join { file }) = &action {
        let passphrase = sync_passphrase()?.ok_or(sync::SyncError::NotConfigured)?;
        let a = sync::join(store, file, &passphrase)?;
        println!("已加入街道办：导入{}条修改，{}条记录。请用原有账号登录。", a.received, a.records_changed);
        return Ok(ExitCode::SUCCESS);
    }
    let key = match sync_passphrase()? {
        Some(p) => sync::office_key(store.conn(), &p)?,
        None => sync::stored_key(store.conn())?,
    };
    match action {
        Some(SyncAction::Export { output, force }) => {
            let target = Target::new(&output, force);
            street_ledger::export::check(store, &target)?;
            street_ledger::export::write_bytes(store, &target, &sync::export(store, Kind::Changes, &key)?)?;
            println!("已写出同步包“{}”。", output.display());
        }
        Some(SyncAction::Snapshot { output, force }) => {
            sync::snapshot(store, &actor, Target::new(&output, force), &key)?;
            println!("已写出快照“{}”：新电脑可用 street-ledger sync join 加入。", output.display());
        }
        Some(SyncAction::Import { file }) => {
            let a = sync::import_file(store, &actor, &file, &key)?;
            println!(
                "已导入：新修改{}条（已有{}条），更新记录{}条，冲突待核{}项，待关联{}条。",
                a.received, a.known, a.records_changed, a.conflicts, a.pending
            );
        }
        Some(SyncAction::Join { .. }) => unreachable!("joined above"),
        None => {
            let folder = match dir {
                Some(d) => d,
                None => PathBuf::from(sync::config(store.conn())?.folder.ok_or(sync::SyncError::NotConfigured)?),
            };
            let r = sync::run_in(store, &actor, "命令行", &folder, &key)?;
            println!(
                "同步完成：读入{}个同步包、{}条新修改，写出{}条修改，更新记录{}条，冲突待核{}项。",
                r.read, r.changes_in, r.changes_out, r.records_changed, r.conflicts
            );
            for m in &r.messages {
                println!("注意：{m}");
            }
            if !r.messages.is_empty() {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The office passphrase: STREET_LEDGER_SYNC_KEY, else a prompt at a
/// terminal, else none (the key kept on this PC is used).
fn sync_passphrase() -> Result<Option<String>, Error> {
    if let Ok(p) = std::env::var("STREET_LEDGER_SYNC_KEY") {
        return Ok(Some(p));
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    Ok(rpassword::prompt_password("同步密钥（直接回车则用本机保存的密钥）：").ok().filter(|p| !p.is_empty()))
}

/// The password for a prompt: STREET_LEDGER_PASSWORD (scheduled tasks), else
/// typed at the terminal without echo.
fn password(prompt: &str) -> Result<String, Error> {
    if let Ok(p) = std::env::var("STREET_LEDGER_PASSWORD") {
        return Ok(p);
    }
    rpassword::prompt_password(prompt).map_err(|_| {
        street_ledger::validate::invalid(
            "password",
            "无法读取密码：请在终端中运行，或设置环境变量 STREET_LEDGER_PASSWORD",
        )
        .into()
    })
}

/// Commands other than init, demo and check act as a named account.
fn login(store: &mut Store, user: Option<&str>) -> Result<Actor, Error> {
    let user = user.ok_or_else(|| street_ledger::validate::invalid("user", "请用 --user 指定登录名"))?;
    let password = password(&format!("“{user}”的密码："))?;
    accounts::login(store, user, &password, chrono::Utc::now())
}
