//! The case file's printed documents (卷宗): 人民调解申请书, 人民调解权利义务
//! 告知书, 调解笔录, 卷宗封面 and 卷内目录, each from the case as its paper
//! needs it. Only the application identifies the parties by ID number, so
//! only it is printed from [`super::print_detail`] (full numbers for roles
//! that may see them, audited; masked otherwise); the others carry names
//! and are read like the case page, unaudited. 卷内目录 lists the documents
//! the case's steps have produced, in the order a file is bound.
use serde::Serialize;

use super::lifecycle::{AGREED, CLOSED, FAILED, INVESTIGATING, MEDIATING, PERFORMED, VISITED};
use super::{CaseDetail, PrintDetail};
use crate::access::Actor;
use crate::store::Store;
use crate::validate::invalid;
use crate::Result;

/// The documents: (kind, title, whether it names parties by ID number).
pub const DOCUMENTS: [(&str, &str, bool); 5] = [
    ("application", "人民调解申请书", true),
    ("notice", "人民调解权利义务告知书", false),
    ("session", "调解笔录", false),
    ("cover", "人民调解卷宗", false),
    ("contents", "卷内目录", false),
];

/// One line of 卷内目录.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    pub title: String,
    pub date: Option<String>,
    /// 页号: this document's first page in the file.
    pub page: u32,
}

/// A case as one of its file's documents prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Document {
    #[serde(flatten)]
    pub print: PrintDetail,
    pub kind: &'static str,
    pub title: &'static str,
    pub difficulty: String,
    /// 卷内目录: every document of the file, numbered by page.
    pub contents: Vec<Item>,
    /// Pages of the file after the cover and contents (本卷共 … 页).
    pub pages: u32,
}

/// The case's document `kind` (one of [`DOCUMENTS`]).
pub fn document(store: &Store, actor: &Actor, case_id: &str, kind: &str) -> Result<Document> {
    let Some((kind, title, ids)) = DOCUMENTS.iter().find(|(k, _, _)| *k == kind).copied() else {
        return Err(invalid("kind", format!("没有名为“{kind}”的文书")).into());
    };
    let print = if ids {
        super::print_detail(store, actor, case_id)?
    } else {
        PrintDetail { case: super::detail(store.conn(), actor, case_id)?, full_id_numbers: false, id_note: None }
    };
    let difficulty = super::subsidy::of_case(store.conn(), actor, case_id)?.difficulty;
    let contents = contents(&print.case);
    let pages = contents.iter().map(|i| i.page).max().unwrap_or(0);
    Ok(Document { print, kind, title, difficulty, contents, pages })
}

/// The documents the case's file holds, one page each, in binding order:
/// the application (a case a party applied for) and the intake form, the
/// notice of rights, the parties' identity papers, an investigation record
/// per 调查, a 调解笔录 per session, the agreement (written) or the record
/// of failure, the proof of performance, the court confirmation papers, a
/// follow-up record per 回访, and the closing note.
pub fn contents(case: &CaseDetail) -> Vec<Item> {
    let received = Some(case.row.received_on.clone());
    let mut items: Vec<(String, Option<String>)> = Vec::new();
    if case.row.source == "当事人申请" {
        items.push(("人民调解申请书".into(), received.clone()));
    }
    items.push(("人民调解受理登记表".into(), received.clone()));
    items.push(("人民调解权利义务告知书".into(), received.clone()));
    items.push(("当事人身份证明材料".into(), None));
    let (mut sessions, mut visits) = (0, 0);
    for s in &case.timeline {
        let date = Some(s.date.clone());
        match s.step.as_str() {
            INVESTIGATING => items.push(("调查记录".into(), date)),
            MEDIATING => {
                sessions += 1;
                items.push((format!("调解笔录（第{sessions}次）"), date));
            }
            AGREED if case.agreement_kind.as_deref() == Some("书面") => items.push(("人民调解协议书".into(), date)),
            AGREED => items.push(("口头调解协议登记".into(), date)),
            FAILED => items.push(("调解不成情况记录".into(), date)),
            PERFORMED => items.push(("协议履行情况记录".into(), date)),
            VISITED => {
                visits += 1;
                items.push((if visits > 1 { format!("回访记录（第{visits}次）") } else { "回访记录".into() }, date));
            }
            CLOSED => items.push(("结案报告".into(), date)),
            _ => {}
        }
    }
    if let Some(on) = &case.judicial_applied_on {
        // After the agreement, where a file keeps the court's papers.
        let at = items.iter().position(|(t, _)| t == "人民调解协议书").map_or(items.len(), |i| i + 1);
        items.insert(at, ("司法确认申请材料".into(), Some(on.clone())));
    }
    items.into_iter().enumerate().map(|(i, (title, date))| Item { title, date, page: i as u32 + 1 }).collect()
}
