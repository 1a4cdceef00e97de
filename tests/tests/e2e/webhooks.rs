//! Webhooks as a customer's receiver sees them: every delivery signed (checked by the
//! receiver's own HMAC), every event once per delivery id and in order per conversation
//! although the receiver was down for a while, notes only when asked for, a log with each
//! attempt and redelivery; hostile receivers (never answering, redirecting, endless bodies)
//! cost the chat nothing; a subscription failing for its give-up time is turned off and
//! others hear of it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Result;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_protocol::api::webhooks::{Created, DeliveriesResponse, DeliveryState};
use switchboard_protocol::{Seq, ServerFrame};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::webhook_receiver::{Delivery, Mode, WebhookReceiver};
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

async fn subscribe(
    edge: &TestEdge,
    admin: &Session,
    receiver: &WebhookReceiver,
    events: &[&str],
) -> Result<Created> {
    let body = json!({ "url": receiver.url(), "events": events });
    let reply = admin.call(edge, Method::POST, "/api/v1/webhooks", Some(&body)).await?;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: Created = reply.json()?;
    receiver.set_secret(&created.secret);
    Ok(created)
}

async fn log(edge: &TestEdge, admin: &Session, webhook: &str) -> Result<DeliveriesResponse> {
    let path = format!("/api/v1/webhooks/{webhook}/deliveries?limit=100");
    let reply = admin.call(edge, Method::GET, &path, None::<&()>).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// A conversation where the visitor wrote `lines`; answers it and the visitor's socket.
async fn conversation(edge: &TestEdge, lines: &[&str]) -> Result<(String, Live)> {
    let session = new_conversation(edge, SHOP, None).await?;
    let mut visitor = Live::visitor(edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    for (n, line) in lines.iter().enumerate() {
        visitor.post(&format!("v-{n}"), line).await?;
    }
    Ok((session.conversation_id.to_string(), visitor))
}

fn accepted_of<'a>(deliveries: &'a [Delivery], conversation: &str) -> Vec<&'a Delivery> {
    deliveries.iter().filter(|d| d.accepted && d.event["conversation_id"] == conversation).collect()
}

