//! Signatures on outgoing webhooks (the external bot), so receivers can check a request came
//! from this edge and is fresh.
//!
//! Header `X-Switchboard-Signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
//! The timestamp is inside the signed text, so a captured request cannot be replayed later
//! with a new time; receivers refuse ones older than a few minutes.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The signature header's name.
pub const SIGNATURE_HEADER: &str = "x-switchboard-signature";

/// How old a signed request a receiver should still accept.
pub const TOLERANCE_MS: i64 = 5 * 60 * 1_000;

/// The header value for `body` sent at `now` (ms since the Unix epoch).
pub fn sign(secret: &[u8], now: i64, body: &[u8]) -> String {
    format!("t={now},v1={}", hex(&mac(secret, now, body)))
}

/// Why a signature is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Not `t=…,v1=…`.
    #[error("malformed signature header")]
    Malformed,
    /// Signed too long ago (or in the future).
    #[error("signature timestamp outside the tolerance")]
    Stale,
    /// The HMAC does not match.
    #[error("signature does not match")]
    Mismatch,
}

/// Checks a header value made by [`sign`] (what a webhook receiver does).
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut time = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => time = value.parse::<i64>().ok(),
            Some(("v1", value)) => signature = unhex(value),
            _ => {}
        }
    }
    let (Some(time), Some(signature)) = (time, signature) else { return Err(SignatureError::Malformed) };
    if (now - time).abs() > TOLERANCE_MS {
        return Err(SignatureError::Stale);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| SignatureError::Mismatch)?;
    mac.update(format!("{time}.").as_bytes());
    mac.update(body);
    // Constant-time comparison.
    mac.verify_slice(&signature).map_err(|_| SignatureError::Mismatch)
}

fn mac(secret: &[u8], now: i64, body: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC accepts any key"));
    mac.update(format!("{now}.").as_bytes());
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_nothing_else_does() {
        let header = sign(b"secret", 1_000_000, b"{\"a\":1}");
        assert!(header.starts_with("t=1000000,v1="));
        assert_eq!(verify(b"secret", &header, b"{\"a\":1}", 1_000_500), Ok(()));
        assert_eq!(verify(b"other", &header, b"{\"a\":1}", 1_000_500), Err(SignatureError::Mismatch));
        assert_eq!(verify(b"secret", &header, b"{\"a\":2}", 1_000_500), Err(SignatureError::Mismatch));
        assert_eq!(
            verify(b"secret", &header, b"{\"a\":1}", 1_000_000 + TOLERANCE_MS + 1),
            Err(SignatureError::Stale)
        );
        let replayed = header.replace("t=1000000", "t=1000400");
        assert_eq!(verify(b"secret", &replayed, b"{\"a\":1}", 1_000_500), Err(SignatureError::Mismatch));
        assert_eq!(verify(b"secret", "v1=zz", b"", 0), Err(SignatureError::Malformed));
    }
}
