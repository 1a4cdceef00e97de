//! The `line_outbox` table: the team's replies on their way to the customer's line, one row
//! per entry until the line took it (so bounded by what is in flight), with the attempts made
//! and when to try again.

use serde::Deserialize;
use switchboard_protocol::Seq;

use super::ConversationStore;
use crate::error::EdgeResult;

pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS line_outbox (
    seq INTEGER PRIMARY KEY,
    deliver TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL)";

/// One reply waiting for the line.
#[derive(Deserialize)]
pub struct ForLine {
    /// The entry.
    pub seq: u64,
    /// The hand-over call, as JSON.
    pub deliver: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// When it is due.
    pub next_at: i64,
}

impl ConversationStore {
    /// Keeps a reply for the line, due at `at`.
    pub fn keep_for_line(&self, seq: Seq, deliver: &str, at: i64) -> EdgeResult<()> {
        self.materialise()?;
        self.sql.exec(
            "INSERT OR IGNORE INTO line_outbox (seq, deliver, next_at) VALUES (?, ?, ?)",
            vec![(seq.0 as i64).into(), deliver.into(), at.into()],
        )?;
        Ok(())
    }

    /// The oldest reply waiting for the line (replies go in order: none overtakes it).
    pub fn first_for_line(&self) -> EdgeResult<Option<ForLine>> {
        if !self.tables.made() {
            return Ok(None);
        }
        let rows: Vec<ForLine> = self
            .sql
            .exec("SELECT seq, deliver, attempts, next_at FROM line_outbox ORDER BY seq LIMIT 1", None)?
            .to_array()?;
        Ok(rows.into_iter().next())
    }

    /// The line took the reply (or it was given up on).
    pub fn line_took(&self, seq: u64) -> EdgeResult<()> {
        self.sql.exec("DELETE FROM line_outbox WHERE seq = ?", vec![(seq as i64).into()])?;
        Ok(())
    }

    /// The line could not be reached: tried again at `at`.
    pub fn line_later(&self, seq: u64, attempts: u32, at: i64) -> EdgeResult<()> {
        self.sql.exec(
            "UPDATE line_outbox SET attempts = ?, next_at = ? WHERE seq = ?",
            vec![i64::from(attempts).into(), at.into(), (seq as i64).into()],
        )?;
        Ok(())
    }
}
