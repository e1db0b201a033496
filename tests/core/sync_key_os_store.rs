//! The office key in the OS credential store: on Linux the Secret Service,
//! here a real GNOME Keyring on a private D-Bus session bus. The CLI is run
//! as a user would run it (no STREET_LEDGER_CONFIG_DIR: its config folder is
//! under a temporary XDG_CONFIG_HOME), with and without a Secret Service on
//! the bus. Needs dbus-daemon, dbus-send, gnome-keyring and secret-tool
//! (`cargo xtask deps` installs them).
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use street_ledger::store::DB_FILE;
use street_ledger::sync::{self, keys};
use tempfile::TempDir;

use crate::support::{clerk, config_dir, new_office};

const PASSPHRASE: &str = "和平街道同步密钥2025";

/// A private session bus that activates nothing (so no service starts behind
/// the test's back), optionally with an unlocked GNOME Keyring on it.
struct Session {
    address: String,
    children: Vec<Child>,
}

impl Session {
    fn start(root: &Path) -> Session {
        let config = root.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" \
                 \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\
                 <busconfig><type>session</type><listen>unix:path={}</listen>\
                 <auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
                 <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>",
                root.join("bus").display()
            ),
        )
        .unwrap();
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            // It warns that it cannot raise its file limit, harmlessly.
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus-daemon; cargo xtask deps installs it)");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        Session { address: address.trim().to_string(), children: vec![bus] }
    }

    /// Starts GNOME Keyring on the bus, its login keyring unlocked, and waits
    /// until it owns the Secret Service's name.
    fn with_keyring(mut self, home: &Path) -> Session {
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", home)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (package gnome-keyring; cargo xtask deps installs it)");
        keyring.stdin.take().unwrap().write_all(b"test-keyring").unwrap();
        self.children.push(keyring);
        let started = Instant::now();
        while !self.has_secret_service() {
            assert!(started.elapsed() < Duration::from_secs(20), "GNOME Keyring did not come up on the bus");
            std::thread::sleep(Duration::from_millis(50));
        }
        self
    }

    fn has_secret_service(&self) -> bool {
        let out = Command::new("dbus-send")
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
            .args(["org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .expect("dbus-send (package dbus-bin)");
        String::from_utf8_lossy(&out.stdout).contains("boolean true")
    }

    /// What the Secret Service holds for an installation, read by another
    /// client (libsecret's secret-tool) than the app's.
    fn lookup(&self, installation_id: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", "street-ledger", "username", installation_id])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .expect("secret-tool (package libsecret-tools)");
        out.status.success().then(|| String::from_utf8(out.stdout).unwrap())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        for c in self.children.iter_mut().rev() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The CLI as a user runs it: the platform's config folder (under `home`),
/// the given session bus or none at all.
fn cli(home: &Path, bus: Option<&Session>, data: &Path, args: &[&str], passphrase: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_street-ledger"));
    c.arg("--data-dir").arg(data).args(args).stdin(Stdio::null());
    c.env_remove(keys::CONFIG_DIR_ENV).env_remove("STREET_LEDGER_SYNC_KEY");
    c.env("HOME", home).env("XDG_CONFIG_HOME", home.join("config"));
    // An empty runtime folder: no `bus` socket for libdbus to find there.
    c.env("XDG_RUNTIME_DIR", home.join("run"));
    c.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY").env_remove("DBUS_SESSION_BUS_ADDRESS");
    if let Some(bus) = bus {
        c.env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    }
    if let Some(p) = passphrase {
        c.env("STREET_LEDGER_SYNC_KEY", p);
    }
    c.output().unwrap()
}

#[track_caller]
fn ok(out: Output) {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

fn installation(data: &Path) -> String {
    let c = Connection::open_with_flags(data.join(DB_FILE), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    c.query_row("SELECT id FROM installation", [], |r| r.get(0)).unwrap()
}

fn key_file(home: &Path, installation_id: &str) -> PathBuf {
    home.join("config/street-ledger/sync-keys").join(format!("{installation_id}.key"))
}

#[test]
fn the_key_lives_in_the_secret_service_when_one_answers_and_in_the_file_when_none_does() {
    // The office's first PC (the test's own key store: the file), and the
    // key text it keeps, which every PC given the passphrase derives alike.
    let office = new_office();
    let folder = TempDir::new().unwrap();
    sync::set_folder(&office.store, &clerk(), &folder.path().display().to_string()).unwrap();
    sync::set_key(&office.store, &clerk(), PASSPHRASE).unwrap();
    let text = std::fs::read_to_string(keys::file(office.store.installation_id())).unwrap();
    assert!(keys::file(office.store.installation_id()).starts_with(config_dir()));
    let snapshot = folder.path().join("快照.slsync");
    let key = sync::stored_key(office.store.conn()).unwrap();
    let mut store = office.store;
    sync::snapshot(&mut store, &clerk(), &snapshot, &key).unwrap();
    let snapshot = snapshot.to_str().unwrap();

    let root = TempDir::new().unwrap();
    let home = root.path();
    let (b, c) = (TempDir::new().unwrap(), TempDir::new().unwrap());

    // No session bus (CI, a bare machine): PC B joins, its key goes to the file.
    ok(cli(home, None, b.path(), &["sync", "join", snapshot], Some(PASSPHRASE)));
    let b_id = installation(b.path());
    assert_eq!(std::fs::read_to_string(key_file(home, &b_id)).unwrap(), text);
    // A bus with no Secret Service on it: the file still.
    let bus = Session::start(home);
    let out = b.path().join("B.slsync");
    ok(cli(home, Some(&bus), b.path(), &["sync", "export", "-o", out.to_str().unwrap()], None));
    assert!(key_file(home, &b_id).exists());
    std::fs::remove_file(&out).unwrap();

    // A Secret Service answers: the key moves there and the file goes.
    let session = bus.with_keyring(home);
    ok(cli(home, Some(&session), b.path(), &["sync", "export", "-o", out.to_str().unwrap()], None));
    assert_eq!(session.lookup(&b_id).as_deref(), Some(text.as_str()), "B's key, in the Secret Service");
    assert!(!key_file(home, &b_id).exists(), "no key file once the key is in the Secret Service");
    std::fs::remove_file(&out).unwrap();
    ok(cli(home, Some(&session), b.path(), &["sync", "export", "-o", out.to_str().unwrap()], None));

    // PC C joins with the Secret Service there: its key goes straight in, no
    // file is ever written, and each installation has its own entry.
    ok(cli(home, Some(&session), c.path(), &["sync", "join", snapshot], Some(PASSPHRASE)));
    let c_id = installation(c.path());
    assert_eq!(session.lookup(&c_id).as_deref(), Some(text.as_str()));
    assert!(!key_file(home, &c_id).exists());
    assert!(!home.join("config/street-ledger/sync-keys").read_dir().unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".key")));

    // Without the Secret Service, C's key is out of reach: it asks for it.
    let out = cli(home, None, c.path(), &["sync", "export", "-o", c.path().join("C.slsync").to_str().unwrap()], None);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.code() == Some(2) && stderr.contains("需要输入同步密钥"), "{stderr}");
}
