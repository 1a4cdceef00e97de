//! Identity claims as a site's backend writes them, and as an attacker would bend them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::Mac;
use proptest::prelude::*;
use serde_json::{json, Value};
use switchboard_protocol::contact::{Contact, Identity, VerifiedIdentity};

use super::token::{MAX_LIFETIME_MS, MAX_TOKEN_CHARS};
use super::*;

const SECRET: &str = "0123456789abcdef0123456789abcdef";
const NOW_MS: i64 = 1_800_000_000_000;
const HOUR_S: i64 = 3_600;

fn claim(user_id: &str, user_hash: &str) -> Identity {
    Identity { user_id: user_id.into(), user_hash: user_hash.into(), ..Identity::default() }
}

/// What any JWT library writes for `header` and `claims`, signed with `secret`.
fn sign(secret: &str, header: &Value, claims: &Value) -> String {
    let body = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut hash = mac(secret);
    hash.update(body.as_bytes());
    format!("{body}.{}", URL_SAFE_NO_PAD.encode(hash.finalize().into_bytes()))
}

fn hs256(claims: &Value) -> Identity {
    let token = sign(SECRET, &json!({ "alg": "HS256", "typ": "JWT" }), claims);
    Identity { token: Some(token), ..Identity::default() }
}

fn ada(exp_s: i64) -> Value {
    json!({ "sub": "user-42", "name": "Ada", "email": "ada@example.com",
            "attributes": { "plan": "pro", "orders": 7, "vip": true, "nested": {} }, "exp": exp_s })
}

#[test]
fn the_backends_hash_verifies_the_user_id_and_nothing_else_does() {
    // The same value `echo -n user-42 | openssl dgst -sha256 -hmac SECRET` prints.
    let hash = user_hash(SECRET, "user-42");
    assert_eq!(hash, "d6f70521973278294ce7b05519c3131f25d1710102d6c7e2842e84faa1ca1b01");
    let only_id = VerifiedIdentity { user_id: "user-42".into(), ..VerifiedIdentity::default() };
    assert_eq!(verify(Some(SECRET), &claim("user-42", &hash), NOW_MS), Ok(only_id.clone()));
    assert_eq!(verify(Some(SECRET), &claim("user-42", &hash.to_uppercase()), NOW_MS), Ok(only_id));
    let refused = |c: Identity, secret: Option<&str>| verify(secret, &c, NOW_MS).unwrap_err();
    assert_eq!(refused(claim("user-43", &hash), Some(SECRET)), IdentityError::Mismatch);
    assert_eq!(refused(claim("user-42", &hash), Some("another secret")), IdentityError::Mismatch);
    assert_eq!(refused(claim("user-42", ""), Some(SECRET)), IdentityError::Mismatch);
    assert_eq!(refused(claim("user-42", "zz"), Some(SECRET)), IdentityError::Mismatch);
    assert_eq!(refused(claim("user-42", &hash[..62]), Some(SECRET)), IdentityError::Mismatch);
    assert_eq!(refused(claim("user-42", &hash), None), IdentityError::NotSetUp);
    assert_eq!(refused(claim("user-42", &hash), Some("")), IdentityError::NotSetUp);
    assert_eq!(refused(claim("", &user_hash(SECRET, "")), Some(SECRET)), IdentityError::UserId);
    assert_eq!(refused(Identity::default(), Some(SECRET)), IdentityError::Missing);
}

#[test]
fn a_hash_vouches_for_the_id_only_and_what_came_beside_it_stays_typed() {
    let mallory = Identity {
        name: Some("Ada Victim\n".into()),
        email: Some("victim@example.com".into()),
        attributes: [("plan".to_string(), "gold".to_string())].into(),
        ..claim("mallory", &user_hash(SECRET, "mallory"))
    };
    let verified = verify(Some(SECRET), &mallory, NOW_MS).unwrap();
    let contact = apply(Contact::default(), verified, &mallory);
    let identity = contact.identity.clone().unwrap();
    assert_eq!((identity.user_id.as_str(), identity.name, identity.email), ("mallory", None, None));
    assert!(identity.attributes.is_empty());
    assert_eq!(contact.name.as_deref(), Some("Ada Victim"));
    assert_eq!(contact.email.as_deref(), Some("victim@example.com"));
    assert_eq!(contact.attributes.get("plan").map(String::as_str), Some("gold"));
}

#[test]
fn a_token_signs_every_claim_and_the_forms_and_bot_cannot_change_them() {
    let signed = hs256(&ada(NOW_MS / 1_000 + HOUR_S));
    let verified = verify(Some(SECRET), &signed, NOW_MS).unwrap();
    assert_eq!(verified.user_id, "user-42");
    assert_eq!((verified.name.as_deref(), verified.email.as_deref()), (Some("Ada"), Some("ada@example.com")));
    let attributes: Vec<_> = verified.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert_eq!(attributes, ["orders=7", "plan=pro", "vip=true"]);
    let contact =
        apply(Contact { name: Some("typed".into()), ..Contact::default() }, verified.clone(), &signed);
    assert_eq!(contact.display_name(), Some("Ada"));
    // The pre-chat form or the bot later collects another email: typed, beside the signed.
    let collected = [("email".to_string(), "other@example.com".to_string())].into();
    let contact = crate::contact::with_collected(contact, &collected);
    assert_eq!(contact.identity, Some(verified));
    assert_eq!(contact.best_email(), Some("ada@example.com"));
    assert_eq!(contact.email.as_deref(), Some("other@example.com"));
}

