//! The desktop shell and the UI, read from the source. The UI reaches the
//! core through `ui/js/api.js` alone, one binding per command of the
//! shell's `commands::handler`; the shell decides nothing: no permission
//! check, no branching on error codes, no error codes of its own.
use std::collections::BTreeSet;
use std::path::Path;

use crate::layers::rust_files;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// The commands listed in `tauri::generate_handler![…]`, by name.
fn handler_commands(source: &str) -> Vec<String> {
    let list = source.split("generate_handler![").nth(1).expect("commands::handler lists the commands");
    let list = list.split(']').next().unwrap();
    list.split(',').map(|c| c.trim().rsplit("::").next().unwrap().to_string()).filter(|c| !c.is_empty()).collect()
}

/// The command each binding of api.js invokes, in order.
fn api_bindings(source: &str) -> Vec<String> {
    source.split("invoke('").skip(1).map(|rest| rest.split('\'').next().unwrap().to_string()).collect()
}

/// What differs between the two lists, in words; empty when every command
/// has exactly one binding and every binding a command.
fn mismatches(commands: &[String], bindings: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let listed: BTreeSet<&String> = commands.iter().collect();
    let bound: BTreeSet<&String> = bindings.iter().collect();
    out.extend(listed.difference(&bound).map(|c| format!("command {c} has no binding in ui/js/api.js")));
    out.extend(bound.difference(&listed).map(|b| format!("binding of {b} names no command of commands::handler")));
    for b in &bound {
        if bindings.iter().filter(|x| x == b).count() > 1 {
            out.push(format!("command {b} has more than one binding"));
        }
    }
    out
}

#[test]
fn every_command_has_one_binding_in_api_js_and_every_binding_a_command() {
    let commands = handler_commands(&read("src-tauri/src/commands/mod.rs"));
    let bindings = api_bindings(&read("ui/js/api.js"));
    assert!(commands.len() > 90, "{commands:?}");
    assert_eq!(mismatches(&commands, &bindings), Vec::<String>::new());
}

#[test]
fn the_binding_check_finds_a_missing_binding_and_a_binding_without_a_command() {
    let commands = handler_commands("tauri::generate_handler![\n  login::login,\n  probe::ui_ready,\n  backups\n ]");
    assert_eq!(commands, ["login", "ui_ready", "backups"]);
    let api =
        "login: (u, p) => invoke('login', { u, p }),\n  old: () => invoke('gone'),\n  again: () => invoke('login'),";
    assert_eq!(
        mismatches(&commands, &api_bindings(api)),
        [
            "command backups has no binding in ui/js/api.js",
            "command ui_ready has no binding in ui/js/api.js",
            "binding of gone names no command of commands::handler",
            "command login has more than one binding",
        ]
    );
}

/// Every page calls `api.…`; none calls the shell itself.
#[test]
fn the_ui_calls_the_backend_only_through_api_js() {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root().join("ui/js")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() == "api.js" {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (n, line) in source.lines().enumerate() {
            if line.contains("invoke(") || line.contains("__TAURI__.core") || line.contains("{ invoke") {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

/// What in the shell's code would be a decision of its own: a permission or
/// role check, input checking, branching on an error's code, an error code
/// written out by hand.
const DECISIONS: &[&str] = &[
    "Permission",
    "AccessError",
    "Role::",
    ".require(",
    "require_community",
    ".may(",
    "role ==",
    "role !=",
    "validate::",
    "invalid(",
    ".code ==",
    "code: \"",
    "ErrorPayload {",
];

/// A function returning an `ErrorPayload` is not one made by hand.
fn is_decision(code: &str, what: &str) -> bool {
    code.contains(what) && !(what == "ErrorPayload {" && code.contains("-> ErrorPayload {"))
}

/// Each line of the code (comments left out) holding one of `DECISIONS`.
fn decisions(file: &str, source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if let Some(what) = DECISIONS.iter().find(|d| is_decision(code, d)) {
            out.push(format!("{file}:{}: {what}", n + 1));
        }
    }
    out
}

#[test]
fn the_shell_checks_no_permission_and_validates_nothing() {
    let mut found = Vec::new();
    for file in rust_files(&root().join("src-tauri/src")) {
        found.extend(decisions(&file.display().to_string(), &std::fs::read_to_string(&file).unwrap()));
    }
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn the_decision_scan_finds_a_role_check_and_a_hand_made_error() {
    let source = "fn a() {\n    // Permission is the core's\n    actor.require(Permission::Administer)?;\n    \
                  if s.actor.role == Role::Admin {}\n    Err(ErrorPayload {\n        code: c.into(), message })\n}\n\
                  fn failed(e: E) -> ErrorPayload {\n    if e.code == \"store.closed\" {}\n}";
    assert_eq!(
        decisions("a.rs", source),
        ["a.rs:3: Permission", "a.rs:4: Role::", "a.rs:5: ErrorPayload {", "a.rs:9: .code =="]
    );
}
