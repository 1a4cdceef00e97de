//! Attachments: which files are accepted (type checked against the file's first bytes, size
//! capped), how their names are cleaned, and the signed token their download URL carries.
//! The message carrying one is stored by [`crate::conversation::store_attachment`].

use serde::{Deserialize, Serialize};
use switchboard_protocol::attachment::{ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_FILENAME_CHARS};
use switchboard_protocol::{ApiError, ConversationId, ErrorCode};

use crate::token::Claims;

/// What a download URL's token says: which stored object, and how to serve it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentClaims {
    /// The object's key in the bucket.
    pub key: String,
    /// The file name, for `Content-Disposition`.
    pub name: String,
    /// Its checked type.
    pub content_type: String,
    /// Expiry ([`crate::attachment_links::LINK_LIFETIME_MS`] after the link was handed out).
    pub exp: i64,
}

impl Claims for AttachmentClaims {
    const KIND: &'static str = "att";
    fn expires_at(&self) -> i64 {
        self.exp
    }
}

/// Where a conversation's file lives in the bucket: under the conversation, named by 128
/// random bits (hex), so names never collide and say nothing of the file.
pub fn object_key(conversation: &ConversationId, random: [u8; 16]) -> String {
    format!("{conversation}/{}", crate::webhook::hex(&random))
}

/// The type a file's first bytes show, if it is one of [`ATTACHMENT_TYPES`].
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    Some(if starts(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if starts(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        "image/webp"
    } else if starts(b"%PDF-") {
        "application/pdf"
    } else if std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) {
        "text/plain"
    } else {
        return None;
    })
}

/// Checks an upload: not empty, at most [`MAX_ATTACHMENT_BYTES`], declared as an accepted
/// type (parameters such as `; charset=utf-8` aside) that its bytes confirm. Returns the type.
pub fn check(declared: &str, bytes: &[u8]) -> Result<&'static str, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::new(ErrorCode::BadRequest, "the file is empty"));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(ApiError::new(
            ErrorCode::BodyTooLarge,
            format!("files are limited to {} MiB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
        ));
    }
    let declared = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let accepted = ATTACHMENT_TYPES.iter().find(|t| **t == declared).copied();
    match (accepted, sniff(bytes)) {
        (Some(declared), Some(actual)) if declared == actual => Ok(actual),
        (Some(declared), _) => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("the file's content is not {declared}"),
        )),
        (None, _) => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("accepted types: {} (got {declared:?})", ATTACHMENT_TYPES.join(", ")),
        )),
    }
}

/// A file name safe to show and to put in a header: its last path part, without control
/// characters, trimmed, at most [`MAX_FILENAME_CHARS`]; `file` when nothing is left.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(MAX_FILENAME_CHARS).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        "file".into()
    } else {
        clean.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_what_the_bytes_say() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(check("image/png", png), Ok("image/png"));
        assert_eq!(check("IMAGE/PNG; charset=binary", png), Ok("image/png"));
        // A script renamed .png, an executable declared as text, an unknown type.
        assert_eq!(
            check("image/png", b"<script>alert(1)</script>").unwrap_err().code,
            ErrorCode::UnsupportedMediaType
        );
        assert_eq!(
            check("text/plain", b"MZ\x90\0\x03\0\0\0").unwrap_err().code,
            ErrorCode::UnsupportedMediaType
        );
        assert!(check("text/html", b"<p>hi</p>").unwrap_err().message.contains("accepted types"));
        assert_eq!(check("text/plain", "héllo\n".as_bytes()), Ok("text/plain"));
        assert_eq!(check("application/pdf", b"%PDF-1.7\n"), Ok("application/pdf"));
        assert_eq!(check("image/webp", b"RIFF\0\0\0\0WEBPVP8 "), Ok("image/webp"));
        assert_eq!(check("image/gif", b"GIF89a\x01\0"), Ok("image/gif"));
        assert_eq!(check("image/jpeg", b"\xff\xd8\xff\xe0"), Ok("image/jpeg"));
        assert_eq!(check("text/plain", b"").unwrap_err().code, ErrorCode::BadRequest);
        let big = vec![b'a'; MAX_ATTACHMENT_BYTES + 1];
        assert_eq!(check("text/plain", &big).unwrap_err().code, ErrorCode::BodyTooLarge);
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\ada\\receipt.pdf"), "receipt.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\r\n.txt"), "ab.txt");
        assert_eq!(clean_name("  "), "file");
        assert_eq!(clean_name(".."), "file");
        assert_eq!(clean_name(&"x".repeat(500)).chars().count(), MAX_FILENAME_CHARS);
    }
}
