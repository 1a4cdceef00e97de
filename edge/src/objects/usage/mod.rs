//! The usage objects: how many bytes of attachments a site stores, counted in
//! `core::storage_quota::SHARDS` objects per site, each holding its share of the site's
//! allowance, so no one object sees every upload of a busy site. One row each, made by the
//! first upload: an object nobody uploaded through holds nothing.

pub(crate) mod calls;

use std::future::ready;

use switchboard_core::storage_quota;
use worker::{durable_object, DurableObject, Env, Request, Response, SqlStorage, State};

use self::calls::{ReleaseBytes, ReserveBytes};
use super::call::{answer, no_such_route, ObjectCall};
use super::respond;
use super::tables::{Schema, Tables};
use crate::error::EdgeResult;

static SCHEMA: Schema = Schema {
    marker: "usage",
    create: &["CREATE TABLE IF NOT EXISTS usage (only INTEGER PRIMARY KEY CHECK (only = 1), bytes INTEGER NOT NULL)"],
    added_columns: &[],
};

/// One counter of a site's attachment bytes.
#[durable_object]
pub struct UsageObject {
    sql: SqlStorage,
    tables: Tables,
}

impl DurableObject for UsageObject {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        Self { tables: Tables::open(sql.clone(), &SCHEMA), sql }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let req = &mut req;
        respond(match req.path().as_str() {
            ReserveBytes::ROUTE => {
                answer(req, |c: ReserveBytes| {
                    ready(self.used().and_then(|used| {
                        let now = storage_quota::reserve(used, c.bytes, c.per_site)?;
                        self.set_used(now)
                    }))
                })
                .await
            }
            ReleaseBytes::ROUTE => {
                answer(req, |c: ReleaseBytes| {
                    ready(self.used().and_then(|used| self.set_used(storage_quota::release(used, c.bytes))))
                })
                .await
            }
            _ => Err(no_such_route()),
        })
    }
}

impl UsageObject {
    /// The bytes counted so far.
    fn used(&self) -> EdgeResult<u64> {
        #[derive(serde::Deserialize)]
        struct Row {
            bytes: i64,
        }
        if !self.tables.made() {
            return Ok(0);
        }
        let rows: Vec<Row> = self.sql.exec("SELECT bytes FROM usage", None)?.to_array()?;
        Ok(rows.first().map_or(0, |row| row.bytes.max(0) as u64))
    }

    fn set_used(&self, bytes: u64) -> EdgeResult<()> {
        self.tables.make();
        let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
        self.sql.exec("INSERT OR REPLACE INTO usage (only, bytes) VALUES (1, ?)", vec![bytes.into()])?;
        Ok(())
    }
}
