//! Street Ledger (街道民生台账): the GUI-free core.
//!
//! Every capability lives here as a plain function over a [`store::Store`];
//! the `street-ledger` CLI and the Tauri desktop shell both call it.
pub mod access;
pub mod accounts;
pub mod audit;
pub mod backup;
pub mod catalogue;
pub mod check;
pub mod demo;
pub mod dict;
pub mod dump;
pub mod elderly;
pub mod employment;
pub mod error;
pub mod export;
pub mod firstrun;
pub mod idcard;
pub mod import;
pub mod mediation;
pub mod office;
mod open;
pub mod person;
pub mod pinyin;
pub mod print;
pub mod report;
pub mod settings;
pub mod store;
pub mod sync;
pub mod validate;

pub use error::{Error, ErrorPayload, Result};
