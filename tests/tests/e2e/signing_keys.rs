//! The worker secret that signs every token, rotated as an operator would, and a visitor's
//! token renewed as a returning visitor's is: tried against real workerd with tokens the test
//! signs itself (as someone holding an old secret would).

use reqwest::Method;
use serde_json::json;
use switchboard_core::token::{self, SigningKey, VisitorClaims, VISITOR_LIFETIME_MS};
use switchboard_protocol::api::create_session;
use switchboard_protocol::{ConversationId, VisitorId};
use switchboard_tests::api::{call_with, Reply};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, SESSION_SECRET, SITE};

const SHOP: &str = "http://shop.test";
const OLD_SECRET: &str = "the-secret-before-the-rotation-0123456789";

/// A visitor token for a new conversation of a new visitor, born at `born`, signed with `secret`.
fn visitor_token(secret: &str, born: i64) -> anyhow::Result<String> {
    let claims = VisitorClaims::issue(
        SITE.parse()?,
        VisitorId::from_random(rand_bytes()),
        ConversationId::from_random(rand_bytes()),
        born,
        now_ms(),
    );
    Ok(token::sign(&claims, &SigningKey::new(secret.as_bytes())?))
}

fn rand_bytes() -> [u8; 16] {
    use rand::{RngCore, SeedableRng};
    let mut bytes = [0; 16];
    rand::rngs::SmallRng::from_os_rng().fill_bytes(&mut bytes);
    bytes
}

/// A new conversation for the visitor holding `token`.
async fn another_conversation(edge: &TestEdge, token: &str) -> anyhow::Result<Reply> {
    let body = json!({ "site_id": SITE, "visitor_token": token });
    call_with(Method::POST, &edge.url("/api/v1/sessions"), &[("origin", SHOP)], Some(&body)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_secret_keeps_old_tokens_working_for_the_grace_period_and_no_longer() -> anyhow::Result<()>
{
    // Mid-rotation: the new secret signs, the old one is still accepted.
    let rotating = TestEdge::start_with(&[SHOP], &[("SESSION_SECRET_PREVIOUS", OLD_SECRET)])?;
    let old = visitor_token(OLD_SECRET, now_ms())?;
    let reply = another_conversation(&rotating, &old).await?;
    assert_eq!(reply.status, 201, "a token of the previous secret: {}", reply.body);
    let renewed: create_session::Response = reply.json()?;
    let current = SigningKey::new(SESSION_SECRET.as_bytes())?;
    assert!(
        renewed.token.starts_with(&format!("v2.vis.{}.", current.id())),
        "new tokens are signed with the new secret: {}",
        renewed.token
    );
    // A secret the edge never had is refused, whatever key id it claims.
    let stranger = visitor_token("a-secret-this-edge-never-had-0123456789ab", now_ms())?;
    assert_eq!(another_conversation(&rotating, &stranger).await?.status, 401);

    // The grace period over (the previous secret removed): the old token is refused.
    let rotated = TestEdge::start(&[SHOP])?;
    let reply = another_conversation(&rotated, &old).await?;
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert!(reply.body.to_string().contains("key"), "{}", reply.body);
    assert_eq!(another_conversation(&rotated, &renewed.token).await?.status, 201);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn coming_back_slides_a_visitor_session_but_never_past_its_lifetime() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    // A visitor first seen almost 180 days ago, coming back with a still-valid token.
    let born = now_ms() - VISITOR_LIFETIME_MS + 3_600_000;
    let token = visitor_token(SESSION_SECRET, born)?;
    let reply = another_conversation(&edge, &token).await?;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let renewed: create_session::Response = reply.json()?;
    assert!(
        renewed.expires_at <= born + VISITOR_LIFETIME_MS,
        "renewed until {} days from now, past the visitor's lifetime (an hour from now)",
        (renewed.expires_at - now_ms()) / 86_400_000
    );
    // A new visitor still gets the full sliding month.
    let fresh = another_conversation(&edge, &visitor_token(SESSION_SECRET, now_ms())?).await?;
    let fresh: create_session::Response = fresh.json()?;
    assert!(fresh.expires_at > now_ms() + 29 * 86_400_000, "{}", fresh.expires_at);
    Ok(())
}
