//! The `deliveries` table: how far each of the team's messages on the customer's channel has
//! come, as the provider last said (one row per message handed to the provider, so bounded by
//! the log). Statuses only move forward (`core::channels::thread::advances`).

use serde::Deserialize;
use switchboard_core::channels::thread::advances;
use switchboard_protocol::channels::DeliveryStatus;
use switchboard_protocol::Seq;

use super::ConversationStore;
use crate::error::EdgeResult;

pub(super) const SCHEMA: &str =
    "CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY, status TEXT NOT NULL)";

/// After a hello's replay, at most this many of the newest statuses are told again.
const REPLAYED: i64 = 200;

#[derive(Deserialize)]
struct Row {
    seq: u64,
    status: String,
}

impl Row {
    fn read(self) -> Option<(Seq, DeliveryStatus)> {
        let status = serde_json::from_value(serde_json::Value::String(self.status)).ok()?;
        Some((Seq(self.seq), status))
    }
}

impl ConversationStore {
    /// Records that message `seq` — or, `through`, every message up to it that was handed to
    /// the provider — came as far as `status`; returns the messages whose status moved.
    pub fn advance_deliveries(
        &self,
        seq: Seq,
        status: DeliveryStatus,
        through: bool,
    ) -> EdgeResult<Vec<Seq>> {
        self.materialise()?;
        let rows: Vec<Row> = if through {
            self.sql.exec("SELECT seq, status FROM deliveries WHERE seq <= ?", vec![(seq.0 as i64).into()])?
        } else {
            self.sql.exec("SELECT seq, status FROM deliveries WHERE seq = ?", vec![(seq.0 as i64).into()])?
        }
        .to_array()?;
        let mut stored: Vec<(Seq, Option<DeliveryStatus>)> =
            rows.into_iter().filter_map(Row::read).map(|(seq, status)| (seq, Some(status))).collect();
        if !through && stored.is_empty() {
            stored.push((seq, None));
        }
        let name = serde_json::to_value(status)?.as_str().unwrap_or_default().to_owned();
        let mut moved = Vec::new();
        for (seq, before) in stored {
            if advances(before, status) {
                self.sql.exec(
                    "INSERT INTO deliveries (seq, status) VALUES (?, ?)
                     ON CONFLICT (seq) DO UPDATE SET status = excluded.status",
                    vec![(seq.0 as i64).into(), name.as_str().into()],
                )?;
                moved.push(seq);
            }
        }
        Ok(moved)
    }

    /// The newest messages' statuses, oldest first (told to an agent after its replay).
    pub fn newest_deliveries(&self) -> EdgeResult<Vec<(Seq, DeliveryStatus)>> {
        if !self.tables.made() {
            return Ok(Vec::new());
        }
        let rows: Vec<Row> = self
            .sql
            .exec("SELECT seq, status FROM deliveries ORDER BY seq DESC LIMIT ?", vec![REPLAYED.into()])?
            .to_array()?;
        Ok(rows.into_iter().rev().filter_map(Row::read).collect())
    }
}
