//! Identity verification against the real edge: a visitor's page says who they are with a
//! hash its backend computed; the edge checks it against the site's identity secret before
//! the console shows the visitor as that customer.

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_demo_site::user_hash;
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
        },
    }
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
async fn a_signed_identity_is_verified_and_a_forged_one_refused() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // The site's backend signed customer-7: the console shows them verified, with the rest.
    let (conversation, mut live) = visitor(&edge).await?;
    live.send(&claim("customer-7", user_hash(IDENTITY_SECRET, "customer-7"), "Ada")).await?;
    let ada = admin.contact_when(&edge, &conversation, |c| c.verified).await?;
    assert_eq!(ada.name.as_deref(), Some("Ada"));
    assert_eq!(ada.email.as_deref(), Some("ada@example.com"));
    assert_eq!(ada.attributes.get("user_id").map(String::as_str), Some("customer-7"));
    assert_eq!(ada.attributes.get("plan").map(String::as_str), Some("gold"));

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
        !anonymous.verified && anonymous.name.is_none() && anonymous.attributes.is_empty(),
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
async fn admins_see_and_rotate_the_secret_and_the_old_hashes_stop_working() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
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
    assert!(admin.contact_when(&edge, &conversation, |c| c.verified).await?.verified);

    // Turned off: nothing verifies.
    let off = json!({ "identity_secret": "" });
    assert_eq!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&off)).await?.status, 200);
    let (_, mut live) = visitor(&edge).await?;
    live.send(&claim("customer-7", user_hash(&rotated, "customer-7"), "Ada")).await?;
    let (code, message) = live.refused().await?;
    assert!(code == ErrorCode::Forbidden && message.contains("not set up"), "{message}");
    Ok(())
}
