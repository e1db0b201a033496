//! Merge (合并): what a record is, given every change of it that this PC
//! holds, from whichever PC they came and in whatever order they arrived.
//!
//! Each field is a multi-value register resolved by last writer wins: a
//! change of a field supersedes the earlier changes of that field that its
//! PC had seen (its `seen` vector says which); the changes nobody superseded
//! are the field's heads. The newest head (hybrid logical clock stamp, then
//! installation id) is the value; two or more heads are a conflict (冲突待核)
//! until someone picks one, which is a change that has seen them all.
//! An insert sets the pseudo-field `_deleted` to false and a delete sets it to
//! true and every field to null, so a delete concurrent with an edit is a
//! conflict like any other. Because the result depends only on the set of
//! changes, every PC that holds the same changes holds the same records.
use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

/// Existence of the record, as a field.
pub const DELETED: &str = "_deleted";

/// The condition on a `change_log` row that it counts toward its record: a
/// received change held as refused (`sync::trust`) stays in the log but
/// makes no record. Every reader that merges a record's changes uses it.
pub const COUNTED: &str = "NOT EXISTS (SELECT 1 FROM sync_refused r
    WHERE r.installation_id = change_log.installation_id AND r.origin_seq = change_log.origin_seq)";

/// Who made a change: hybrid logical clock stamp, then installation id.
/// Ordered: the greater stamp wins.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    pub hlc: String,
    pub installation_id: String,
}

/// What a PC had seen of a record: per installation, its newest stamp.
pub type Seen = BTreeMap<String, String>;

/// One change of a record, as logged.
#[derive(Debug, Clone)]
pub struct Entry {
    pub stamp: Stamp,
    pub op: String,
    /// Field name to new value.
    pub fields: BTreeMap<String, Json>,
    /// None for changes made before sync existed: they saw every earlier entry.
    pub seen: Option<Seen>,
}

impl Entry {
    /// Parses the `fields` column (`{"field": {"old": .., "new": ..}}`).
    pub fn from_log(hlc: String, installation_id: String, op: String, fields: &str, seen: Option<&str>) -> Entry {
        Entry::with_values(hlc, installation_id, op, new_values(fields), seen)
    }

    /// A change whose new values are at hand (an insert kept without a copy,
    /// read from its record): what [`Entry::from_log`] makes of its text.
    pub fn with_values(
        hlc: String,
        installation_id: String,
        op: String,
        fields: BTreeMap<String, Json>,
        seen: Option<&str>,
    ) -> Entry {
        let seen = seen.map(|s| serde_json::from_str(s).unwrap_or_default());
        Entry { stamp: Stamp { hlc, installation_id }, op, fields, seen }
    }

    /// The fields this change sets, with `_deleted` for inserts and deletes.
    fn touched(&self) -> impl Iterator<Item = (&str, &Json)> {
        let existence = match self.op.as_str() {
            "insert" => Some(&EXISTS),
            "delete" => Some(&GONE),
            _ => None,
        };
        let delete = self.op == "delete";
        let values = self.fields.iter().map(move |(f, v)| (f.as_str(), if delete { &NULL } else { v }));
        values.chain(existence.map(|v| (DELETED, v)))
    }
}

/// A field's change as logged, read for its new value only (the old one is
/// skipped, not built).
#[derive(serde::Deserialize)]
struct NewOnly {
    #[serde(default)]
    new: Json,
}

/// Field name to new value from a logged change's text; `{}` for text that
/// is not an object. A field whose change is not an object of distinct keys
/// is read as any JSON and its `new` taken (null when it has none).
pub fn new_values(fields: &str) -> BTreeMap<String, Json> {
    if let Ok(typed) = serde_json::from_str::<BTreeMap<String, NewOnly>>(fields) {
        return typed.into_iter().map(|(f, c)| (f, c.new)).collect();
    }
    serde_json::from_str::<BTreeMap<String, Json>>(fields)
        .unwrap_or_default()
        .into_iter()
        .map(|(f, mut change)| (f, change.get_mut("new").map(Json::take).unwrap_or(Json::Null)))
        .collect()
}

/// The values `touched` gives by reference: merging reads every change of
/// a record, and copies only the winners.
static NULL: Json = Json::Null;
static EXISTS: Json = Json::Bool(false);
static GONE: Json = Json::Bool(true);

/// A record as its changes make it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// Whether the record exists: inserted, and not deleted (or restored).
    pub exists: bool,
    /// The winning value of each field ever set.
    pub values: BTreeMap<String, Json>,
    /// Fields with two or more heads, each with its heads (newest first).
    pub conflicts: BTreeMap<String, Vec<Stamp>>,
    /// How many changes the record has: its row version.
    pub changes: i64,
}

