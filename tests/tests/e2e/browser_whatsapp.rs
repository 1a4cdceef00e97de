//! A WhatsApp template sent from the console, in a real browser: a customer writes on
//! WhatsApp (through a local fake Twilio), and the reply window (shortened here from 24
//! hours) closes. The agent's plain reply is refused in the timeline with the edge's reason;
//! the "Template" button beside the reply box opens a panel listing the number's templates,
//! one input per slot and a live preview; sending it reaches Twilio as the template's Content
//! SID with its variables, and the timeline shows the filled text.
//!
//! Selectors: `button[data-template-open]`, `section[data-template-panel]`,
//! `select[name=template]`, `input[data-slot="1"]`…, `[data-template-preview]`,
//! `button[data-template-send]`; the refusal is `li.sb-message--refused [role=alert]`.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversations_list::Response as List;
use switchboard_protocol::channels::Channel;
use switchboard_tests::api::Session;
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, wait_for_message, Browser};
use switchboard_tests::fake_twilio::{self, message_sid, FakeTwilio};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, wait, ADMIN_EMAIL, ADMIN_PASSWORD, SITE};

const SHOP: &str = "https://shop.example";
const OURS: &str = "whatsapp:+15550100";
const CUSTOMER: &str = "whatsapp:+447700900123";
const WINDOW_MS: i64 = 1_500;
const FILLED: &str = "Hi Grace, your order AB-12 has shipped.";

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_sends_a_whatsapp_template_from_the_console_once_the_window_closed() -> Result<()> {
    let twilio = FakeTwilio::start().await?;
    let window = WINDOW_MS.to_string();
    let vars = twilio.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.push(("CHANNEL_REPLY_WINDOW_MS", &window));
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let content_sid = format!("HX{}", "0123456789abcdef".repeat(2));
    let settings = json!({ "channels": [{ "channel": "whatsapp", "address": "+15550100",
        "handler": { "start": "queue", "queue": "support" },
        "templates": [{ "name": "order_update", "text": "Hi {{1}}, your order {{2}} has shipped.",
                        "content_sid": content_sid }] }] });
    let set = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&settings)).await?;
    ensure!(set.status == 200, "channels: {}", set.body);

    // The customer writes, and the conversation is listed as WhatsApp's.
    let hook = edge.url(&format!("/api/v1/channels/twilio/{SITE}/messages"));
    let fields = fake_twilio::inbound(&message_sid(1), CUSTOMER, OURS, "Where is my order?");
    let (status, body) = fake_twilio::post_signed(&hook, &fields).await?;
    // Taken once the edge answered: the message is stored by then, so the window closes no
    // later than this plus its length.
    let written_at = now_ms();
    ensure!(status == 200, "inbound: {status} {body}");
    let summary = wait::until("the conversation listed", Duration::from_secs(10), || async {
        let reply = admin.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await.ok()?;
        reply.json::<List>().ok()?.conversations.into_iter().next()
    })
    .await?;
    ensure!(summary.channel == Channel::Whatsapp, "channel: {:?}", summary.channel);

    // The window closes (time passing is the condition).
    wait::until("the window closed", Duration::from_secs(10), || async {
        (now_ms() > written_at + WINDOW_MS).then_some(())
    })
    .await?;

    // A plain reply from the console: refused, with the edge's reason, in the timeline.
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.click("li.sb-inbox-item button.sb-inbox-open").await?;
    wait_for_message(&agent, 1, "Where is my order?").await?;
    agent.type_into("textarea[name=reply]", "Are you still there?").await?;
    agent.click("form.sb-reply button.sb-send").await?;
    let refusal = agent
        .wait_for_js(
            "the reply refused",
            "return document.querySelector('li.sb-message--refused [role=alert]')?.textContent;",
        )
        .await?;
    let refusal = refusal.as_str().unwrap_or_default();
    ensure!(refusal.contains("24 hours") && refusal.contains("template"), "refusal: {refusal}");

    // The template, from the button beside the reply box: a slot per variable, a preview.
    agent.click("button[data-template-open]").await?;
    agent.find("section[data-template-panel] select[name=template]").await?;
    agent.choose("select[name=template]", "order_update").await?;
    agent.type_into("input[data-slot='1']", "Grace").await?;
    agent.type_into("input[data-slot='2']", "AB-12").await?;
    let preview = format!(
        "return document.querySelector('[data-template-preview]')?.textContent.trim() === {FILLED:?};"
    );
    agent.wait_for_js("the filled preview", &preview).await?;
    assert_accessible(&agent, "the template panel", Some("section[data-template-panel]")).await?;
    agent.click("button[data-template-send]").await?;
    agent.wait_for_js("the panel closed", "return !document.querySelector('[data-template-panel]');").await?;

    // Twilio gets the template's Content SID and its variables, not a body of ours.
    let sent =
        twilio.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.content_sid.is_some())).await?;
    let template = sent.iter().find(|s| s.content_sid.is_some()).cloned().unwrap_or_else(|| unreachable!());
    ensure!(template.content_sid.as_deref() == Some(content_sid.as_str()), "{template:?}");
    ensure!((template.to.as_str(), template.from.as_str()) == (CUSTOMER, OURS), "{template:?}");
    let variables: serde_json::Value =
        serde_json::from_str(template.content_variables.as_deref().unwrap_or("null"))?;
    ensure!(variables == json!({ "1": "Grace", "2": "AB-12" }), "variables: {variables}");
    ensure!(!sent.iter().any(|s| s.body == "Are you still there?"), "a refused reply reached Twilio");

    // The timeline shows the message as the customer got it.
    let shown = format!(
        "return Array.from(document.querySelectorAll('li.sb-message[data-seq][data-role=agent]'))
            .some(li => li.textContent.includes({FILLED:?}));"
    );
    agent.wait_for_js("the template in the timeline", &shown).await?;

    agent.close().await?;
    Ok(())
}
