//! Macros in the console, in a real browser: the admin makes "Close as spam" in Settings →
//! Macros (reply, label, resolve); in a visitor's conversation `/sp` and Enter runs it — the
//! visitor gets the reply and hears the conversation resolved, the console shows the label,
//! the resolved state and "Ran …", the reply box is empty; in a second conversation the
//! header's Macros menu runs it with one click.

use anyhow::{ensure, Result};
use reqwest::Method;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{Seq, ServerFrame};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const REPLY: &str = "We are closing this conversation.";
/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

/// A visitor who wrote; their socket stays open to hear the macro's effects.
async fn visitor_writes(edge: &TestEdge, text: &str) -> Result<(String, Live)> {
    let session = new_conversation(edge, SHOP, None).await?;
    let mut visitor = Live::visitor(edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", text).await?;
    Ok((session.conversation_id.to_string(), visitor))
}

/// The visitor gets the macro's reply, then hears the conversation resolved.
async fn hears_reply_then_resolved(visitor: &mut Live) -> Result<()> {
    visitor
        .until(|frame| match frame {
            ServerFrame::Message { message } if message.text == REPLY => Some(()),
            _ => None,
        })
        .await?;
    visitor
        .until(|frame| match frame {
            ServerFrame::Status { state: ConversationState::Resolved, .. } => Some(()),
            _ => None,
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_makes_a_macro_and_agents_run_it_by_slash_and_by_menu() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let rest = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // The admin makes the macro in Settings → Macros.
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.click("button.sb-screen--settings").await?;
    agent.type_into("form.sb-macro-form input[name=shortcut]", "spam").await?;
    agent.type_into("form.sb-macro-form input[name=name]", "Close as spam").await?;
    agent.type_into("form.sb-macro-form textarea[name=reply]", REPLY).await?;
    agent.type_into("form.sb-macro-form input[name=labels]", "Spam").await?;
    agent.choose("form.sb-macro-form select[name=finish]", "Resolve").await?;
    agent.click("button.sb-macro-submit").await?;
    agent
        .wait_for_js(
            "the macro listed as stored",
            &format!(
                "return document.querySelector(\"li[data-macro=spam] .sb-macro-summary\")?.textContent
                     === 'reply “{REPLY}” → label spam → resolve';"
            ),
        )
        .await?;
    let site = rest.call(&edge, Method::GET, "/api/v1/site", None::<&()>).await?;
    ensure!(site.body["macros"][0]["name"] == "Close as spam", "{}", site.body);
    assert_accessible(&agent, "the macros section", Some(".sb-macros-section")).await?;

    // A visitor writes; the agent opens the conversation and types "/sp", Enter.
    let (first, mut first_visitor) = visitor_writes(&edge, "Cheap watches here").await?;
    agent.click("button.sb-screen--inbox").await?;
    agent.click(&format!("li.sb-inbox-item[data-conversation-id='{first}'] button.sb-inbox-open")).await?;
    let reply = agent.find("textarea[name=reply]").await?;
    reply.send_keys("/sp").await?;
    agent.find(".sb-canned-item--macro[aria-selected=true]").await?;
    reply.send_keys(ENTER).await?;
    hears_reply_then_resolved(&mut first_visitor).await?;
    agent
        .wait_for_js(
            "the label, the resolved state and the notice shown",
            "return document.querySelector('.sb-labels .sb-label-text')?.textContent === 'spam'
                 && document.querySelector('.sb-pane-actions .sb-state')?.textContent === 'resolved'
                 && document.querySelector('.sb-notice')?.textContent === 'Ran “Close as spam”.';",
        )
        .await?;
    ensure!(reply.prop("value").await?.as_deref() == Some(""), "the reply box is emptied");

    // In a second conversation, the header's menu runs it with one click.
    let (second, mut second_visitor) = visitor_writes(&edge, "More cheap watches").await?;
    agent.click(&format!("li.sb-inbox-item[data-conversation-id='{second}'] button.sb-inbox-open")).await?;
    agent
        .wait_for_js(
            "the second conversation open",
            "return document.querySelector('section.sb-pane')?.textContent.includes('More cheap watches');",
        )
        .await?;
    agent.choose("select.sb-macros", "Close as spam").await?;
    hears_reply_then_resolved(&mut second_visitor).await?;
    let summary =
        rest.call(&edge, Method::GET, &format!("/api/v1/conversations/{second}"), None::<&()>).await?;
    ensure!(summary.body["labels"] == serde_json::json!(["spam"]), "{}", summary.body);
    agent.close().await
}
