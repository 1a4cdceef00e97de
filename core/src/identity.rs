//! Identity verification: the site's backend vouches for a visitor with
//! `user_hash = hex(HMAC-SHA256(identity secret, user_id))`, and the edge checks it before the
//! contact panel shows the visitor as that user (Intercom's "identity verification").
//!
//! Without the check, any visitor could call `identify` with someone else's id and read the
//! agents' answers meant for them; so a wrong or missing hash refuses the whole claim, and a
//! site without a secret accepts no identity at all.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use switchboard_protocol::contact::{Contact, Identity};

use crate::webhook::{hex, unhex};

/// Shortest identity secret a site may set, in characters (a 128-bit secret in hex is 32).
pub const MIN_SECRET_CHARS: usize = 32;

/// Longest `user_id`, in characters.
pub const MAX_USER_ID_CHARS: usize = 200;

/// Why an identity claim was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The site has no identity secret.
    #[error("identity verification is not set up for this site")]
    NotSetUp,
    /// `user_id` is empty or too long.
    #[error("user_id must be 1 to {MAX_USER_ID_CHARS} characters")]
    UserId,
    /// `user_hash` is not the HMAC of `user_id` under the site's secret.
    #[error("user_hash does not match user_id: identity refused")]
    Mismatch,
}

/// The hash a site's backend computes for `user_id` (lowercase hex).
pub fn user_hash(secret: &str, user_id: &str) -> String {
    hex(&mac(secret, user_id).finalize().into_bytes())
}

/// Checks `identity` against the site's `secret` (constant-time).
pub fn verify(secret: Option<&str>, identity: &Identity) -> Result<(), IdentityError> {
    let secret = secret.filter(|s| !s.is_empty()).ok_or(IdentityError::NotSetUp)?;
    let chars = identity.user_id.chars().count();
    if chars == 0 || chars > MAX_USER_ID_CHARS {
        return Err(IdentityError::UserId);
    }
    let claimed = unhex(&identity.user_hash.to_ascii_lowercase()).ok_or(IdentityError::Mismatch)?;
    mac(secret, &identity.user_id).verify_slice(&claimed).map_err(|_| IdentityError::Mismatch)
}

/// `contact` after a verified `identity`: verified, with its name and email, its attributes
/// and the `user_id` (as the attribute `user_id`). Values are cleaned as every contact field.
pub fn apply(mut contact: Contact, identity: &Identity) -> Contact {
    let mut fields = identity.attributes.clone();
    fields.insert("user_id".into(), identity.user_id.clone());
    for (key, value) in [("name", &identity.name), ("email", &identity.email)] {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            fields.insert(key.into(), value.into());
        }
    }
    contact = crate::contact::with_collected(contact, &fields);
    contact.verified = true;
    contact
}

fn mac(secret: &str, user_id: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key"));
    mac.update(user_id.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn claim(user_id: &str, user_hash: &str) -> Identity {
        Identity { user_id: user_id.into(), user_hash: user_hash.into(), ..Identity::default() }
    }

    #[test]
    fn the_backends_hash_verifies_and_nothing_else_does() {
        // The same value `echo -n user-42 | openssl dgst -sha256 -hmac SECRET` prints.
        let hash = user_hash(SECRET, "user-42");
        assert_eq!(hash, "d6f70521973278294ce7b05519c3131f25d1710102d6c7e2842e84faa1ca1b01");
        assert_eq!(verify(Some(SECRET), &claim("user-42", &hash)), Ok(()));
        assert_eq!(verify(Some(SECRET), &claim("user-42", &hash.to_uppercase())), Ok(()));
        assert_eq!(verify(Some(SECRET), &claim("user-43", &hash)), Err(IdentityError::Mismatch));
        assert_eq!(verify(Some("another secret"), &claim("user-42", &hash)), Err(IdentityError::Mismatch));
        assert_eq!(verify(Some(SECRET), &claim("user-42", "")), Err(IdentityError::Mismatch));
        assert_eq!(verify(Some(SECRET), &claim("user-42", "zz")), Err(IdentityError::Mismatch));
        assert_eq!(verify(Some(SECRET), &claim("user-42", &hash[..62])), Err(IdentityError::Mismatch));
        assert_eq!(verify(None, &claim("user-42", &hash)), Err(IdentityError::NotSetUp));
        assert_eq!(verify(Some(""), &claim("user-42", &hash)), Err(IdentityError::NotSetUp));
        assert_eq!(verify(Some(SECRET), &claim("", &user_hash(SECRET, ""))), Err(IdentityError::UserId));
    }

    #[test]
    fn a_verified_identity_fills_the_contact() {
        let identity = Identity {
            user_id: "user-42".into(),
            user_hash: String::new(),
            email: Some("ada@example.com".into()),
            name: Some("Ada\n".into()),
            attributes: [("plan".to_string(), "pro".to_string())].into(),
        };
        let contact = apply(Contact { name: Some("typed".into()), ..Contact::default() }, &identity);
        assert!(contact.verified);
        assert_eq!(contact.name.as_deref(), Some("Ada"));
        assert_eq!(contact.email.as_deref(), Some("ada@example.com"));
        assert_eq!(contact.attributes.get("plan").map(String::as_str), Some("pro"));
        assert_eq!(contact.attributes.get("user_id").map(String::as_str), Some("user-42"));
    }
}
