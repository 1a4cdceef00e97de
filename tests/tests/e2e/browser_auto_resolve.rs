//! Auto-resolve as a visitor meets it in Chromium on the demo site: the admin turns it on
//! (one minute, with a closing message); a visitor writes, the site's bot answers, the
//! visitor goes quiet — a minute later the bot's closing message shows, the conversation is
//! resolved and the widget asks for a rating. A second visitor whose message waits for an
//! agent (handed over to the queue after the bot's question) is left alone.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use switchboard_demo_site::BoundSite;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::ConversationId;
use switchboard_tests::browser::{open_widget, send_from_widget, widget_conversation, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{api::Session, wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const CLOSING: &str = "We'll close this chat for now. Write any time to open it again.";

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_quiet_after_the_bots_answer_is_resolved_with_a_closing_message() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page = format!("http://localhost:{}/", site.port());
    let edge = TestEdge::start(&[page.trim_end_matches('/')])?;
    let _site = site.serve(&edge.origin());
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // A bot that knows about gift cards and asks for an email before it hands over, and
    // auto-resolve after a minute.
    let flow = serde_json::json!({
        "start": "bot",
        "bot": {
            "intents": [{ "name": "Gift cards", "phrases": ["gift cards"], "answer": "Yes, from 10 to 200 euros." }],
            "collect": [{ "name": "email", "prompt": "Before I connect you: what email address can we reach you at?",
                          "kind": { "type": "email" } }],
        },
        "auto_resolve": { "after_minutes": 1, "message": CLOSING },
    });
    let reply =
        admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&serde_json::json!({ "flow": flow }))).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // A visitor asks something; the bot answers; the visitor says nothing more.
    let quiet = Browser::start().await?;
    quiet.client().goto(&page).await?;
    open_widget(&quiet).await?;
    send_from_widget(&quiet, "Do you sell gift cards?").await?;
    let quiet_id = widget_conversation(&quiet).await?;
    // Another visitor asks for a person at once: waiting for an agent, never auto-resolved.
    let waiting = Browser::start().await?;
    waiting.client().goto(&page).await?;
    open_widget(&waiting).await?;
    send_from_widget(&waiting, "human").await?;
    // (The bot asks for an email before it hands over.)
    waiting
        .wait_for_js(
            "the bot's question",
            "return Array.from(document.querySelectorAll('li.sb-message')).some(m => m.textContent.includes('what email address'));",
        )
        .await?;
    send_from_widget(&waiting, "ada@example.com").await?;
    let waiting_id = widget_conversation(&waiting).await?;
    let state = |id: ConversationId| {
        let admin = &admin;
        let edge = &edge;
        async move {
            let path = format!("/api/v1/conversations/{id}");
            let summary: ConversationSummary =
                admin.call(edge, Method::GET, &path, None::<&()>).await.ok()?.json().ok()?;
            Some(summary.state)
        }
    };
    wait::until("the second visitor queued", Duration::from_secs(20), || async {
        (state(waiting_id.clone()).await? == ConversationState::Queued).then_some(())
    })
    .await?;

    // A minute later: the closing message, resolved, and the rating asked for.
    let closing = quiet
        .wait_for_js_within(
            "the closing message",
            Duration::from_secs(120),
            &format!(
                "return Array.from(document.querySelectorAll('li.sb-message')).some(m => m.textContent.includes({CLOSING:?}));"
            ),
        )
        .await?;
    assert_eq!(closing, true);
    wait::until("resolved", Duration::from_secs(20), || async {
        (state(quiet_id.clone()).await? == ConversationState::Resolved).then_some(())
    })
    .await?;
    quiet.wait_for_js("the rating form", "return document.querySelector('form.sb-csat') != null;").await?;
    assert_eq!(state(waiting_id.clone()).await, Some(ConversationState::Queued), "waiting for an agent");
    quiet.close().await?;
    waiting.close().await?;
    Ok(())
}
