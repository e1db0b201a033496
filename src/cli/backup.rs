//! `backup` and `restore`, as the OS administrator like `check`: a
//! scheduled task has no one to log in.
use std::path::Path;
use std::process::ExitCode;

use street_ledger::access::Actor;
use street_ledger::backup;
use street_ledger::store::Store;
use street_ledger::Error;

pub fn list(store: &mut Store) -> Result<ExitCode, Error> {
    let folder = backup::backup_dir(store)?;
    let backups = backup::list(&folder)?;
    println!("备份文件夹：{}，共{}份备份（最新在前）", folder.display(), backups.len());
    for b in &backups {
        let at = b.created_at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S");
        println!("{}\t{at}\t{:.1} MB", b.file_name, b.size as f64 / 1_048_576.0);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn make(store: &mut Store, if_due: bool) -> Result<ExitCode, Error> {
    if if_due && !backup::due(store, chrono::Utc::now())? {
        println!("距上次备份未到设定间隔，本次未备份。");
        return Ok(ExitCode::SUCCESS);
    }
    let b = backup::backup_now(store, &Actor::system(), if if_due { "定时备份" } else { "命令行备份" })?;
    println!("已备份到“{}”（{:.1} MB）。", b.path.display(), b.size as f64 / 1_048_576.0);
    Ok(ExitCode::SUCCESS)
}

/// Run before the store is opened: it must be closed while its file is
/// replaced.
pub fn restore(dir: &Path, file: &Path) -> Result<ExitCode, Error> {
    let r = backup::restore(dir, file, &Actor::system())?;
    println!("已从“{}”恢复（数据结构第{}版）。", file.display(), r.schema_version);
    if let Some(previous) = &r.previous {
        println!(
            "恢复前的数据库已另存为“{}”；如需撤销本次恢复，请运行：street-ledger restore \"{}\"",
            previous.display(),
            previous.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
