//! Signed, expiring tokens: visitor sessions and agent sessions.
//!
//! Form: `v1.<kind>.<payload>.<signature>`, where `payload` is base64url JSON claims and
//! `signature` is base64url HMAC-SHA256 over `v1.<kind>.<payload>` with the worker secret.
//! The kind is signed too, so a visitor token can never pass as an agent session (or the
//! reverse). Verification compares MACs in constant time. Every character is allowed in a
//! WebSocket subprotocol token and in a cookie value.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::{AgentId, ConversationId, SiteId, VisitorId};

/// Shortest secret accepted: 32 bytes, the HMAC-SHA256 block-size half that NIST asks for.
pub const MIN_SECRET_BYTES: usize = 32;

/// Whether two secrets are equal, compared in constant time (bearer secrets, API keys).
pub fn same_secret(expected: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// How long a visitor session lasts: long, because the widget resumes the conversation on
/// later visits; the token only opens that one conversation.
pub const VISITOR_SESSION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// How long an agent's console session lasts: a working day and a half.
pub const AGENT_SESSION_MS: i64 = 12 * 60 * 60 * 1000;

/// The HMAC key tokens are signed with (the worker secret `SESSION_SECRET`).
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl SigningKey {
    /// Accepts a secret of at least [`MIN_SECRET_BYTES`] bytes.
    pub fn new(secret: &[u8]) -> Result<Self, TokenError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(TokenError::WeakSecret);
        }
        Ok(Self(secret.to_vec()))
    }

    fn mac(&self, signed_part: &str) -> Hmac<Sha256> {
        // new_from_slice only fails for fixed-size keys; HMAC takes any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(signed_part.as_bytes());
        mac
    }
}

/// Claims a token can carry.
pub trait Claims: Serialize + DeserializeOwned {
    /// The token kind written (and signed) in the token, distinct per claims type.
    const KIND: &'static str;
    /// Expiry, ms since the Unix epoch.
    fn expires_at(&self) -> i64;
}

/// A visitor's session: the only key to one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorClaims {
    /// The site the session was issued for.
    pub site: SiteId,
    /// The visitor.
    pub visitor: VisitorId,
    /// The one conversation this token opens.
    pub conversation: ConversationId,
    /// Expiry, ms since the Unix epoch.
    pub exp: i64,
}

impl Claims for VisitorClaims {
    const KIND: &'static str = "vis";
    fn expires_at(&self) -> i64 {
        self.exp
    }
}

/// An agent's console session (the value of the session cookie).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentClaims {
    /// The agent.
    pub agent: AgentId,
    /// The site the agent answers for.
    pub site: SiteId,
    /// Display name, carried so sockets need no lookup to label replies.
    pub name: String,
    /// Sign-in email.
    pub email: String,
    /// What the account may do (sessions signed before roles existed are agents).
    #[serde(default)]
    pub role: AgentRole,
    /// The account's session version when this session began: "sign out everywhere" moves
    /// the account's on, which ends every session signed before.
    #[serde(default)]
    pub ver: u32,
    /// Expiry, ms since the Unix epoch.
    pub exp: i64,
}

impl Claims for AgentClaims {
    const KIND: &'static str = "agt";
    fn expires_at(&self) -> i64 {
        self.exp
    }
}

/// Why a token was refused. Callers show all of them as `unauthorized`; the variants are for
/// logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The secret is shorter than [`MIN_SECRET_BYTES`].
    #[error("the signing secret is shorter than {MIN_SECRET_BYTES} bytes")]
    WeakSecret,
    /// Not of the form `v1.kind.payload.signature`.
    #[error("malformed token")]
    Malformed,
    /// A token of another kind (e.g. a visitor token offered as an agent session).
    #[error("token of the wrong kind")]
    WrongKind,
    /// The signature does not match: forged or altered.
    #[error("bad token signature")]
    BadSignature,
    /// Past its expiry.
    #[error("token expired")]
    Expired,
}

