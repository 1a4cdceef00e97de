//! What an agent does to a conversation, over REST (console session + CSRF, or an API key of
//! its site; `404` for another site's) — the same decisions as the console's buttons:
//!
//! - `POST /api/v1/conversations/{id}/take` → `204`: the caller holds it.
//! - `POST /api/v1/conversations/{id}/transfer` [`TransferRequest`] → `204`: to an agent or
//!   a queue (exactly one).
//! - `POST /api/v1/conversations/{id}/unassign` → `204`: back to its queue.
//! - `POST /api/v1/conversations/{id}/resolve`, `…/reopen` → `204`.
//! - `POST /api/v1/conversations/{id}/snooze` [`SnoozeRequest`] → `204`: aside until then (or
//!   the visitor's next message).
//!
//! A step the conversation's state does not allow is `409 conflict` with the reason, as on
//! the console's socket. Taking, and transferring to an agent, need an agent routing knows
//! (one with the console open): `404` naming the agent otherwise.

use serde::{Deserialize, Serialize};

use crate::{AgentId, QueueId};

/// `transfer` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The agent to give it to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentId>,
    /// The queue to put it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
}

/// `snooze` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnoozeRequest {
    /// Until when, ms since the Unix epoch.
    pub until: i64,
}
