//! The first start of the app: the demo office to look around in before
//! setting up the real one, and the guide's sync step.
//!
//! The demo lives in a folder of its own inside the data folder
//! (`<data folder>/demo/`), with its own database, accounts and backups, so
//! demo records never mix with real ones. It is never synced: the core
//! refuses its sync settings, runs, packages and snapshots
//! ([`refuse_on_demo`], known by the marker file), and the desktop shell
//! also refuses restores while it is open (they would put a demo backup over
//! the real database), each with [`FirstRunError::DemoRefuses`]. Leaving the
//! demo deletes that folder and nothing else.
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::access::Actor;
use crate::demo::{self, DemoSpec};
use crate::store::Store;
use crate::sync::{self, SyncConfig};
use crate::validate::invalid;
use crate::{office, Result};

/// The demo's folder inside the data folder.
pub const DEMO_DIR: &str = "demo";

/// Written into the demo folder once the demo is complete, for whoever opens
/// the folder. A demo folder without it was cut short (the app closed while
/// making it) and is made again.
pub const DEMO_MARKER: &str = "演示数据-不是真实记录.txt";

const MARKER_TEXT: &str = "这个文件夹是街道民生台账的演示数据（虚构的示例街道），不是真实记录，\
也不会同步到其他电脑。在程序中点“退出演示并删除演示数据”会删除整个文件夹。\n";

#[derive(Debug, thiserror::Error)]
pub enum FirstRunError {
    #[error("现在打开的是演示数据，不能{0}：演示数据只在本机，不会同步到其他电脑。请先点页面上方的“退出演示并删除演示数据”，设置好本街道办后再{0}")]
    DemoRefuses(&'static str),
    #[error("本机已经设置好街道办，不能再打开演示数据。如需试用，请在另一个数据文件夹中打开程序")]
    OfficeSetUp,
    #[error("文件夹“{0}”不是演示数据，未删除")]
    NotADemo(String),
    #[error("无法{what}演示数据文件夹“{path}”：{source}。请关闭打开该文件夹的其他窗口，确认磁盘有空余空间后重试")]
    Folder { what: &'static str, path: String, source: std::io::Error },
}

impl FirstRunError {
    pub fn code(&self) -> &'static str {
        match self {
            FirstRunError::DemoRefuses(_) => "demo.refused",
            FirstRunError::OfficeSetUp => "demo.office_set_up",
            FirstRunError::NotADemo(_) => "demo.not_a_demo",
            FirstRunError::Folder { .. } => "demo.folder",
        }
    }
}

/// Refuses `what` on the demo database, whoever asks (the app, the CLI):
/// its records must never leave its folder. A demo is known by its marker.
pub fn refuse_on_demo(store: &Store, what: &'static str) -> Result<()> {
    match store.path().parent() {
        Some(dir) if dir.join(DEMO_MARKER).is_file() => Err(FirstRunError::DemoRefuses(what).into()),
        _ => Ok(()),
    }
}

/// How to log in to the demo, as the first-run page and the banner show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoLogin {
    /// The demo's administrator.
    pub username: &'static str,
    pub password: &'static str,
    /// The other roles' accounts, same password: `jiedao（街道工作人员）`.
    pub others: Vec<String>,
}

pub fn demo_login() -> DemoLogin {
    let (admin, others) = demo::DEMO_ACCOUNTS.split_first().expect("demo accounts");
    DemoLogin {
        username: admin.0,
        password: demo::DEMO_PASSWORD,
        others: others.iter().map(|(username, _, role)| format!("{username}（{}）", role.label())).collect(),
    }
}

pub fn demo_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(DEMO_DIR)
}

/// A few thousand residents: enough for every list, the registers and the
/// reports to look like a street, made in seconds on an office PC.
pub fn demo_spec(today: NaiveDate) -> DemoSpec {
    DemoSpec { persons: 3000, communities: 5, ..DemoSpec::street(today) }
}

/// Whether a complete demo is in the data folder (the app was closed while
/// it was open, and opens it again).
pub fn has_demo(data_dir: &Path) -> bool {
    demo_dir(data_dir).join(DEMO_MARKER).is_file()
}

