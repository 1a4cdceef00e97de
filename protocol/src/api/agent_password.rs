//! `POST /api/v1/agent/password` — the signed-in agent changes their own password (console
//! session + `X-CSRF-Token`; API keys have no password: `403`). The current password is
//! checked and throttled like a sign-in, so a stolen session cannot be turned into a stolen
//! account by guessing it. Every other session of the account ends at once; the answer signs
//! this one in afresh (a new session cookie), like a sign-in.
//!
//! `401` for a wrong current password, `400` for a new one shorter than 10 characters, `429`
//! when throttled.

use serde::{Deserialize, Serialize};

/// Request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The password now.
    pub current_password: String,
    /// The new one, at least 10 characters.
    pub new_password: String,
}

/// `200` body: the account, signed in afresh.
pub type Response = super::agent_me::Response;
