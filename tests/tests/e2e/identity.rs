//! Identity verification against the real edge, tried as an attacker would: a visitor's page
//! says who they are with a token (or the older hash) its backend signed; the edge checks it
//! against the site's identity secret, and only what was signed shows as verified.

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_demo_site::{identity_token, user_hash};
use switchboard_protocol::api::site_settings;
use switchboard_protocol::contact::Identity;
use switchboard_protocol::{ClientFrame, ConversationId, ErrorCode, Seq};
use switchboard_tests::api::{create_session, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, IDENTITY_SECRET};

const SHOP: &str = "http://shop.test";

fn no_body() -> Option<&'static ()> {
    None
}

fn claim(user_id: &str, user_hash: String, name: &str) -> ClientFrame {
    ClientFrame::Identify {
        identity: Identity {
            user_id: user_id.into(),
            user_hash,
            email: Some(format!("{}@example.com", name.to_lowercase())),
            name: Some(name.into()),
            attributes: [("plan".to_string(), "gold".to_string())].into(),
            ..Identity::default()
        },
    }
}

fn token_claim(token: String) -> ClientFrame {
    ClientFrame::Identify { identity: Identity { token: Some(token), ..Identity::default() } }
}

fn now_s() -> i64 {
    switchboard_tests::now_ms() / 1_000
}

/// The claims a shop's backend signs for Ada, expiring at `exp`.
fn ada(exp: i64) -> serde_json::Value {
    json!({ "sub": "customer-7", "name": "Ada Lovelace", "email": "ada@example.com",
            "attributes": { "plan": "gold" }, "exp": exp })
}