/// Merges the changes of one record, given in the order this PC logged them.
pub fn merge(entries: &[Entry]) -> Merged {
    // Changes made before sync carry no `seen`: they saw what came before.
    let mut running: Seen = BTreeMap::new();
    let mut seen_of: Vec<std::borrow::Cow<Seen>> = Vec::with_capacity(entries.len());
    for e in entries {
        seen_of.push(match &e.seen {
            Some(seen) => std::borrow::Cow::Borrowed(seen),
            None => std::borrow::Cow::Owned(running.clone()),
        });
        let newest = running.entry(e.stamp.installation_id.clone()).or_default();
        if *newest < e.stamp.hlc {
            newest.clone_from(&e.stamp.hlc);
        }
    }
    let mut by_field: HashMap<&str, Vec<(usize, &Json)>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for (f, v) in e.touched() {
            by_field.entry(f).or_default().push((i, v));
        }
    }
    let saw = |i: usize, j: usize| {
        let s = &entries[j].stamp;
        seen_of[i].get(&s.installation_id).is_some_and(|h| *h >= s.hlc)
    };
    let mut out = Merged { changes: entries.len() as i64, ..Merged::default() };
    for (field, changes) in by_field {
        let mut heads: Vec<&(usize, &Json)> =
            changes.iter().filter(|(j, _)| !changes.iter().any(|(i, _)| i != j && saw(*i, *j))).collect();
        heads.sort_by(|a, b| entries[b.0].stamp.cmp(&entries[a.0].stamp));
        let Some((_, winner)) = heads.first() else { continue };
        if field == DELETED {
            out.exists = **winner == Json::Bool(false);
        } else {
            out.values.insert(field.to_string(), (*winner).clone());
        }
        // Two PCs that set the same value (two deletions of one record) do
        // not disagree: nothing to review.
        if heads.iter().any(|(_, v)| v != winner) {
            out.conflicts.insert(field.to_string(), heads.iter().map(|(i, _)| entries[*i].stamp.clone()).collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(hlc: &str, pc: &str, op: &str, fields: Json, seen: &[(&str, &str)]) -> Entry {
        let fields = fields.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let seen = seen.iter().map(|(p, h)| (p.to_string(), h.to_string())).collect();
        Entry { stamp: Stamp { hlc: hlc.into(), installation_id: pc.into() }, op: op.into(), fields, seen: Some(seen) }
    }

    #[test]
    fn a_change_that_saw_the_other_supersedes_it_without_conflict() {
        let a = entry("1", "A", "insert", json!({"name": "张三"}), &[]);
        let b = entry("2", "B", "update", json!({"name": "张叁"}), &[("A", "1")]);
        for order in [vec![a.clone(), b.clone()], vec![b, a]] {
            let m = merge(&order);
            assert!(m.exists);
            assert_eq!(m.values["name"], json!("张叁"));
            assert!(m.conflicts.is_empty());
        }
    }

    #[test]
    fn concurrent_edits_keep_the_newer_and_list_both() {
        let a = entry("1", "A", "insert", json!({"name": "张三", "phone": "1"}), &[]);
        let b = entry("3", "B", "update", json!({"name": "李四"}), &[("A", "1")]);
        let c = entry("2", "C", "update", json!({"name": "王五"}), &[("A", "1")]);
        for order in [vec![a.clone(), b.clone(), c.clone()], vec![a.clone(), c.clone(), b.clone()]] {
            let m = merge(&order);
            assert_eq!(m.values["name"], json!("李四"));
            assert_eq!(m.values["phone"], json!("1"));
            assert_eq!(m.conflicts["name"].len(), 2);
            assert_eq!(m.conflicts["name"][0].installation_id, "B");
        }
        let resolve = entry("4", "A", "update", json!({"name": "王五"}), &[("A", "1"), ("B", "3"), ("C", "2")]);
        let m = merge(&[a, b, c, resolve]);
        assert_eq!(m.values["name"], json!("王五"));
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn a_delete_concurrent_with_an_edit_is_a_conflict_and_the_record_is_gone() {
        let a = entry("1", "A", "insert", json!({"notes": "x"}), &[]);
        let edit = entry("2", "B", "update", json!({"notes": "y"}), &[("A", "1")]);
        let delete = entry("3", "A", "delete", json!({"notes": "x"}), &[("A", "1")]);
        let m = merge(&[a.clone(), delete.clone(), edit.clone()]);
        assert!(!m.exists);
        assert_eq!(m.conflicts["notes"].len(), 2);
        assert_eq!(merge(&[a, edit, delete]), m);
    }

    #[test]
    fn changes_made_before_sync_follow_each_other() {
        let mut a = entry("1", "A", "insert", json!({"name": "甲"}), &[]);
        let mut b = entry("2", "A", "update", json!({"name": "乙"}), &[]);
        a.seen = None;
        b.seen = None;
        let m = merge(&[a, b]);
        assert_eq!(m.values["name"], json!("乙"));
        assert!(m.conflicts.is_empty());
        assert_eq!(m.changes, 2);
    }

    #[test]
    fn updates_without_their_insert_make_no_record() {
        let b = entry("2", "B", "update", json!({"name": "乙"}), &[("A", "1")]);
        assert!(!merge(&[b]).exists);
    }
}
