//! `POST /api/v1/agent/login` — an agent signs in to the console.
//!
//! On success the edge sets the session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` over
//! https). Wrong email and wrong password get the same `401`, so the endpoint does not reveal
//! which accounts exist.

use serde::{Deserialize, Serialize};

/// Request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The account's email address (compared case-insensitively).
    pub email: String,
    /// The password.
    pub password: String,
}

/// `200` body: the signed-in agent.
pub type Response = super::agent_me::Response;
