//! An agent's photo, shown to visitors beside the agent's replies (instead of their initials)
//! and to the team in the console.
//!
//! - `PUT /api/v1/agents/{id}/avatar` — the picture as the raw body, its type in
//!   `Content-Type` (one of [`AVATAR_TYPES`], confirmed by the file's first bytes), at most
//!   [`MAX_AVATAR_BYTES`]. An agent sets their own; admins set anyone's on their site. `200`
//!   with [`Response`]; `415` for another type, `413` when too large, `403` for someone
//!   else's photo without being an admin, `404` for no such agent on the site.
//! - `DELETE /api/v1/agents/{id}/avatar` — back to initials (`204`; same permissions).
//! - `GET /avatars/{site}/{agent}` — the picture (public, like the names visitors see; the
//!   URL [`Response::url`] and `GET /api/v1/agents` give carries a version, so a new photo is
//!   a new URL).

use serde::{Deserialize, Serialize};

/// Largest photo, in bytes (512 KiB: it is shown at 20 to 40 pixels).
pub const MAX_AVATAR_BYTES: usize = 512 * 1024;

/// The picture types accepted.
pub const AVATAR_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// `200` body of the `PUT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Where the photo is served, relative to the edge (`/avatars/{site}/{agent}?v=…`).
    pub url: String,
}
