//! `GET /api/v1/conversations` — the signed-in agent's site's conversations, newest activity
//! first (agent session cookie).

use serde::{Deserialize, Serialize};

use crate::inbox::ConversationSummary;

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Summaries, newest activity first.
    pub conversations: Vec<ConversationSummary>,
}