#[test]
fn tokens_are_refused_when_forged_expired_unsigned_or_too_long_lived() {
    let now_s = NOW_MS / 1_000;
    let refused = |identity: &Identity| verify(Some(SECRET), identity, NOW_MS).unwrap_err();
    let good = hs256(&ada(now_s + HOUR_S)).token.unwrap();
    let with = |token: String| Identity { token: Some(token), ..Identity::default() };

    // Another site's secret, a changed payload, a cut signature.
    let other = sign("another site's secret 0123456789", &json!({ "alg": "HS256" }), &ada(now_s + HOUR_S));
    assert_eq!(refused(&with(other)), IdentityError::TokenMismatch);
    let (head, rest) = good.split_once('.').unwrap();
    let signature = rest.rsplit_once('.').unwrap().1;
    let mut victim = ada(now_s + HOUR_S);
    victim["sub"] = json!("user-1");
    let swapped = format!("{head}.{}.{signature}", URL_SAFE_NO_PAD.encode(victim.to_string()));
    assert_eq!(refused(&with(swapped)), IdentityError::TokenMismatch);
    let mut flipped = good.clone().into_bytes();
    let at = flipped.len() - 10;
    flipped[at] = if flipped[at] == b'A' { b'B' } else { b'A' };
    assert_eq!(refused(&with(String::from_utf8(flipped).unwrap())), IdentityError::TokenMismatch);
    // `alg: none` and other algorithms, even with a valid HS256 signature over them.
    for alg in ["none", "HS512", "RS256", "hs256"] {
        let token = sign(SECRET, &json!({ "alg": alg }), &ada(now_s + HOUR_S));
        assert_eq!(refused(&with(token)), IdentityError::Algorithm, "{alg}");
    }
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(ada(now_s + HOUR_S).to_string())
    );
    assert_eq!(refused(&with(unsigned)), IdentityError::Algorithm);
    // Expiry: required, not past (a minute's skew allowed), at most a day ahead.
    let mut no_exp = ada(0);
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_eq!(refused(&hs256(&no_exp)), IdentityError::NoExpiry);
    assert_eq!(refused(&hs256(&ada(now_s - 120))), IdentityError::Expired);
    assert!(verify(Some(SECRET), &hs256(&ada(now_s - 30)), NOW_MS).is_ok());
    assert_eq!(refused(&hs256(&ada(now_s + MAX_LIFETIME_MS / 1_000 + 3_600))), IdentityError::LivesTooLong);
    assert!(verify(Some(SECRET), &hs256(&ada(now_s + MAX_LIFETIME_MS / 1_000)), NOW_MS).is_ok());
    // No subject, and shapes that are not tokens.
    let mut anonymous = ada(now_s + HOUR_S);
    anonymous["sub"] = json!("");
    assert_eq!(refused(&hs256(&anonymous)), IdentityError::UserId);
    for junk in ["", "a.b", "a.b.c.d", "!!.??.##", &"a".repeat(MAX_TOKEN_CHARS + 1)] {
        assert_eq!(refused(&with(junk.to_string())), IdentityError::Malformed, "{junk:.20}");
    }
    assert_eq!(verify(None, &hs256(&ada(now_s + HOUR_S)), NOW_MS), Err(IdentityError::NotSetUp));
}

proptest! {
    /// Whatever an attacker sends as a token or in its parts, nothing panics and nothing
    /// verifies without the secret.
    #[test]
    fn nothing_verifies_without_the_secret(
        token in "[A-Za-z0-9_.=-]{0,300}",
        sub in ".{0,40}",
        exp in any::<i64>(),
        alg in prop_oneof![Just("HS256".to_string()), ".{0,8}"],
    ) {
        let forged = sign("not the site's secret 0123456789ab", &json!({ "alg": alg }),
                          &json!({ "sub": sub, "exp": exp }));
        for token in [token, forged] {
            let identity = Identity { token: Some(token), ..Identity::default() };
            prop_assert!(verify(Some(SECRET), &identity, NOW_MS).is_err());
        }
    }

    /// Every token the site signs with a valid subject and expiry verifies, with its claims.
    #[test]
    fn every_well_made_token_verifies(sub in "[a-zA-Z0-9@._-]{1,100}", ahead_s in 0i64..86_400, name in "[a-zA-Z ]{1,30}") {
        let signed = hs256(&json!({ "sub": sub, "name": name, "exp": NOW_MS / 1_000 + ahead_s }));
        let verified = verify(Some(SECRET), &signed, NOW_MS).unwrap();
        prop_assert_eq!(verified.user_id, sub.trim());
        prop_assert_eq!(verified.name, Some(name.trim().to_string()).filter(|n| !n.is_empty()));
    }
}
