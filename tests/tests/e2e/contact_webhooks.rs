//! Contact webhooks as a CRM's receiver sees them: `contact.created` when a script or a
//! visitor's first conversation makes one, `contact.updated` on a change, `contact.merged`
//! naming the contact merged away — signed, once per delivery id, and in order per contact.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::contacts::ContactRecord;
use switchboard_protocol::api::webhooks::Created;
use switchboard_protocol::Seq;
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::webhook_receiver::{Delivery, Mode, WebhookReceiver};
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

/// The types of the events about `contact`, in the order they arrived.
fn about(deliveries: &[Delivery], contact: &str) -> Vec<String> {
    deliveries
        .iter()
        .filter(|d| d.accepted && d.event["data"]["contact"]["id"] == contact)
        .map(|d| d.event["type"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crm_hears_of_every_contact_made_changed_and_merged() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let receiver = WebhookReceiver::start(Mode::Up).await?;
    let body =
        json!({ "url": receiver.url(), "events": ["contact.created", "contact.updated", "contact.merged"] });
    let reply = admin.call(&edge, Method::POST, "/api/v1/webhooks", Some(&body)).await?;
    assert_eq!(reply.status, 201, "{}", reply.body);
    receiver.set_secret(&reply.json::<Created>()?.secret);

    // A script makes a contact and changes it.
    let made = admin
        .call(
            &edge,
            Method::POST,
            "/api/v1/contacts",
            Some(&json!({ "name": "Noor", "emails": ["noor@example.com"] })),
        )
        .await?;
    assert_eq!(made.status, 201, "{}", made.body);
    let noor: ContactRecord = made.json()?;
    let path = format!("/api/v1/contacts/{}", noor.id);
    let changed = admin.call(&edge, Method::PATCH, &path, Some(&json!({ "notes": "prefers email" }))).await?;
    assert_eq!(changed.status, 200, "{}", changed.body);

    // A visitor writes: their contact is made by the chat itself.
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "hello, it is Noor again").await?;
    let deliveries = receiver
        .until(Duration::from_secs(20), |deliveries| {
            deliveries.iter().any(|d| {
                d.event["type"] == "contact.created"
                    && d.event["data"]["contact"]["visitor_ids"][0] == session.visitor_id.as_str()
            })
        })
        .await?;
    let walk_in = deliveries
        .iter()
        .find_map(|d| {
            (d.event["data"]["contact"]["visitor_ids"][0] == session.visitor_id.as_str())
                .then(|| d.event["data"]["contact"]["id"].as_str().map(str::to_owned))
                .flatten()
        })
        .expect("the visitor's contact");

    // The team sees it is Noor and merges the walk-in into her.
    let merged =
        admin.call(&edge, Method::POST, &format!("{path}/merge"), Some(&json!({ "from": walk_in }))).await?;
    assert_eq!(merged.status, 200, "{}", merged.body);
    let deliveries =
        receiver.until(Duration::from_secs(20), |deliveries| about(deliveries, &noor.id).len() >= 3).await?;
    assert_eq!(about(&deliveries, &noor.id), ["contact.created", "contact.updated", "contact.merged"]);
    let merge = deliveries.iter().find(|d| d.event["type"] == "contact.merged").expect("merged");
    assert_eq!(merge.event["data"]["merged_from"], walk_in.as_str());
    assert_eq!(merge.event["data"]["contact"]["notes"], "prefers email");
    assert!(merge.event["data"]["contact"]["visitor_ids"]
        .as_array()
        .is_some_and(|ids| ids.iter().any(|id| id == session.visitor_id.as_str())));
    assert_eq!(merge.event["site_id"], "demo");

    // Every delivery signed, each id once.
    assert_eq!(receiver.bad_signatures(), 0);
    let ids: HashSet<&str> = deliveries.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), deliveries.len(), "a delivery id arrived twice");
    Ok(())
}
