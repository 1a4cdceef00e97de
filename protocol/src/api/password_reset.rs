//! Password reset by a one-time link an admin makes for a teammate. When the deployment
//! sends email (`POSTMARK_SERVER_TOKEN` and a sender address), the link is also emailed to the
//! teammate and the answer says so (`emailed`); otherwise the admin passes it on, as with
//! invites.
//!
//! - `POST /api/v1/agents/{id}/password-reset` (admin + CSRF, or an admin key) → `201`
//!   [`Created`]: a link for that account, valid [`RESET_LINK_HOURS`] hours and once; making
//!   another voids the one before. Emailed to the account's address when email is set up.
//! - `POST /api/v1/password-resets/lookup` [`TokenRequest`] → `200` [`Shown`]: whose link it
//!   is; `404` for an unknown, used or expired one.
//! - `POST /api/v1/password-resets/accept` [`AcceptRequest`] → `200` the account signed in
//!   (like `agent_login`): the new password is set, every other session of the account ends.
//!   An account with two-factor sign-in needs `code` too (`401 second_factor_required`).
//!
//! The token travels in bodies only, never in a URL path (the console's link carries it in
//! the fragment, `/console/#reset=…`, which browsers do not send). Lookups and accepts are
//! limited per address like invite attempts.

use serde::{Deserialize, Serialize};

/// How long a reset link works.
pub const RESET_LINK_HOURS: i64 = 24;

/// `201` body of creating a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// The one-time token.
    pub token: String,
    /// The link to pass on: the console with the token in its fragment.
    pub url: String,
    /// Whose password it resets.
    pub email: String,
    /// When it stops working, ms since the Unix epoch.
    pub expires_at: i64,
    /// The link was also emailed to the person (the deployment sends email).
    #[serde(default)]
    pub emailed: bool,
}

/// A body carrying only a reset token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    /// The token from the link.
    pub token: String,
}

/// `200` body of a lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    /// The account's email.
    pub email: String,
    /// The account's name.
    pub name: String,
    /// Whether accepting needs a two-factor code too.
    pub two_factor: bool,
}

/// Accepting a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptRequest {
    /// The token from the link.
    pub token: String,
    /// The new password (at least 10 characters).
    pub new_password: String,
    /// With two-factor sign-in on: the app's code or a recovery code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}
