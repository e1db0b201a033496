//! The import's headers are the catalogue's: every column that is a record
//! field is headed in the template by the field's label in the catalogue,
//! and found in an office's own file under the label or any synonym the
//! catalogue gives it, whichever register imports it.
use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use street_ledger::catalogue;
use street_ledger::import::{self, fields::Field, Options};
use tempfile::TempDir;

use crate::support::{clerk, new_office, today};

/// The catalogue's own field behind an import column, if it is one.
fn of_catalogue(f: &Field) -> Option<&'static catalogue::Field> {
    f.table.map(|t| t.field(f.key).unwrap_or_else(|| panic!("{} names no field of {}", f.key, t.name())))
}

/// A header row as offices make them: CSV, or a sheet with a title above.
fn write_headers(path: &Path, headers: &[&str]) {
    if path.extension().is_some_and(|e| e == "csv") {
        std::fs::write(path, format!("{}\n", headers.join(","))).unwrap();
        return;
    }
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "和平街道台账（2025年）").unwrap();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn every_column_that_is_a_catalogue_field_is_headed_by_its_label_and_found_under_each_of_its_synonyms() {
    let mut o = new_office();
    let dir = TempDir::new().unwrap();
    for (code, _) in import::registers() {
        let fields = import::fields(code).unwrap();
        assert!(fields.iter().any(|f| of_catalogue(f).is_some()), "{code}: no column is a catalogue field");

        // One header names one column: else a file's column would be taken
        // for whichever field comes first.
        let mut headers: Vec<&str> = fields.iter().flat_map(Field::headers).collect();
        headers.sort();
        let all = headers.len();
        headers.dedup();
        assert_eq!(headers.len(), all, "{code}: a header names two columns");

        // The template heads each column by the catalogue's label, and the
        // preview names the fields so.
        let template = dir.path().join(format!("{code}模板.xlsx"));
        import::template(&o.store, code, &template).unwrap();
        let mut book: Xlsx<_> = open_workbook(&template).unwrap();
        let range = book.worksheet_range("导入模板").unwrap();
        let shown: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        let p = import::preview(&mut o.store, &clerk(), code, &template, &Options::default(), today()).unwrap();
        for (i, f) in fields.iter().enumerate() {
            let Some(c) = of_catalogue(f) else { continue };
            let star = if f.required { "*" } else { "" };
            assert_eq!(shown[i], format!("{}{star}", c.label), "{code}: template header of {}", f.key);
            assert_eq!(p.fields[i], (f.key.to_string(), c.label.to_string(), f.required), "{code}");
        }

        // Round r heads each catalogue column by its r-th header (its label
        // once they run out), the others by their labels: every synonym of
        // every field is met, in a CSV and in a spreadsheet by turns.
        let rounds = fields.iter().filter_map(of_catalogue).map(|c| c.headers().count()).max().unwrap();
        for r in 0..rounds {
            let headers: Vec<&str> = fields
                .iter()
                .map(|f| of_catalogue(f).map_or(f.label, |c| c.headers().nth(r).unwrap_or(c.label)))
                .collect();
            let path = dir.path().join(format!("{code}{r}.{}", if r % 2 == 0 { "csv" } else { "xlsx" }));
            write_headers(&path, &headers);
            let p = import::preview(&mut o.store, &clerk(), code, &path, &Options::default(), today())
                .unwrap_or_else(|e| panic!("{code} headed {headers:?}: {e}"));
            for (i, f) in fields.iter().enumerate() {
                assert_eq!(p.mapping.get(f.key), Some(&i), "{code}: “{}” is not taken for {}", headers[i], f.key);
            }
        }
    }
}
