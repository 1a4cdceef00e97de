//! `GET /api/v1/agent/me` — who the session cookie belongs to (`401` without a valid one).

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, SiteId};

/// What an account may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentRole {
    /// Answers conversations.
    #[default]
    Agent,
    /// Also invites and removes agents and changes the site's settings.
    Admin,
}

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
    /// What the account may do.
    #[serde(default)]
    pub role: AgentRole,
    /// The deployment's owner (the admin `BOOTSTRAP_ADMIN_EMAIL` names): may create sites
    /// (`/api/v1/sites`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub owner: bool,
    /// Send it as the `X-CSRF-Token` header on every state-changing request made with the
    /// session cookie (`POST`, `PUT`, `PATCH`, `DELETE`); requests without it are refused
    /// (`403`). Tied to this session: a new sign-in gets a new one.
    #[serde(default)]
    pub csrf_token: String,
    /// Whether sign-in asks this account for a code ([`super::two_factor`]).
    #[serde(default)]
    pub two_factor: bool,
    /// The site requires two-factor sign-in of this account and it is not set up: this session
    /// can only set it up (every other route answers `403`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_set_up_two_factor: bool,
}
