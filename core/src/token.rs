//! Signed, expiring tokens: visitor sessions, agent sessions, attachment links.
//!
//! Form: `v2.<kind>.<key id>.<payload>.<signature>`, where `payload` is base64url JSON claims
//! and `signature` is base64url HMAC-SHA256 over everything before it with the worker secret
//! the key id names. The kind is signed too, so a visitor token can never pass as an agent
//! session (or the reverse). Verification compares MACs in constant time. Every character is
//! allowed in a WebSocket subprotocol token, a cookie value and a URL query.
//!
//! Rotation: the edge signs with `SESSION_SECRET` and also accepts tokens of
//! `SESSION_SECRET_PREVIOUS` while it is set (the grace period, `docs/security.md`); the key
//! id says which one a token needs, so a retired key is refused by name. Tokens of the older
//! form `v1.<kind>.<payload>.<signature>` (no key id) are tried against both keys.

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

/// The secret an `Authorization` header presents: a bearer token, or Basic auth's password
/// (how webhook providers such as Postmark send credentials named in their URL); empty when
/// neither.
pub fn presented_secret(authorization: &str) -> String {
    match authorization.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim().to_owned(),
        Some((scheme, encoded)) if scheme.eq_ignore_ascii_case("basic") => {
            let decoded =
                base64::engine::general_purpose::STANDARD.decode(encoded.trim()).unwrap_or_default();
            let decoded = String::from_utf8_lossy(&decoded).into_owned();
            decoded.split_once(':').map(|(_, password)| password.to_owned()).unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// How long a visitor session lasts: long, because the widget resumes the conversation on
/// later visits; the token only opens that one conversation.
pub const VISITOR_SESSION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The longest a visitor's identity lasts however often they come back: each visit slides
/// the expiry by [`VISITOR_SESSION_MS`], never past [`VisitorClaims::born`] plus this. A
/// token copied off a shared computer does not live forever by being used.
pub const VISITOR_LIFETIME_MS: i64 = 180 * 24 * 60 * 60 * 1000;

/// How long an agent's console session lasts: a working day and a half.
pub const AGENT_SESSION_MS: i64 = 12 * 60 * 60 * 1000;

/// The HMAC keys tokens are signed with: the current one (the worker secret `SESSION_SECRET`),
/// which signs, and the previous one while a rotation's grace period lasts, which is only
/// accepted.
#[derive(Clone)]
pub struct SigningKey {
    /// `(key id, secret)`, the current key first.
    keys: Vec<(String, Vec<u8>)>,
}

impl SigningKey {
    /// Accepts a secret of at least [`MIN_SECRET_BYTES`] bytes.
    pub fn new(secret: &[u8]) -> Result<Self, TokenError> {
        Ok(Self { keys: vec![Self::entry(secret)?] })
    }

    /// Also accepts tokens signed with `previous` (never signs with it).
    pub fn with_previous(mut self, previous: &[u8]) -> Result<Self, TokenError> {
        let entry = Self::entry(previous)?;
        if entry.0 != self.keys[0].0 {
            self.keys.truncate(1);
            self.keys.push(entry);
        }
        Ok(self)
    }

    /// The id of the key that signs: 8 hex digits of a MAC under the key, which names it
    /// without telling anything about it.
    pub fn id(&self) -> &str {
        &self.keys[0].0
    }

    fn entry(secret: &[u8]) -> Result<(String, Vec<u8>), TokenError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(TokenError::WeakSecret);
        }
        let id = mac(secret, "switchboard key id").finalize().into_bytes();
        Ok((id[..4].iter().map(|b| format!("{b:02x}")).collect(), secret.to_vec()))
    }

    /// The MAC of `signed_part` under the current key.
    fn mac(&self, signed_part: &str) -> Hmac<Sha256> {
        mac(&self.keys[0].1, signed_part)
    }

    /// The key named `id`, if it is accepted.
    fn by_id(&self, id: &str) -> Option<&[u8]> {
        self.keys.iter().find(|(known, _)| known == id).map(|(_, secret)| secret.as_slice())
    }
}

