//! Hostile spreadsheets, made here at test time and imported by the real
//! command under the 1 GB limit of `hostile::run_limited`: a far stray cell,
//! merges and a declared size over the whole sheet are read as the few cells
//! they hold; a bloated workbook, a broken .xls and CSV files that are no
//! text are refused in Chinese with nothing written.
use std::io::Write;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;
use zip::write::SimpleFileOptions;

use crate::hostile::{assert_unchanged, demo_folder, fingerprint, refused_clearly, run_limited, HANG};
use crate::support::id_number;

/// The demo's communities (`demo --communities 2`).
const COMMUNITY: &str = "和平社区";

/// Five people nobody in the demo street is (born 1931).
fn people() -> Vec<(String, String)> {
    (1..=5).map(|i| (format!("测试{i}"), id_number(1931, 1, i, 900 + i as u16))).collect()
}

const HEADER: [&str; 4] = ["序号", "社区", "姓名", "身份证号"];

/// Imports `file` as the elderly roster under the memory limit.
fn import(dir: &Path, file: &Path) -> std::process::Output {
    run_limited(dir, &["--user", "admin", "import", "elderly", file.to_str().unwrap()], HANG)
}

#[track_caller]
fn imported_five(o: &std::process::Output) {
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "stdout: {out}\nstderr: {}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("新增5人") && out.contains("退回0行"), "{out}");
}

#[test]
fn a_five_row_roster_with_a_stray_cell_at_xfd1048576_imports_its_five_rows() {
    let (dir, _db) = demo_folder();
    let path = dir.path().join("花名册.xlsx");
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (name, id)) in people().iter().enumerate() {
        let r = i as u32 + 1;
        s.write_number(r, 0, r as f64).unwrap();
        s.write_string(r, 1, COMMUNITY).unwrap();
        s.write_string(r, 2, name).unwrap();
        s.write_string(r, 3, id).unwrap();
    }
    s.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(&path).unwrap();
    imported_five(&import(dir.path(), &path));
}

