//! API keys: how scripts and servers use the REST API (and the sockets) without a browser.
//!
//! - `GET /api/v1/api-keys` — the site's keys (admins), never the secrets.
//! - `POST /api/v1/api-keys` — makes one (admins; `201`): the answer shows its secret once.
//! - `DELETE /api/v1/api-keys/{id}` — revokes one (admins; `204`); within 5 s no edge
//!   accepts it any more.
//!
//! A key is sent as `Authorization: Bearer sbk_…` and acts with its role on its site, like
//! an agent of that name: it needs no cookie, no `Origin` and no CSRF token.

use serde::{Deserialize, Serialize};

use super::agent_me::AgentRole;
use crate::ids::AgentId;

/// Prefix of every key's secret, so a leaked one is recognisable (secret scanners).
pub const KEY_PREFIX: &str = "sbk_";

/// `POST` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// What it is for ("CRM sync"); replies sent with it are signed with this name.
    pub name: String,
    /// What it may do (`agent` when absent).
    #[serde(default)]
    pub role: AgentRole,
    /// Seconds it works for; absent: until revoked (or its maker's account is removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_s: Option<u64>,
}

/// One key, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    /// Its id (it acts as this agent id).
    pub id: AgentId,
    /// Its name.
    pub name: String,
    /// What it may do.
    pub role: AgentRole,
    /// The secret's first characters, to tell keys apart.
    pub prefix: String,
    /// When it was made, ms since the Unix epoch.
    pub created_at: i64,
    /// When it stops working, ms since the Unix epoch (absent: when revoked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// `POST` `201` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// The key.
    pub key: ApiKey,
    /// The secret, shown this once: the edge keeps only its hash.
    pub secret: String,
}

/// `GET` `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListResponse {
    /// The site's keys, newest first.
    pub api_keys: Vec<ApiKey>,
}
