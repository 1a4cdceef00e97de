//! Identity verification: the site's backend vouches for a signed-in visitor, and the edge
//! checks it before the console shows any field as verified (Intercom's "identity
//! verification").
//!
//! Two forms, both keyed by the site's identity secret:
//! - a signed token ([`token`]): an HS256 JWT whose claims — user id, name, email,
//!   attributes — are all signed, with an expiry. The recommended form.
//! - the older `user_hash = hex(HMAC-SHA256(secret, user_id))`: it vouches for `user_id`
//!   only; name, email and attributes sent beside it are kept as the visitor's typed word.
//!
//! What was signed goes to [`Contact::identity`], apart from what the visitor typed, so a
//! visitor with their own valid hash cannot appear verified under someone else's name, and a
//! form or the bot never changes a verified field. A wrong signature refuses the whole
//! claim; a site without a secret accepts no identity at all.
//!
//! # Layout
//! - this file: the older hash form, the choice of form, and applying a verified identity.
//! - [`token`]: the signed token.
//! - `tests.rs`: both forms, as a site's backend and an attacker would write them.

pub mod token;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use switchboard_protocol::contact::{Contact, Identity, VerifiedIdentity};

use crate::webhook::{hex, unhex};

/// Shortest identity secret a site may set, in characters (a 128-bit secret in hex is 32).
pub const MIN_SECRET_CHARS: usize = 32;

/// Longest `user_id`, in characters.
pub const MAX_USER_ID_CHARS: usize = 200;

/// Why an identity claim was refused. The texts reach the host page's developers (the
/// widget logs them), so they say what to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The site has no identity secret.
    #[error("identity verification is not set up for this site")]
    NotSetUp,
    /// The user id is empty or too long.
    #[error("user_id (the token's sub) must be 1 to {MAX_USER_ID_CHARS} characters")]
    UserId,
    /// `user_hash` is not the HMAC of `user_id` under the site's secret.
    #[error("user_hash does not match user_id: identity refused")]
    Mismatch,
    /// The token is not `header.payload.signature` in base64url JSON.
    #[error("identity token is not a JSON Web Token: identity refused")]
    Malformed,
    /// The token is signed with another algorithm (or none).
    #[error("identity token must be signed with HS256: identity refused")]
    Algorithm,
    /// The token's signature is not the site's.
    #[error("identity token signature does not match: identity refused")]
    TokenMismatch,
    /// The token has no `exp`.
    #[error("identity token has no exp (expiry): identity refused")]
    NoExpiry,
    /// The token's `exp` has passed.
    #[error("identity token expired: identity refused")]
    Expired,
    /// The token's `exp` is further ahead than [`token::MAX_LIFETIME_MS`].
    #[error("identity token exp is more than 24 hours ahead: identity refused")]
    LivesTooLong,
    /// Neither a token nor `user_id` with `user_hash`.
    #[error("identify needs a token, or user_id and user_hash")]
    Missing,
}

/// The hash a site's backend computes for `user_id` in the older form (lowercase hex).
pub fn user_hash(secret: &str, user_id: &str) -> String {
    let mut hash = mac(secret);
    hash.update(user_id.as_bytes());
    hex(&hash.finalize().into_bytes())
}

/// What `claim` vouches for at `now_ms`, checked against the site's `secret` (constant-time):
/// every claim of a token, or only the user id of the older hash form.
pub fn verify(
    secret: Option<&str>,
    claim: &Identity,
    now_ms: i64,
) -> Result<VerifiedIdentity, IdentityError> {
    let secret = secret.filter(|s| !s.is_empty()).ok_or(IdentityError::NotSetUp)?;
    if let Some(signed) = claim.token.as_deref() {
        return token::verify(secret, signed, now_ms);
    }
    if claim.user_id.is_empty() && claim.user_hash.is_empty() {
        return Err(IdentityError::Missing);
    }
    let chars = claim.user_id.chars().count();
    if chars == 0 || chars > MAX_USER_ID_CHARS {
        return Err(IdentityError::UserId);
    }
    let claimed = unhex(&claim.user_hash.to_ascii_lowercase()).ok_or(IdentityError::Mismatch)?;
    let mut hash = mac(secret);
    hash.update(claim.user_id.as_bytes());
    hash.verify_slice(&claimed).map_err(|_| IdentityError::Mismatch)?;
    Ok(VerifiedIdentity { user_id: crate::contact::clean(&claim.user_id), ..VerifiedIdentity::default() })
}

/// `contact` after `verified`: the signed fields in [`Contact::identity`] (replacing any
/// earlier identity), and whatever the page sent unsigned beside them (`name`, `email`,
/// `attributes`) kept as the visitor's typed word.
pub fn apply(contact: Contact, verified: VerifiedIdentity, claim: &Identity) -> Contact {
    let mut typed = claim.attributes.clone();
    for (key, value) in [("name", &claim.name), ("email", &claim.email)] {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            typed.insert(key.into(), value.into());
        }
    }
    let mut contact = crate::contact::with_collected(contact, &typed);
    contact.identity = Some(verified);
    contact
}

/// HMAC-SHA256 keyed with the site's secret.
fn mac(secret: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!("HMAC accepts any key"))
}

#[cfg(test)]
mod tests;
