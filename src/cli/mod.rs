//! The subcommands of `street-ledger`, one function each, by area; and what
//! they share: the password prompt, logging in, the choices clap offers.
use std::sync::OnceLock;

use clap::builder::PossibleValue;
use street_ledger::access::Actor;
use street_ledger::accounts;
use street_ledger::store::Store;
use street_ledger::Error;

pub mod backup;
pub mod import;
pub mod office;
pub mod report;
pub mod sync;

/// The password for a prompt: STREET_LEDGER_PASSWORD (scheduled tasks), else
/// typed at the terminal without echo.
pub fn password(prompt: &str) -> Result<String, Error> {
    if let Ok(p) = std::env::var("STREET_LEDGER_PASSWORD") {
        return Ok(p);
    }
    rpassword::prompt_password(prompt).map_err(|_| {
        street_ledger::validate::invalid(
            "password",
            "无法读取密码：请在终端中运行，或设置环境变量 STREET_LEDGER_PASSWORD",
        )
        .into()
    })
}

/// Commands other than init, demo and check act as a named account.
pub fn login(store: &mut Store, user: Option<&str>) -> Result<Actor, Error> {
    let user = user.ok_or_else(|| street_ledger::validate::invalid("user", "请用 --user 指定登录名"))?;
    let password = password(&format!("“{user}”的密码："))?;
    accounts::login(store, user, &password, chrono::Utc::now())
}

/// A choice clap offers from one of the core's lists (name, label): the
/// report catalogue, the import registers. A name not on the list is
/// refused by clap with the list, never passed on.
#[derive(Clone, Copy)]
pub struct Choice<L: List> {
    pub name: &'static str,
    label: &'static str,
    list: std::marker::PhantomData<L>,
}

/// One of the core's lists of choices.
pub trait List: Clone + Copy + Send + Sync + 'static {
    fn all() -> Vec<(&'static str, &'static str)>;
    /// Where the choices are kept once made (one per list).
    fn cell() -> &'static OnceLock<Vec<Choice<Self>>>;
}

impl<L: List> clap::ValueEnum for Choice<L> {
    fn value_variants<'a>() -> &'a [Self] {
        L::cell().get_or_init(|| {
            L::all().into_iter().map(|(name, label)| Choice { name, label, list: std::marker::PhantomData }).collect()
        })
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name).help(self.label))
    }
}
