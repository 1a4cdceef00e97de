//! Blocked visitors: an agent blocks the visitor of a conversation (and, if they choose, the
//! network address it came from); until unblocked or the block expires that visitor cannot
//! start conversations, open their conversations' sockets, upload, or list their history, and
//! the sockets they hold are closed at once (code `4403`).
//!
//! - `GET /api/v1/blocks` — the site's blocks, newest first (any agent).
//! - `POST /api/v1/blocks` — blocks the visitor of `conversation_id` (any agent; `201` with
//!   the block). Blocking a visitor again replaces their block.
//! - `DELETE /api/v1/blocks/{id}` — lifts one (any agent; `204`).

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, VisitorId};

/// Most blocks a site keeps at once (expired ones are dropped first).
pub const MAX_BLOCKS: usize = 500;

/// Longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// `POST` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateRequest {
    /// The conversation whose visitor is blocked.
    pub conversation_id: ConversationId,
    /// Also block the network address the visitor last came from (new visitors from it too).
    #[serde(default)]
    pub include_address: bool,
    /// Why, for the team (at most [`MAX_REASON_CHARS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For how many days (1 to 3,650); none: until lifted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
}

/// One block, as agents see it (the address itself is never shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Its id, for `DELETE`.
    pub id: String,
    /// The blocked visitor.
    pub visitor_id: VisitorId,
    /// Their network address is blocked too.
    pub address_blocked: bool,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who blocked them (the agent's name).
    pub blocked_by: String,
    /// When, ms since the Unix epoch.
    pub created_at: i64,
    /// When it lapses, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// `GET` `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListResponse {
    /// Newest first.
    pub blocks: Vec<Block>,
}
