//! Blocking a visitor, tried as an abusive visitor would answer it: their open sockets close
//! at once, their token starts nothing and opens nothing, a fresh identity from the same
//! address is refused when the address was blocked too, and lifting the block restores it.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::blocks::{Block, ListResponse};
use switchboard_protocol::api::create_session;
use switchboard_protocol::{ErrorCode, Seq, CLOSE_BLOCKED, SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX};
use switchboard_tests::api::{call_with, Live, Reply, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, SITE};

const SHOP: &str = "http://shop.test";
const ABUSER: &str = "203.0.113.66";

/// A new session from `address`, for the visitor of `token` (a new visitor without).
async fn session_from(edge: &TestEdge, address: &str, token: Option<&str>) -> anyhow::Result<Reply> {
    let body = json!({ "site_id": SITE, "visitor_token": token });
    let headers = [("origin", SHOP), ("cf-connecting-ip", address)];
    call_with(Method::POST, &edge.url("/api/v1/sessions"), &headers, Some(&body)).await
}

/// The visitor's socket, connected from `address`.
async fn socket_from(
    edge: &TestEdge,
    session: &create_session::Response,
    address: &str,
) -> anyhow::Result<Live> {
    let url = format!("{}/api/v1/conversations/{}/live", edge.ws_origin(), session.conversation_id);
    let protocols = [SUBPROTOCOL.to_string(), format!("{TOKEN_SUBPROTOCOL_PREFIX}{}", session.token)];
    Live::connect_with(&url, &protocols, &[("origin", &edge.origin()), ("cf-connecting-ip", address)]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_visitor_is_cut_off_at_once_everywhere_until_the_block_is_lifted() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let first: create_session::Response = session_from(&edge, ABUSER, None).await?.json()?;
    let mut socket = socket_from(&edge, &first, ABUSER).await?;
    socket.hello(Seq(0)).await?;
    socket.post("m-1", "you will regret this").await?;
    // A second conversation of the same visitor, open in another tab.
    let second: create_session::Response = session_from(&edge, ABUSER, Some(&first.token)).await?.json()?;
    let mut other_tab = socket_from(&edge, &second, ABUSER).await?;
    other_tab.hello(Seq(0)).await?;
    other_tab.post("m-1", "and this").await?;
    switchboard_tests::wait::until("both conversations listed", Duration::from_secs(10), || async {
        let list = admin.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await.ok()?;
        (list.body["conversations"].as_array()?.len() >= 2).then_some(())
    })
    .await?;

    let block =
        json!({ "conversation_id": first.conversation_id, "include_address": true, "reason": "abuse" });
    let reply = admin.call(&edge, Method::POST, "/api/v1/blocks", Some(&block)).await?;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let made: Block = reply.json()?;
    assert!(made.address_blocked && made.blocked_by == switchboard_tests::ADMIN_NAME, "{made:?}");
    assert!(!reply.body.to_string().contains(ABUSER), "the address is never shown: {}", reply.body);

    // Both open sockets close at once, with the code that says why.
    assert_eq!(socket.closed_within(Duration::from_secs(5)).await?.0, CLOSE_BLOCKED);
    assert_eq!(other_tab.closed_within(Duration::from_secs(5)).await?.0, CLOSE_BLOCKED);
    // Their token reopens nothing and starts nothing, from any address.
    let mut again = socket_from(&edge, &first, "198.51.100.200").await?;
    assert_eq!(again.refused().await?.0, ErrorCode::Forbidden);
    let refused = session_from(&edge, "198.51.100.200", Some(&first.token)).await?;
    assert_eq!((refused.status, refused.error_code()?), (403, ErrorCode::Forbidden), "{}", refused.body);
    let history = call_with::<()>(
        Method::GET,
        &edge.url("/api/v1/visitor/conversations"),
        &[("authorization", &format!("Bearer {}", first.token))],
        None,
    )
    .await?;
    assert_eq!(history.status, 403, "{}", history.body);
    // A fresh identity from the blocked address is refused; other addresses are not.
    assert_eq!(session_from(&edge, ABUSER, None).await?.status, 403);
    assert_eq!(session_from(&edge, "198.51.100.201", None).await?.status, 201);

    // The team sees the block and lifts it: the visitor is back.
    let list: ListResponse = admin.call(&edge, Method::GET, "/api/v1/blocks", None::<&()>).await?.json()?;
    assert_eq!(list.blocks, vec![made.clone()]);
    let lifted =
        admin.call(&edge, Method::DELETE, &format!("/api/v1/blocks/{}", made.id), None::<&()>).await?;
    assert_eq!(lifted.status, 204, "{}", lifted.body);
    assert_eq!(session_from(&edge, ABUSER, Some(&first.token)).await?.status, 201);
    let mut back = socket_from(&edge, &first, ABUSER).await?;
    back.hello(Seq(0)).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn blocks_are_for_the_agents_own_site_and_bad_requests_are_refused() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let invented = json!({ "conversation_id": "cnv_00000000000000000000000000000001" });
    let reply = admin.call(&edge, Method::POST, "/api/v1/blocks", Some(&invented)).await?;
    assert_eq!((reply.status, reply.error_code()?), (404, ErrorCode::NotFound), "{}", reply.body);
    let session: create_session::Response = session_from(&edge, ABUSER, None).await?.json()?;
    let mut socket = socket_from(&edge, &session, ABUSER).await?;
    socket.hello(Seq(0)).await?;
    let forever = json!({ "conversation_id": session.conversation_id, "days": 0 });
    let reply = admin.call(&edge, Method::POST, "/api/v1/blocks", Some(&forever)).await?;
    assert_eq!((reply.status, reply.error_code()?), (400, ErrorCode::BadRequest), "{}", reply.body);
    // Without a session, nothing.
    let anonymous = call_with(Method::POST, &edge.url("/api/v1/blocks"), &[], Some(&forever)).await?;
    assert_eq!(anonymous.status, 401);
    let missing = admin.call(&edge, Method::DELETE, "/api/v1/blocks/blk_nothing", None::<&()>).await?;
    assert_eq!(missing.status, 404);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_blocks_from_the_contact_panel_and_unblocks_from_settings() -> anyhow::Result<()> {
    use switchboard_tests::browser::{sign_in_to_console, Browser};
    let edge = TestEdge::start(&[SHOP])?;
    let session: create_session::Response = session_from(&edge, ABUSER, None).await?.json()?;
    let mut visitor = socket_from(&edge, &session, ABUSER).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("m-1", "spam spam spam").await?;

    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.find("li.sb-inbox-item button.sb-inbox-open").await?.click().await?;
    // The browser's own confirmation dialog, accepted as a person would click OK.
    agent.client().execute("window.confirm = () => true;", vec![]).await?;
    agent.find(".sb-contact button.sb-block-visitor").await?.click().await?;
    agent
        .wait_for_js("the panel says blocked", "return !!document.querySelector('.sb-contact .sb-blocked');")
        .await?;
    assert_eq!(visitor.closed_within(Duration::from_secs(5)).await?.0, CLOSE_BLOCKED);

    // Settings list the block; Unblock lifts it.
    agent.find("button.sb-screen--settings").await?.click().await?;
    agent.find(".sb-blocks li.sb-block button.sb-lift-block").await?.click().await?;
    agent
        .wait_for_js(
            "the list empty",
            "return document.querySelectorAll('.sb-blocks li.sb-block').length === 0;",
        )
        .await?;
    assert_eq!(session_from(&edge, ABUSER, Some(&session.token)).await?.status, 201);
    agent.close().await?;
    Ok(())
}
