//! The reply address of an email we send: its local part names the conversation the reply
//! belongs to and until when, signed with the deployment's key for one site, so a reply is
//! stored only in the conversation it answers. A forged token (no valid MAC), an expired one,
//! or one another site issued is refused — and nothing is stored.
//!
//! Form: `r.<32 hex digits of the conversation>.<expiry in days since 1970, base 36>.<16 base32
//! characters of HMAC-SHA256>` — at most 56 characters, within the 64 a local part may have,
//! and in one case only (mail systems may lowercase local parts).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use switchboard_protocol::{ConversationId, SiteId};

/// How long a reply address works after the email that carried it: 90 days.
pub const LIFETIME_DAYS: i64 = 90;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Characters of MAC kept (16 base32 characters: 80 bits).
const MAC_CHARS: usize = 16;

/// Why a reply address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyTokenError {
    /// Not one of our reply addresses at all.
    #[error("not a reply address")]
    Malformed,
    /// Its signature is not ours for this site (forged, altered, or another site's).
    #[error("the reply address is not signed for this site")]
    Forged,
    /// Past its lifetime.
    #[error("the reply address expired")]
    Expired,
}

/// The key reply addresses are signed with, derived from the deployment's session secret (so
/// there is no second secret to keep, and no token of another kind can pass as one).
pub fn key_from(session_secret: &[u8]) -> Vec<u8> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(session_secret).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(b"switchboard email reply addresses");
    mac.finalize().into_bytes().to_vec()
}

/// The local part of the reply address for `conversation` of `site`, issued at `now`.
pub fn local_part(key: &[u8], site: &SiteId, conversation: &ConversationId, now: i64) -> String {
    let hex = conversation.as_str().trim_start_matches("cnv_");
    let expiry = radix36(now.div_euclid(DAY_MS) + LIFETIME_DAYS);
    let mac = mac(key, site, hex, &expiry);
    format!("r.{hex}.{expiry}.{mac}")
}

/// The conversation a reply address's local part names, checked for `site` at `now`.
pub fn verify(
    key: &[u8],
    site: &SiteId,
    local_part: &str,
    now: i64,
) -> Result<ConversationId, ReplyTokenError> {
    let lower = local_part.to_ascii_lowercase();
    let mut parts = lower.split('.');
    let (Some("r"), Some(hex), Some(expiry), Some(given), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReplyTokenError::Malformed);
    };
    let conversation = ConversationId::parse(format!("cnv_{hex}")).map_err(|_| ReplyTokenError::Malformed)?;
    let days = i64::from_str_radix(expiry, 36).map_err(|_| ReplyTokenError::Malformed)?;
    let expected = mac(key, site, hex, expiry);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), given.as_bytes())) {
        return Err(ReplyTokenError::Forged);
    }
    if now.div_euclid(DAY_MS) > days {
        return Err(ReplyTokenError::Expired);
    }
    Ok(conversation)
}

/// The local part of `address` (`local@domain`), if it has one.
pub fn local_part_of(address: &str) -> Option<&str> {
    let (local, domain) = address.trim().trim_matches(['<', '>']).rsplit_once('@')?;
    (!local.is_empty() && !domain.is_empty()).then_some(local)
}

fn mac(key: &[u8], site: &SiteId, hex: &str, expiry: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(format!("email-reply\n{site}\n{hex}\n{expiry}").as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut text = data_encoding::BASE32_NOPAD.encode(&digest).to_ascii_lowercase();
    text.truncate(MAC_CHARS);
    text
}

fn radix36(mut n: i64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n <= 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const KEY: &[u8] = b"deployment-signing-key-0123456789";
    const NOW: i64 = 1_800_000_000_000;

    fn site(name: &str) -> SiteId {
        SiteId::parse(name).unwrap()
    }

    #[test]
    fn a_reply_address_names_its_conversation_for_its_site_only() {
        let conversation = ConversationId::from_random([7; 16]);
        let local = local_part(KEY, &site("shop"), &conversation, NOW);
        assert!(local.len() <= 64 && local.starts_with("r."), "{local}");
        assert_eq!(verify(KEY, &site("shop"), &local, NOW + DAY_MS), Ok(conversation.clone()));
        // Mail systems may change its case.
        assert_eq!(verify(KEY, &site("shop"), &local.to_ascii_uppercase(), NOW), Ok(conversation));
        assert_eq!(verify(KEY, &site("other"), &local, NOW), Err(ReplyTokenError::Forged), "foreign");
        assert_eq!(
            verify(b"another-deployment-key", &site("shop"), &local, NOW),
            Err(ReplyTokenError::Forged)
        );
        let late = NOW + (LIFETIME_DAYS + 1) * DAY_MS;
        assert_eq!(verify(KEY, &site("shop"), &local, late), Err(ReplyTokenError::Expired));
    }

    #[test]
    fn the_key_is_the_secrets_own() {
        assert_eq!(key_from(b"secret-one").len(), 32);
        assert_ne!(key_from(b"secret-one"), key_from(b"secret-two"));
        assert_ne!(key_from(b"secret-one"), b"secret-one".to_vec());
    }

    #[test]
    fn altered_or_invented_addresses_are_refused() {
        let conversation = ConversationId::from_random([7; 16]);
        let local = local_part(KEY, &site("shop"), &conversation, NOW);
        let other = ConversationId::from_random([8; 16]);
        let swapped = local.replace(
            conversation.as_str().trim_start_matches("cnv_"),
            other.as_str().trim_start_matches("cnv_"),
        );
        assert_eq!(verify(KEY, &site("shop"), &swapped, NOW), Err(ReplyTokenError::Forged));
        let (head, _) = local.rsplit_once('.').unwrap();
        let extended = format!("{head}.zzzzzzzzzzzzzzzz");
        assert_eq!(verify(KEY, &site("shop"), &extended, NOW), Err(ReplyTokenError::Forged));
        for junk in ["support", "r.", "r.xyz.1.abc", "", "r.a.b.c.d"] {
            assert_eq!(verify(KEY, &site("shop"), junk, NOW), Err(ReplyTokenError::Malformed), "{junk}");
        }
        assert_eq!(local_part_of("<r.ab.c.d@reply.shop.example>"), Some("r.ab.c.d"));
        assert_eq!(local_part_of("nobody"), None);
    }

    proptest! {
        /// Any conversation's address verifies as that conversation, and only before it expires.
        #[test]
        fn every_address_round_trips(bytes in any::<[u8; 16]>(), now in 0i64..4_000_000_000_000) {
            let conversation = ConversationId::from_random(bytes);
            let local = local_part(KEY, &site("shop"), &conversation, now);
            prop_assert!(local.len() <= 64);
            prop_assert_eq!(verify(KEY, &site("shop"), &local, now), Ok(conversation));
        }
    }
}
