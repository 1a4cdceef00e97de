//! Two-factor sign-in: an agent sets up an authenticator app (TOTP) for their own account,
//! and a site may require it of its admins or of everyone.
//!
//! - `POST /api/v1/agent/two-factor/setup` (console session + CSRF) → `200` [`SetupResponse`]:
//!   a new secret, not yet in force; `409` when two-factor sign-in is already on.
//! - `POST /api/v1/agent/two-factor/confirm` [`CodeRequest`] with a code the app shows for
//!   that secret → `200` [`ConfirmResponse`]: from now on sign-in asks for a code; the
//!   recovery codes are shown this once. The session is signed in afresh (new cookie and
//!   `csrf_token` in `agent`).
//! - `POST /api/v1/agent/two-factor/recovery-codes` [`CodeRequest`] → `200`
//!   [`RecoveryCodesResponse`]: a new set; the old ones stop working.
//! - `POST /api/v1/agent/two-factor/disable` [`CodeRequest`] → `204`; `403` when the site
//!   requires two-factor sign-in of this account.
//! - `DELETE /api/v1/agents/{id}/two-factor` (admin + CSRF) → `204`: a teammate who lost their
//!   phone and their recovery codes signs in with their password again (their sessions end).
//!
//! Sign-in (`POST /api/v1/agent/login`) of an account with two-factor sign-in on needs `code`
//! too: without it `401 second_factor_required`, with a wrong one `401 unauthorized`, counted
//! like a wrong password. A code works once; a recovery code works once.
//! An account that must set it up (the site requires it) signs in with its password to a
//! session that can only set it up (`must_set_up_two_factor` in `/agent/me`; every other
//! route `403`) until it is confirmed.

use serde::{Deserialize, Serialize};

/// Who must sign in with a second step: a site's setting (`two_factor_policy` in
/// `/api/v1/site`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TwoFactorPolicy {
    /// Nobody must; anyone may set it up and is then asked for a code.
    #[default]
    Off,
    /// The site's admins must.
    Admins,
    /// Every agent of the site must.
    Everyone,
}

/// `200` body of `setup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupResponse {
    /// The secret, base32 (for typing into an app by hand).
    pub secret: String,
    /// The `otpauth://totp/…` URI (what the QR code holds).
    pub otpauth_uri: String,
}

/// A code from the authenticator app (or, where it says so, a recovery code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRequest {
    /// Six digits (spaces ignored).
    pub code: String,
}

/// `200` body of `confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmResponse {
    /// One-time codes for signing in without the app: shown only now.
    pub recovery_codes: Vec<String>,
    /// The account, signed in afresh.
    pub agent: super::agent_me::Response,
}

/// `200` body of `recovery-codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodesResponse {
    /// The new one-time codes: shown only now.
    pub recovery_codes: Vec<String>,
}
