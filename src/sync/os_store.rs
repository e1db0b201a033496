//! The OS credential store (系统凭据库) in front of the key file: the Secret
//! Service on Linux (GNOME Keyring, KWallet; what UOS, Kylin and the common
//! desktops run), Credential Manager on Windows, both through the `keyring`
//! crate. One entry per installation: service `street-ledger`, user the
//! installation id. Elsewhere (macOS) there is none here and the file is used.
//!
//! Every question is bounded: a store that fails or does not answer within
//! [`BOUND`] (no session bus, as on CI and on a bare machine; a hung D-Bus
//! peer; an unlock prompt nobody answers) counts as absent for the rest of
//! the process, and the caller uses the file.

/// How long the store may take to answer one question.
#[cfg(any(target_os = "linux", windows))]
const BOUND: std::time::Duration = std::time::Duration::from_secs(5);

#[cfg(any(target_os = "linux", windows))]
static ABSENT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Asks the store about an installation's entry: `None` when the store is
/// absent (or failed, or took too long), `Some(None)` when it has no entry.
#[cfg(any(target_os = "linux", windows))]
fn ask<T: Send + 'static>(
    installation_id: &str,
    question: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
) -> Option<Option<T>> {
    use std::sync::atomic::Ordering;
    if ABSENT.load(Ordering::Relaxed) {
        return None;
    }
    let user = installation_id.to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    // On a thread of its own, so that a store that never answers costs BOUND,
    // not D-Bus's 25 s or a prompt's wait; such a thread is left behind.
    std::thread::spawn(move || {
        let _ = tx.send(keyring::Entry::new("street-ledger", &user).and_then(question));
    });
    match rx.recv_timeout(BOUND) {
        Ok(Ok(answer)) => Some(Some(answer)),
        Ok(Err(keyring::Error::NoEntry)) => Some(None),
        _ => {
            ABSENT.store(true, Ordering::Relaxed);
            None
        }
    }
}

/// The text kept for an installation: `None` when the store is absent.
#[cfg(any(target_os = "linux", windows))]
pub(super) fn get(installation_id: &str) -> Option<Option<String>> {
    ask(installation_id, |e| e.get_password())
}

/// Keeps the text for an installation, replacing any; whether the store took it.
#[cfg(any(target_os = "linux", windows))]
pub(super) fn set(installation_id: &str, text: &str) -> bool {
    let text = text.to_string();
    ask(installation_id, move |e| e.set_password(&text)).is_some_and(|done| done.is_some())
}

#[cfg(not(any(target_os = "linux", windows)))]
pub(super) fn get(_: &str) -> Option<Option<String>> {
    None
}

#[cfg(not(any(target_os = "linux", windows)))]
pub(super) fn set(_: &str, _: &str) -> bool {
    false
}
