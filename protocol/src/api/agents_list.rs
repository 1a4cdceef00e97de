//! `GET /api/v1/agents` — the accounts of the signed-in agent's site (any agent may list
//! them: transferring a conversation needs the names).

use serde::{Deserialize, Serialize};

use super::agent_me::AgentRole;
use crate::ids::AgentId;

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
}

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Accounts, by name.
    pub agents: Vec<AgentEntry>,
}
