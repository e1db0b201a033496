//! The `street-ledger` command: a thin shell over the core library. This
//! file holds the arguments and sends each subcommand to its function in
//! `cli/` (one module per area): parse, call the core, print.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use street_ledger::store::{default_data_dir, Store};
use street_ledger::Error;

mod cli;

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
    Report(cli::report::ReportArgs),
    /// 导入已有表格（先预览问题；--dry-run 只预览）
    Import(cli::import::ImportArgs),
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
pub(crate) enum SyncAction {
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
    let user = cli.user.as_deref();
    // Before any open: the store must be closed while its file is replaced.
    if let Command::Restore { file } = &cli.command {
        return cli::backup::restore(&dir, file);
    }
    let store = &mut Store::open_dir(&dir)?;
    match cli.command {
        Command::Init { office, communities, admin } => cli::office::init(store, &office, &communities, &admin),
        Command::Demo { persons, communities, seed, office } => {
            cli::office::demo(store, office, communities, persons, seed)
        }
        Command::Dump { .. } => cli::office::dump(store, user),
        Command::Check => cli::office::check(store),
        Command::Backup { list: true, .. } => cli::backup::list(store),
        Command::Backup { if_due, .. } => cli::backup::make(store, if_due),
        Command::Sync { dir, action } => cli::sync::sync(store, dir, action),
        Command::Import(args) => cli::import::import(store, user, args),
        Command::Report(args) if args.list => cli::report::list(),
        Command::Report(args) => cli::report::export(store, user, args),
        Command::Restore { .. } => unreachable!("restored above, before the store was opened"),
    }
}
