//! The one-click unsubscribe link of continuity emails (RFC 8058): `List-Unsubscribe` names
//! `{edge}/api/v1/email/{site}/unsubscribe?address=…&token=…`, the token an HMAC of the site
//! and the address with the reply addresses' key, so only someone who received the email can
//! stop the emails to that address — and nobody can stop another's.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use switchboard_protocol::SiteId;

/// The token for `address` (lowercased) on `site`.
pub fn token(key: &[u8], site: &SiteId, address: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(format!("email-unsubscribe\n{site}\n{}", address.trim().to_lowercase()).as_bytes());
    let digest = mac.finalize().into_bytes();
    data_encoding::BASE32_NOPAD.encode(&digest[..20]).to_ascii_lowercase()
}

/// Whether `given` is the token for `address` on `site`.
pub fn verify(key: &[u8], site: &SiteId, address: &str, given: &str) -> bool {
    let expected = token(key, site, address);
    bool::from(subtle::ConstantTimeEq::ct_eq(
        expected.as_bytes(),
        given.trim().to_ascii_lowercase().as_bytes(),
    ))
}

/// The link (and `List-Unsubscribe` headers) for `address`: `edge` is the edge's public
/// origin (`https://chat.example`).
pub fn headers(edge: &str, key: &[u8], site: &SiteId, address: &str) -> Vec<(String, String)> {
    let address = address.trim().to_lowercase();
    let token = token(key, site, &address);
    let query = crate::channels::form::encode([("address", address.as_str()), ("token", token.as_str())]);
    let link = format!("{}/api/v1/email/{site}/unsubscribe?{query}", edge.trim_end_matches('/'));
    vec![
        ("List-Unsubscribe".to_owned(), format!("<{link}>")),
        ("List-Unsubscribe-Post".to_owned(), "List-Unsubscribe=One-Click".to_owned()),
    ]
}

#[cfg(test)]
mod tests;
