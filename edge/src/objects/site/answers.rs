//! Which kept idempotent answers (`crate::idempotency`) are about which of the site's contacts
//! and conversations, so that erasing a person also erases the answers that hold their data.
//! A row lives as long as its answer (`core::idempotency::TTL_MS`): each new row removes a
//! few whose answers are gone, so the table holds about a day of answers and no more.

use serde::{Deserialize, Serialize};

use super::SiteObject;
use crate::error::EdgeResult;
use crate::objects::call::object_call;
use crate::objects::site::calls::Site;

pub(super) const SCHEMA: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS answer_mentions (
        subject TEXT NOT NULL,
        record TEXT NOT NULL,
        until INTEGER NOT NULL,
        PRIMARY KEY (subject, record))",
    "CREATE INDEX IF NOT EXISTS answer_mentions_by_end ON answer_mentions (until)",
];

/// Expired rows removed per new one: more than are added, so the table shrinks back to a
/// day's worth after a burst.
const PRUNED_PER_ROW: i64 = 4;

/// An answer kept in idempotency record `record` until `until` is about `mentions`
/// (`core::idempotency::mentions`).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RememberAnswer {
    /// The record's name (`core::idempotency::record_name`).
    pub record: String,
    /// The contacts and conversations it is about.
    pub mentions: Vec<String>,
    /// When the record deletes itself, ms since the Unix epoch.
    pub until: i64,
}
object_call!(RememberAnswer => Site, "/answers/remember", ());

impl SiteObject {
    pub(super) fn remember_answer(&self, call: RememberAnswer, now: i64) -> EdgeResult<()> {
        let sql = self.sql();
        sql.exec(
            "DELETE FROM answer_mentions WHERE rowid IN
                (SELECT rowid FROM answer_mentions WHERE until < ? ORDER BY until LIMIT ?)",
            vec![now.into(), (PRUNED_PER_ROW * call.mentions.len() as i64).into()],
        )?;
        for subject in call.mentions {
            sql.exec(
                "INSERT OR REPLACE INTO answer_mentions (subject, record, until) VALUES (?, ?, ?)",
                vec![subject.into(), call.record.as_str().into(), call.until.into()],
            )?;
        }
        Ok(())
    }

    /// The records of answers about any of `subjects`, forgotten here (the caller erases them).
    pub(super) fn take_answers_about(&self, subjects: &[&str]) -> EdgeResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Row {
            record: String,
        }
        let mut records = Vec::new();
        for subject in subjects {
            let rows: Vec<Row> = self
                .sql()
                .exec("SELECT record FROM answer_mentions WHERE subject = ?", vec![(*subject).into()])?
                .to_array()?;
            records.extend(rows.into_iter().map(|row| row.record));
            self.sql().exec("DELETE FROM answer_mentions WHERE subject = ?", vec![(*subject).into()])?;
        }
        records.sort();
        records.dedup();
        // The same answer may mention others too: its rows go with it.
        for record in &records {
            self.sql().exec("DELETE FROM answer_mentions WHERE record = ?", vec![record.as_str().into()])?;
        }
        Ok(records)
    }
}
