//! `DATA_JURISDICTION` restricts every Durable Object to a jurisdiction. Local workerd
//! implements none, so with `eu` set every request that would reach an object is refused by
//! the runtime — which shows each is asked of the restricted namespace, never the default
//! one; a name Cloudflare does not know is refused with a clear error rather than ignored.

use anyhow::{ensure, Result};
use switchboard_protocol::api::create_session;
use switchboard_tests::api::call;
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::SITE;

const SHOP: &str = "https://shop.example";

async fn start_session(edge: &TestEdge) -> Result<switchboard_tests::api::Reply> {
    let body = create_session::Request {
        site_id: SITE.parse()?,
        page_origin: None,
        visitor_token: None,
        proactive: None,
    };
    call(reqwest::Method::POST, &edge.url("/api/v1/sessions"), Some(SHOP), None, Some(&body)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_are_only_ever_reached_inside_the_configured_jurisdiction() -> Result<()> {
    let edge = TestEdge::start_with(&[SHOP], &[("DATA_JURISDICTION", "eu")])?;
    let reply = start_session(&edge).await?;
    ensure!(reply.status == 500, "reached an object outside the EU: {} {}", reply.status, reply.body);
    // The worker itself runs (nothing there reaches an object).
    let health = call::<()>(reqwest::Method::GET, &edge.url("/health"), None, None, None).await?;
    ensure!(health.status == 200, "{}", health.status);
    let stored = edge.stored_files_containing(SITE.as_bytes());
    ensure!(stored.is_empty(), "stored outside the jurisdiction: {stored:?}");

    let edge = TestEdge::start_with(&[SHOP], &[("DATA_JURISDICTION", "europe")])?;
    let reply = start_session(&edge).await?;
    ensure!(
        reply.status == 500 && reply.body.to_string().contains("DATA_JURISDICTION"),
        "{} {}",
        reply.status,
        reply.body
    );

    let edge = TestEdge::start_with(&[SHOP], &[("DATA_JURISDICTION", "")])?;
    ensure!(start_session(&edge).await?.status == 201, "unset means anywhere");
    Ok(())
}