/// Opens the demo beside the real database `real`, making it on first use.
/// Only before the real office is set up: afterwards the app is for real
/// work. `real` is only read.
pub fn open_demo(real: &Store, today: NaiveDate) -> Result<Store> {
    if office::get(real.conn())?.is_some() {
        return Err(FirstRunError::OfficeSetUp.into());
    }
    let dir = demo_dir(folder_of(real));
    if dir.join(DEMO_MARKER).is_file() {
        return Ok(Store::open_dir(&dir)?);
    }
    if dir.exists() {
        remove_folder(&dir)?;
    }
    let mut store = Store::open_dir(&dir)?;
    demo::generate(&mut store, &Actor::system(), &demo_spec(today))?;
    std::fs::write(dir.join(DEMO_MARKER), MARKER_TEXT).map_err(folder_error("写入", &dir))?;
    Ok(store)
}

/// Closes the demo and deletes its folder (退出演示并删除演示数据). The
/// marker goes first: should deleting the rest fail, the folder left is a
/// cut-short demo, never opened again as the demo.
pub fn remove_demo(demo: Store) -> Result<()> {
    let dir = folder_of(&demo).to_path_buf();
    let marker = dir.join(DEMO_MARKER);
    if dir.file_name() != Some(DEMO_DIR.as_ref()) || !marker.is_file() {
        return Err(FirstRunError::NotADemo(dir.display().to_string()).into());
    }
    drop(demo); // Windows deletes no open file.
    std::fs::remove_file(&marker).map_err(folder_error("删除", &dir))?;
    remove_folder(&dir)
}

/// The guide's sync step: the sync folder and the office key together, the
/// key typed twice. Both or neither: a step refused for its key leaves the
/// folder as it was, so the sync page never shows half a setup.
pub fn set_up_sync(store: &Store, actor: &Actor, folder: &str, key: &str, key_again: &str) -> Result<SyncConfig> {
    if folder.trim().is_empty() {
        return Err(invalid("folder", "请填写同步文件夹；暂不设置请点“跳过”").into());
    }
    if key.is_empty() {
        return Err(invalid("key", "请填写同步密钥（至少12个字符）；暂不设置请点“跳过”").into());
    }
    if key != key_again {
        return Err(invalid("key_again", "两次输入的同步密钥不一致，请重新输入").into());
    }
    let before = sync::config(store.conn())?.folder;
    sync::set_folder(store, actor, folder)?;
    if let Err(e) = sync::set_key(store, actor, key) {
        sync::set_folder(store, actor, before.as_deref().unwrap_or(""))?;
        return Err(e);
    }
    sync::config(store.conn())
}

/// First start on a new PC of an existing office: take in a snapshot made
/// on another PC (its accounts log in here afterwards), and name this PC if
/// a name is given. No one is logged in yet, like the office's setup, so
/// the OS user names the PC.
pub fn join_office(store: &mut Store, path: &str, passphrase: &str, pc_name: Option<&str>) -> Result<sync::Applied> {
    if office::get(store.conn())?.is_some() {
        return Err(crate::Error::AlreadyConfigured);
    }
    if path.trim().is_empty() {
        return Err(invalid("path", "请填写快照文件的位置").into());
    }
    let applied = sync::join(store, Path::new(path.trim()), passphrase)?;
    if let Some(name) = pc_name.filter(|n| !n.trim().is_empty()) {
        sync::set_pc_name(store, &Actor::system(), name)?;
    }
    Ok(applied)
}

fn folder_of(store: &Store) -> &Path {
    store.path().parent().unwrap_or(Path::new("."))
}

fn remove_folder(dir: &Path) -> Result<()> {
    std::fs::remove_dir_all(dir).map_err(folder_error("删除", dir))?;
    Ok(())
}

fn folder_error(what: &'static str, dir: &Path) -> impl FnOnce(std::io::Error) -> FirstRunError {
    let path = dir.display().to_string();
    move |source| FirstRunError::Folder { what, path, source }
}
