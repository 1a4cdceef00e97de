//! `GET /api/v1/agent/me` — who the session cookie belongs to (`401` without a valid one).

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, SiteId};

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The account.
    pub id: AgentId,
    /// Display name, shown to visitors next to the agent's replies.
    pub name: String,
    /// Sign-in email.
    pub email: String,
    /// The site whose conversations this agent answers.
    pub site_id: SiteId,
}
