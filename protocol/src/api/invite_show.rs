//! `POST /api/v1/invites/lookup` — what an invite is for, so the invite page can greet the
//! person before they choose a password. `404` for an unknown token, `410` (`gone`) for an
//! expired or used one. The token travels in the body, never in a URL (which access logs and
//! proxies keep).

use serde::{Deserialize, Serialize};

use super::agent_me::AgentRole;
use crate::ids::SiteId;

/// Request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The invite's token (from the link's `#invite=` fragment).
    pub token: String,
}

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
