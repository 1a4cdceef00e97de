//! A delivery queue's rows: queueing an event once, finding what is due in each
//! conversation's order, recording an attempt, reading the log newest first, and keeping it
//! to a week and `core::webhook_delivery::LOG_KEEP_ROWS` rows.

use serde::Deserialize;
use switchboard_core::webhook_delivery::{AfterAttempt, LOG_KEEP_MS, LOG_KEEP_ROWS};
use switchboard_core::webhook_events::{delivery_id, line_of};
use switchboard_protocol::api::webhooks::{Delivery, DeliveryState, EventType, WebhookEvent};
use switchboard_protocol::ConversationId;

use super::attempt::Attempt;
use super::calls::ListDeliveries;
use super::WebhookObject;
use crate::error::EdgeResult;

/// The columns a [`Row`] is read from.
const COLUMNS: &str =
    "id, event_id, event_type, conversation, body, created_at, state, attempts, next_at, response_status, latency_ms, excerpt";

/// Pending deliveries at the head of their conversation's line (none before them waits).
const HEADS: &str = "state = 'pending' AND NOT EXISTS (SELECT 1 FROM deliveries e
    WHERE e.conversation = d.conversation AND e.state = 'pending' AND e.ordinal < d.ordinal)";

/// One delivery.
#[derive(Deserialize)]
pub(super) struct Row {
    pub id: String,
    event_id: String,
    pub event_type: String,
    conversation: String,
    pub body: String,
    created_at: i64,
    state: String,
    pub attempts: u32,
    next_at: Option<i64>,
    response_status: Option<u16>,
    latency_ms: Option<u32>,
    excerpt: Option<String>,
}

impl Row {
    pub(super) fn into_delivery(self) -> Delivery {
        let state = match self.state.as_str() {
            "delivered" => DeliveryState::Delivered,
            "failed" => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        };
        Delivery {
            event_type: serde_json::from_value(serde_json::Value::String(self.event_type))
                .unwrap_or(EventType::MessageCreated),
            id: self.id,
            event_id: self.event_id,
            conversation_id: ConversationId::parse(&self.conversation).ok(),
            next_attempt_at: self.next_at.filter(|_| state == DeliveryState::Pending),
            state,
            attempts: self.attempts,
            created_at: self.created_at,
            response_status: self.response_status,
            latency_ms: self.latency_ms,
            response_excerpt: self.excerpt,
        }
    }
}

impl WebhookObject {
    /// Queues `event` for subscription `webhook`, unless it is queued already.
    pub(super) fn insert(&self, webhook: &str, event: &WebhookEvent, now: i64) -> EdgeResult<()> {
        // In order per conversation (or contact); others (a subscription turned off) each
        // stand alone.
        let (line, ordinal) = line_of(event);
        self.sql.exec(
            "INSERT OR IGNORE INTO deliveries (id, event_id, event_type, conversation, ordinal, body, created_at, state, next_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
            vec![
                delivery_id(webhook, &event.id).into(),
                event.id.as_str().into(),
                event.event_type.as_str().into(),
                line.into(),
                ordinal.into(),
                serde_json::to_string(event)?.into(),
                now.into(),
                now.into(),
            ],
        )?;
        Ok(())
    }

    /// The heads of their lines that are due at `now`, soonest first.
    pub(super) fn due(&self, now: i64) -> EdgeResult<Vec<Row>> {
        Ok(self
            .sql
            .exec(
                &format!(
                    "SELECT {COLUMNS} FROM deliveries d WHERE {HEADS} AND next_at <= ? ORDER BY next_at, ordinal LIMIT 1"
                ),
                vec![now.into()],
            )?
            .to_array()?)
    }

    /// When the next head is due.
    pub(super) fn next_due(&self) -> EdgeResult<Option<i64>> {
        #[derive(Deserialize)]
        struct Next {
            at: Option<i64>,
        }
        let rows: Vec<Next> = self
            .sql
            .exec(&format!("SELECT MIN(next_at) AS at FROM deliveries d WHERE {HEADS}"), None)?
            .to_array()?;
        Ok(rows.into_iter().next().and_then(|row| row.at))
    }