fn texts(deliveries: &[&Delivery]) -> Vec<String> {
    deliveries.iter().filter_map(|d| d.event["data"]["message"]["text"].as_str().map(str::to_owned)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_was_down_gets_every_event_once_in_order_and_signed() -> Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("WEBHOOK_FIRST_RETRY_MS", "300"), ("WEBHOOK_TIMEOUT_MS", "3000")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let receiver = WebhookReceiver::start(Mode::Down).await?;
    let events = ["conversation.created", "message.created", "conversation.state_changed"];
    let created = subscribe(&edge, &admin, &receiver, &events).await?;
    let webhook = created.webhook.id.clone();

    // Two conversations while the receiver is down: visitors write, the team answers over
    // REST, leaves a private note, and resolves one.
    let (first, _a) = conversation(&edge, &["where is my parcel?", "order AB-1234"]).await?;
    let (second, _b) = conversation(&edge, &["can I return shoes?"]).await?;
    for (id, reply) in [(&first, "It left today."), (&second, "Yes, within 30 days.")] {
        let path = format!("/api/v1/conversations/{id}/messages");
        let posted = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": reply }))).await?;
        assert_eq!(posted.status, 201, "{}", posted.body);
        let note = json!({ "text": "internal: refund approved", "internal": true });
        assert_eq!(admin.call(&edge, Method::POST, &path, Some(&note)).await?.status, 201);
    }
    let resolved = admin
        .call(&edge, Method::POST, &format!("/api/v1/conversations/{first}/resolve"), Some(&json!({})))
        .await?;
    assert!(resolved.status < 300, "{}", resolved.body);

    // The receiver refuses for a while; the log says so, and nothing was accepted.
    receiver.until(Duration::from_secs(20), |got| got.len() >= 3).await?;
    let pending = log(&edge, &admin, &webhook).await?;
    assert!(
        pending
            .deliveries
            .iter()
            .any(|d| d.state == DeliveryState::Pending && d.response_status == Some(503)),
        "{pending:#?}"
    );

    // Back up: everything arrives.
    receiver.set_mode(Mode::Up);
    let wanted_first = ["where is my parcel?", "order AB-1234", "It left today."];
    let got = receiver
        .until(Duration::from_secs(30), |got| {
            let first_texts = texts(&accepted_of(got, &first));
            let resolved =
                accepted_of(got, &first).iter().any(|d| d.event["type"] == "conversation.state_changed");
            let second_done = texts(&accepted_of(got, &second)).contains(&"Yes, within 30 days.".to_owned());
            wanted_first.iter().all(|w| first_texts.contains(&w.to_string())) && resolved && second_done
        })
        .await?;
    assert_eq!(receiver.bad_signatures(), 0, "every delivery is signed with the subscription's secret");

    // Once per delivery id; in order per conversation; notes withheld.
    let mut accepted_ids: HashMap<&str, usize> = HashMap::new();
    for delivery in got.iter().filter(|d| d.accepted) {
        *accepted_ids.entry(delivery.id.as_str()).or_default() += 1;
        assert!(
            delivery.id.starts_with("dlv_")
                && delivery.event["id"].as_str().is_some_and(|id| id.starts_with("evt_"))
        );
    }
    assert!(accepted_ids.values().all(|n| *n == 1), "each delivery accepted once: {accepted_ids:?}");
    for conversation in [&first, &second] {
        let accepted = accepted_of(&got, conversation);
        assert_eq!(accepted[0].event["type"], "conversation.created", "created comes first");
        let seqs: Vec<u64> =
            accepted.iter().filter_map(|d| d.event["data"]["message"]["seq"].as_u64()).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
        assert!(!texts(&accepted).iter().any(|t| t.contains("refund approved")), "notes not asked for");
    }
    let first_events: Vec<&Value> = accepted_of(&got, &first).iter().map(|d| &d.event["type"]).collect();
    assert_eq!(
        first_events.last().map(|t| t.as_str()),
        Some(Some("conversation.state_changed")),
        "{first_events:?}"
    );

    // The log: all delivered, the early ones after several attempts.
    let settled = log(&edge, &admin, &webhook).await?;
    assert!(settled.deliveries.iter().all(|d| d.state == DeliveryState::Delivered), "{settled:#?}");
    assert!(settled.deliveries.iter().any(|d| d.attempts >= 2));
    assert!(settled.deliveries.iter().all(|d| d.latency_ms.is_some() && d.response_status == Some(200)));

    // Redelivering sends the same delivery id again.
    let again = &settled.deliveries[0];
    let path = format!("/api/v1/webhooks/{webhook}/deliveries/{}/redeliver", again.id);
    assert_eq!(admin.call(&edge, Method::POST, &path, Some(&json!({}))).await?.status, 202);
    receiver
        .until(Duration::from_secs(10), |got| {
            got.iter().filter(|d| d.accepted && d.id == again.id).count() == 2
        })
        .await?;
    Ok(())
}

/// The time from a visitor's message to an agent's socket, `count` times; the median, µs.
async fn median_latency(edge: &TestEdge, admin: &Session, count: usize) -> Result<u128> {
    let session = new_conversation(edge, SHOP, None).await?;
    let mut visitor = Live::visitor(edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    let mut agent = Live::agent(edge, &admin.cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;
    let mut took = Vec::new();
    for n in 0..count {
        let text = format!("latency probe {n}");
        let started = Instant::now();
        visitor.post(&format!("p-{n}"), &text).await?;
        agent
            .until(|frame| {
                matches!(frame, ServerFrame::Message { message } if message.text == text).then_some(())
            })
            .await?;
        took.push(started.elapsed().as_micros());
    }
    took.sort();
    Ok(took[took.len() / 2])
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_receivers_cost_the_chat_nothing() -> Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("WEBHOOK_FIRST_RETRY_MS", "500"), ("WEBHOOK_TIMEOUT_MS", "1500")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let without = median_latency(&edge, &admin, 15).await?;
    // Three healthy receivers: what webhooks cost the chat at all.
    let healthy: Vec<WebhookReceiver> =
        futures_util::future::try_join_all((0..3).map(|_| WebhookReceiver::start(Mode::Up))).await?;
    let mut healthy_ids = Vec::new();
    for receiver in &healthy {
        healthy_ids.push(subscribe(&edge, &admin, receiver, &["message.created"]).await?.webhook.id);
    }
    let with_healthy = median_latency(&edge, &admin, 15).await?;
    for id in healthy_ids {
        let removed =
            admin.call(&edge, Method::DELETE, &format!("/api/v1/webhooks/{id}"), None::<&()>).await?;
        assert_eq!(removed.status, 204);
    }

    let hanging = WebhookReceiver::start(Mode::Hang).await?;
    let redirecting = WebhookReceiver::start(Mode::Redirect).await?;
    let endless = WebhookReceiver::start(Mode::Endless).await?;
    let mut ids = Vec::new();
    for receiver in [&hanging, &redirecting, &endless] {
        ids.push(subscribe(&edge, &admin, receiver, &["message.created"]).await?.webhook.id);
    }
    let with_hostile = median_latency(&edge, &admin, 15).await?;
    println!(
        "webhooks: median visitor→agent latency {without} µs without subscriptions, {with_healthy} µs with three \
         healthy receivers, {with_hostile} µs with three hostile ones"
    );
    // Hostile receivers cost no more than healthy ones (all objects share one workerd
    // process here, so the bound is loose).
    assert!(
        with_hostile <= with_healthy * 3 + 20_000,
        "hostile receivers slowed the chat: {with_healthy} µs with healthy ones → {with_hostile} µs"
    );

    // Each failure is in its log, briefly: no answer in time; a redirect not followed; an
    // endless body cut short.
    let (hang_log, redirect_log, endless_log) = (ids[0].clone(), ids[1].clone(), ids[2].clone());
    switchboard_tests::wait::until(
        "each hostile receiver's failure in its log",
        Duration::from_secs(20),
        || async {
            let hang = log(&edge, &admin, &hang_log).await.ok()?;
            let redirect = log(&edge, &admin, &redirect_log).await.ok()?;
            let endless = log(&edge, &admin, &endless_log).await.ok()?;
            let timed_out = hang.deliveries.iter().any(|d| {
                d.attempts >= 1
                    && d.response_status.is_none()
                    && d.response_excerpt.as_deref().is_some_and(|e| e.contains("1500 ms"))
            });
            let not_followed = redirect
                .deliveries
                .iter()
                .any(|d| d.response_status == Some(302) && d.state == DeliveryState::Pending);
            let cut = endless.deliveries.iter().any(|d| {
                d.attempts >= 1 && d.response_excerpt.as_deref().is_some_and(|e| e.chars().count() <= 500)
            });
            (timed_out && not_followed && cut).then_some(())
        },
    )
    .await?;
    assert!(!redirecting.deliveries().is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscription_failing_too_long_is_turned_off_and_others_hear_of_it() -> Result<()> {
    let edge = TestEdge::start_with(
        &[SHOP],
        &[
            ("WEBHOOK_FIRST_RETRY_MS", "200"),
            ("WEBHOOK_GIVE_UP_AFTER_MS", "2000"),
            ("WEBHOOK_TIMEOUT_MS", "1000"),
        ],
    )?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // Clear refusals for what cannot work.
    for (body, field) in [
        (json!({ "url": "http://example.com/hooks", "events": ["message.created"] }), "url"),
        (json!({ "url": "https://example.com/hooks", "events": [] }), "events"),
        (json!({ "url": "https://example.com/hooks", "events": ["message.sent"] }), "events[0]"),
    ] {
        let reply = admin.call(&edge, Method::POST, "/api/v1/webhooks", Some(&body)).await?;
        assert_eq!(
            (reply.status, &reply.body["error"]["field"]),
            (400, &json!(field)),
            "{body}: {}",
            reply.body
        );
    }

    let broken = WebhookReceiver::start(Mode::Down).await?;
    let watcher = WebhookReceiver::start(Mode::Up).await?;
    let failing = subscribe(&edge, &admin, &broken, &["message.created"]).await?.webhook;
    subscribe(&edge, &admin, &watcher, &["webhook.disabled"]).await?;
    let (_id, _visitor) = conversation(&edge, &["hello?"]).await?;

    let got = watcher
        .until(Duration::from_secs(30), |got| {
            got.iter().any(|d| d.accepted && d.event["type"] == "webhook.disabled")
        })
        .await?;
    let notice = got
        .iter()
        .find(|d| d.event["type"] == "webhook.disabled")
        .map(|d| d.event.clone())
        .unwrap_or_default();
    assert_eq!(notice["data"]["webhook_id"], failing.id.as_str());
    assert_eq!(notice["data"]["url"], broken.url());

    let list = admin.call(&edge, Method::GET, "/api/v1/webhooks", None::<&()>).await?;
    let off = list.body["webhooks"]
        .as_array()
        .and_then(|all| all.iter().find(|w| w["id"] == failing.id.as_str()))
        .cloned();
    let off = off.unwrap_or_default();
    assert_eq!(off["enabled"], false, "{off}");
    assert!(off["disabled_reason"].as_str().is_some_and(|r| r.contains("failed")), "{off}");
    let audit = admin.call(&edge, Method::GET, "/api/v1/audit-log", None::<&()>).await?;
    assert!(audit.body.to_string().contains("webhook_disabled"), "{}", audit.body);

    // Fixed and turned on again, it delivers what comes next.
    broken.set_mode(Mode::Up);
    let path = format!("/api/v1/webhooks/{}", failing.id);
    let on = admin.call(&edge, Method::PATCH, &path, Some(&json!({ "enabled": true }))).await?;
    assert_eq!((on.status, &on.body["enabled"]), (200, &json!(true)), "{}", on.body);
    let (_again, _v) = conversation(&edge, &["anyone there now?"]).await?;
    broken
        .until(Duration::from_secs(20), |got| {
            got.iter().any(|d| d.accepted && d.event["data"]["message"]["text"] == "anyone there now?")
        })
        .await?;
    // Removing it ends its deliveries and its log.
    assert_eq!(admin.call(&edge, Method::DELETE, &path, None::<&()>).await?.status, 204);
    let gone = admin.call(&edge, Method::GET, &format!("{path}/deliveries"), None::<&()>).await?;
    assert_eq!(gone.status, 404);
    Ok(())
}
