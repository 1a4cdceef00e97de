//! An outbound conversation as the customer meets it in a real browser: a CRM starts one
//! `on_reply` with a customer who chatted before; it is nobody's task while the customer has
//! not answered; when the customer comes back to the site the widget has it open, counted on
//! the launcher; they read it, answer — and only then is it offered to an agent.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_demo_site::BoundSite;
use switchboard_protocol::api::contacts::ListResponse;
use switchboard_protocol::api::conversation_create::Created;
use switchboard_protocol::inbox::{ConversationSummary, InboxFrame};
use switchboard_protocol::routing::ConversationState;
use switchboard_tests::api::{call_with, Live, Session};
use switchboard_tests::browser::{
    open_widget, press, send_from_widget, type_into_widget, wait_for_message, Browser,
};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const QUESTION: &str = "Do you have this jacket in blue?";
const OUTBOUND: &str = "Good news: the blue jacket is back. Shall I keep one for you?";
const ANSWER: &str = "Yes please, size M!";
const ESCAPE: &str = "\u{E00C}";

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_answers_a_conversation_the_team_started_and_only_then_it_is_a_task() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start(&[&page_origin])?;
    let _site = site.serve(&edge.origin());
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let key = admin.api_key(&edge, "crm", "agent").await?;
    let mut inbox = Live::inbox(&edge, &admin.cookie).await?;

    // The customer chatted once.
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page_origin}/")).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, QUESTION).await?;
    wait_for_message(&visitor, 1, QUESTION).await?;
    press(&visitor, ESCAPE, false).await?;
    let contact = wait::until("the customer's contact", Duration::from_secs(10), || async {
        let list: ListResponse =
            admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await.ok()?.json().ok()?;
        list.contacts.into_iter().find(|c| !c.visitor_ids.is_empty())
    })
    .await?;

    // The CRM starts a conversation that waits for the customer's answer.
    let body = json!({ "contact_id": contact.id, "text": OUTBOUND, "routing": { "mode": "on_reply" } });
    let started = call_with(
        Method::POST,
        &edge.url("/api/v1/conversations"),
        &[("authorization", key.as_str()), ("idempotency-key", "restock-1")],
        Some(&body),
    )
    .await?;
    assert_eq!(started.status, 201, "{}", started.body);
    let created: Created = started.json()?;
    let id = created.conversation_id.to_string();
    let summary_path = format!("/api/v1/conversations/{id}");
    let state = || async {
        let summary: ConversationSummary =
            admin.call(&edge, Method::GET, &summary_path, None::<&()>).await?.json()?;
        anyhow::Ok((summary.state, summary.queue))
    };
    wait::until("the conversation listed", Duration::from_secs(10), || async { state().await.ok() }).await?;
    assert_eq!(state().await?, (ConversationState::New, None), "nobody's task yet");

    // The customer comes back: the launcher counts the message before anything is opened,
    // and the panel has the new conversation open, read once shown.
    visitor.client().goto(&format!("{page_origin}/")).await?;
    let badge = visitor
        .wait_for_js(
            "the unread badge",
            "const b = document.getElementById('switchboard-widget')?.shadowRoot?.querySelector('[part=badge]');
             return b && !b.hidden && b.textContent;",
        )
        .await?;
    assert_eq!(badge, "1");
    open_widget(&visitor).await?;
    // (Seq 1 of the conversation before was the customer's question.)
    wait_for_message(&visitor, 1, OUTBOUND).await?;
    assert_eq!(state().await?, (ConversationState::New, None), "reading it is not answering it");

    // Their answer makes it a task: offered to the agent with the console open.
    // Typed as an input event, sent with the button: keys may not reach a frame started
    // hidden in headless Chromium under load (see `type_into_widget`) — here the frame was
    // started hidden to count the waiting reply.
    type_into_widget(&visitor, ANSWER).await?;
    visitor.find("button.sb-send").await?.click().await?;
    wait_for_message(&visitor, 2, ANSWER).await?;
    inbox
        .until_inbox(|frame| match frame {
            InboxFrame::Offer { conversation, .. } if conversation.id == created.conversation_id => Some(()),
            _ => None,
        })
        .await?;
    assert_ne!(state().await?.0, ConversationState::New);
    visitor.close().await?;
    Ok(())
}
