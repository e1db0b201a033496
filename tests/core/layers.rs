//! The layers' boundaries, read from the source: the store and the schema
//! catalogue are leaves. The store may use the catalogue and the error type
//! and nothing else of the crate (derived data, the upgrade backup and the
//! sync key reach it through `store::Setup`); the catalogue uses nothing.
use std::path::{Path, PathBuf};

pub(crate) fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// Each `crate::<module>` a file names (in a `use` or a path), with its line.
fn crate_modules(source: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{').collect();
            if name.starts_with('{') {
                // `crate::{a, b}`: every name in the braces.
                let inner = rest[1..].split('}').next().unwrap_or("");
                out.extend(inner.split(',').map(|s| (n + 1, s.trim().split("::").next().unwrap_or("").to_string())));
            } else {
                out.push((n + 1, name));
            }
        }
    }
    out
}

fn outside_uses(folder: &str, allowed: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(folder);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let source = std::fs::read_to_string(&file).unwrap();
        for (line, module) in crate_modules(&source) {
            if !module.is_empty() && !allowed.contains(&module.as_str()) {
                found.push(format!("{}:{line}: crate::{module}", file.display()));
            }
        }
        if source.contains("super::super") {
            found.push(format!("{}: reaches above its folder with super::super", file.display()));
        }
    }
    found
}

#[test]
fn the_store_uses_nothing_above_it_but_the_catalogue_and_the_error_type() {
    let found = outside_uses("store", &["store", "catalogue", "error", "Error", "Result"]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn the_catalogue_uses_nothing_of_the_crate() {
    assert_eq!(outside_uses("catalogue", &["catalogue"]), Vec::<String>::new());
}

#[test]
fn the_check_finds_a_use_from_above() {
    let found =
        crate_modules("use crate::{Error, person::search};\n    let x = crate::audit::record(); // crate::backup\n");
    let names: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(names, ["Error", "person", "audit"]);
}

/// The one write path holds by the engine, not by convention: reads go
/// through a connection that cannot write, this PC's own tables through
/// `Store::local`, and records through `Store::write` only.
#[test]
fn records_change_only_inside_a_write_and_reads_cannot_write() {
    let mut office = crate::support::new_office();
    let community = office.dongfeng.clone();
    let rename = "UPDATE community SET name = '改名' WHERE id = ?1";

    let through_reads = office.store.conn().execute(rename, [&community]).unwrap_err();
    assert!(through_reads.to_string().contains("readonly"), "{through_reads}");
    let through_local = office.store.local().execute(rename, [&community]).unwrap_err();
    assert!(through_local.to_string().contains("not authorized"), "{through_local}");
    let insert =
        "INSERT INTO person (id, row_version, name, name_key, created_at) VALUES ('x', 1, '甲', 'jia', '2025-01-01')";
    assert!(office.store.local().execute(insert, []).is_err());

    // This PC's own tables are written through `local`.
    let pc = "UPDATE installation SET pc_name = '一号机'";
    assert_eq!(office.store.local().execute(pc, []).unwrap(), 1);
    // And a record through the write path, after which `local` still refuses it.
    office
        .store
        .write(&crate::support::clerk(), |w| {
            w.update(
                street_ledger::store::Table::Community,
                &community,
                None,
                &[("name", rusqlite::types::Value::Text("和平社区".into()))],
            )
        })
        .unwrap();
    assert!(office.store.local().execute(rename, [&community]).is_err());
    let name: String =
        office.store.conn().query_row("SELECT name FROM community WHERE id = ?1", [&community], |r| r.get(0)).unwrap();
    assert_eq!(name, "和平社区");
}