/// Signs `claims` into a token.
pub fn sign<C: Claims>(claims: &C, key: &SigningKey) -> String {
    // Serialising plain structs of strings and integers cannot fail.
    let json = serde_json::to_vec(claims).unwrap_or_default();
    let signed_part = format!("v1.{}.{}", C::KIND, URL_SAFE_NO_PAD.encode(json));
    let signature = URL_SAFE_NO_PAD.encode(key.mac(&signed_part).finalize().into_bytes());
    format!("{signed_part}.{signature}")
}

/// Checks a token's form, kind, signature and expiry (`now`: ms since the Unix epoch).
pub fn verify<C: Claims>(token: &str, key: &SigningKey, now: i64) -> Result<C, TokenError> {
    let (signed_part, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let mut parts = signed_part.split('.');
    let (Some("v1"), Some(kind), Some(payload), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Malformed)?;
    key.mac(signed_part).verify_slice(&signature).map_err(|_| TokenError::BadSignature)?;
    // Checked after the MAC so that the kind is trusted (it is part of what was signed).
    if kind != C::KIND {
        return Err(TokenError::WrongKind);
    }
    let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Malformed)?;
    let claims: C = serde_json::from_slice(&json).map_err(|_| TokenError::Malformed)?;
    if claims.expires_at() <= now {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

/// The anti-forgery token of a console session: a MAC of the session cookie's value, so it
/// needs no storage, changes with every sign-in, and cannot be made without the secret. The
/// console reads it from `/agent/me` and sends it as a header, which another site's page can
/// neither read nor set.
pub fn csrf_token(session: &str, key: &SigningKey) -> String {
    URL_SAFE_NO_PAD.encode(key.mac(&format!("csrf.{session}")).finalize().into_bytes())
}

/// Whether `given` is the anti-forgery token of `session` (compared in constant time).
pub fn csrf_matches(session: &str, given: &str, key: &SigningKey) -> bool {
    same_secret(&csrf_token(session, key), given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_belong_to_one_session_and_one_secret() {
        let token = csrf_token("session-a", &key());
        assert!(csrf_matches("session-a", &token, &key()));
        assert!(!csrf_matches("session-b", &token, &key()));
        assert!(!csrf_matches("session-a", &token, &SigningKey::new(&[8; 32]).unwrap()));
        assert!(!csrf_matches("session-a", "", &key()));
    }

    fn key() -> SigningKey {
        SigningKey::new(&[7; 32]).unwrap()
    }

    fn visitor(exp: i64) -> VisitorClaims {
        VisitorClaims {
            site: SiteId::parse("demo").unwrap(),
            visitor: VisitorId::from_random([1; 16]),
            conversation: ConversationId::from_random([2; 16]),
            exp,
        }
    }

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let token = sign(&visitor(1_000), &key());
        assert_eq!(verify::<VisitorClaims>(&token, &key(), 999).unwrap(), visitor(1_000));
        assert_eq!(verify::<VisitorClaims>(&token, &key(), 1_000), Err(TokenError::Expired));
    }

    #[test]
    fn another_secret_or_an_altered_payload_is_refused() {
        let token = sign(&visitor(1_000), &key());
        let other = SigningKey::new(&[8; 32]).unwrap();
        assert_eq!(verify::<VisitorClaims>(&token, &other, 0), Err(TokenError::BadSignature));

        // Swap in claims for another conversation but keep the old signature.
        let forged_claims = sign(
            &VisitorClaims { conversation: ConversationId::from_random([3; 16]), ..visitor(1_000) },
            &other,
        );
        let forged =
            format!("{}.{}", forged_claims.rsplit_once('.').unwrap().0, token.rsplit_once('.').unwrap().1);
        assert_eq!(verify::<VisitorClaims>(&forged, &key(), 0), Err(TokenError::BadSignature));
    }

    #[test]
    fn a_visitor_token_is_not_an_agent_session() {
        let token = sign(&visitor(1_000), &key());
        assert_eq!(verify::<AgentClaims>(&token, &key(), 0), Err(TokenError::WrongKind));
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(SigningKey::new(b"short").is_err());
    }

    proptest::proptest! {
        #[test]
        fn garbage_never_verifies_and_never_panics(token in ".{0,200}") {
            proptest::prop_assert!(verify::<VisitorClaims>(&token, &key(), 0).is_err());
        }
    }
}