/// Inline-string cells of a row, from column A.
fn row_xml(r: usize, cells: &[&str]) -> String {
    let cells: String =
        cells.iter().map(|v| format!(r#"<c t="inlineStr"><is><t>{v}</t></is></c>"#)).collect::<Vec<_>>().concat();
    format!(r#"<row r="{r}">{cells}</row>"#)
}

/// The roster's rows from `first` (Excel's number), the community left to a
/// merge when `merged_community`.
fn roster_xml(first: usize, merged_community: bool) -> String {
    let mut xml = row_xml(first, &HEADER);
    for (i, (name, id)) in people().iter().enumerate() {
        let n = (i + 1).to_string();
        let community = if merged_community && i > 0 { "" } else { COMMUNITY };
        xml += &row_xml(first + 1 + i, &[&n, community, name, id]);
    }
    xml
}

const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// A workbook put together by hand: one sheet of `sheet_data` with what
/// goes before and after it.
fn xlsx_by_hand(path: &Path, before: &str, sheet_data: &str, after: &str) {
    xlsx_streamed(path, |sheet| {
        write!(
            sheet,
            r#"<?xml version="1.0"?><worksheet {NS}>{before}<sheetData>{sheet_data}</sheetData>{after}</worksheet>"#
        )
    })
}

/// A workbook of one sheet whose part `write_sheet` writes as it goes,
/// deflated: a bomb of a gigabyte never held by the test.
fn xlsx_streamed(path: &Path, write_sheet: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let ns = NS;
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0"?><workbook {ns}><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
    ];
    for (name, text) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", opts.large_file(true)).unwrap();
    write_sheet(&mut zip).unwrap();
    zip.finish().unwrap();
}

#[test]
fn a_title_merged_over_all_16384_columns_and_a_community_merged_down_the_whole_sheet_cost_only_the_data() {
    let (dir, db) = demo_folder();
    let path = dir.path().join("合并.xlsx");
    let data = row_xml(1, &["和平社区老年人花名册"]) + &roster_xml(2, true);
    let merges = r#"<mergeCells count="2"><mergeCell ref="A1:XFD1"/><mergeCell ref="B3:B1048576"/></mergeCells>"#;
    xlsx_by_hand(&path, "", &data, merges);
    imported_five(&import(dir.path(), &path));
    // The community merged down reached each of the five people.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let in_community: i64 = conn
        .query_row(
            "SELECT count(*) FROM person p JOIN community c ON c.id = p.community_id
             WHERE c.name = ?1 AND p.name LIKE '测试%'",
            [COMMUNITY],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_community, 5);
}

#[test]
fn a_sheet_declaring_a1_to_xfd1048576_is_read_as_the_cells_it_holds() {
    let (dir, _db) = demo_folder();
    let path = dir.path().join("整表.xlsx");
    xlsx_by_hand(&path, r#"<dimension ref="A1:XFD1048576"/>"#, &roster_xml(1, false), "");
    imported_five(&import(dir.path(), &path));
}

#[test]
fn a_workbook_whose_shared_strings_inflate_to_1_gb_is_refused_before_it_is_read() {
    let (dir, db) = demo_folder();
    let path = dir.path().join("膨胀.xlsx");
    xlsx_by_hand(&path, "", &roster_xml(1, false), "");
    // Appended: 1 GB of short strings, deflated as they are written.
    let mut zip =
        zip::ZipWriter::new_append(std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap()).unwrap();
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    zip.start_file("xl/sharedStrings.xml", opts).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#)
        .unwrap();
    let chunk = "<si><t>膨胀</t></si>".repeat(4096);
    for _ in 0..(1usize << 30) / chunk.len() {
        zip.write_all(chunk.as_bytes()).unwrap();
    }
    zip.write_all(b"</sst>").unwrap();
    zip.finish().unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 8 << 20, "the bomb is small: {size} bytes");
    let before = fingerprint(&db);
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("sharedStrings.xml") && err.contains("另存为"), "{err}");
    assert_unchanged(&db, &before);
}

#[test]
fn a_corrupt_xls_is_refused_in_chinese() {
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    // A compound file whose Workbook stream is garbage, and a file that is
    // not even a compound file.
    let broken = dir.path().join("损坏.xls");
    let mut cfb = cfb::create(&broken).unwrap();
    let mut stream = cfb.create_stream("Workbook").unwrap();
    stream.write_all(&[0x09, 0x08, 0xff, 0xff, 1, 2, 3]).unwrap();
    stream.write_all(&vec![0xA5; 70_000]).unwrap();
    drop(stream);
    cfb.flush().unwrap();
    drop(cfb);
    let garbage = dir.path().join("乱码.xls");
    std::fs::write(&garbage, vec![0x5Au8; 4096]).unwrap();
    for file in [broken, garbage] {
        let err = refused_clearly(&import(dir.path(), &file));
        assert!(err.contains("无法读取文件"), "{err}");
    }
    assert_unchanged(&db, &before);
}

/// A CSV: the roster's header, one person, then `tail`.
fn csv_with(dir: &Path, name: &str, tail: &[u8]) -> PathBuf {
    let (person, id) = &people()[0];
    let mut bytes = format!("{}\n1,{COMMUNITY},{person},{id}\n", HEADER.join(",")).into_bytes();
    bytes.extend_from_slice(tail);
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_csv_with_a_10_mb_line_is_refused_naming_the_line() {
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let path = csv_with(dir.path(), "长行.csv", &vec![b'a'; 10 << 20]);
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("第3行") && err.contains("另存为"), "{err}");
    assert_unchanged(&db, &before);
}

#[test]
fn a_csv_with_nul_bytes_is_refused_as_no_text_file() {
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let path = csv_with(dir.path(), "空字符.csv", b"2,\0\0\0,x,y\n");
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("不是文本格式"), "{err}");
    assert_unchanged(&db, &before);
}

#[test]
fn an_xls_with_one_cell_at_column_65535_is_refused_before_calamine_spans_it() {
    use crate::xls::{Cell, Sheet};
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let path = dir.path().join("远处.xls");
    let mut cells: Vec<(u16, u16, Cell)> =
        HEADER.iter().enumerate().map(|(c, h)| (0, c as u16, Cell::Text(h.to_string()))).collect();
    cells.push((65_534, 65_534, Cell::Text("x".into())));
    crate::xls::write(&path, &Sheet { name: "花名册".into(), cells, merged: vec![] });
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("范围过大") && err.contains("另存为"), "{err}");
    assert_unchanged(&db, &before);
}

