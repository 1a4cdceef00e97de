//! The `continuity` table: how far the conversation's continuity emails came (one row) — the
//! newest entry an email carried, whether a typed address was told a reply waits, the address
//! that proved itself the visitor's by writing to us, the `Message-ID`s that thread the
//! emails, and a failed send's retry.

use serde::Deserialize;
use switchboard_core::email::continuity::Progress;
use switchboard_core::email::threading;
use switchboard_protocol::Seq;

use super::ConversationStore;
use crate::error::EdgeResult;

pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS continuity (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    emailed_up_to INTEGER NOT NULL DEFAULT 0,
    waiting_told INTEGER NOT NULL DEFAULT 0,
    proven TEXT,
    message_ids TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER)";

/// The row as read.
#[derive(Debug, Default, Deserialize)]
pub struct Continuity {
    emailed_up_to: u64,
    waiting_told: i64,
    /// The address that wrote to us in this conversation.
    pub proven: Option<String>,
    message_ids: Option<String>,
    /// Failed attempts at the email now due.
    pub attempts: u32,
    /// Not before this time (a failed attempt's backoff).
    pub next_at: Option<i64>,
}

impl Continuity {
    /// The `Message-ID`s of the emails so far, oldest first.
    pub fn message_ids(&self) -> Vec<String> {
        self.message_ids.as_deref().and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default()
    }
}

impl ConversationStore {
    /// The row (all defaults before the first email).
    pub fn continuity(&self) -> EdgeResult<Continuity> {
        if !self.tables.made() {
            return Ok(Continuity::default());
        }
        let rows: Vec<Continuity> = self
            .sql
            .exec(
                "SELECT emailed_up_to, waiting_told, proven, message_ids, attempts, next_at FROM continuity",
                None,
            )?
            .to_array()?;
        Ok(rows.into_iter().next().unwrap_or_default())
    }

    /// Where the emails stand for the visitor's read mark `read_up_to`.
    pub fn continuity_progress(&self, continuity: &Continuity, read_up_to: Seq) -> Progress {
        Progress {
            read_up_to,
            emailed_up_to: Seq(continuity.emailed_up_to),
            waiting_told: continuity.waiting_told != 0,
        }
    }

    fn continuity_row(&self) -> EdgeResult<()> {
        self.materialise()?;
        self.sql.exec("INSERT OR IGNORE INTO continuity (only) VALUES (1)", None)?;
        Ok(())
    }

    /// An email carried (or told of) everything up to `up_to`, as `message_id`.
    pub fn note_emailed(&self, up_to: Seq, waiting_only: bool, message_id: &str) -> EdgeResult<()> {
        self.continuity_row()?;
        let ids = threading::remember(self.continuity()?.message_ids(), message_id);
        self.sql.exec(
            "UPDATE continuity SET emailed_up_to = MAX(emailed_up_to, ?), waiting_told = waiting_told OR ?,
               message_ids = ?, attempts = 0, next_at = NULL",
            vec![
                (up_to.0 as i64).into(),
                i64::from(waiting_only).into(),
                serde_json::to_string(&ids)?.into(),
            ],
        )?;
        Ok(())
    }

    /// The email could not go: tried again at `at`.
    pub fn note_email_later(&self, attempts: u32, at: i64) -> EdgeResult<()> {
        self.continuity_row()?;
        self.sql.exec(
            "UPDATE continuity SET attempts = ?, next_at = ?",
            vec![i64::from(attempts).into(), at.into()],
        )?;
        Ok(())
    }

    /// `address` wrote to us in this conversation (a reply by email): it is the visitor's.
    pub fn note_proven(&self, address: &str) -> EdgeResult<()> {
        self.continuity_row()?;
        self.sql.exec("UPDATE continuity SET proven = ?", vec![address.into()])?;
        Ok(())
    }

    /// The newest entry the visitor read.
    pub fn visitor_read_up_to(&self, visitor_id: &str) -> EdgeResult<Seq> {
        #[derive(Deserialize)]
        struct Row {
            up_to: u64,
        }
        if !self.tables.made() {
            return Ok(Seq(0));
        }
        let rows: Vec<Row> = self
            .sql
            .exec("SELECT up_to FROM reads WHERE reader_id = ?", vec![visitor_id.into()])?
            .to_array()?;
        Ok(Seq(rows.into_iter().next().map_or(0, |row| row.up_to)))
    }
}
