use std::{
    env,
    ffi::{OsStr, OsString},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root. Read at run time (`cargo run` sets it), not baked in at build
/// time: clones sharing one CARGO_TARGET_DIR may share this binary.
pub fn root() -> PathBuf {
    let dir = env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into());
    let dir = PathBuf::from(dir);
    dir.parent().map(PathBuf::from).unwrap_or(dir)
}

/// The cargo that runs us (same toolchain), falling back to PATH.
pub fn cargo_program() -> OsString {
    env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Always from the root: from src-tauri/, plain `cargo test` would test the wrong package.
pub fn cargo() -> Command {
    let mut c = Command::new(cargo_program());
    c.current_dir(root());
    c
}

pub fn target_dir() -> Result<PathBuf> {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err("cargo metadata failed".into());
    }
    parse_target_dir(&String::from_utf8_lossy(&out.stdout))
        .map(PathBuf::from)
        .ok_or_else(|| "no target_directory in cargo metadata output".into())
}

/// Just enough JSON to read one string value.
pub fn parse_target_dir(json: &str) -> Option<String> {
    let key = "\"target_directory\":";
    let rest = json[json.find(key)? + key.len()..].trim_start().strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => out.push(match chars.next()? {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                }
                c => c, // \" \\ \/
            }),
            c => out.push(c),
        }
    }
}

/// Runs one visible step: a heading, the command's own output, then its time.
pub fn step(title: &str, cmd: &mut Command) -> Result<Duration> {
    println!("\n==> {title}");
    let start = Instant::now();
    let status = cmd.status().map_err(|e| format!("{title}: cannot start {:?}: {e}", cmd.get_program()))?;
    let took = start.elapsed();
    if !status.success() {
        return Err(format!("{title}: failed ({status}) after {}", fmt_duration(took)));
    }
    println!("<== {title}: ok in {}", fmt_duration(took));
    Ok(took)
}

pub fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        format!("{s:.1} s")
    } else {
        format!("{} min {:02} s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

pub fn which_in(name: &str, path: &OsStr) -> Option<PathBuf> {
    let file = format!("{name}{}", env::consts::EXE_SUFFIX);
    env::split_paths(path).map(|d| d.join(&file)).find(|p| p.is_file())
}

pub fn which(name: &str) -> Option<PathBuf> {
    which_in(name, &env::var_os("PATH").unwrap_or_default())
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> Option<PathBuf> {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|d| d.join("bin"))
}

/// PATH with `dir` in front, unless it is already there.
pub fn path_with(dir: Option<PathBuf>) -> OsString {
    let path = env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = env::split_paths(&path).collect();
    match dir {
        Some(d) if !dirs.contains(&d) => dirs.insert(0, d),
        _ => return path,
    }
    env::join_paths(dirs).unwrap_or(path)
}

/// Free space, in bytes, on the file system holding `dir` (from `df`), or
/// `None` when it cannot be told.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    let out = Command::new("df").arg("-Pk").arg(dir).output().ok()?;
    parse_df_free_kb(&String::from_utf8_lossy(&out.stdout)).map(|kb| kb * 1024)
}

/// The "Available" column of `df -Pk`'s one data line.
pub fn parse_df_free_kb(df: &str) -> Option<u64> {
    df.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_dir_from_metadata() {
        let json = r#"{"packages":[],"target_directory":"/work/main/target","version":1}"#;
        assert_eq!(parse_target_dir(json).as_deref(), Some("/work/main/target"));
        let json = r#"{"target_directory": "C:\\t\"x\"\/\u00e9台"}"#;
        assert_eq!(parse_target_dir(json).as_deref(), Some("C:\\t\"x\"/é台"));
        assert_eq!(parse_target_dir(r#"{"target_directory":"unterminated"#), None);
        assert_eq!(parse_target_dir("{}"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(fmt_duration(Duration::from_millis(12_345)), "12.3 s");
        assert_eq!(fmt_duration(Duration::from_secs(185)), "3 min 05 s");
    }
}
