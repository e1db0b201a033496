//! The fields a column can feed and what each cell must hold, shared by
//! every register: one parser per kind of cell, one check of values against
//! the lists they come from (dictionaries, communities, mediators), one
//! notes row and drop-down list for the templates. A register module only
//! says which fields it has and turns the parsed row into its input.
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::cells::{self, Raw};
use super::{Layout, Options, Problem};
use crate::catalogue::Table;
use crate::dict;

/// A field a column can feed, with the headers it is known by.
///
/// Most are fields of the catalogue ([`from`]): their label (the template's
/// header) and synonyms are the catalogue's, so a header is written once.
/// Whether the column must be there is the import's own (`.must()`): the ID
/// number keys a roster row though a person on file may lack one.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    /// Other headers for it besides the label.
    pub synonyms: &'static [&'static str],
    /// The catalogue table of which this is the field named `key`; `None`
    /// for a column of the import's own.
    pub table: Option<Table>,
    /// The column must be there and the cell filled.
    pub required: bool,
    pub kind: Kind,
    /// Added to the template's notes row.
    pub note: &'static str,
}

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Several names in one cell (the parties of one side).
    Names,
    IdNumber,
    /// Several ID numbers, in the order of the names beside them; a party
    /// without one is left empty between the separators.
    IdNumbers,
    Phone,
    Date,
    YesNo,
    One(List),
    Several(List),
}

/// Where the allowed values of a field come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum List {
    /// A dictionary. The `derived` values are accepted and dropped: the
    /// register works them out itself (高龄, 4050), so they are not offered.
    Dict(&'static str, &'static [&'static str]),
    Communities,
    /// The communities' mediation committees and the street's own.
    Committees,
    Mediators,
}

/// The street's own committee, as the committee column names it.
pub const STREET_COMMITTEE: &str = "街道调委会";

/// The person's columns every person register has, as offices head them.
pub const NAME: Field = from(Table::Person, "name", Kind::Text).must();
pub const ID_NUMBER: Field = from(Table::Person, "id_number", Kind::IdNumber).must();
pub const PHONE: Field = from(Table::Person, "phone", Kind::Phone);
pub const ADDRESS: Field = from(Table::Person, "address", Kind::Text);
/// The community by its name (the catalogue's `community_id` is its id).
pub const COMMUNITY: Field =
    field("community", "所属社区", &["社区名称", "社区", "所在社区"], Kind::One(List::Communities)).must();

/// A column drawn from one dictionary.
pub const fn dict(d: &'static str) -> Kind {
    Kind::One(List::Dict(d, &[]))
}

/// The catalogue's field `name` of `table`, optional; `.must()` and
/// `.note()` refine it. A name the catalogue does not have fails the build.
pub const fn from(table: Table, name: &'static str, kind: Kind) -> Field {
    let f = table.field_named(name);
    Field { key: f.name, label: f.label, synonyms: f.synonyms, table: Some(table), required: false, kind, note: "" }
}

/// An optional column of the import's own, no catalogue field (a value
/// the register turns into one, such as a community's name for its id);
/// `synonyms` are the headers besides the label.
pub const fn field(key: &'static str, label: &'static str, synonyms: &'static [&'static str], kind: Kind) -> Field {
    Field { key, label, synonyms, table: None, required: false, kind, note: "" }
}

impl Field {
    /// The headers that name the column: its label, then its synonyms.
    pub fn headers(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.label).chain(self.synonyms.iter().copied())
    }

    pub const fn must(self) -> Field {
        Field { required: true, ..self }
    }

    pub const fn note(self, note: &'static str) -> Field {
        Field { note, ..self }
    }
}

/// Separators offices put between several values in one cell.
const SEPARATORS: [char; 5] = ['、', ',', '，', ';', '；'];

/// The allowed values of each list, read once per import.
#[derive(Default)]
pub(crate) struct Lists(BTreeMap<List, Vec<String>>);

impl Lists {
    pub fn allowed(&mut self, conn: &Connection, list: List) -> crate::Result<&[String]> {
        Ok(match self.0.entry(list) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(allowed(conn, list)?),
        })
    }
}

fn allowed(conn: &Connection, list: List) -> crate::Result<Vec<String>> {
    Ok(match list {
        List::Dict(d, derived) => {
            let mut v = dict::labels(conn, d)?;
            for s in derived.iter().map(|s| s.to_string()) {
                if !v.contains(&s) {
                    v.push(s);
                }
            }
            v
        }
        List::Communities => crate::office::communities(conn)?.into_iter().map(|c| c.name).collect(),
        List::Committees => {
            let mut v: Vec<String> = crate::office::communities(conn)?.into_iter().map(|c| c.name).collect();
            v.insert(0, STREET_COMMITTEE.to_string());
            v
        }
        List::Mediators => {
            crate::mediation::mediators(conn, &crate::access::Actor::system())?.into_iter().map(|m| m.name).collect()
        }
    })
}

