//! Files in a conversation: what a message carries about its attachment, and the limits.
//!
//! Upload: `POST /api/v1/conversations/{id}/attachments` with the file as the raw body, its
//! type in `Content-Type`, its name in `X-Filename` (percent-encoded UTF-8) and the client's
//! message id in `X-Client-Id`; visitors authorise with `Authorization: Bearer <session
//! token>` (that conversation's), agents with their session (and CSRF token) or an API key.
//! The answer is `201 {"message": …}`: the stored message carrying the attachment, also
//! relayed to every participant. Resending the same `X-Client-Id` answers with the stored
//! message (nothing is stored twice).
//!
//! Download: the attachment's `url` (`/api/v1/attachments/<signed token>`), readable by whoever
//! holds the message.

use serde::{Deserialize, Serialize};

/// Largest file, in bytes (10 MiB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The types accepted, each checked against the file's first bytes.
pub const ATTACHMENT_TYPES: &[&str] =
    &["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"];

/// Longest file name kept, in characters (longer ones are cut).
pub const MAX_FILENAME_CHARS: usize = 200;

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its name, as uploaded (cleaned: no path, no control characters).
    pub name: String,
    /// Its type, one of [`ATTACHMENT_TYPES`].
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Where to fetch it, relative to the edge (`/api/v1/attachments/…`).
    pub url: String,
}

impl Attachment {
    /// Whether it is an image the clients may preview.
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}
