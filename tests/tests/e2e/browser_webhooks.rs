//! Webhooks from the console's settings, in a real browser: an admin adds one for a local
//! receiver (message.created ticked by default) and copies its signing secret off the page,
//! shown once; a visitor writes and the receiver gets the message signed with that secret; the
//! admin opens the subscription's delivery log, sees the delivery delivered, redelivers it
//! (the receiver gets the same delivery id again) and turns the subscription off.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::webhooks::ListResponse;
use switchboard_protocol::Seq;
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::webhook_receiver::{Mode, WebhookReceiver};
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
/// How long a delivery may take to reach the receiver (the first attempt is immediate).
const DELIVERED_WITHIN: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_adds_a_webhook_reads_its_log_redelivers_and_turns_it_off() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let receiver = WebhookReceiver::start(Mode::Up).await?;

    // The admin adds the receiver's URL in the settings; only message.created starts ticked.
    let admin = Browser::start().await?;
    sign_in_to_console(&admin, &edge).await?;
    admin.click("button.sb-screen--settings").await?;
    admin.find("form.sb-webhook-form input[name=url]").await?.send_keys(&receiver.url()).await?;
    let ticked = admin
        .wait_for_js(
            "the event checkboxes",
            "const boxes = Array.from(document.querySelectorAll('form.sb-webhook-form input[name^=\"event-\"]'));
             return boxes.length > 0 && boxes.filter(b => b.checked).map(b => b.name);",
        )
        .await?;
    assert_eq!(ticked, json!(["event-message.created"]), "message.created is ticked by default");
    admin.click("button.sb-webhook-submit").await?;

    // The secret, once, with what it is for; the receiver checks signatures with it.
    let secret = admin.find("input.sb-webhook-secret-value").await?.prop("value").await?.unwrap_or_default();
    ensure!(secret.starts_with("whsec_"), "{secret}");
    let note = admin.find(".sb-webhook-secret .sb-webhook-secret-note").await?.text().await?;
    ensure!(note.contains("shown only once") && note.contains("X-Switchboard-Signature"), "{note}");
    admin.find(".sb-webhook-secret button.sb-webhook-copy").await?;
    receiver.set_secret(&secret);
    let listed = format!(
        "const li = document.querySelector('li.sb-webhook');
         return li?.dataset.enabled === 'true' && li.querySelector('.sb-webhook-url')?.textContent === {:?}
           && li.querySelector('.sb-webhook-events')?.textContent.startsWith('message.created');",
        receiver.url()
    );
    admin.wait_for_js("the webhook listed, on", &listed).await?;
    assert_accessible(&admin, "the webhooks section", Some(".sb-webhooks")).await?;

    // A visitor writes; the receiver gets the message, signed with the secret.
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "hello").await?;
    let is_hello = |d: &switchboard_tests::webhook_receiver::Delivery| {
        d.accepted && d.event["type"] == "message.created" && d.event["data"]["message"]["text"] == "hello"
    };
    let got = receiver.until(DELIVERED_WITHIN, |got| got.iter().any(is_hello)).await?;
    assert_eq!(receiver.bad_signatures(), 0, "signed with the secret shown on the page");
    let delivery = got.iter().find(|d| is_hello(d)).map(|d| d.id.clone()).unwrap_or_default();
    ensure!(delivery.starts_with("dlv_"), "{delivery}");

    // The admin opens its log: the delivery is there, delivered (the edge may record it a
    // moment after the receiver answered, so "Refresh" is pressed until it shows).
    admin.click("li.sb-webhook button.sb-webhook-deliveries").await?;
    let expanded =
        admin.find("li.sb-webhook button.sb-webhook-deliveries").await?.attr("aria-expanded").await?;
    assert_eq!(expanded.as_deref(), Some("true"));
    let row = format!(
        "const row = document.querySelector('tr.sb-webhook-delivery[data-id={delivery:?}][data-state=delivered]');
         if (row) return Array.from(row.cells).map(c => c.textContent.trim());
         const refresh = document.querySelector('button.sb-webhook-log-refresh');
         if (refresh && !refresh.disabled && Date.now() - (window.__refreshed || 0) > 500) {{
           window.__refreshed = Date.now();
           refresh.click();
         }}
         return false;"
    );
    let cells: Vec<String> =
        serde_json::from_value(admin.wait_for_js("the delivery, delivered", &row).await?)?;
    ensure!(cells.len() == 8, "{cells:?}");
    ensure!(cells[1] == "message.created" && cells[2] == "delivered", "{cells:?}");
    ensure!(
        cells[3].parse::<u32>().is_ok_and(|n| n >= 1) && cells[4] == "200" && cells[5].ends_with(" ms"),
        "{cells:?}"
    );
    assert_accessible(&admin, "a webhook's delivery log", Some(".sb-webhook-log")).await?;

    // "Redeliver" sends the same delivery id again.
    let redeliver = format!("tr.sb-webhook-delivery[data-id={delivery:?}] button.sb-webhook-redeliver");
    admin.click(&redeliver).await?;
    receiver
        .until(DELIVERED_WITHIN, |got| got.iter().filter(|d| d.accepted && d.id == delivery).count() == 2)
        .await?;
    assert_eq!(receiver.bad_signatures(), 0);

    // Turned off, the page says so, and so does the API.
    let toggle = admin.find("li.sb-webhook button.sb-webhook-toggle").await?;
    assert_eq!(toggle.text().await?, "Turn off");
    toggle.click().await?;
    let off = admin
        .wait_for_js(
            "the webhook shown off",
            "const li = document.querySelector('li.sb-webhook[data-enabled=false]');
             return li && [li.querySelector('.sb-webhook-state')?.textContent,
                           li.querySelector('button.sb-webhook-toggle')?.textContent];",
        )
        .await?;
    assert_eq!(off, json!(["off", "Turn on"]));
    let api = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let list: ListResponse = api.call(&edge, Method::GET, "/api/v1/webhooks", None::<&()>).await?.json()?;
    ensure!(list.webhooks.len() == 1 && !list.webhooks[0].enabled, "{list:?}");

    admin.close().await?;
    Ok(())
}
