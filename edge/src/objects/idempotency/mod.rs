//! The idempotency objects: one per credential and `Idempotency-Key`, holding the first
//! request's fingerprint and answer (`core::idempotency` decides). One row; an alarm a day
//! after the first request deletes it, so the objects hold nothing for longer than
//! `core::idempotency::TTL_MS`, and no object's load grows with a site's traffic.

pub(crate) mod calls;

use std::future::ready;

use switchboard_core::idempotency::{self, Begin, Record};
use worker::{durable_object, DurableObject, Env, Request, Response, SqlStorage, State};

use self::calls::{Finish, Forget, Start};
use super::call::{answer, no_such_route, ObjectCall};
use super::respond;
use super::tables::{Schema, Tables};
use crate::env;
use crate::error::EdgeResult;

static SCHEMA: Schema = Schema {
    marker: "record",
    create: &[
        "CREATE TABLE IF NOT EXISTS record (only INTEGER PRIMARY KEY CHECK (only = 1), json TEXT NOT NULL)",
    ],
    added_columns: &[],
};

/// One key's record.
#[durable_object]
pub struct IdempotencyObject {
    state: State,
    sql: SqlStorage,
    tables: Tables,
}

impl DurableObject for IdempotencyObject {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        Self { tables: Tables::open(sql.clone(), &SCHEMA), sql, state }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let (req, now) = (&mut req, env::now());
        respond(match req.path().as_str() {
            Start::ROUTE => answer(req, |call: Start| ready(self.start(call, now))).await,
            Finish::ROUTE => answer(req, |call: Finish| ready(self.finish(call))).await,
            Forget::ROUTE => answer(req, |_: Forget| self.forget()).await,
            _ => Err(no_such_route()),
        })
    }

    async fn alarm(&self) -> worker::Result<Response> {
        // The day is over: nothing of the key remains.
        self.state.storage().delete_all().await?;
        self.tables.forget();
        Response::ok("")
    }
}

impl IdempotencyObject {
    fn record(&self) -> EdgeResult<Option<Record>> {
        #[derive(serde::Deserialize)]
        struct Row {
            json: String,
        }
        if !self.tables.made() {
            return Ok(None);
        }
        let rows: Vec<Row> = self.sql.exec("SELECT json FROM record", None)?.to_array()?;
        Ok(rows.first().and_then(|row| serde_json::from_str(&row.json).ok()))
    }

    fn save(&self, record: &Record) -> EdgeResult<()> {
        self.tables.make();
        let json = serde_json::to_string(record)?;
        self.sql.exec("INSERT OR REPLACE INTO record (only, json) VALUES (1, ?)", vec![json.into()])?;
        Ok(())
    }

    fn start(&self, call: Start, now: i64) -> EdgeResult<Begin> {
        let begin = idempotency::begin(self.record()?.as_ref(), &call.fingerprint, now);
        if begin == Begin::Run {
            self.save(&Record { fingerprint: call.fingerprint, started_at: now, answer: None })?;
            self.delete_at(now + idempotency::TTL_MS);
        }
        Ok(begin)
    }

    fn finish(&self, call: Finish) -> EdgeResult<()> {
        let Some(record) = self.record()?.filter(|record| record.fingerprint == call.fingerprint) else {
            return Ok(());
        };
        match call.answer {
            Some(answer) => self.save(&Record { answer: Some(answer), ..record }),
            None => {
                self.sql.exec("DELETE FROM record", None)?;
                Ok(())
            }
        }
    }

    /// Deletes everything now (a repeat of the key runs afresh).
    async fn forget(&self) -> EdgeResult<()> {
        let storage = self.state.storage();
        storage.delete_alarm().await?;
        storage.delete_all().await?;
        // This instance may serve the key again: its tables are made afresh then.
        self.tables.forget();
        Ok(())
    }

    /// Deletes everything at `at` (the record's day is over).
    fn delete_at(&self, at: i64) {
        let storage = self.state.storage();
        self.state.wait_until(async move {
            let when = worker::ScheduledTime::new(js_sys::Date::new(&(at as f64).into()));
            if let Err(error) = storage.set_alarm(when).await {
                worker::console_error!("idempotency alarm: {error}");
            }
        });
    }
}
