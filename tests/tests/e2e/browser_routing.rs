//! Routing in real browsers: on the demo site the bot greets the visitor with quick replies;
//! a click answers one, another asks for a person; the agent's console gets an offer, the
//! agent accepts, the visitor sees who joined, and they chat.

use anyhow::Result;
use serde_json::json;
use switchboard_demo_site::BoundSite;
use switchboard_tests::browser::{
    open_widget, shown_messages, sign_in_to_console, wait_for_message, Browser, UI_TIMEOUT,
};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::wait;

const AGENT_TEXT: &str = "Hi, Dev here. Which order is it about?";

/// Clicks the quick reply whose text is `label`.
async fn click_quick_reply(visitor: &Browser, label: &str) -> Result<()> {
    let script = format!(
        "const b = Array.from(document.querySelectorAll('button.sb-quick-reply')).find(b => b.textContent === {label:?});
         if (b) {{ b.click(); return true; }} return false;"
    );
    visitor.wait_for_js(&format!("the quick reply {label:?}"), &script).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn greeting_quick_reply_handover_and_an_agent_joins() -> Result<()> {
    let flow = json!({
        "bot": {
            "name": "Sam",
            "greeting": "Hi! I'm Sam. What can I do for you?",
            "menu": ["Shipping", "Talk to a person"],
            "intents": [{"name": "Shipping", "phrases": ["delivery"], "answer": "We ship within 2 days.",
                         "quick_replies": ["Talk to a person"]}]
        }
    });
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start_with(&[&page_origin], &[("BOOTSTRAP_FLOW", &flow.to_string())])?;
    let _site = site.serve(&edge.origin());

    // The agent is at the console first, online.
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent
        .wait_for_js("the agent online", "return document.querySelector('button.sb-presence--online');")
        .await?;

    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page_origin}/")).await?;
    open_widget(&visitor).await?;
    // The bot greets as the conversation opens, offering its menu.
    let shown = wait_for_message(&visitor, 1, "What can I do for you?").await?;
    assert_eq!(shown[0].1, "bot");

    click_quick_reply(&visitor, "Shipping").await?;
    wait_for_message(&visitor, 2, "Shipping").await?;
    wait_for_message(&visitor, 3, "We ship within 2 days.").await?;
    click_quick_reply(&visitor, "Talk to a person").await?;
    wait_for_message(&visitor, 5, "Let me find someone").await?;

    // The console shows the offer; the agent accepts and the conversation opens.
    agent
        .wait_for_js("the offer", "const b = document.querySelector('.sb-offer button.sb-accept'); if (b) { b.click(); return true; } return false;")
        .await?;
    wait::until("the visitor told the agent joined", UI_TIMEOUT, || async {
        let text = visitor
            .client()
            .execute("return Array.from(document.querySelectorAll('li.sb-event')).map(e => e.textContent).join('|');", vec![])
            .await
            .ok()?;
        text.as_str()?.contains("Dev Agent joined the conversation").then_some(())
    })
    .await?;

    wait_for_message(&agent, 5, "Let me find someone").await?;
    agent.find("textarea[name=reply]").await?.send_keys(AGENT_TEXT).await?;
    agent.find("form.sb-reply button.sb-send").await?.click().await?;
    wait_for_message(&visitor, 6, AGENT_TEXT).await?;
    let roles: Vec<String> = shown_messages(&visitor).await?.into_iter().map(|(_, role, _)| role).collect();
    assert_eq!(roles, ["bot", "visitor", "bot", "visitor", "bot", "agent"]);
    // The greeting's quick replies are gone once answered; none are left at the end.
    let buttons = visitor
        .client()
        .execute("return document.querySelectorAll('button.sb-quick-reply').length;", vec![])
        .await?;
    assert_eq!(buttons, json!(0));

    visitor.close().await?;
    agent.close().await?;
    Ok(())
}
