//! Files written for the user (导出): reports, the audit export, snapshots,
//! sync packages written by hand, import templates, the rejected rows of an
//! import, PDFs of print views. One rule decides where such a file may go
//! ([`check`]): never over the live database, its `-wal`/`-shm`/`-journal`,
//! a backup or a database a restore set aside, whatever the spelling of the
//! path (`.`, `..`, symlinks); over an existing file only when the user
//! confirmed (`overwrite`; the CLI's `--force`). Every file is written under
//! a temporary name in its own folder and renamed at the end ([`write`]), so
//! a failed export leaves no half file and the old file as it was.
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::store::Store;
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("文件“{0}”已存在。要替换它，请确认替换（命令行加 --force）；要保留它，请换一个文件名")]
    Exists(String),
    #[error("“{0}”是台账正在使用的数据库文件，不能被导出覆盖，请换一个文件名或保存位置")]
    Database(String),
    #[error("“{0}”在备份文件夹中，导出不能写到这里（以免覆盖备份），请换一个保存位置")]
    Backup(String),
    #[error("“{0}”是一个文件夹，请在后面写上文件名，或选择其中的一个文件")]
    Folder(String),
    #[error("无法写入“{path}”（{why}）。请先关闭在 Excel 等程序中打开的这个文件，或换一个保存位置")]
    Write { path: String, why: String },
}

impl ExportError {
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::Exists(_) => "export.exists",
            ExportError::Database(_) => "export.database",
            ExportError::Backup(_) => "export.backup",
            ExportError::Folder(_) => "export.folder",
            ExportError::Write { .. } => "export.write",
        }
    }
}

/// Where an export goes, and whether the user confirmed replacing a file
/// already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    pub overwrite: bool,
}

impl Target {
    pub fn new(path: impl Into<PathBuf>, overwrite: bool) -> Target {
        Target { path: path.into(), overwrite }
    }

    /// An export the user asked for: where [`choose`] puts it (the path
    /// typed, else a new file in the folder typed or the export folder), and
    /// whether they confirmed replacing a file already there (the UI's
    /// confirm on `export.exists`).
    pub fn chosen(data_dir: &Path, typed: Option<&str>, what: &str, ext: &str, overwrite: Option<bool>) -> Target {
        Target::new(choose(data_dir, typed, what, ext), overwrite.unwrap_or(false))
    }
}

/// A bare path never replaces a file.
impl From<&Path> for Target {
    fn from(path: &Path) -> Target {
        Target::new(path, false)
    }
}

impl From<&PathBuf> for Target {
    fn from(path: &PathBuf) -> Target {
        Target::new(path, false)
    }
}

impl From<PathBuf> for Target {
    fn from(path: PathBuf) -> Target {
        Target::new(path, false)
    }
}

impl From<&Target> for Target {
    fn from(target: &Target) -> Target {
        target.clone()
    }
}

/// Whether `target` may be written: the one rule every export follows.
pub fn check(store: &Store, target: &Target) -> Result<()> {
    let db = store.path();
    let data_dir = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let backups = crate::backup::backup_dir(store)?;
    let shown = || target.path.display().to_string();
    let path = resolve(&target.path);
    let mut database = ["", "-wal", "-shm", "-journal"].iter().map(|suffix| {
        let mut s = db.as_os_str().to_os_string();
        s.push(suffix);
        resolve(Path::new(&s))
    });
    if database.any(|d| same(&path, &d)) {
        return Err(ExportError::Database(shown()).into());
    }
    let set_aside = path
        .strip_prefix(resolve(data_dir))
        .ok()
        .and_then(|rest| rest.components().next())
        .is_some_and(|first| first.as_os_str().to_string_lossy().starts_with(crate::backup::BEFORE_RESTORE));
    if set_aside || within(&path, &resolve(&backups)) {
        return Err(ExportError::Backup(shown()).into());
    }
    match fs::symlink_metadata(&target.path) {
        Ok(_) if target.path.is_dir() => Err(ExportError::Folder(shown()).into()),
        Ok(_) if !target.overwrite => Err(ExportError::Exists(shown()).into()),
        _ => Ok(()),
    }
}

