//! Download links of attachments: signed, short-lived, and renewed whenever a conversation is
//! replayed, so a page that loads a conversation always has working links while a link copied
//! out of one (a forwarded screenshot, a proxy log) stops working within a week.
//!
//! A message keeps the link it was stored with. Replaying it (`hello`), the edge signs its
//! link afresh with the current key: the stored token is read for its claims only — it came
//! from our own storage, and its signature may be from a key rotated out since.

use switchboard_protocol::Message;

use crate::attachments::AttachmentClaims;
use crate::token::{self, SigningKey};

/// How long a download link works after it was handed out.
pub const LINK_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Where download links point; the signed token follows.
pub const URL_PREFIX: &str = "/api/v1/attachments/";

/// A download URL for the object `key`, signed with `signing` until `now` + [`LINK_LIFETIME_MS`].
pub fn url(key: &str, name: &str, content_type: &str, signing: &SigningKey, now: i64) -> String {
    let claims = AttachmentClaims {
        key: key.to_owned(),
        name: name.to_owned(),
        content_type: content_type.to_owned(),
        exp: now + LINK_LIFETIME_MS,
    };
    format!("{URL_PREFIX}{}", token::sign(&claims, signing))
}

/// `url` (as stored in a message) signed afresh; `None` when it is not one of our links.
pub fn renewed(url: &str, signing: &SigningKey, now: i64) -> Option<String> {
    let stored = url.strip_prefix(URL_PREFIX)?;
    let claims: AttachmentClaims = token::stored_claims(stored)?;
    Some(self::url(&claims.key, &claims.name, &claims.content_type, signing, now))
}

/// The bucket key a stored message's link names (`url` from our own storage, never a
/// client's: its signature is not checked); `None` when it is not one of our links.
pub fn stored_key(url: &str) -> Option<String> {
    let claims: AttachmentClaims = token::stored_claims(url.strip_prefix(URL_PREFIX)?)?;
    Some(claims.key)
}

/// Renews the link of every attachment in `messages` (a replay about to be sent).
pub fn renew_all(messages: &mut [Message], signing: &SigningKey, now: i64) {
    for attachment in messages.iter_mut().filter_map(|m| m.attachment.as_mut()) {
        if let Some(fresh) = renewed(&attachment.url, signing, now) {
            attachment.url = fresh;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::TokenError;

    fn key(byte: u8) -> SigningKey {
        SigningKey::new(&[byte; 32]).unwrap()
    }

    fn token_of(url: &str) -> &str {
        url.strip_prefix(URL_PREFIX).unwrap()
    }

    #[test]
    fn a_link_works_for_a_week_and_a_replay_renews_it_under_the_current_key() {
        let stored = url("cnv/abc", "a.png", "image/png", &key(1), 0);
        let claims: AttachmentClaims =
            token::verify(token_of(&stored), &key(1), LINK_LIFETIME_MS - 1).unwrap();
        assert_eq!((claims.key.as_str(), claims.name.as_str()), ("cnv/abc", "a.png"));
        let expired = token::verify::<AttachmentClaims>(token_of(&stored), &key(1), LINK_LIFETIME_MS);
        assert_eq!(expired, Err(TokenError::Expired));
        // A year later, after the key was rotated out: replayed, the link works again.
        let later = 365 * 24 * 60 * 60 * 1000;
        let fresh = renewed(&stored, &key(2), later).unwrap();
        let claims: AttachmentClaims = token::verify(token_of(&fresh), &key(2), later + 1).unwrap();
        assert_eq!((claims.key.as_str(), claims.content_type.as_str()), ("cnv/abc", "image/png"));
        assert_eq!(renewed("https://elsewhere.example/x", &key(2), later), None);
        assert_eq!(renewed(&format!("{URL_PREFIX}not-a-token"), &key(2), later), None);
    }
}
