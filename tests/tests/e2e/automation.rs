//! Automation rules over the wire, as an admin sets them up and customers set them off: a
//! bad rule is refused naming its field; a visitor on the pricing page is labelled `sales`
//! and, through a second rule looking for that label, handed to the sales queue (one on
//! another page is not); the `automation.rule_applied` event reaches a webhook; a rule
//! answering every customer message answers each once (its own message sets nothing off);
//! a resolution sets off `state_changed` rules, a rule's own resolution does not, and a
//! message a rule resolves on arrival is not routed.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::webhooks::Created;
use switchboard_protocol::contact::VisitorContext;
use switchboard_protocol::{Author, ClientFrame, Seq};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::webhook_receiver::{Mode, WebhookReceiver};
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

/// A visitor on `page` who writes `text`; their socket stays open.
async fn visitor_on(edge: &TestEdge, page: &str, text: &str) -> Result<(String, Live)> {
    let session = new_conversation(edge, SHOP, None).await?;
    let mut visitor = Live::visitor(edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    let context = VisitorContext { page_url: Some(format!("{SHOP}{page}")), ..VisitorContext::default() };
    visitor.send(&ClientFrame::Context { context }).await?;
    visitor.post("v-1", text).await?;
    Ok((session.conversation_id.to_string(), visitor))
}

/// The conversation's summary once `done` holds for it.
async fn summary_when(
    edge: &TestEdge,
    admin: &Session,
    id: &str,
    what: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> Result<serde_json::Value> {
    let path = format!("/api/v1/conversations/{id}");
    wait::until(what, Duration::from_secs(10), || async {
        let reply = admin.call(edge, Method::GET, &path, None::<&()>).await.ok()?;
        (reply.status == 200 && done(&reply.body)).then_some(reply.body)
    })
    .await
}

/// The texts of the conversation's log as agents see it.
async fn log_texts(edge: &TestEdge, admin: &Session, id: &str) -> Result<Vec<(String, bool, String)>> {
    let log = admin
        .call(edge, Method::GET, &format!("/api/v1/conversations/{id}/messages?limit=200"), None::<&()>)
        .await?;
    Ok(log.body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let author = m["author"]["role"].as_str().unwrap_or_default().to_owned();
            (
                author,
                m["internal"].as_bool().unwrap_or(false),
                m["text"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_url_labels_a_conversation_and_the_label_picks_its_queue() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let receiver = WebhookReceiver::start(Mode::Up).await?;
    let body = json!({ "url": receiver.url(), "events": ["automation.rule_applied"] });
    let reply = admin.call(&edge, Method::POST, "/api/v1/webhooks", Some(&body)).await?;
    ensure!(reply.status == 201, "{}", reply.body);
    receiver.set_secret(&reply.json::<Created>()?.secret);

    let flow = json!({ "start": "queue", "queues": [{ "id": "support" }, { "id": "sales" }] });
    let bad = json!({ "flow": flow, "automation_rules": [
        { "name": "Broken", "event": "state_changed",
          "conditions": [{ "type": "message_text", "contains": "refund" }], "actions": [{ "type": "resolve" }] }
    ] });
    let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&bad)).await?;
    ensure!(refused.status == 400, "{}", refused.body);
    ensure!(refused.body["error"]["field"] == "automation_rules[0].conditions[0].type", "{}", refused.body);

    // The label rule comes first in the list, yet sees the label the page rule adds.
    let rules = json!({ "flow": flow, "automation_rules": [
        { "name": "Sales label to the sales team", "event": "conversation_created",
          "conditions": [{ "type": "has_label", "label": "sales" }],
          "actions": [{ "type": "assign_queue", "queue": "sales" }] },
        { "name": "Pricing page", "event": "conversation_created",
          "conditions": [{ "type": "page_url", "contains": "/PRICING" }],
          "actions": [{ "type": "add_labels", "labels": ["Sales"] }, { "type": "send_webhook" }] }
    ] });
    let saved = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&rules)).await?;
    ensure!(saved.status == 200, "{}", saved.body);
    ensure!(saved.body["automation_rules"][1]["conditions"][0]["contains"] == "/pricing", "{}", saved.body);

    let (pricing, _pricing_visitor) =
        visitor_on(&edge, "/pricing?plan=team", "How much for 20 seats?").await?;
    let (cart, _cart_visitor) = visitor_on(&edge, "/cart", "My cart is empty").await?;
    let labelled = summary_when(&edge, &admin, &pricing, "the pricing visitor in sales", |s| {
        s["queue"] == "sales" && s["labels"] == json!(["sales"])
    })
    .await?;
    ensure!(labelled["state"] == "queued", "{labelled}");
    summary_when(&edge, &admin, &cart, "the cart visitor in support", |s| s["queue"] == "support").await?;
    let cart_summary = summary_when(&edge, &admin, &cart, "listed", |_| true).await?;
    ensure!(cart_summary.get("labels").is_none_or(|l| l == &json!([])), "{cart_summary}");

    // Agents see which rules did what; the visitor sees nothing of it.
    let log = log_texts(&edge, &admin, &pricing).await?;
    let notes: Vec<&str> =
        log.iter().filter(|(_, internal, _)| *internal).map(|(_, _, t)| t.as_str()).collect();
    ensure!(notes.iter().any(|t| t.starts_with("Automation rule “Pricing page”: label sales")), "{log:?}");
    ensure!(
        notes.iter().any(|t| t.starts_with("Automation rule “Sales label to the sales team”")),
        "{log:?}"
    );

    let deliveries = receiver
        .until(Duration::from_secs(20), |ds| ds.iter().any(|d| d.event["type"] == "automation.rule_applied"))
        .await?;
    let event =
        &deliveries.iter().find(|d| d.event["type"] == "automation.rule_applied").expect("delivered").event;
    ensure!(
        event["data"]["rule"] == "Pricing page" && event["conversation_id"] == pricing.as_str(),
        "{event}"
    );
    ensure!(event["data"]["event"] == "conversation_created", "{event}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_answer_people_never_themselves() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    const THANKS: &str = "Thanks, we have your message.";
    let rules = json!({ "automation_rules": [
        { "name": "Acknowledge", "event": "message_created", "actions": [{ "type": "send_message", "text": THANKS }] },
        { "name": "Tag resolved", "event": "state_changed",
          "conditions": [{ "type": "state", "states": ["resolved"] }],
          "actions": [{ "type": "add_labels", "labels": ["done"] }] },
        { "name": "Refunds", "event": "message_created",
          "conditions": [{ "type": "message_text", "contains": "refund" }],
          "actions": [{ "type": "set_priority", "priority": "high" }, { "type": "resolve" }] }
    ] });
    let saved = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&rules)).await?;
    ensure!(saved.status == 200, "{}", saved.body);

    // Three messages, three acknowledgements: the rule's own messages set nothing off.
    let (id, mut visitor) = visitor_on(&edge, "/", "Hello").await?;
    visitor.post("v-2", "Are you there?").await?;
    visitor.post("v-3", "Still waiting").await?;
    let thanked =
        |log: &[(String, bool, String)]| log.iter().filter(|(a, _, t)| a == "bot" && t == THANKS).count();
    wait::until("three acknowledgements", Duration::from_secs(10), || async {
        (thanked(&log_texts(&edge, &admin, &id).await.ok()?) >= 3).then_some(())
    })
    .await?;

    // An agent resolves: "Tag resolved" labels it.
    admin.resolve(&edge, &id.to_string()).await?;
    summary_when(&edge, &admin, &id, "labelled done", |s| s["labels"] == json!(["done"])).await?;

    // A refund question: the rule raises the priority and resolves it on arrival (the flow
    // does not route it); no rule hears of that resolution ("Tag resolved" stays out).
    let (refund, mut refund_visitor) = visitor_on(&edge, "/", "I want a refund").await?;
    summary_when(&edge, &admin, &refund, "resolved by the rule", |s| {
        s["state"] == "resolved" && s["priority"] == "high" && s["queue"].is_null()
    })
    .await?;
    refund_visitor.post("v-2", "ok").await?;
    let log = log_texts(&edge, &admin, &refund).await?;
    ensure!(!log.iter().any(|(_, _, t)| t.contains("Tag resolved")), "{log:?}");
    ensure!(thanked(&log) <= 2 && log.iter().all(|(a, _, _)| a != "agent"), "{log:?}");
    ensure!(matches!(visitor.hello(Seq(0)).await?.0, Author::Visitor { .. }), "the visitor is still welcome");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_left_waiting_sets_off_no_reply_rules_once_a_wait() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    const SORRY: &str = "Sorry for the wait, someone will be with you shortly.";
    let rules = json!({ "flow": { "start": "queue" }, "automation_rules": [
        { "name": "Waited a minute", "event": "no_reply", "after_minutes": 1,
          "actions": [{ "type": "send_message", "text": SORRY }, { "type": "set_priority", "priority": "urgent" }] }
    ] });
    let saved = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&rules)).await?;
    ensure!(saved.status == 200, "{}", saved.body);

    // One visitor waits; another is answered at once and never hears the apology.
    let (waiting, mut waiting_visitor) = visitor_on(&edge, "/", "Is anyone there?").await?;
    let (answered, _answered_visitor) = visitor_on(&edge, "/", "Quick question").await?;
    let reply = json!({ "text": "Hi! How can I help?" });
    let posted = admin
        .call(&edge, Method::POST, &format!("/api/v1/conversations/{answered}/messages"), Some(&reply))
        .await?;
    ensure!(posted.status == 201, "{}", posted.body);

    // A minute on, the waiting visitor gets the apology and the conversation is urgent.
    wait::until("the apology", Duration::from_secs(120), || async {
        log_texts(&edge, &admin, &waiting).await.ok()?.iter().any(|(_, _, t)| t == SORRY).then_some(())
    })
    .await?;
    summary_when(&edge, &admin, &waiting, "urgent", |s| s["priority"] == "urgent").await?;
    // Still waiting: once a wait, not again at the next ring.
    waiting_visitor.post("v-2", "Hello??").await?;
    let log = log_texts(&edge, &admin, &waiting).await?;
    ensure!(log.iter().filter(|(_, _, t)| t == SORRY).count() == 1, "{log:?}");
    let other = log_texts(&edge, &admin, &answered).await?;
    ensure!(!other.iter().any(|(_, _, t)| t == SORRY), "{other:?}");
    Ok(())
}