/// Connects a new visitor, says hello and writes once (so the inbox lists the conversation).
async fn visitor(edge: &TestEdge) -> Result<(ConversationId, Live)> {
    let session = create_session(edge, SHOP).await?;
    let mut live = Live::visitor(edge, &session).await?;
    live.hello(Seq(0)).await?;
    live.post("m-1", "hello").await?;
    Ok((session.conversation_id, live))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hash_vouches_for_the_user_id_only_and_a_forged_one_is_refused() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // Mallory has an account of her own, so her page gets a valid hash for her id. She sends
    // it with Ada's name and email: her id is verified, the name and email are her word.
    let (conversation, mut live) = visitor(&edge).await?;
    live.send(&claim("mallory-9", user_hash(IDENTITY_SECRET, "mallory-9"), "Ada")).await?;
    let seen = admin.contact_when(&edge, &conversation, |c| c.name.is_some()).await?;
    let identity = seen.identity.clone().expect("the user id is verified");
    assert_eq!(identity.user_id, "mallory-9");
    assert!(identity.name.is_none() && identity.email.is_none(), "unsigned fields verified: {seen:?}");
    assert!(identity.attributes.is_empty(), "{seen:?}");
    assert_eq!((seen.name.as_deref(), seen.email.as_deref()), (Some("Ada"), Some("ada@example.com")));

    // Someone else claims to be customer-7 with a made-up hash, or with customer-7's hash for
    // another id: refused, clearly, and the conversation stays anonymous.
    let (conversation, mut live) = visitor(&edge).await?;
    live.send(&claim("customer-7", "00".repeat(32), "Mallory")).await?;
    let (code, message) = live.refused().await?;
    assert_eq!(code, ErrorCode::Forbidden);
    assert!(message.contains("user_hash"), "{message}");
    live.send(&claim("customer-8", user_hash(IDENTITY_SECRET, "customer-7"), "Mallory")).await?;
    assert_eq!(live.refused().await?.0, ErrorCode::Forbidden);
    // Hashed with another secret (say, another site's).
    live.send(&claim("customer-7", user_hash("another site's secret 0123456789abcdef", "customer-7"), "M"))
        .await?;
    assert_eq!(live.refused().await?.0, ErrorCode::Forbidden);
    live.post("m-2", "still me").await?;
    let anonymous = admin.contact_when(&edge, &conversation, |_| true).await?;
    assert!(
        !anonymous.verified() && anonymous.name.is_none() && anonymous.attributes.is_empty(),
        "{anonymous:?}"
    );

    // Agents have no identity to claim.
    let mut agent = Live::agent(&edge, &admin.cookie, &conversation).await?;
    agent.hello(Seq(0)).await?;
    agent.send(&claim("customer-7", user_hash(IDENTITY_SECRET, "customer-7"), "Agent")).await?;
    assert_eq!(agent.refused().await?.0, ErrorCode::Forbidden);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_token_verifies_every_claim_and_forged_or_stale_tokens_are_refused() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let (conversation, mut live) = visitor(&edge).await?;

    // Tokens an attacker can make: another site's secret, a victim's claims under Mallory's
    // signature, `alg: none`, expired, or valid for a month.
    let signature_of = |token: &str| token.rsplit_once('.').map(|(_, s)| s.to_string()).unwrap_or_default();
    let mallory = identity_token(IDENTITY_SECRET, &json!({ "sub": "mallory-9", "exp": now_s() + 600 }));
    let swapped = {
        let ada = identity_token("x", &ada(now_s() + 600));
        let (body, _) = ada.rsplit_once('.').unwrap_or_default();
        format!("{body}.{}", signature_of(&mallory))
    };
    let unsigned = {
        let encode = |v: serde_json::Value| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        format!("{}.{}.", encode(json!({ "alg": "none" })), encode(ada(now_s() + 600)))
    };
    let refused = [
        (identity_token("another site's secret 0123456789abcdef", &ada(now_s() + 600)), "signature"),
        (swapped, "signature"),
        (unsigned, "HS256"),
        (identity_token(IDENTITY_SECRET, &ada(now_s() - 3_600)), "expired"),
        (identity_token(IDENTITY_SECRET, &ada(now_s() + 30 * 86_400)), "24 hours"),
        ("not a token".to_string(), "JSON Web Token"),
    ];
    for (token, why) in refused {
        live.send(&token_claim(token)).await?;
        let (code, message) = live.refused().await?;
        assert!(code == ErrorCode::Forbidden && message.contains(why), "{why}: {message}");
    }
    live.post("m-2", "after the forgeries").await?;
    let anonymous = admin.contact_when(&edge, &conversation, |_| true).await?;
    assert!(!anonymous.verified() && anonymous.name.is_none(), "{anonymous:?}");

    // The shop's own token: every claim verified.
    live.send(&token_claim(identity_token(IDENTITY_SECRET, &ada(now_s() + 600)))).await?;
    let seen = admin.contact_when(&edge, &conversation, |c| c.verified()).await?;
    let identity = seen.identity.clone().unwrap_or_default();
    assert_eq!(identity.user_id, "customer-7");
    assert_eq!(identity.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(identity.email.as_deref(), Some("ada@example.com"));
    assert_eq!(identity.attributes.get("plan").map(String::as_str), Some("gold"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_visitor_types_later_never_changes_a_verified_field() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let form = json!({ "prechat": [{ "name": "email", "label": "Email", "kind": { "type": "email" } }] });
    assert_eq!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&form)).await?.status, 200);
    let (conversation, mut live) = visitor(&edge).await?;
    live.send(&token_claim(identity_token(IDENTITY_SECRET, &ada(now_s() + 600)))).await?;
    admin.contact_when(&edge, &conversation, |c| c.verified()).await?;

    // The visitor (or a script on their machine) answers the form with someone else's email.
    live.send(&ClientFrame::Details { fields: [("email".into(), "mallory@example.com".into())].into() })
        .await?;
    let seen = admin.contact_when(&edge, &conversation, |c| c.email.is_some()).await?;
    assert_eq!(seen.identity.and_then(|i| i.email).as_deref(), Some("ada@example.com"));
    assert_eq!(seen.email.as_deref(), Some("mallory@example.com"), "kept apart, as their word");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_see_and_rotate_the_secret_and_the_old_hashes_stop_working() -> Result<()> {
    let mut edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let site: site_settings::Response =
        admin.call(&edge, Method::GET, "/api/v1/site", no_body()).await?.json()?;
    assert_eq!(site.identity_secret.as_deref(), Some(IDENTITY_SECRET));

    let short = json!({ "identity_secret": "too short" });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&short)).await?;
    assert_eq!((reply.status, reply.error_code()?), (400, ErrorCode::BadRequest));
    let rotated = "f".repeat(64);
    let patch = json!({ "identity_secret": rotated });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&patch)).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // The edge that took the change uses the new secret at once (others within seconds).
    let (_, mut live) = visitor(&edge).await?;
    live.send(&claim("customer-7", user_hash(IDENTITY_SECRET, "customer-7"), "Ada")).await?;
    assert_eq!(live.refused().await?.0, ErrorCode::Forbidden);
    let (conversation, mut live) = visitor(&edge).await?;
    live.send(&claim("customer-7", user_hash(&rotated, "customer-7"), "Ada")).await?;
    assert!(admin.contact_when(&edge, &conversation, |c| c.verified()).await?.verified());

    // Turned off: nothing verifies.
    let off = json!({ "identity_secret": "" });
    assert_eq!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&off)).await?.status, 200);
    let (_, mut live) = visitor(&edge).await?;
    live.send(&claim("customer-7", user_hash(&rotated, "customer-7"), "Ada")).await?;
    let (code, message) = live.refused().await?;
    assert!(code == ErrorCode::Forbidden && message.contains("not set up"), "{message}");

    // A restart does not bring the deployer's secret (BOOTSTRAP_IDENTITY_SECRET) back.
    tokio::task::block_in_place(|| edge.restart())?;
    let (_, mut live) = visitor(&edge).await?;
    live.send(&claim("customer-7", user_hash(IDENTITY_SECRET, "customer-7"), "Ada")).await?;
    let (code, message) = live.refused().await?;
    assert!(code == ErrorCode::Forbidden && message.contains("not set up"), "after a restart: {message}");
    Ok(())
}
