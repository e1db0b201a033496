//! The schema catalogue (数据结构目录): every table of the database, every
//! field of a record table with its Chinese label, column type, reference
//! and whether it may be empty, which records may be deleted, which tables
//! are synced and which belong to one PC, and every setting with its type
//! and range.
//!
//! It is the one place these facts are written. The write path checks field
//! names against it, the audit trail and the sync review take their labels
//! from it, import maps headers to fields by its labels and synonyms (an
//! import template is headed by the labels), `dump` and `check` walk its
//! tables, the sync validator checks received changes against it, and a
//! test holds the migrations to it (`PRAGMA table_info`). It imports
//! nothing: every layer may read it.
mod local;
mod settings;
mod tables;

pub use local::{LocalTable, LOCAL_TABLES};
pub use settings::{Kind as SettingKind, Setting, PC_NUMBER, SETTINGS};

/// A column's storage type, as the migrations declare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Integer,
    Real,
    /// Bytes (only the log's chain hashes; no record field).
    Blob,
}

impl Type {
    /// The declared type in SQL.
    pub fn sql(self) -> &'static str {
        match self {
            Type::Text => "TEXT",
            Type::Integer => "INTEGER",
            Type::Real => "REAL",
            Type::Blob => "BLOB",
        }
    }
}

/// Where a table's rows or a setting's value hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// 全街道: the same on every PC of the office, carried by sync.
    Synced,
    /// 本机: this PC only, never in a sync package.
    Local,
}

/// One field of a record table (besides `id` and `row_version`, which every
/// record table has).
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    /// What the field is called on pages, in the audit trail and in an
    /// import's header row (标签).
    pub label: &'static str,
    pub ty: Type,
    /// NOT NULL in the database.
    pub required: bool,
    /// The record table this field refers to (by id), if any.
    pub refers: Option<Table>,
    /// The other headers offices give this field in their spreadsheets
    /// (表头同义词): an import's column headed by one of them, or by the
    /// label itself, feeds the field.
    pub synonyms: &'static [&'static str],
}

impl Field {
    const fn new(name: &'static str, label: &'static str, ty: Type) -> Field {
        Field { name, label, ty, required: false, refers: None, synonyms: &[] }
    }

    const fn must(self) -> Field {
        Field { required: true, ..self }
    }

    /// The other headers the field is known by (see [`Field::synonyms`]).
    const fn also(self, synonyms: &'static [&'static str]) -> Field {
        Field { synonyms, ..self }
    }

    /// The headers that name the field: its label, then its synonyms.
    pub fn headers(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.label).chain(self.synonyms.iter().copied())
    }
}

/// A text field.
const fn text(name: &'static str, label: &'static str) -> Field {
    Field::new(name, label, Type::Text)
}

/// A whole number (counts, cents, flags 0/1).
const fn int(name: &'static str, label: &'static str) -> Field {
    Field::new(name, label, Type::Integer)
}

const fn real(name: &'static str, label: &'static str) -> Field {
    Field::new(name, label, Type::Real)
}

/// A reference to a record of `to`, by its id.
const fn link(name: &'static str, label: &'static str, to: Table) -> Field {
    Field { refers: Some(to), ..Field::new(name, label, Type::Text) }
}

/// A record table: synced, written only through the write path.
#[derive(Debug)]
pub struct TableDef {
    pub table: Table,
    pub name: &'static str,
    /// What a record of it is called (人员, 调解案件).
    pub label: &'static str,
    pub fields: &'static [Field],
    /// Records nothing else refers to may be deleted (a mistaken entry).
    /// The others end by a status (迁出, 去世, 结案), never by deletion.
    pub deletable: bool,
}

/// The record tables (业务记录表). Every one is synced: one PC's changes
/// reach every other through the change log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Office,
    Community,
    DictEntry,
    Setting,
    Account,
    Person,
    Elderly,
    CareProvider,
    ElderlyService,
    ElderlyVisit,
    Household,
    HouseholdMember,
    ZeroEmployment,
    EmploymentCase,
    EmploymentTraining,
    EmploymentFollowup,
    WelfarePost,
    PostPlacement,
    StartupLoan,
    HardshipRelief,
    MediationCommittee,
    Mediator,
    MediationCase,
    MediationParty,
    MediationStep,
    PreventionEntry,
    MediatorTraining,
    ScreeningEntry,
    ElderlyAllowance,
    AllowanceEvent,
    ElderlyCall,
    ElderlyAssistance,
    ElderlyCondolence,
    ElderlyCareEntitlement,
}