/// An .ods of one sheet whose table holds `rows` (table-row elements).
fn ods(path: &Path, rows: &str) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    zip.start_file("mimetype", SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored))
        .unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("META-INF/manifest.xml", SimpleFileOptions::default()).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    zip.start_file("content.xml", SimpleFileOptions::default()).unwrap();
    let ns = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0""#;
    let xml = format!(
        r#"<?xml version="1.0"?><office:document-content {ns}><office:body><office:spreadsheet><table:table table:name="花名册">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap();
}

fn ods_row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|v| format!(r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#))
        .collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

#[test]
fn an_ods_roster_with_trailing_blank_repeats_imports_and_one_repeating_a_value_over_the_sheet_is_refused() {
    let (dir, db) = demo_folder();
    // As LibreOffice writes it: blank cells and rows repeated to the edge.
    let blank_tail = r#"<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
    let mut rows = ods_row(&HEADER);
    for (i, (name, id)) in people().iter().enumerate() {
        rows += &ods_row(&[&(i + 1).to_string(), COMMUNITY, name, id]);
    }
    let path = dir.path().join("花名册.ods");
    ods(&path, &(rows + blank_tail));
    imported_five(&import(dir.path(), &path));
    // One value repeated over every column of a million rows.
    let before = fingerprint(&db);
    let bomb = dir.path().join("重复.ods");
    ods(
        &bomb,
        r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#,
    );
    let err = refused_clearly(&import(dir.path(), &bomb));
    assert!(err.contains("范围过大"), "{err}");
    assert_unchanged(&db, &before);
}

#[test]
fn a_30_kb_shared_string_used_by_200000_cells_is_refused_before_its_copies_fill_memory() {
    let (dir, db) = demo_folder();
    let path = dir.path().join("复制.xlsx");
    let mut data = row_xml(1, &HEADER);
    let cell = r#"<c t="s"><v>0</v></c>"#.repeat(4);
    for r in 2..=50_001 {
        data += &format!(r#"<row r="{r}">{cell}</row>"#);
    }
    xlsx_by_hand(&path, "", &data, "");
    let mut zip =
        zip::ZipWriter::new_append(std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap()).unwrap();
    zip.start_file("xl/sharedStrings.xml", SimpleFileOptions::default()).unwrap();
    let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;
    zip.write_all(format!(r#"<sst {ns}><si><t>{}</t></si></sst>"#, "长".repeat(10_000)).as_bytes()).unwrap();
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20, "a small file");
    let before = fingerprint(&db);
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("内容超出") && err.contains("拆成"), "{err}");
    assert_unchanged(&db, &before);
}

#[test]
fn a_file_over_64_mb_and_a_sheet_over_200000_rows_are_refused_saying_to_split_them() {
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    // Sparse: refused from its length, nothing of it read.
    let huge = dir.path().join("巨大.xlsx");
    std::fs::File::create(&huge).unwrap().set_len(6 << 30).unwrap();
    let err = refused_clearly(&import(dir.path(), &huge));
    assert!(err.contains("64 MB") && err.contains("拆成"), "{err}");
    let long = csv_with(dir.path(), "很长.csv", &"x\n".repeat(200_001).into_bytes());
    let err = refused_clearly(&import(dir.path(), &long));
    assert!(err.contains("200000行") && err.contains("拆成"), "{err}");
    assert_unchanged(&db, &before);
}

#[test]
fn an_xls_whose_one_long_shared_string_fills_100000_cells_is_refused_before_calamine_copies_it() {
    use crate::xls::{Cell, Sheet};
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let path = dir.path().join("复制.xls");
    let long = "长".repeat(4000);
    let mut cells: Vec<(u16, u16, Cell)> =
        HEADER.iter().enumerate().map(|(c, h)| (0, c as u16, Cell::Text(h.to_string()))).collect();
    for r in 1..=20_000u16 {
        cells.extend((0..5).map(|c| (r, c, Cell::Text(long.clone()))));
    }
    crate::xls::write(&path, &Sheet { name: "花名册".into(), cells, merged: vec![] });
    assert!(std::fs::metadata(&path).unwrap().len() < 2 << 20, "a small file");
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("内容超出"), "{err}");
    assert_unchanged(&db, &before);
}

#[test]
fn an_ods_repeating_a_600_kb_string_over_3000_columns_or_rows_or_2_billion_spaces_is_refused_before_calamine_copies_it()
{
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let cell = |columns: u32, text: &str| {
        format!(
            r#"<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
        )
    };
    let long = "长".repeat(200_000);
    let bombs = [
        ("重复列.ods", 1, cell(3000, &long)),
        ("重复行.ods", 3000, cell(1, &long)),
        // calamine writes a text:s out as text:c spaces.
        ("空格.ods", 1, cell(1, r#"<text:s text:c="2000000000"></text:s>"#)),
    ];
    for (name, rows, cell) in bombs {
        let path = dir.path().join(name);
        let row = format!(r#"<table:table-row table:number-rows-repeated="{rows}">{cell}</table:table-row>"#);
        ods(&path, &(ods_row(&HEADER) + &row));
        assert!(std::fs::metadata(&path).unwrap().len() < 64 << 10, "a small file");
        let err = refused_clearly(&import(dir.path(), &path));
        assert!(err.contains("内容超出") && err.contains("拆成"), "{name}: {err}");
    }
    assert_unchanged(&db, &before);
}

#[test]
fn an_ods_repeating_a_cell_2_to_the_64th_minus_1_times_is_refused_not_wrapped_round() {
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let path = dir.path().join("溢出.ods");
    let max = u64::MAX;
    // A value in two columns, then repeated 2^64 - 1 more: added up
    // unchecked this wraps round to column 1 (or panics), and the bomb
    // passes as a row of one cell.
    let row = format!(
        r#"<table:table-row table:number-rows-repeated="{max}"><table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="{max}" office:value-type="float" office:value="1"/></table:table-row>"#
    );
    ods(&path, &(ods_row(&HEADER) + &row));
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("范围过大"), "{err}");
    assert_unchanged(&db, &before);
}

/// Writes `piece` `times` times, in chunks of a few hundred KB.
fn repeat(out: &mut dyn Write, piece: &str, times: usize) -> std::io::Result<()> {
    let per = (256 << 10) / piece.len() + 1;
    let chunk = piece.repeat(per);
    for _ in 0..times / per {
        out.write_all(chunk.as_bytes())?;
    }
    out.write_all(piece.repeat(times % per).as_bytes())
}

#[test]
fn a_sheet_declaring_40_million_merges_is_refused_before_calamine_lists_them() {
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let path = dir.path().join("合并炸弹.xlsx");
    xlsx_streamed(&path, |out| {
        write!(
            out,
            r#"<?xml version="1.0"?><worksheet {NS}><sheetData>{}</sheetData><mergeCells>"#,
            roster_xml(1, false)
        )?;
        // Tags of an odd length, so that some straddle two reads.
        repeat(out, r#"<mergeCell ref="A1:A1" />"#, 40_000_000)?;
        write!(out, "</mergeCells></worksheet>")
    });
    assert!(std::fs::metadata(&path).unwrap().len() < 8 << 20, "a small file");
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("合并单元格") && err.contains("另存为"), "{err}");
    assert_unchanged(&db, &before);
}

#[test]
fn an_inline_string_cell_of_a_thousand_900_kb_runs_is_refused_before_calamine_joins_them() {
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let path = dir.path().join("长单元格.xlsx");
    let run = format!("<r><t>{}</t></r>", "a".repeat(900_000));
    xlsx_streamed(&path, |out| {
        write!(out, r#"<?xml version="1.0"?><worksheet {NS}><sheetData>{}"#, roster_xml(1, false))?;
        write!(out, r#"<row r="7"><c r="A7" t="inlineStr"><is>"#)?;
        repeat(out, &run, 1000)?;
        write!(out, "</is></c></row></sheetData></worksheet>")
    });
    assert!(std::fs::metadata(&path).unwrap().len() < 8 << 20, "a small file");
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("单元格超过") && err.contains("另存为"), "{err}");
    assert_unchanged(&db, &before);
}

#[cfg(unix)]
#[test]
fn a_csv_that_is_a_link_to_dev_zero_is_refused_at_64_mb_read() {
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let path = dir.path().join("无底.csv");
    std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
    let err = refused_clearly(&import(dir.path(), &path));
    assert!(err.contains("64 MB") && err.contains("拆成"), "{err}");
    assert_unchanged(&db, &before);
}
