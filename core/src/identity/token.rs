//! The signed identity token: an HS256 JSON Web Token (RFC 7519) made by the site's backend,
//! so every claim the console marks verified — user id, name, email, attributes — is signed,
//! and the token stops working at its expiry. Any JWT library makes one (`docs/embed.md`).
//!
//! Checked strictly, in the order an attacker would probe: size, shape, `alg` (only HS256,
//! never `none`), signature (constant-time, before the claims are read), then the claims:
//! `sub` present, `exp` present, not past and not further ahead than [`MAX_LIFETIME_MS`].

use std::collections::BTreeMap;

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use hmac::Mac;
use serde::Deserialize;
use serde_json::Value;
use switchboard_protocol::contact::{VerifiedIdentity, MAX_CONTACT_ATTRIBUTES};

use super::{mac, IdentityError, MAX_USER_ID_CHARS};
use crate::contact::clean;

/// Longest token accepted, in characters.
pub const MAX_TOKEN_CHARS: usize = 8_192;

/// Furthest ahead a token's `exp` may be: a token is short-lived, so one copied out of a page
/// (a shared screenshot, a proxy log) stops vouching for anyone within a day.
pub const MAX_LIFETIME_MS: i64 = 24 * 3_600_000;

/// Clock difference tolerated between the site's backend and the edge.
pub const CLOCK_SKEW_MS: i64 = 60_000;

/// base64url as JWTs use it; padding is tolerated, as some libraries write it.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Deserialize)]
struct Header {
    alg: String,
}

#[derive(Deserialize)]
struct Claims {
    sub: Option<Value>,
    exp: Option<f64>,
    name: Option<Value>,
    email: Option<Value>,
    #[serde(default)]
    attributes: BTreeMap<String, Value>,
}

/// The identity `token` vouches for at `now_ms`, if `secret` signed it and it has not expired.
pub fn verify(secret: &str, token: &str, now_ms: i64) -> Result<VerifiedIdentity, IdentityError> {
    if token.len() > MAX_TOKEN_CHARS {
        return Err(IdentityError::Malformed);
    }
    let mut parts = token.trim().split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(IdentityError::Malformed);
    };
    let header: Header = decode_json(header)?;
    if header.alg != "HS256" {
        return Err(IdentityError::Algorithm);
    }
    let signature = BASE64URL.decode(signature).map_err(|_| IdentityError::Malformed)?;
    let mut signed = mac(secret);
    signed.update(header_and_payload(token));
    signed.verify_slice(&signature).map_err(|_| IdentityError::TokenMismatch)?;

    let claims: Claims = decode_json(payload)?;
    let user_id = claims.sub.as_ref().and_then(text).map(|v| clean(&v)).unwrap_or_default();
    let chars = user_id.chars().count();
    if chars == 0 || chars > MAX_USER_ID_CHARS {
        return Err(IdentityError::UserId);
    }
    let expires_ms = claims.exp.ok_or(IdentityError::NoExpiry)? * 1_000.0;
    if expires_ms + (CLOCK_SKEW_MS as f64) < now_ms as f64 {
        return Err(IdentityError::Expired);
    }
    if expires_ms > (now_ms + MAX_LIFETIME_MS + CLOCK_SKEW_MS) as f64 {
        return Err(IdentityError::LivesTooLong);
    }
    let field =
        |value: &Option<Value>| value.as_ref().and_then(text).map(|v| clean(&v)).filter(|v| !v.is_empty());
    let attributes = claims
        .attributes
        .iter()
        .filter_map(|(key, value)| Some((clean(key), clean(&text(value)?))))
        .filter(|(key, _)| !key.is_empty())
        .take(MAX_CONTACT_ATTRIBUTES)
        .collect();
    Ok(VerifiedIdentity { user_id, email: field(&claims.email), name: field(&claims.name), attributes })
}

/// `header.payload`, the bytes the signature covers.
fn header_and_payload(token: &str) -> &[u8] {
    let token = token.trim();
    let end = token.rfind('.').unwrap_or(token.len());
    &token.as_bytes()[..end]
}

fn decode_json<T: serde::de::DeserializeOwned>(part: &str) -> Result<T, IdentityError> {
    let bytes = BASE64URL.decode(part).map_err(|_| IdentityError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| IdentityError::Malformed)
}

/// A claim as text: strings as they are, numbers and booleans as JSON writes them.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}
