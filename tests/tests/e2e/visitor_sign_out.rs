//! A visitor signing out (the host page's `Switchboard('shutdown')`), tried as someone who
//! copied their token would try it afterwards: every token of that visitor stops opening
//! anything on the server — sockets, history, new sessions, uploads, even a conversation
//! whose token was issued before the sign-out and never used — and their open tabs close.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::create_session;
use switchboard_protocol::{ErrorCode, Seq, CLOSE_UNAUTHORIZED, SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX};
use switchboard_tests::api::{call_with, Live, Reply};
use switchboard_tests::browser::{open_widget, send_from_widget, wait_for_message, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, SITE};

const SHOP: &str = "http://shop.test";

/// A new session, for the visitor of `token` (a new visitor without).
async fn session(edge: &TestEdge, token: Option<&str>) -> Result<Reply> {
    let body = json!({ "site_id": SITE, "visitor_token": token });
    call_with(Method::POST, &edge.url("/api/v1/sessions"), &[("origin", SHOP)], Some(&body)).await
}

/// A `POST` or `GET` with `Authorization: Bearer <token>` and no body.
async fn with_token(edge: &TestEdge, method: Method, path: &str, token: &str) -> Result<Reply> {
    call_with::<()>(method, &edge.url(path), &[("authorization", &format!("Bearer {token}"))], None).await
}

/// The visitor's socket on the session's conversation.
async fn socket(edge: &TestEdge, session: &create_session::Response) -> Result<Live> {
    let url = format!("{}/api/v1/conversations/{}/live", edge.ws_origin(), session.conversation_id);
    let protocols = [SUBPROTOCOL.to_string(), format!("{TOKEN_SUBPROTOCOL_PREFIX}{}", session.token)];
    Live::connect_with(&url, &protocols, &[("origin", &edge.origin())]).await
}

/// A small image uploaded into the session's conversation with its token: the status.
async fn upload_status(edge: &TestEdge, session: &create_session::Response) -> Result<u16> {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let response = reqwest::Client::new()
        .post(edge.url(&format!("/api/v1/conversations/{}/attachments", session.conversation_id)))
        .header("authorization", format!("Bearer {}", session.token))
        .header("content-type", "image/png")
        .header("x-filename", "a.png")
        .header("x-client-id", "f-1")
        .body(png)
        .send()
        .await?;
    Ok(response.status().as_u16())
}

#[tokio::test(flavor = "multi_thread")]
async fn after_signing_out_no_token_of_the_visitor_opens_anything() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let first: create_session::Response = session(&edge, None).await?.json()?;
    let mut tab = socket(&edge, &first).await?;
    tab.hello(Seq(0)).await?;
    tab.post("m-1", "my order number is 4411").await?;
    let second: create_session::Response = session(&edge, Some(&first.token)).await?.json()?;
    let mut other_tab = socket(&edge, &second).await?;
    other_tab.hello(Seq(0)).await?;
    other_tab.post("m-1", "and my address").await?;
    // Issued before the sign-out and never used: what a copied token might be.
    let unused: create_session::Response = session(&edge, Some(&first.token)).await?.json()?;
    let history = with_token(&edge, Method::GET, "/api/v1/visitor/conversations", &first.token).await?;
    assert_eq!(history.status, 200, "{}", history.body);

    let signed_out = with_token(&edge, Method::POST, "/api/v1/visitor/sign-out", &second.token).await?;
    assert_eq!(signed_out.status, 204, "{}", signed_out.body);

    // Both open tabs close at once, saying why.
    assert_eq!(tab.closed_within(Duration::from_secs(5)).await?.0, CLOSE_UNAUTHORIZED);
    assert_eq!(other_tab.closed_within(Duration::from_secs(5)).await?.0, CLOSE_UNAUTHORIZED);
    // Every token of theirs is refused: reconnecting, history, a new session, an upload.
    for held in [&first, &second] {
        assert_eq!(socket(&edge, held).await?.refused().await?.0, ErrorCode::Unauthorized);
        assert_eq!(upload_status(&edge, held).await?, 401);
    }
    let history = with_token(&edge, Method::GET, "/api/v1/visitor/conversations", &first.token).await?;
    assert_eq!((history.status, history.error_code()?), (401, ErrorCode::Unauthorized), "{}", history.body);
    let again = session(&edge, Some(&first.token)).await?;
    assert_eq!((again.status, again.error_code()?), (401, ErrorCode::Unauthorized), "{}", again.body);
    // The unused token starts its conversation, and the conversation ends the visitor there
    // as soon as the site hears of it.
    let mut late = socket(&edge, &unused).await?;
    late.hello(Seq(0)).await?;
    late.post("m-1", "is anyone there?").await?;
    assert_eq!(late.closed_within(Duration::from_secs(10)).await?.0, CLOSE_UNAUTHORIZED);
    assert_eq!(socket(&edge, &unused).await?.refused().await?.0, ErrorCode::Unauthorized);

    // Signing out again is harmless; other visitors are untouched.
    let twice = with_token(&edge, Method::POST, "/api/v1/visitor/sign-out", &first.token).await?;
    assert_eq!(twice.status, 204, "{}", twice.body);
    let stranger: create_session::Response = session(&edge, None).await?.json()?;
    socket(&edge, &stranger).await?.hello(Seq(0)).await?;
    let forged = with_token(&edge, Method::POST, "/api/v1/visitor/sign-out", "v2.vis.x.y.z").await?;
    assert_eq!(forged.status, 401, "{}", forged.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_pages_shutdown_ends_the_visitors_token_on_the_server() -> Result<()> {
    let site = switchboard_demo_site::BoundSite::bind("127.0.0.1:0")?;
    let page = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start(&[&page])?;
    let _site = site.serve(&edge.origin());
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page}/")).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Please keep this between us").await?;
    wait_for_message(&visitor, 1, "between us").await?;
    let stored = visitor
        .wait_for_js("a stored session", "return localStorage.getItem('switchboard:demo:session');")
        .await?;
    let stored: create_session::Response = serde_json::from_str(stored.as_str().unwrap_or_default())?;

    // The user logs out of the shop, whose page says so to the widget.
    visitor.client().enter_parent_frame().await?;
    visitor.client().execute("Switchboard('shutdown');", vec![]).await?;
    // The token copied before is worthless on the server now.
    wait::until("the copied token refused", Duration::from_secs(10), || async {
        let reply =
            with_token(&edge, Method::GET, "/api/v1/visitor/conversations", &stored.token).await.ok()?;
        (reply.status == 401).then_some(())
    })
    .await?;
    Ok(())
}
