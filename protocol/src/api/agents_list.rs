//! `GET /api/v1/agents` — the accounts of the signed-in agent's site and its routing queues:
//! everything a conversation can be transferred to (any agent may list them).

use serde::{Deserialize, Serialize};

use super::agent_me::AgentRole;
use crate::ids::{AgentId, QueueId};

/// One account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentEntry {
    /// The account.
    pub id: AgentId,
    /// Display name.
    pub name: String,
    /// Sign-in email.
    pub email: String,
    /// What it may do.
    pub role: AgentRole,
    /// Their photo (`/avatars/…`, see [`agent_avatar`](super::agent_avatar)); none: visitors
    /// see their initials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Whether they sign in with a second step (an admin can reset it for them).
    #[serde(default)]
    pub two_factor: bool,
}

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Accounts, by name.
    pub agents: Vec<AgentEntry>,
    /// The site's queues, as its flow names them.
    #[serde(default)]
    pub queues: Vec<QueueId>,
}