/// Checks `target`, lets `write_to` write the file under a temporary name
/// in the same folder, and renames it into place. On any failure the
/// temporary file is removed and what was at the path stays.
pub fn write<T>(store: &Store, target: &Target, write_to: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    check(store, target)?;
    // Made only now: a refused export leaves no new folder behind.
    if let Some(parent) = target.path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .map_err(|e| ExportError::Write { path: target.path.display().to_string(), why: e.to_string() })?;
    }
    let temp = temporary(&target.path);
    let written = write_to(&temp).and_then(|v| place(&temp, target).map(|()| v));
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// [`write`] of bytes already made (a sealed snapshot or package).
pub fn write_bytes(store: &Store, target: &Target, bytes: &[u8]) -> Result<()> {
    write(store, target, |temp| {
        fs::write(temp, bytes)
            .map_err(|e| ExportError::Write { path: target.path.display().to_string(), why: e.to_string() }.into())
    })
}

/// A name beside `path` that no one else uses: a dot file, so that file
/// lists do not show it while it is written.
pub fn temporary(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tag = uuid::Uuid::new_v4().simple().to_string();
    path.with_file_name(format!(".{name}.{}.part", &tag[..8]))
}

/// Moves a complete temporary file to the target: flushed first, so a crash
/// right after cannot leave an empty file under the name. Without
/// `overwrite` the move never replaces a file that appeared meanwhile (a
/// hard link fails if the name is taken; a rename is the fallback where
/// links are not supported).
pub fn place(temp: &Path, target: &Target) -> Result<()> {
    let path = &target.path;
    let failed = |e: std::io::Error| ExportError::Write { path: path.display().to_string(), why: e.to_string() };
    fs::OpenOptions::new().write(true).open(temp).and_then(|f| f.sync_all()).map_err(failed)?;
    if target.overwrite {
        return Ok(fs::rename(temp, path).map_err(failed)?);
    }
    match fs::hard_link(temp, path) {
        Ok(()) => {
            let _ = fs::remove_file(temp);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(ExportError::Exists(path.display().to_string()).into())
        }
        Err(_) if fs::symlink_metadata(path).is_ok() => Err(ExportError::Exists(path.display().to_string()).into()),
        Err(_) => Ok(fs::rename(temp, path).map_err(failed)?),
    }
}

/// Where exports go unless the user names another place: 文档/街道民生台账导出
/// (`STREET_LEDGER_EXPORT_DIR` in tests; the data folder where there is no
/// documents folder).
pub fn folder(data_dir: &Path) -> PathBuf {
    let documents = std::env::var_os("STREET_LEDGER_EXPORT_DIR").map(Into::into).or_else(dirs::document_dir);
    documents.unwrap_or_else(|| data_dir.to_path_buf()).join("街道民生台账导出")
}

/// Where to write: the path typed, if it names a file; else a new file in
/// the folder typed (or the export folder), named by what and when, and
/// numbered so that it is never a file already there. Its folder is made
/// by [`write`], once the export is allowed.
pub fn choose(data_dir: &Path, typed: Option<&str>, what: &str, ext: &str) -> PathBuf {
    let typed = typed.map(str::trim).filter(|p| !p.is_empty()).map(PathBuf::from);
    let path = match typed {
        Some(path) if !path.is_dir() && path.extension().is_some() => path,
        typed => {
            let dir = typed.unwrap_or_else(|| folder(data_dir));
            fresh(&dir, &format!("{what}-{}", chrono::Local::now().format("%Y%m%d-%H%M%S")), ext)
        }
    };
    path
}

/// `<dir>/<stem>.<ext>`, or `<stem>（2）.<ext>` and so on if that is taken.
pub fn fresh(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}.{ext}"));
    for n in 2.. {
        if fs::symlink_metadata(&path).is_err() {
            break;
        }
        path = dir.join(format!("{stem}（{n}）.{ext}"));
    }
    path
}

/// The path as the file system sees it: absolute, symlinks followed as far
/// as the path exists, `.` and `..` taken away, so two spellings of one
/// file compare equal.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<Component> = absolute.components().collect();
    for keep in (1..=parts.len()).rev() {
        let Ok(mut real) = parts[..keep].iter().collect::<PathBuf>().canonicalize() else { continue };
        for part in &parts[keep..] {
            match part {
                Component::ParentDir => {
                    real.pop();
                }
                Component::CurDir => {}
                other => real.push(other),
            }
        }
        return real;
    }
    absolute
}

/// Windows file names ignore case; elsewhere they do not.
fn key(path: &Path) -> String {
    let s = path.to_string_lossy();
    if cfg!(windows) {
        s.to_lowercase()
    } else {
        s.into_owned()
    }
}

fn same(a: &Path, b: &Path) -> bool {
    key(a) == key(b)
}

fn within(path: &Path, dir: &Path) -> bool {
    let (path, dir) = (PathBuf::from(key(path)), PathBuf::from(key(dir)));
    path.starts_with(&dir)
}
