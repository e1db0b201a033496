//! `report`: a report of the catalogue written as the official .xlsx.
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use street_ledger::export::Target;
use street_ledger::report;
use street_ledger::store::Store;
use street_ledger::Error;

use super::{login, Choice, List};

/// The reports of the core's catalogue.
#[derive(Clone, Copy)]
pub struct Reports;

impl List for Reports {
    fn all() -> Vec<(&'static str, &'static str)> {
        report::CATALOGUE.to_vec()
    }
    fn cell() -> &'static OnceLock<Vec<Choice<Self>>> {
        static CHOICES: OnceLock<Vec<Choice<Reports>>> = OnceLock::new();
        &CHOICES
    }
}

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The report's name (see --list).
    #[arg(required_unless_present = "list", value_enum)]
    name: Option<Choice<Reports>>,
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
    pub list: bool,
    /// Replace the output file if it exists (never the database or a backup).
    #[arg(long)]
    force: bool,
}

/// `report --list`: every report's name and title.
pub fn list() -> Result<ExitCode, Error> {
    for (name, title) in report::CATALOGUE {
        println!("{name}\t{title}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(store: &mut Store, user: Option<&str>, args: ReportArgs) -> Result<ExitCode, Error> {
    let actor = login(store, user)?;
    let req = report::Request {
        name: args.name.map(|n| n.name.to_string()).unwrap_or_default(),
        period: args.period.unwrap_or_default(),
        community_id: args.community,
        unmasked: args.unmasked,
    };
    let output = args.output.expect("required by clap");
    let today = chrono::Local::now().date_naive();
    let path = report::export(store, &actor, &req, Target::new(output, args.force), today)?;
    println!("已生成“{}”。", path.display());
    Ok(ExitCode::SUCCESS)
}
