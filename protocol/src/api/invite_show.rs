//! `GET /api/v1/invites/{token}` — what an invite is for, so the invite page can greet the
//! person before they choose a password. `404` for an unknown token, `410` (`gone`) for an
//! expired or used one.

use serde::{Deserialize, Serialize};

use super::agent_me::AgentRole;
use crate::ids::SiteId;

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The email the account will sign in with.
    pub email: String,
    /// The name the admin gave.
    pub name: String,
    /// What the account will be able to do.
    pub role: AgentRole,
    /// The site it answers for.
    pub site_id: SiteId,
    /// When the invite stops working, ms since the Unix epoch.
    pub expires_at: i64,
}
