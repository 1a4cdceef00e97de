//! `GET /api/v1/agent/email-digest` (cookie, or a key) → `200` [`Setting`];
//! `PUT /api/v1/agent/email-digest` [`Setting`] (cookie + CSRF, or a key) → `200` [`Setting`]:
//! whether the signed-in agent gets the email digest of what they missed while their console
//! was closed — offers that lapsed, conversations given to them, customers' messages in
//! theirs — one email a while after the first such thing, none if they open the console
//! before. On by default. Turning it off also drops what was waiting to be sent.

use serde::{Deserialize, Serialize};

/// The setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    /// The digest is sent.
    pub enabled: bool,
}
