//! The UI decides nothing by a record's status: what may be done comes
//! from the core (`actions`, `next_steps`, `judicial_open`, the household's
//! `zero_label`), so no page compares a status with a register's status
//! words. Read from the source of ui/js, with the words from the core.
use std::collections::BTreeSet;
use std::path::Path;

use street_ledger::employment::household::ZeroState;
use street_ledger::employment::{case, loans};
use street_ledger::mediation::lifecycle;
use street_ledger::{dict, elderly};

use crate::support::new_office;

/// Every status word of the registers, as the core has them: the roster's
/// statuses, a case's, a loan's repayment, a household member's work status,
/// a household's zero-employment state, a mediation case's statuses.
fn status_words() -> BTreeSet<String> {
    let o = new_office();
    let mut out: BTreeSet<String> = BTreeSet::new();
    for list in ["roster_status", "loan_repayment", "work_status"] {
        out.extend(dict::labels(o.store.conn(), list).unwrap());
    }
    out.insert(elderly::ACTIVE.into());
    out.extend(case::STATUSES.map(String::from));
    out.insert(loans::SETTLED.into());
    let zero = [ZeroState::No, ZeroState::Candidate { again: false }, ZeroState::Confirmed { since: String::new() }];
    out.extend(zero.map(|z| serde_json::to_value(z).unwrap()["state"].as_str().unwrap().to_string()));
    out.insert(lifecycle::RECEIVED.into());
    out.extend(lifecycle::TRANSITIONS.iter().map(|t| t.step.to_string()));
    out
}

const OPERATORS: [&str; 4] = ["===", "!==", "==", "!="];

/// The identifier path (`d.row.status`, `r.zero?.state`) at the end of `code`.
fn path_before(code: &str) -> &str {
    let code = code.trim_end();
    let start = code.rfind(|c: char| !(c.is_alphanumeric() || "_$.?".contains(c))).map_or(0, |i| i + 1);
    &code[start..]
}

/// The identifier path at the start of `code`.
fn path_after(code: &str) -> &str {
    let code = code.trim_start();
    let end = code.find(|c: char| !(c.is_alphanumeric() || "_$.?".contains(c))).unwrap_or(code.len());
    &code[..end]
}

/// A mediation step (`s.step`, `step`) is named like the status it leads
/// to; the UI picks a step's form and labels by it (which steps may come is
/// the core's `next_steps`).
fn names_a_step(path: &str) -> bool {
    path.rsplit('.').next().unwrap_or(path).trim_matches('?') == "step"
}

/// The string literals of a line: (start, end, text), templates with `${`
/// left out.
fn literals(line: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = line[at..].find(['\'', '"', '`']).map(|i| at + i) {
        let quote = line[open..].chars().next().unwrap();
        let Some(len) = line[open + 1..].find(quote) else { break };
        let close = open + 1 + len;
        let text = &line[open + 1..close];
        if !text.contains("${") {
            out.push((open, close + 1, text));
        }
        at = close + 1;
    }
    out
}

/// Every comparison in `source` of a status word with something that is
/// not a mediation step: `x === 'w'`, `'w' !== x`, `case 'w':`,
/// `['w', …].includes(x)`; as `file:line: text`.
fn status_comparisons(file: &str, source: &str, words: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut switched = "";
    for (n, line) in source.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
            continue;
        }
        if let Some(i) = line.find("switch (") {
            switched = line[i + 8..].split(')').next().unwrap_or("");
        }
        let mut found = false;
        for (start, end, text) in literals(line) {
            if !words.contains(text) {
                continue;
            }
            let before = line[..start].trim_end();
            let after = line[end..].trim_start();
            let compared = if let Some(op) = OPERATORS.iter().find(|op| before.ends_with(*op)) {
                Some(path_before(&before[..before.len() - op.len()]))
            } else if let Some(op) = OPERATORS.iter().find(|op| after.starts_with(*op)) {
                Some(path_after(&after[op.len()..]))
            } else if before.ends_with("case") {
                Some(switched)
            } else {
                // Inside `[…]` followed by `.includes(x)`.
                let close = line[end..].find(']').map(|i| end + i);
                let opened = line[..start].rfind('[').is_some_and(|o| !line[o..start].contains(']'));
                match close.filter(|_| opened).and_then(|c| line[c + 1..].strip_prefix(".includes(")) {
                    Some(arg) => Some(arg.split(')').next().unwrap_or("")),
                    None => None,
                }
            };
            if compared.is_some_and(|path| !names_a_step(path)) {
                found = true;
            }
        }
        if found {
            out.push(format!("{file}:{}: {}", n + 1, line.trim()));
        }
    }
    out
}

#[test]
fn no_page_compares_a_status_with_the_registers_status_words() {
    let words = status_words();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/js");
    let mut found = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "js") {
            files += 1;
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            found.extend(status_comparisons(&name, &std::fs::read_to_string(&path).unwrap(), &words));
        }
    }
    assert!(files > 20, "{files} files read");
    assert_eq!(found, Vec::<String>::new(), "ask the core for `actions` (or a flag) instead");
}

#[test]
fn the_status_scan_finds_every_form_of_comparison_and_leaves_steps_and_other_words_alone() {
    let words = status_words();
    for w in
        ["在册", "去世", "已就业", "已结案", "已结清", "逾期", "失业", "no", "candidate", "受理", "调解不成", "结案"]
    {
        assert!(words.contains(w), "{w} is a status word of the core");
    }
    let source = "\
const open = c.status !== '已结案';
if ('在册' === e.status) x();
  return d.agreement_kind === '书面' && ['协议', '履行', '回访'].includes(d.row.status);
// c.status === '已结案' in a comment
const done = r.zero.state === \"no\";
switch (c.status) {
  case '已就业': break;
}
switch (step) {
  case '调解': break;
}
const visit = timeline.find((s) => s.step === '回访');
if (c.status === '草稿' || role === 'admin') y();
const all = r.status === `已结清`;
";
    assert_eq!(
        status_comparisons("a.js", source, &words),
        [
            "a.js:1: const open = c.status !== '已结案';",
            "a.js:2: if ('在册' === e.status) x();",
            "a.js:3: return d.agreement_kind === '书面' && ['协议', '履行', '回访'].includes(d.row.status);",
            "a.js:5: const done = r.zero.state === \"no\";",
            "a.js:7: case '已就业': break;",
            "a.js:14: const all = r.status === `已结清`;",
        ]
    );
}