/// The values a template or the mapping of an unknown value offers.
pub fn choices(conn: &Connection, f: &Field) -> crate::Result<Option<Vec<String>>> {
    Ok(match f.kind {
        Kind::One(l) | Kind::Several(l) => {
            let derived = match l {
                List::Dict(_, d) => d,
                _ => &[][..],
            };
            Some(allowed(conn, l)?.into_iter().filter(|v| !derived.contains(&v.as_str())).collect())
        }
        Kind::YesNo => Some(vec!["是".into(), "否".into()]),
        _ => None,
    })
}

/// The notes row of a template, and the drop-down list if any.
pub fn hint(conn: &Connection, f: &Field) -> crate::Result<(String, Option<Vec<String>>)> {
    let list = choices(conn, f)?;
    let listed = list.as_ref().map(|l| l.join("、")).unwrap_or_default();
    Ok((with_note(f, &base_hint(f.kind, &listed)), list))
}

fn base_hint(kind: Kind, listed: &str) -> String {
    match kind {
        Kind::IdNumber => "18位，请保持本列为文本格式".to_string(),
        Kind::IdNumbers => "18位，多人用顿号分隔、与姓名顺序一致；请保持本列为文本格式".to_string(),
        Kind::Names => "多人用顿号（、）分隔".to_string(),
        Kind::Date => "如 2024-03-01".to_string(),
        Kind::Several(_) => format!("可多选，用顿号分隔：{listed}"),
        Kind::One(_) | Kind::YesNo if !listed.is_empty() => format!("从下拉列表选择：{listed}"),
        _ => String::new(),
    }
}

fn with_note(f: &Field, base: &str) -> String {
    match (base.is_empty(), f.note.is_empty()) {
        (_, true) => base.to_string(),
        (true, false) => f.note.to_string(),
        (false, false) => format!("{base}；{}", f.note),
    }
}

/// The notes row under a template's header, left in by whoever filled it
/// in: its ID-number and date cells hold their notes (which, unlike the
/// lists, never change with the dictionaries).
pub(crate) fn is_notes_row(layout: &Layout, cells: &[Raw]) -> bool {
    let fixed = |f: &&Field| matches!(f.kind, Kind::IdNumber | Kind::IdNumbers | Kind::Date);
    layout
        .fields
        .iter()
        .filter(fixed)
        .any(|f| layout.cell(cells, f.key).text() == Some(with_note(f, &base_hint(f.kind, ""))))
}

/// A cell's value once parsed.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    List(Vec<String>),
    /// Positional: `None` where a party has no ID number.
    Ids(Vec<Option<String>>),
    Date(NaiveDate),
    Flag(bool),
}

/// One row of the file, parsed field by field, with its problems named by
/// the column as the file heads it.
pub(crate) struct Row<'l> {
    pub line: usize,
    pub problems: Vec<Problem>,
    values: BTreeMap<&'static str, Value>,
    layout: &'l Layout<'l>,
}

impl Row<'_> {
    pub fn problem(&mut self, key: &str, message: impl Into<String>) {
        self.problems.push(Problem { row: self.line, column: self.layout.header(key), message: message.into() });
    }

    /// The person a row names, from the person columns every register shares.
    pub fn person(&self) -> crate::person::PersonInput {
        crate::person::PersonInput {
            name: self.text("name").unwrap_or_default(),
            id_number: self.text("id_number"),
            phone: self.text("phone"),
            community_id: self.text("community"),
            address: self.text("address"),
            ..Default::default()
        }
    }

    pub fn text(&self, key: &str) -> Option<String> {
        match self.values.get(key) {
            Some(Value::Text(t)) => Some(t.clone()),
            Some(Value::Date(d)) => Some(d.to_string()),
            _ => None,
        }
    }

    pub fn list(&self, key: &str) -> Vec<String> {
        match self.values.get(key) {
            Some(Value::List(l)) => l.clone(),
            Some(Value::Text(t)) => vec![t.clone()],
            _ => Vec::new(),
        }
    }

    pub fn ids(&self, key: &str) -> Vec<Option<String>> {
        match self.values.get(key) {
            Some(Value::Ids(l)) => l.clone(),
            Some(Value::Text(t)) => vec![Some(t.clone())],
            _ => Vec::new(),
        }
    }

    /// 是/否, or `default` when the cell is empty.
    pub fn flag(&self, key: &str, default: bool) -> bool {
        match self.values.get(key) {
            Some(Value::Flag(b)) => *b,
            _ => default,
        }
    }
}

