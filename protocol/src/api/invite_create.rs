//! `POST /api/v1/invites` — an admin invites someone to answer the site's conversations
//! (admin session cookie with `X-CSRF-Token`).
//!
//! The answer holds the invite link once: the edge keeps only a hash of its token, so a lost
//! link is replaced by a new invite, not recovered. When the deployment sends email
//! (`POSTMARK_SERVER_TOKEN` and a sender address), the link is also emailed to the invited
//! person, and the answer says so (`emailed`); otherwise the admin passes it on.

use serde::{Deserialize, Serialize};

use super::agent_me::AgentRole;

/// Longest an invite may stay valid: 30 days.
pub const MAX_INVITE_TTL_S: u64 = 30 * 24 * 60 * 60;

/// How long an invite stays valid when the request does not say: 7 days.
pub const DEFAULT_INVITE_TTL_S: u64 = 7 * 24 * 60 * 60;

/// Request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Where the invite is meant to go; becomes the account's sign-in email.
    pub email: String,
    /// The person's display name (they may change it when accepting).
    pub name: String,
    /// What the new account may do (`agent` when absent).
    #[serde(default)]
    pub role: AgentRole,
    /// The site the account answers for: the admin's own when absent. Only owners (admins of
    /// the deployment's first site) may name another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<crate::ids::SiteId>,
    /// Seconds until the link stops working: 1 to [`MAX_INVITE_TTL_S`]; default
    /// [`DEFAULT_INVITE_TTL_S`].
    #[serde(default)]
    pub expires_in_s: Option<u64>,
}

/// `201` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The one-time token (also inside `url`).
    pub token: String,
    /// The link to send: the console's invite page for this token.
    pub url: String,
    /// The invited email, normalised.
    pub email: String,
    /// When the link stops working, ms since the Unix epoch.
    pub expires_at: i64,
    /// The link was also emailed to the person (the deployment sends email).
    #[serde(default)]
    pub emailed: bool,
}
