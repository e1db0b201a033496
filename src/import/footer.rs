//! Footer rows (表尾): what offices write under the last record — 合计/总计
//! ("合计 | 60人"), 填表人/审核人 and the date ("填表人：张三  审核人：李四
//! 填报日期：2026年11月"), a 注：/说明： line — with blank rows between.
//! They are no records: after the data they are skipped and listed as such,
//! never counted as rejected. The same words in the middle of the data (a
//! 小计 between two communities) cannot be told from a record by position,
//! so such a row is rejected with a message saying what it looks like.
use serde::Serialize;

use super::cells::Raw;
use super::{Line, Problem};

/// A footer row left out: its number as Excel shows it and the word that
/// marks it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FooterRow {
    pub row: usize,
    pub label: String,
}

/// What a footer row starts with (its first cell that holds anything). No
/// record's first cell (序号, a community, a name) starts so.
const WORDS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "共计",
    "总人数",
    "填表",
    "填报",
    "制表",
    "审核",
    "审批",
    "负责人",
    "经办人",
    "统计人",
    "注：",
    "注:",
    "说明：",
    "说明:",
];

/// The footer word a row starts with, as written up to its colon
/// ("填表人：张三…" gives 填表人), if it is a footer row.
fn word(cells: &[Raw]) -> Option<String> {
    let first = cells.iter().find_map(Raw::text)?;
    let first: String = first.chars().filter(|c| !c.is_whitespace()).collect();
    WORDS.iter().find(|w| first.starts_with(**w))?;
    let label: String =
        first.chars().take_while(|c| !matches!(c, ':' | '：' | '（' | '(') && !c.is_ascii_digit()).take(6).collect();
    Some(label)
}

/// The file's rows (blank ones already left out) split into the records,
/// the footer rows after the last record, and rows in the middle that look
/// like totals, each with its problem.
pub(crate) fn split<'g>(mut rows: Vec<Line<'g>>) -> (Vec<Line<'g>>, Vec<FooterRow>, Vec<Problem>) {
    let mut footer = Vec::new();
    while let Some(label) = rows.last().and_then(|(_, cells)| word(cells)) {
        let (row, _) = rows.pop().expect("just looked at");
        footer.push(FooterRow { row, label });
    }
    footer.reverse();
    let mut middle = Vec::new();
    rows.retain(|(row, cells)| match word(cells) {
        Some(label) => {
            middle.push(Problem {
                row: *row,
                column: String::new(),
                message: format!(
                    "这一行像是“{label}”行，不是一条记录，却夹在数据中间：请从表格中删去它（数据之后的合计、填表人等表尾行会自动跳过）"
                ),
            });
            false
        }
        None => true,
    });
    (rows, footer, middle)
}
