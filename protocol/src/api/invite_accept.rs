//! `POST /api/v1/invites/accept` — the invited person chooses a password; the account is
//! created, the invite is used up, and the session cookie is set (they are signed in). The
//! token travels in the body, never in a URL.
//!
//! `410` (`gone`) for an expired or used invite, `409` when the email already has an account,
//! `400` for a password shorter than 10 characters.

use serde::{Deserialize, Serialize};

/// Request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The invite's token (from the link's `#invite=` fragment).
    pub token: String,
    /// The new password, at least 10 characters.
    pub password: String,
    /// The display name, if they want another than the one the admin gave.
    #[serde(default)]
    pub name: Option<String>,
}

/// `200` body: the new account, signed in.
pub type Response = super::agent_me::Response;
