//! `POST /api/v1/agent/login` — an agent signs in to the console.
//!
//! On success the edge sets the session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` over
//! https). Wrong email and wrong password get the same `401`, so the endpoint does not reveal
//! which accounts exist. An account with two-factor sign-in also needs `code`
//! (`401 second_factor_required` without it).

use serde::{Deserialize, Serialize};

/// Request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The account's email address (compared case-insensitively).
    pub email: String,
    /// The password.
    pub password: String,
    /// With two-factor sign-in on: the authenticator app's code, or a recovery code
    /// ([`super::two_factor`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `200` body: the signed-in agent.
pub type Response = super::agent_me::Response;