impl Table {
    /// Parents before children: sync stores records in this order.
    pub const ALL: [Table; 34] = [
        Table::Office,
        Table::Community,
        Table::DictEntry,
        Table::Setting,
        Table::Account,
        Table::Person,
        Table::Elderly,
        Table::CareProvider,
        Table::ElderlyService,
        Table::ElderlyVisit,
        Table::Household,
        Table::HouseholdMember,
        Table::ZeroEmployment,
        Table::EmploymentCase,
        Table::EmploymentTraining,
        Table::EmploymentFollowup,
        Table::WelfarePost,
        Table::PostPlacement,
        Table::StartupLoan,
        Table::HardshipRelief,
        Table::MediationCommittee,
        Table::Mediator,
        Table::MediationCase,
        Table::MediationParty,
        Table::MediationStep,
        Table::PreventionEntry,
        Table::MediatorTraining,
        Table::ScreeningEntry,
        Table::ElderlyAllowance,
        Table::AllowanceEvent,
        Table::ElderlyCall,
        Table::ElderlyAssistance,
        Table::ElderlyCondolence,
        Table::ElderlyCareEntitlement,
    ];

    pub const fn def(self) -> &'static TableDef {
        let def = &tables::TABLES[self as usize];
        debug_assert!(def.table as usize == self as usize);
        def
    }

    /// The field `name`, for a constant: a name the table does not have
    /// stops the build (the panic happens while compiling), so a misspelt
    /// field in, say, an import's list of columns cannot ship.
    pub const fn field_named(self, name: &str) -> &'static Field {
        let fields = self.def().fields;
        let mut i = 0;
        while i < fields.len() {
            if same(fields[i].name, name) {
                return &fields[i];
            }
            i += 1;
        }
        // Only a name can be said in a constant's panic; the build error
        // shows the call it came from.
        panic!("{}", name)
    }

    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// What a record of this table is called.
    pub fn label(self) -> &'static str {
        self.def().label
    }

    pub fn fields(self) -> &'static [Field] {
        self.def().fields
    }

    /// The fields' names, in the catalogue's order.
    pub fn field_names(self) -> impl Iterator<Item = &'static str> {
        self.fields().iter().map(|f| f.name)
    }

    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// A field's label; `None` for a name the table does not have.
    pub fn field_label(self, name: &str) -> Option<&'static str> {
        self.field(name).map(|f| f.label)
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The fields that refer to another record, with the table referred to.
    /// A record received before the one it refers to waits (待关联).
    pub fn references(self) -> impl Iterator<Item = (&'static str, Table)> {
        self.fields().iter().filter_map(|f| f.refers.map(|to| (f.name, to)))
    }

    pub fn deletable(self) -> bool {
        self.def().deletable
    }
}

/// `a == b`, byte by byte (`==` on strings is not yet usable in a `const fn`).
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_defined_once_in_order() {
        for (i, t) in Table::ALL.iter().enumerate() {
            assert_eq!(tables::TABLES[i].table, *t);
            assert_eq!(*t as usize, i);
        }
        assert_eq!(tables::TABLES.len(), Table::ALL.len());
    }

    #[test]
    fn parents_come_before_children() {
        for t in Table::ALL {
            for (_, parent) in t.references() {
                assert!(parent <= t, "{} refers to {} listed after it", t.name(), parent.name());
            }
        }
    }

    #[test]
    fn field_names_are_unique_and_every_field_is_labelled() {
        for t in Table::ALL {
            let mut names: Vec<_> = t.field_names().collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), t.fields().len(), "{}", t.name());
            assert!(t.fields().iter().all(|f| !f.label.is_empty()));
        }
    }

    #[test]
    fn the_constant_lookup_finds_every_field_as_the_runtime_one_does() {
        for t in Table::ALL {
            for f in t.fields() {
                assert!(std::ptr::eq(t.field_named(f.name), f), "{}.{}", t.name(), f.name);
            }
        }
        assert!(!same("sanwu", "sanwuu") && !same("sanwu", "sanwa") && same("", ""));
    }

    /// A header naming two fields of a table would feed whichever an
    /// import lists first; one repeating the label says nothing.
    #[test]
    fn no_header_names_two_fields_of_a_table() {
        for t in Table::ALL {
            let mut headers: Vec<&str> = t.fields().iter().flat_map(Field::headers).collect();
            let all = headers.len();
            headers.sort();
            headers.dedup();
            assert_eq!(headers.len(), all, "{}", t.name());
        }
    }
}