    /// Records an attempt and what follows it.
    pub(super) fn record(
        &self,
        id: &str,
        attempts: u32,
        attempt: &Attempt,
        after: AfterAttempt,
    ) -> EdgeResult<()> {
        let (state, next_at) = match after {
            AfterAttempt::Delivered => ("delivered", None),
            AfterAttempt::Retry { next_at, .. } => ("pending", Some(next_at)),
            AfterAttempt::GiveUp => ("failed", None),
        };
        self.sql.exec(
            "UPDATE deliveries SET state = ?, attempts = ?, next_at = ?, response_status = ?, latency_ms = ?, excerpt = ?
             WHERE id = ?",
            vec![
                state.into(),
                i64::from(attempts).into(),
                next_at.into(),
                attempt.status.map(i64::from).into(),
                i64::from(attempt.latency_ms).into(),
                attempt.excerpt.as_str().into(),
                id.into(),
            ],
        )?;
        let failing_since = match after {
            AfterAttempt::Delivered => None,
            AfterAttempt::Retry { failing_since, .. } => Some(failing_since),
            AfterAttempt::GiveUp => return Ok(()),
        };
        self.sql.exec("UPDATE subscription SET failing_since = ?", vec![failing_since.into()])?;
        Ok(())
    }

    /// One delivery.
    pub(super) fn row(&self, id: &str) -> EdgeResult<Option<Row>> {
        let rows: Vec<Row> = self
            .sql
            .exec(&format!("SELECT {COLUMNS} FROM deliveries WHERE id = ?"), vec![id.into()])?
            .to_array()?;
        Ok(rows.into_iter().next())
    }

    /// The log, newest first, older than the call's `before`.
    pub(super) fn list(&self, call: &ListDeliveries) -> EdgeResult<Vec<Delivery>> {
        if !self.tables.made() {
            return Ok(Vec::new());
        }
        let (at, id) = call.before.clone().unwrap_or((i64::MAX, String::new()));
        let rows: Vec<Row> = self
            .sql
            .exec(
                &format!(
                    "SELECT {COLUMNS} FROM deliveries WHERE created_at < ?1 OR (created_at = ?1 AND id < ?2)
                     ORDER BY created_at DESC, id DESC LIMIT ?3"
                ),
                vec![at.into(), id.into(), i64::from(call.limit).into()],
            )?
            .to_array()?;
        Ok(rows.into_iter().map(Row::into_delivery).collect())
    }

    /// Drops finished deliveries older than a week, and the oldest past the row limit.
    pub(super) fn prune_log(&self, now: i64) -> EdgeResult<()> {
        self.sql.exec(
            "DELETE FROM deliveries WHERE state != 'pending' AND created_at < ?",
            vec![(now - LOG_KEEP_MS).into()],
        )?;
        self.sql.exec(
            "DELETE FROM deliveries WHERE state != 'pending' AND id IN (
                SELECT id FROM deliveries WHERE state != 'pending' ORDER BY created_at DESC LIMIT -1 OFFSET ?)",
            vec![i64::from(LOG_KEEP_ROWS).into()],
        )?;
        Ok(())
    }

    /// Drops every delivery of `conversations` (their data was erased).
    pub(super) fn forget_conversations(&self, conversations: &[String]) -> EdgeResult<()> {
        if !self.tables.made() {
            return Ok(());
        }
        for conversation in conversations {
            self.sql
                .exec("DELETE FROM deliveries WHERE conversation = ?", vec![conversation.as_str().into()])?;
        }
        Ok(())
    }

    /// Every pending delivery given up (the subscription was turned off).
    pub(super) fn fail_pending(&self) -> EdgeResult<()> {
        self.sql
            .exec("UPDATE deliveries SET state = 'failed', next_at = NULL WHERE state = 'pending'", None)?;
        Ok(())
    }
}
