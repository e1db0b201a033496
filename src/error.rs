//! The error every core function returns, and the `{code, message}` shape
//! the desktop UI and the CLI show. Messages are Chinese and say what to do.
use serde::Serialize;

use crate::store::StoreError;
use crate::validate::Invalid;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Auth(crate::accounts::AuthError),
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    #[error(transparent)]
    FirstRun(#[from] crate::firstrun::FirstRunError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Print(#[from] crate::print::PrintError),
    #[error("{what}不存在，可能已被删除，请刷新后重试")]
    NotFound { what: &'static str },
    #[error("本机尚未完成初始设置，请先填写街道名称和社区")]
    NotConfigured,
    #[error("本机已完成初始设置，不能重复设置；如需增加社区，请管理员到“社区管理”页面")]
    AlreadyConfigured,
    /// The database is closed while a backup is restored over it.
    #[error("数据库正在恢复，请稍候")]
    Restoring,
}

impl Error {
    /// Stable, machine-readable code: the UI branches on it, never on the text.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Store(e) => e.code(),
            Error::Invalid(_) => "invalid_input",
            Error::Access(_) => "access.denied",
            Error::Auth(e) => e.code(),
            Error::Backup(e) => e.code(),
            Error::Sync(e) => e.code(),
            Error::Import(e) => e.code(),
            Error::FirstRun(e) => e.code(),
            Error::Export(e) => e.code(),
            Error::Print(e) => e.code(),
            Error::NotFound { .. } => "not_found",
            Error::NotConfigured => "not_configured",
            Error::AlreadyConfigured => "already_configured",
            Error::Restoring => "store.closed",
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: self.to_string(),
            field: match self {
                Error::Invalid(i) => Some(i.field.to_string()),
                _ => None,
            },
        }
    }
}

/// What crosses to the UI: `{code, message}`, plus the form field at fault
/// for invalid input so the message can stand beside that field.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<Error> for ErrorPayload {
    fn from(e: Error) -> Self {
        e.payload()
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(StoreError::from(e))
    }
}
