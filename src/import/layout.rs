//! Where a register's fields are in a sheet: the header row found under any
//! titles and notes, each field's column by its Chinese header or a synonym,
//! and the user's own choices over what was guessed.
use std::collections::BTreeMap;

use super::cells::Raw;
use super::fields::Field;
use super::read::Grid;
use super::{ImportError, Options};
use crate::Result;

/// A sheet, its header row and the column of each field.
pub(crate) struct Layout<'g> {
    pub grid: &'g Grid,
    pub fields: &'static [Field],
    pub header_row: usize,
    pub columns: BTreeMap<&'static str, usize>,
}

impl Layout<'_> {
    pub fn cell(&self, row: &[Raw], key: &str) -> Raw {
        self.columns.get(key).and_then(|c| row.get(*c)).cloned().unwrap_or(Raw::Empty)
    }

    pub fn header(&self, key: &str) -> String {
        self.columns.get(key).map(|c| header_text(self.grid, self.header_row, *c)).unwrap_or_default()
    }
}

fn header_text(grid: &Grid, row: usize, col: usize) -> String {
    grid.row(row).get(col).and_then(Raw::text).unwrap_or_default()
}

fn normalise(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | ':' | '：' | '(' | ')' | '（' | '）'))
        .collect()
}

/// The header row: among the first 20, the one naming the most fields.
pub(crate) fn layout<'g>(grid: &'g Grid, fields: &'static [Field], options: &Options) -> Result<Layout<'g>> {
    let matches = |row: &[Raw]| -> BTreeMap<&'static str, usize> {
        let mut found = BTreeMap::new();
        for (c, cell) in row.iter().enumerate() {
            let Some(h) = cell.text().map(|t| normalise(&t)) else { continue };
            if let Some(f) = fields.iter().find(|f| f.headers().any(|s| normalise(s) == h)) {
                found.entry(f.key).or_insert(c);
            }
        }
        found
    };
    let (header_row, mut columns) = grid
        .rows
        .iter()
        .take_while(|(i, _)| *i < 20)
        .map(|(i, r)| (*i, matches(r)))
        .max_by_key(|(i, m)| (m.len(), std::cmp::Reverse(*i)))
        .filter(|(_, m)| m.len() >= 2)
        .ok_or_else(|| ImportError::NoHeader(grid.name.clone()))?;
    // The user's choices win over what was guessed.
    for (key, chosen) in &options.mapping {
        let Some(f) = fields.iter().find(|f| f.key == key) else { continue };
        let col = (0..grid.row(header_row).len())
            .find(|c| header_text(grid, header_row, *c) == *chosen)
            .or_else(|| column_letter(chosen));
        match col {
            Some(c) => {
                columns.insert(f.key, c);
            }
            None => {
                columns.remove(f.key);
            }
        }
    }
    if let Some(f) = fields.iter().find(|f| f.required && !columns.contains_key(f.key)) {
        return Err(ImportError::MissingColumn(f.label).into());
    }
    Ok(Layout { grid, fields, header_row, columns })
}

fn column_letter(s: &str) -> Option<usize> {
    let s = s.trim().to_uppercase();
    (!s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_uppercase()))
        .then(|| s.chars().fold(0usize, |acc, c| acc * 26 + (c as usize - 'A' as usize + 1)) - 1)
}

/// The sheet named, or the first whose header names the register's fields,
/// or else the first with rows (whose missing header is then reported).
pub(crate) fn sheet_for<'a>(grids: &'a [Grid], fields: &'static [Field], options: &Options) -> Result<&'a Grid> {
    if let Some(name) = options.sheet.as_deref().filter(|s| !s.is_empty()) {
        return grids.iter().find(|g| g.name == name).ok_or_else(|| ImportError::NoSheet(name.to_string()).into());
    }
    grids
        .iter()
        .find(|g| layout(g, fields, options).is_ok())
        .or_else(|| grids.iter().find(|g| g.rows.len() > 1))
        .or(grids.first())
        .ok_or_else(|| ImportError::NoHeader(String::new()).into())
}