fn mac(secret: &[u8], signed_part: &str) -> Hmac<Sha256> {
    // new_from_slice only fails for fixed-size keys; HMAC takes any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(signed_part.as_bytes());
    mac
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
    /// When the visitor's first token was issued, ms since the Unix epoch (`0` in tokens
    /// signed before it was carried: see [`VisitorClaims::born`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub born: i64,
    /// Expiry, ms since the Unix epoch.
    pub exp: i64,
    /// The proactive message the visitor answered: a conversation not yet written opens with
    /// it (`crate::proactive`). Carried by the token, and by its renewals while nothing is
    /// written, so a conversation rebuilt after its object was evicted opens the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proactive: Option<String>,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

impl VisitorClaims {
    /// A session of `visitor` for `conversation` at `now`; `born` is when the visitor's first
    /// token was issued (`now` for a new visitor). It lasts [`VISITOR_SESSION_MS`], never past
    /// `born` + [`VISITOR_LIFETIME_MS`].
    pub fn issue(
        site: SiteId,
        visitor: VisitorId,
        conversation: ConversationId,
        born: i64,
        now: i64,
    ) -> Self {
        let exp = (now + VISITOR_SESSION_MS).min(born + VISITOR_LIFETIME_MS);
        VisitorClaims { site, visitor, conversation, born, exp, proactive: None }
    }

    /// When the visitor's first token was issued; a token from before this was carried
    /// counts from its own issue.
    pub fn born(&self) -> i64 {
        if self.born > 0 {
            self.born
        } else {
            self.exp - VISITOR_SESSION_MS
        }
    }

    /// The last moment any token of this visitor can be valid: what they did (signing out)
    /// need not be remembered past it.
    pub fn visitor_ends(&self) -> i64 {
        self.born() + VISITOR_LIFETIME_MS
    }
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
    /// The site requires two-factor sign-in of this account and it has none yet: the session
    /// may only set it up (`core::two_factor::SecondStep::Enrol`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub setup_only: bool,
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
    /// Not of the form `v2.kind.key.payload.signature` (or the older `v1.kind.payload.signature`).
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
    /// Its key id names no key this edge accepts: rotated out, or never ours.
    #[error("token signed with a key this edge does not accept (retired or unknown)")]
    UnknownKey,
}

/// Signs `claims` into a token with the current key.
pub fn sign<C: Claims>(claims: &C, key: &SigningKey) -> String {
    // Serialising plain structs of strings and integers cannot fail.
    let json = serde_json::to_vec(claims).unwrap_or_default();
    let signed_part = format!("v2.{}.{}.{}", C::KIND, key.id(), URL_SAFE_NO_PAD.encode(json));
    let signature = URL_SAFE_NO_PAD.encode(key.mac(&signed_part).finalize().into_bytes());
    format!("{signed_part}.{signature}")
}

/// Checks a token's form, key, kind, signature and expiry (`now`: ms since the Unix epoch).
pub fn verify<C: Claims>(token: &str, key: &SigningKey, now: i64) -> Result<C, TokenError> {
    let (signed_part, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let parts: Vec<&str> = signed_part.splitn(5, '.').collect();
    let (kind, payload, candidates): (&str, &str, Vec<&[u8]>) = match parts.as_slice() {
        ["v2", kind, id, payload] => (kind, payload, vec![key.by_id(id).ok_or(TokenError::UnknownKey)?]),
        ["v1", kind, payload] => {
            (kind, payload, key.keys.iter().map(|(_, secret)| secret.as_slice()).collect())
        }
        _ => return Err(TokenError::Malformed),
    };
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Malformed)?;
    if !candidates.iter().any(|secret| mac(secret, signed_part).verify_slice(&signature).is_ok()) {
        return Err(TokenError::BadSignature);
    }
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

/// The claims of a token read back from our own storage, without checking its signature or
/// expiry (it may be signed with a key rotated out since): never for a token a client sent.
pub(crate) fn stored_claims<C: Claims>(token: &str) -> Option<C> {
    let (signed_part, _) = token.rsplit_once('.')?;
    let payload = signed_part.rsplit('.').next()?;
    let claims: C = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    signed_part.split('.').nth(1).filter(|kind| *kind == C::KIND).map(|_| claims)
}

/// The anti-forgery token of a console session: a MAC of the session cookie's value, so it
/// needs no storage, changes with every sign-in, and cannot be made without the secret. The
/// console reads it from `/agent/me` and sends it as a header, which another site's page can
/// neither read nor set.
pub fn csrf_token(session: &str, key: &SigningKey) -> String {
    URL_SAFE_NO_PAD.encode(key.mac(&format!("csrf.{session}")).finalize().into_bytes())
}

/// Whether `given` is the anti-forgery token of `session` under any accepted key (compared in
/// constant time), so a console open across a rotation keeps working.
pub fn csrf_matches(session: &str, given: &str, key: &SigningKey) -> bool {
    key.keys.iter().any(|(_, secret)| {
        let expected =
            URL_SAFE_NO_PAD.encode(mac(secret, &format!("csrf.{session}")).finalize().into_bytes());
        same_secret(&expected, given)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_presented_as_a_bearer_token_or_basic_auths_password() {
        assert_eq!(presented_secret("Bearer s3cret"), "s3cret");
        assert_eq!(presented_secret("bearer  s3cret "), "s3cret");
        // `postmark:s3cret`, as Postmark sends `https://postmark:s3cret@…` credentials.
        assert_eq!(presented_secret("Basic cG9zdG1hcms6czNjcmV0"), "s3cret");
        assert_eq!(presented_secret("Basic !!!"), "");
        assert_eq!(presented_secret("s3cret"), "");
    }

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
            born: 0,
            exp,
            proactive: None,
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
        assert_eq!(verify::<VisitorClaims>(&token, &other, 0), Err(TokenError::UnknownKey));

        // Swap in claims for another conversation but keep the old signature.
        let forged_claims = sign(
            &VisitorClaims { conversation: ConversationId::from_random([3; 16]), ..visitor(1_000) },
            &key(),
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
    fn a_rotated_key_is_accepted_by_its_id_during_the_grace_period_only() {
        let (old, new) = (key(), SigningKey::new(&[9; 32]).unwrap());
        assert_ne!(old.id(), new.id());
        let rotating = new.clone().with_previous(&[7; 32]).unwrap();
        assert_eq!(rotating.id(), new.id(), "the new key signs");
        let before = sign(&visitor(1_000), &old);
        assert!(before.starts_with(&format!("v2.vis.{}.", old.id())), "{before}");
        assert_eq!(verify::<VisitorClaims>(&before, &rotating, 0), Ok(visitor(1_000)));
        assert_eq!(verify::<VisitorClaims>(&before, &new, 0), Err(TokenError::UnknownKey));
        // A console open across the rotation keeps its anti-forgery token.
        assert!(csrf_matches("session-a", &csrf_token("session-a", &old), &rotating));
        assert!(!csrf_matches("session-a", &csrf_token("session-a", &old), &new));
        // Tokens of the older form (no key id) are tried against both keys.
        let json = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&visitor(1_000)).unwrap());
        let part = format!("v1.vis.{json}");
        let old_form =
            format!("{part}.{}", URL_SAFE_NO_PAD.encode(mac(&[7; 32], &part).finalize().into_bytes()));
        assert_eq!(verify::<VisitorClaims>(&old_form, &rotating, 0), Ok(visitor(1_000)));
        assert_eq!(verify::<VisitorClaims>(&old_form, &new, 0), Err(TokenError::BadSignature));
        // A key id naming the current key cannot smuggle a previous key's signature.
        let relabelled = before.replacen(old.id(), new.id(), 1);
        assert_eq!(verify::<VisitorClaims>(&relabelled, &rotating, 0), Err(TokenError::BadSignature));
    }

    #[test]
    fn visits_slide_a_visitor_session_but_never_past_its_lifetime() {
        let (site, visitor, conversation) = (
            SiteId::parse("demo").unwrap(),
            VisitorId::from_random([1; 16]),
            ConversationId::from_random([2; 16]),
        );
        let first = VisitorClaims::issue(site.clone(), visitor.clone(), conversation.clone(), 0, 0);
        assert_eq!((first.born(), first.exp), (0, VISITOR_SESSION_MS));
        let late = VISITOR_LIFETIME_MS - 1_000;
        let renewed = VisitorClaims::issue(site, visitor, conversation, first.born(), late);
        assert_eq!(renewed.exp, VISITOR_LIFETIME_MS, "a renewal stops at the lifetime");
        // Older tokens count from their own issue.
        let legacy = VisitorClaims { born: 0, exp: 5 * VISITOR_SESSION_MS, ..renewed };
        assert_eq!(legacy.born(), 4 * VISITOR_SESSION_MS);
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