/// Parses every field of a row: cleaned text, the user's value mapping
/// applied, ID numbers, phones and dates checked, list values checked
/// against their lists (unknown ones reported as `未知值：field=value`, which
/// the preview collects for mapping), required cells present.
pub(crate) fn parse<'l>(
    conn: &Connection,
    lists: &mut Lists,
    layout: &'l Layout<'l>,
    cells: &[Raw],
    line: usize,
    options: &Options,
) -> crate::Result<Row<'l>> {
    let mut row = Row { line, problems: Vec::new(), values: BTreeMap::new(), layout };
    for f in layout.fields {
        let raw = layout.cell(cells, f.key);
        let mapped = |v: String| options.values.get(f.key).and_then(|m| m.get(&v)).cloned().unwrap_or(v);
        let parsed: Result<Option<Value>, String> = match f.kind {
            Kind::Text => Ok(raw.text().map(|t| Value::Text(mapped(t)))),
            Kind::Names => Ok(raw.text().map(|t| Value::List(split(&t, false).into_iter().flatten().collect()))),
            Kind::IdNumber => cells::id_number(&raw).map(|id| id.map(Value::Text)),
            Kind::IdNumbers => id_numbers(&raw).map(|ids| ids.map(Value::Ids)),
            Kind::Phone => cells::phone(&raw).map(|p| p.map(Value::Text)),
            Kind::Date => cells::date(&raw).map(|d| d.map(Value::Date)),
            Kind::YesNo if raw.text().is_none() => Ok(None),
            Kind::YesNo => cells::yes_no(&raw).map(|b| Some(Value::Flag(b))),
            Kind::One(list) | Kind::Several(list) => match raw.text() {
                None => Ok(None),
                Some(t) => {
                    let allowed = lists.allowed(conn, list)?;
                    let several = matches!(f.kind, Kind::Several(_));
                    let mut values = Vec::new();
                    for part in if several { split(&t, true).into_iter().flatten().collect() } else { vec![t] } {
                        // "高中/中专" is one value, "独居/困难" two: a slash
                        // splits only what the list does not know whole.
                        let parts = if !several || allowed.contains(&part) || !part.contains('/') {
                            vec![part]
                        } else {
                            part.split('/').filter(|s| !s.is_empty()).map(String::from).collect()
                        };
                        values.extend(parts.into_iter().map(|p| mapped(canonical(list, &p))));
                    }
                    for v in values.iter().filter(|v| !allowed.contains(v)) {
                        row.problem(f.key, format!("未知值：{}={v}", f.key));
                    }
                    if let List::Dict(_, derived) = list {
                        values.retain(|v| !derived.contains(&v.as_str()));
                    }
                    Ok(if several { Some(Value::List(values)) } else { values.into_iter().next().map(Value::Text) })
                }
            },
        };
        match parsed {
            Ok(Some(v)) => {
                row.values.insert(f.key, v);
            }
            Ok(None) if f.required => row.problem(f.key, format!("缺少{}", f.label)),
            Ok(None) => {}
            Err(e) => row.problem(f.key, e),
        }
    }
    Ok(row)
}

/// The parts of a cell holding several values; empty parts kept as `None`
/// (a party without an ID number keeps its place). Spaces separate list
/// values ("独居 困难") but not names ("张 三" is one person).
fn split(text: &str, spaces: bool) -> Vec<Option<String>> {
    text.split(|c: char| SEPARATORS.contains(&c) || (spaces && c.is_whitespace())).map(crate::validate::clean).collect()
}

/// How offices write a list's values, folded to the list's own: a
/// committee as "东风社区调委会" or "东风社区人民调解委员会" is 东风社区.
fn canonical(list: List, value: &str) -> String {
    if list == List::Committees {
        let v = value.trim_end_matches("人民调解委员会").trim_end_matches("调委会");
        if v.is_empty() || v.ends_with("街道") || value == STREET_COMMITTEE {
            return STREET_COMMITTEE.to_string();
        }
        return v.to_string();
    }
    value.to_string()
}

fn id_numbers(raw: &Raw) -> Result<Option<Vec<Option<String>>>, String> {
    if let Raw::Number(_) = raw {
        return cells::id_number(raw).map(|id| id.map(|i| vec![Some(i)]));
    }
    let Some(text) = raw.text() else { return Ok(None) };
    let mut out = Vec::new();
    for part in split(&text, false) {
        out.push(match part {
            Some(p) => cells::id_number(&Raw::Text(p))?,
            None => None,
        });
    }
    Ok(out.iter().any(Option::is_some).then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committees_are_read_as_offices_write_them() {
        assert_eq!(canonical(List::Committees, "东风社区调委会"), "东风社区");
        assert_eq!(canonical(List::Committees, "东风社区人民调解委员会"), "东风社区");
        assert_eq!(canonical(List::Committees, "和平街道调委会"), STREET_COMMITTEE);
        assert_eq!(canonical(List::Communities, "东风社区调委会"), "东风社区调委会");
    }

    #[test]
    fn several_id_numbers_keep_their_places() {
        let a = crate::idcard::compose("110105", NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(), 1).to_string();
        let ids = id_numbers(&Raw::Text(format!("{a}、、{a}"))).unwrap().unwrap();
        assert_eq!(ids, vec![Some(a.clone()), None, Some(a)]);
        assert_eq!(id_numbers(&Raw::Text("、".into())).unwrap(), None);
        assert!(id_numbers(&Raw::Number(110105197001010000.0)).unwrap_err().contains("文本"));
    }
}
