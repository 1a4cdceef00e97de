//! Interceptors as a privacy officer checks them: a card number a visitor types reaches the
//! visitor's own copy, the console's list and messages, the API and a webhook receiver only
//! redacted — and not one of its digits' original form is in any storage file; an agent's
//! IBAN and a file's name are redacted the same way; an admin switches on email redaction and a word mask and
//! the next messages are stored so; settings a site could not mean are refused by field.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::webhooks::Created;
use switchboard_protocol::{Role, Seq};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::webhook_receiver::{Mode, WebhookReceiver};
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD, TINY_PNG};

const SHOP: &str = "https://shop.example";
const CARD: &str = "4242 4242 4242 4242";
const IBAN: &str = "DE89 3704 0044 0532 0130 00";

#[tokio::test(flavor = "multi_thread")]
async fn a_card_number_is_stored_relayed_shown_and_sent_only_redacted() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let receiver = WebhookReceiver::start(Mode::Up).await?;
    let reply = admin
        .call(
            &edge,
            Method::POST,
            "/api/v1/webhooks",
            Some(&json!({ "url": receiver.url(), "events": ["message.created"] })),
        )
        .await?;
    assert_eq!(reply.status, 201, "{}", reply.body);
    receiver.set_secret(&reply.json::<Created>()?.secret);

    // The site's defaults: cards and IBANs never stored.
    let site = admin.call(&edge, Method::GET, "/api/v1/site", None::<&()>).await?;
    assert_eq!(site.body["interceptors"], json!([{ "step": "redact_cards" }, { "step": "redact_ibans" }]));

    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", &format!("pay with {CARD}, exp 12/27")).await?;
    let id = session.conversation_id.to_string();
    let messages_path = format!("/api/v1/conversations/{id}/messages");
    let note = json!({ "text": format!("refund to {IBAN}"), "internal": true });
    assert_eq!(admin.call(&edge, Method::POST, &messages_path, Some(&note)).await?.status, 201);
    // A file's name is shown (and linked) like a message: it passes the same steps.
    let name = format!("card {CARD}.png");
    let (status, body) = admin.upload(&edge, &id, (&name, "image/png"), "file-1", TINY_PNG.to_vec()).await?;
    assert_eq!(status, 201, "{body}");
    assert!(body.to_string().contains("card [card ending 4242].png"), "{body}");

    // The visitor's own copy, as a reconnect replays it.
    let mut again = Live::visitor(&edge, &session).await?;
    let (_, replayed) = again.hello(Seq(0)).await?;
    let mine: Vec<&str> =
        replayed.iter().filter(|m| m.author.role() == Role::Visitor).map(|m| m.text.as_str()).collect();
    assert_eq!(mine, ["pay with [card ending 4242], exp 12/27"], "the visitor sees theirs as stored");

    // The API: messages and the inbox summary's preview.
    let log = admin.call(&edge, Method::GET, &messages_path, None::<&()>).await?;
    let texts: Vec<&str> =
        log.body["messages"].as_array().into_iter().flatten().filter_map(|m| m["text"].as_str()).collect();
    assert!(texts.contains(&"pay with [card ending 4242], exp 12/27"), "{texts:?}");
    assert!(texts.contains(&"refund to [IBAN ending 3000]"), "{texts:?}");
    let summary = wait::until("the preview", Duration::from_secs(10), || async {
        let reply =
            admin.call(&edge, Method::GET, &format!("/api/v1/conversations/{id}"), None::<&()>).await.ok()?;
        let text = reply.body["last_message"]["text"].as_str()?.to_owned();
        text.contains("[card ending 4242]").then_some(text)
    })
    .await?;
    assert!(!summary.contains(CARD));

    // The webhook receiver.
    let got = receiver
        .until(Duration::from_secs(20), |got| {
            got.iter().any(|d| d.event.to_string().contains("[card ending 4242]"))
        })
        .await?;
    assert!(got.iter().all(|d| !d.event.to_string().contains(CARD)), "a delivery carried the card");

    // Not in any file of any object, nor the IBAN.
    for raw in [CARD, IBAN, "4242424242424242"] {
        let left = edge.stored_files_containing(raw.as_bytes());
        assert!(left.is_empty(), "{raw} stored in {left:?}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_switches_on_more_steps_and_the_next_messages_pass_them() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // Settings a site could not mean: refused, naming what.
    for (steps, field) in [
        (json!([{ "step": "mask_words", "words": ["two words"] }]), Some("interceptors[0].words[0]")),
        (json!(vec![json!({ "step": "trim" }); 21]), Some("interceptors")),
        (json!([{ "step": "limit_length", "max_chars": 5 }]), Some("interceptors[0].max_chars")),
        (json!([{ "step": "shout" }]), None),
    ] {
        let reply =
            admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "interceptors": steps }))).await?;
        assert_eq!(reply.status, 400, "{}", reply.body);
        if let Some(field) = field {
            assert_eq!(reply.body["error"]["field"], field, "{}", reply.body);
        }
    }

    let steps = json!([
        { "step": "redact_cards" },
        { "step": "redact_emails" },
        { "step": "mask_words", "words": ["darn"] },
        { "step": "trim" },
        { "step": "limit_length", "max_chars": 40, "channels": ["webchat"] },
        { "step": "limit_length", "max_chars": 20, "channels": ["sms"] },
    ]);
    let reply =
        admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "interceptors": steps }))).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["interceptors"], steps);

    // Objects read the site's settings afresh within seconds: the next messages pass them
    // (posted by a script here; the visitor's path is the first test's).
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "hello").await?;
    let messages_path = format!("/api/v1/conversations/{}/messages", session.conversation_id);
    let stored = wait::until("the new steps applied", Duration::from_secs(15), || async {
        let text = "  Darn, write to ada@example.com  ";
        let reply =
            admin.call(&edge, Method::POST, &messages_path, Some(&json!({ "text": text }))).await.ok()?;
        let stored = reply.body["message"]["text"].as_str()?.to_owned();
        (stored == "****, write to [email]").then_some(stored)
    })
    .await;
    assert!(stored.is_ok(), "{stored:?}");

    // The webchat's length limit cuts at a word; the SMS one does not apply here.
    let long = "The parcel left our warehouse this morning and arrives tomorrow";
    let reply = admin.call(&edge, Method::POST, &messages_path, Some(&json!({ "text": long }))).await?;
    let cut = reply.body["message"]["text"].as_str().unwrap_or_default().to_owned();
    assert_eq!(cut, "The parcel left our warehouse this…", "{}", reply.body);
    Ok(())
}
