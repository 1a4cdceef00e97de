//! Canned responses: saved replies agents insert by typing `/shortcut` in the reply box.
//!
//! - `GET /api/v1/canned-responses` — the site's list (any agent).
//! - `POST /api/v1/canned-responses` — adds one, or replaces the one with the same shortcut
//!   (admin; `201` with the stored entry).
//! - `DELETE /api/v1/canned-responses/{shortcut}` — removes one (admin; `204`).

use serde::{Deserialize, Serialize};

/// Longest shortcut, in characters.
pub const MAX_SHORTCUT_CHARS: usize = 32;

/// Most canned responses a site may keep.
pub const MAX_CANNED_RESPONSES: usize = 500;

/// One saved reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedResponse {
    /// What follows the `/`: lowercase letters, digits, `-` and `_`, 1 to
    /// [`MAX_SHORTCUT_CHARS`] characters.
    pub shortcut: String,
    /// The reply inserted, 1 to 4,000 characters.
    pub text: String,
}

/// `GET` `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListResponse {
    /// By shortcut.
    pub canned_responses: Vec<CannedResponse>,
}
