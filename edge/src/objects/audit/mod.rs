//! The audit objects: one per site, its audit log — entries only ever added, read newest
//! first a page at a time, the oldest dropped past `core::audit`'s retention and count. A site
//! nothing was recorded for holds nothing (its table is made by the first entry).

pub(crate) mod calls;

use std::future::ready;

use switchboard_core::audit;
use switchboard_protocol::api::audit_log::{Entry, ListResponse};
use worker::{durable_object, DurableObject, Env, Request, Response, SqlStorage, State};

use self::calls::{List, Record};
use super::call::{answer, no_such_route, ObjectCall};
use super::respond;
use super::tables::{Schema, Tables};
use crate::env;
use crate::error::EdgeResult;

static SCHEMA: Schema = Schema {
    marker: "entries",
    create: &["CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        json TEXT NOT NULL)"],
    added_columns: &[],
};

/// One site's audit log.
#[durable_object]
pub struct AuditObject {
    sql: SqlStorage,
    tables: Tables,
}

impl DurableObject for AuditObject {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        Self { tables: Tables::open(sql.clone(), &SCHEMA), sql }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let (req, now) = (&mut req, env::now());
        respond(match req.path().as_str() {
            Record::ROUTE => answer(req, |call: Record| ready(self.record(call, now))).await,
            List::ROUTE => answer(req, |call: List| ready(self.list(&call))).await,
            _ => Err(no_such_route()),
        })
    }
}

/// An entry's row: its id and time as columns (for order and pruning), the rest as JSON.
#[derive(serde::Deserialize)]
struct Row {
    id: i64,
    json: String,
}

impl AuditObject {
    fn record(&self, call: Record, now: i64) -> EdgeResult<()> {
        self.tables.make();
        let Record { actor, action, target, address, detail } = call;
        let entry = Entry { id: 0, at: now, actor, action, target, address, detail };
        self.sql.exec(
            "INSERT INTO entries (at, json) VALUES (?, ?)",
            vec![now.into(), serde_json::to_string(&entry)?.into()],
        )?;
        // Bounded in time and in count: whoever floods the log pushes out only the oldest.
        self.sql.exec(
            "DELETE FROM entries WHERE at < ? OR id <= (SELECT MAX(id) FROM entries) - ?",
            vec![audit::retained_since(now).into(), audit::KEPT.into()],
        )?;
        Ok(())
    }

    fn list(&self, call: &List) -> EdgeResult<ListResponse> {
        if !self.tables.made() {
            return Ok(ListResponse { entries: Vec::new(), next_before: None });
        }
        // One more than asked says whether an older page exists.
        let rows: Vec<Row> = self
            .sql
            .exec(
                "SELECT id, json FROM entries WHERE id < ? ORDER BY id DESC LIMIT ?",
                vec![call.before.unwrap_or(i64::MAX).into(), (i64::from(call.limit) + 1).into()],
            )?
            .to_array()?;
        let more = rows.len() > call.limit as usize;
        let entries = rows
            .into_iter()
            .take(call.limit as usize)
            .map(|row| Ok(Entry { id: row.id, ..serde_json::from_str(&row.json)? }))
            .collect::<EdgeResult<Vec<Entry>>>()?;
        let next_before = more.then(|| entries.last().map(|entry| entry.id)).flatten();
        Ok(ListResponse { entries, next_before })
    }
}
