//! 另存为PDF of a print view (人民调解协议书 and the other A4 documents):
//! where the file goes, the export rule on it and its audit. The desktop
//! shell only has the window print itself into the file.
use std::path::Path;

use crate::access::Actor;
use crate::audit::{self, Action};
use crate::export::{self, Target};
use crate::store::Store;
use crate::Result;

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("无法创建文件夹 {0}，请检查磁盘空间和权限")]
    Folder(String),
    #[error("无法保存PDF，请点击“打印”，在打印对话框中选择“打印到文件”保存")]
    Failed,
    #[error("保存PDF超时，请关闭预览后重试，或点击“打印”在打印对话框中保存")]
    Timeout,
    #[error("本机不能直接另存为PDF，请点击“打印”，在打印对话框中选择“另存为 PDF”或“Microsoft Print to PDF”")]
    Unsupported,
}

impl PrintError {
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::Folder(_) => "print.folder",
            PrintError::Failed => "print.failed",
            PrintError::Timeout => "print.timeout",
            PrintError::Unsupported => "print.unsupported",
        }
    }
}

/// `<export folder>/<name>.pdf`: an earlier file of the same name is kept
/// and the new one numbered ([`export::fresh`]), never replaced.
pub fn pdf_target(data_dir: &Path, name: &str) -> Target {
    Target::new(export::fresh(&export::folder(data_dir), &file_stem(name), "pdf"), false)
}

/// The export rule on the target ([`export::check`]), and its folder made,
/// before anything is printed into it.
pub fn prepare(store: &Store, target: &Target) -> Result<()> {
    export::check(store, target)?;
    let dir = target.path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|_| PrintError::Folder(dir.display().to_string()))?;
    Ok(())
}

/// The PDF holds names and ID numbers, so it is audited like any export.
pub fn record(store: &Store, actor: &Actor, path: &Path, name: &str) -> Result<()> {
    audit::record(store, &actor.user, Action::Export, &path.display().to_string(), &format!("{name}，另存为PDF"))
}

/// A name every file system takes: no separators or characters Windows
/// refuses, no trailing dots or spaces, not too long for a path.
pub fn file_stem(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || r#"\/:*?"<>|"#.contains(c) { '_' } else { c }).take(80).collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        "打印文档".into()
    } else {
        cleaned.into()
    }
}
