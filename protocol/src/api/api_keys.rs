//! API keys: how scripts and servers use the REST API (and the sockets) without a browser.
//!
//! - `GET /api/v1/api-keys` — the site's keys (admins), never the secrets.
//! - `POST /api/v1/api-keys` — makes one (admins; `201`): the answer shows its secret once.
//! - `DELETE /api/v1/api-keys/{id}` — revokes one (admins; `204`); within 5 s no edge
//!   accepts it any more.
//!
//! A key is sent as `Authorization: Bearer sbk_…` and acts with its role on its site, like
//! an agent of that name: it needs no cookie, no `Origin` and no CSRF token. A key with
//! [`Scope`]s does less: `read` reads everything its role may read; each other scope reads
//! and changes its area only. A key without scopes does all its role may. Managing keys
//! needs a key without scopes (so a scoped key cannot make itself a wider one); sockets count
//! as changes (what is typed on them is sent), so they need the `conversations` scope.

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
    /// What it is limited to; empty or absent: all its role may do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<Scope>,
}

/// One part of what a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read everything its role may read; change nothing.
    Read,
    /// Conversations: list, read, post, act on them; visitor sessions; sockets; blocks.
    Conversations,
    /// Contacts: list, read, create, change, merge.
    Contacts,
    /// The site's settings, team, canned responses, audit log.
    Settings,
    /// Webhook subscriptions and their deliveries.
    Webhooks,
}

impl Scope {
    /// Every scope, in the order they are shown.
    pub const ALL: [Scope; 5] =
        [Scope::Read, Scope::Conversations, Scope::Contacts, Scope::Settings, Scope::Webhooks];

    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Conversations => "conversations",
            Scope::Contacts => "contacts",
            Scope::Settings => "settings",
            Scope::Webhooks => "webhooks",
        }
    }

    /// The scope named `name`.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == name)
    }
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
    /// What it is limited to (empty: all its role may do).
    #[serde(default)]
    pub scopes: Vec<Scope>,
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
