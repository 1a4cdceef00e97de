//! A widget's new conversation writes nothing until someone writes in it: a visitor who opens
//! the chat, is greeted, sends its page context and reconnects leaves no stored byte behind;
//! the first message writes the greeting, the context and the message, in order.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::contact::VisitorContext;
use switchboard_protocol::{Author, ClientFrame, Seq};
use switchboard_tests::api::{create_session, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

#[tokio::test(flavor = "multi_thread")]
async fn a_conversation_nobody_wrote_in_is_never_stored() -> Result<()> {
    let flow = json!({ "greeting": "Hi! What can I do for you?" });
    let edge = TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_FLOW", &flow.to_string())])?;
    let session = create_session(&edge, SHOP).await?;
    let id = session.conversation_id.to_string();

    // Greeted, with the page context sent, twice (a second tab): nothing is written.
    let mut visitor = Live::visitor(&edge, &session).await?;
    let (_, replay) = visitor.hello(Seq(0)).await?;
    ensure!(replay.len() == 1 && matches!(replay[0].author, Author::Bot { .. }), "greeted: {replay:?}");
    let page = format!("{SHOP}/pricing");
    let context = VisitorContext { page_url: Some(page.clone()), ..VisitorContext::default() };
    visitor.send(&ClientFrame::Context { context }).await?;
    let mut tab = Live::visitor(&edge, &session).await?;
    let (_, again) = tab.hello(Seq(0)).await?;
    ensure!(again == replay, "the second tab is greeted the same: {again:?}");
    // The context frame has no answer: a hello after it shows the object handled it.
    tab.hello(Seq(1)).await?;
    // (Under `wrangler dev` the runtime keeps each object's name in a file of its own; the
    // conversation's own tables are what must not exist.)
    let written: Vec<String> =
        edge.started_objects().into_iter().filter(|(_, ours)| *ours).map(|(file, _)| file).collect();
    ensure!(
        !written.iter().any(|file| file.starts_with("switchboard-ConversationObject")),
        "a conversation nobody wrote in was stored: {written:?}"
    );
    let stored = edge.stored_files_containing(b"/pricing");
    ensure!(stored.is_empty(), "the page context was stored before anyone wrote: {stored:?}");

    // The first message writes the greeting before it, then itself; the context is kept.
    visitor.post("m-1", "Do you ship to Norway?").await?;
    ensure!(
        !edge.stored_files_containing(b"Do you ship to Norway?").is_empty(),
        "the message was acknowledged unstored"
    );
    let mut fresh = Live::visitor(&edge, &session).await?;
    let (_, log) = fresh.hello(Seq(0)).await?;
    // (Then what the flow did with it: entries of its own.)
    let seen: Vec<(u64, &str)> = log.iter().take(2).map(|m| (m.seq.0, m.text.as_str())).collect();
    ensure!(seen == [(1, "Hi! What can I do for you?"), (2, "Do you ship to Norway?")], "the log: {seen:?}");
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let path = format!("/api/v1/conversations/{id}");
    wait::until("the inbox shows the page the visitor was on", Duration::from_secs(10), || async {
        let reply = admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?;
        (reply.body["contact"]["page_url"] == page.as_str()).then_some(())
    })
    .await?;
    Ok(())
}
