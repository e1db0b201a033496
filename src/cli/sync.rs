//! `sync` and its actions. Sync runs as the OS user, like backup: a
//! scheduled task has no one to log in, and a package reveals nothing
//! without the office key.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use street_ledger::access::Actor;
use street_ledger::export::{self, Target};
use street_ledger::store::Store;
use street_ledger::sync::{self, Kind, OfficeKey, SyncError};
use street_ledger::Error;

use crate::SyncAction;

pub fn sync(store: &mut Store, dir: Option<PathBuf>, action: Option<SyncAction>) -> Result<ExitCode, Error> {
    if let Some(SyncAction::Join { file }) = &action {
        return join(store, file);
    }
    let key = match passphrase()? {
        Some(p) => sync::office_key(store.conn(), &p)?,
        None => sync::stored_key(store.conn())?,
    };
    match action {
        Some(SyncAction::Export { output, force }) => export(store, &key, Target::new(output, force)),
        Some(SyncAction::Snapshot { output, force }) => snapshot(store, &key, Target::new(output, force)),
        Some(SyncAction::Import { file }) => import(store, &key, &file),
        Some(SyncAction::Join { .. }) => unreachable!("joined above"),
        None => run(store, &key, dir),
    }
}

/// The sync folder (the one given, else the one set in the app) read and
/// written; exit code 1 when a file was skipped or a step warned.
fn run(store: &mut Store, key: &OfficeKey, dir: Option<PathBuf>) -> Result<ExitCode, Error> {
    let folder = match dir {
        Some(d) => d,
        None => PathBuf::from(sync::config(store.conn())?.folder.ok_or(SyncError::NotConfigured)?),
    };
    let r = sync::run_in(store, &Actor::system(), "命令行", &folder, key)?;
    println!("同步完成：{}。", r.summary);
    for m in &r.messages {
        println!("注意：{m}");
    }
    Ok(if r.messages.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn export(store: &mut Store, key: &OfficeKey, target: Target) -> Result<ExitCode, Error> {
    export::check(store, &target)?;
    export::write_bytes(store, &target, &sync::export(store, Kind::Changes, key)?)?;
    println!("已写出同步包“{}”。", target.path.display());
    Ok(ExitCode::SUCCESS)
}

fn snapshot(store: &mut Store, key: &OfficeKey, target: Target) -> Result<ExitCode, Error> {
    let path = target.path.clone();
    sync::snapshot(store, &Actor::system(), target, key)?;
    println!("已写出快照“{}”：新电脑可用 street-ledger sync join 加入。", path.display());
    Ok(ExitCode::SUCCESS)
}

fn import(store: &mut Store, key: &OfficeKey, file: &Path) -> Result<ExitCode, Error> {
    let a = sync::import_file(store, &Actor::system(), file, key)?;
    println!(
        "已导入：新修改{}条（已有{}条），更新记录{}条，冲突待核{}项，待关联{}条。",
        a.received, a.known, a.records_changed, a.conflicts, a.pending
    );
    Ok(ExitCode::SUCCESS)
}

fn join(store: &mut Store, file: &Path) -> Result<ExitCode, Error> {
    let passphrase = passphrase()?.ok_or(SyncError::NotConfigured)?;
    let a = sync::join(store, file, &passphrase)?;
    println!("已加入街道办：导入{}条修改，{}条记录。请用原有账号登录。", a.received, a.records_changed);
    Ok(ExitCode::SUCCESS)
}

/// The office passphrase: STREET_LEDGER_SYNC_KEY, else a prompt at a
/// terminal, else none (the key kept on this PC is used).
fn passphrase() -> Result<Option<String>, Error> {
    if let Ok(p) = std::env::var("STREET_LEDGER_SYNC_KEY") {
        return Ok(Some(p));
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    Ok(rpassword::prompt_password("同步密钥（直接回车则用本机保存的密钥）：").ok().filter(|p| !p.is_empty()))
}
