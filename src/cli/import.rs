//! `import`: an office's existing spreadsheet onto a register, previewed
//! first (`--dry-run`), or the register's empty template (`--template`).
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use street_ledger::export::Target;
use street_ledger::import::{self, Existing, FooterRow, Options};
use street_ledger::store::Store;
use street_ledger::Error;

use super::{login, Choice, List};

/// The registers the core imports.
#[derive(Clone, Copy)]
pub struct Registers;

impl List for Registers {
    fn all() -> Vec<(&'static str, &'static str)> {
        import::registers()
    }
    fn cell() -> &'static OnceLock<Vec<Choice<Self>>> {
        static CHOICES: OnceLock<Vec<Choice<Registers>>> = OnceLock::new();
        &CHOICES
    }
}

/// `import --existing`: a typo is refused by clap, never read as `skip`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExistingArg {
    Update,
    Skip,
    Stop,
}

impl From<ExistingArg> for Existing {
    fn from(e: ExistingArg) -> Existing {
        match e {
            ExistingArg::Update => Existing::Update,
            ExistingArg::Skip => Existing::Skip,
            ExistingArg::Stop => Existing::Stop,
        }
    }
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// What the file holds (households: 家庭户, one member a row).
    #[arg(value_enum)]
    register: Choice<Registers>,
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
}

pub fn import(store: &mut Store, user: Option<&str>, args: ImportArgs) -> Result<ExitCode, Error> {
    let register = args.register.name;
    if args.template {
        import::template(store, register, Target::new(&args.file, args.force))?;
        println!("已生成导入模板“{}”。", args.file.display());
        return Ok(ExitCode::SUCCESS);
    }
    let actor = login(store, user)?;
    let options = Options {
        mapping: mapping(args.mapping)?,
        existing: args.existing.into(),
        all_or_nothing: args.all_or_nothing,
        ..Default::default()
    };
    let today = chrono::Local::now().date_naive();
    if args.dry_run {
        let p = import::preview(store, &actor, register, &args.file, &options, today)?;
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
    let rejected = args.rejected.map(|r| Target::new(r, args.force));
    let out = import::import(store, &actor, register, &args.file, &options, rejected.as_ref(), today)?;
    println!("已导入：新增{}人，更新{}人，跳过{}人，退回{}行。", out.imported, out.updated, out.skipped, out.rejected);
    for x in &out.problems {
        println!("第{}行 {}：{}", x.row, x.column, x.message);
    }
    print_footer(&out.footer);
    Ok(ExitCode::SUCCESS)
}

/// `--mapping`: JSON, or a file holding it.
fn mapping(given: Option<String>) -> Result<std::collections::BTreeMap<String, String>, Error> {
    let Some(m) = given else { return Ok(Default::default()) };
    let text = std::fs::read_to_string(&m).unwrap_or(m);
    let parsed = serde_json::from_str(&text).map_err(|_| {
        street_ledger::validate::invalid("mapping", "--mapping 应为 JSON，如 {\"id_number\": \"证件号\"}")
    })?;
    Ok(parsed)
}

/// The footer rows skipped (合计, 填表人…), on one line.
fn print_footer(footer: &[FooterRow]) {
    if !footer.is_empty() {
        let rows: Vec<String> = footer.iter().map(|f| f.row.to_string()).collect();
        let labels: Vec<&str> = footer.iter().map(|f| f.label.as_str()).collect();
        println!("已跳过表尾{}行（第{}行：{}）。", footer.len(), rows.join("、"), labels.join("、"));
    }
}
