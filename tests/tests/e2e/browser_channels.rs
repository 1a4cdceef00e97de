//! Channels set up and followed from the console, in a real browser: the admin adds an SMS
//! number run by the site's flow and a WhatsApp number whose conversations go straight to the
//! support queue, with one template, in Settings → Channels, and switches on language
//! detection in the message filters; the site's settings read over REST are exactly those. A
//! customer then texts the number in German (through a local fake Twilio): the rule bot
//! answers by SMS; they ask for a person and the agent accepts the offer in the console, whose
//! inbox row says SMS and DE; the agent's reply arrives as an SMS, and Twilio's `delivered`
//! report shows as "Delivered" under it. The same customer had chatted on the site signed in,
//! their number signed into their identity token: the Contacts screen shows one contact with
//! both conversations, marked Chat and SMS.
//!
//! Selectors: `button[data-channel-add]`, `[data-channel-editor]` inputs by name (`channel`,
//! `address`, `handler_start`, `handler_queue`, `template_name`, `template_text`),
//! `button[data-channel-template-add]`, `button[data-channels-save]`,
//! `[data-channels-status]`; `input[name=detect_language]`, `input[name=languages]`;
//! `.sb-language[data-language]`; `li[data-provider-delivery] .sb-provider-receipt`.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_demo_site::identity_token;
use switchboard_protocol::contact::Identity;
use switchboard_protocol::{ClientFrame, Seq};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, Browser};
use switchboard_tests::fake_twilio::{self, message_sid, FakeTwilio};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, ADMIN_EMAIL, ADMIN_PASSWORD, IDENTITY_SECRET, SITE};

const SHOP: &str = "https://shop.example";
const SMS_NUMBER: &str = "+15550100";
const CUSTOMER: &str = "+447700900123";
const GERMAN: &str = "Hallo, wo ist mein Paket? Ich warte seit einer Woche";

async fn site(edge: &TestEdge, admin: &Session) -> Result<Value> {
    let site = admin.call(edge, Method::GET, "/api/v1/site", None::<&()>).await?;
    ensure!(site.status == 200, "{}", site.body);
    Ok(site.body)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_sets_up_channels_and_follows_an_sms_customer_in_the_console() -> Result<()> {
    let twilio = FakeTwilio::start().await?;
    let vars = twilio.vars();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let flow = json!({ "bot": { "name": "Sam", "greeting": "Sam here! What can I do for you?",
        "menu": ["Shipping", "Talk to a person"],
        "intents": [{ "name": "Shipping", "phrases": ["delivery"], "answer": "We ship within 2 days." }] } });
    let flow = flow.to_string();
    let mut vars = vars;
    vars.push(("BOOTSTRAP_FLOW", &flow));
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    let browser = Browser::start().await?;
    sign_in_to_console(&browser, &edge).await?;
    browser.click("button.sb-screen--settings").await?;

    // An SMS number run by the site's flow (the default).
    browser.click("button[data-channel-add]").await?;
    browser.type_into("[data-channel-editor] input[name=address]", SMS_NUMBER).await?;
    // A WhatsApp number straight to the support queue, with one template.
    browser.click("button[data-channel-add]").await?;
    browser.choose("[data-channel-editor] select[name=channel]", "WhatsApp").await?;
    browser.type_into("[data-channel-editor] input[name=address]", "+15550101").await?;
    browser.click("[data-channel-editor] input[name=handler_start][value=queue]").await?;
    browser.choose("[data-channel-editor] select[name=handler_queue]", "support").await?;
    browser.click("button[data-channel-template-add]").await?;
    browser.type_into("[data-channel-template='0'] input[name=template_name]", "order_update").await?;
    browser
        .type_into("[data-channel-template='0'] textarea[name=template_text]", "Hi {{1}}, it shipped.")
        .await?;
    assert_accessible(&browser, "the channels form", Some("form[data-channels]")).await?;
    browser.click("button[data-channels-save]").await?;
    browser.find("[data-channels-status]").await?;
    let channels = site(&edge, &admin).await?["channels"].clone();
    ensure!(
        channels
            == json!([
                { "channel": "sms", "address": SMS_NUMBER,
                  "handler": { "start": "flow", "reopen_within_minutes": 60 } },
                { "channel": "whatsapp", "address": "+15550101",
                  "handler": { "start": "queue", "queue": "support", "reopen_within_minutes": 60 },
                  "templates": [{ "name": "order_update", "text": "Hi {{1}}, it shipped." }] },
            ]),
        "saved: {channels}"
    );

    // Language detection among German and English, from the message filters.
    browser.click("input[name=detect_language]").await?;
    browser.type_into("input[name=languages]", "de, en").await?;
    browser.click("button.sb-site-submit").await?;
    browser.find(".sb-site-form .sb-settings-done").await?;
    let steps = site(&edge, &admin).await?["interceptors"].clone();
    ensure!(
        steps.as_array().is_some_and(
            |steps| steps.contains(&json!({ "step": "detect_language", "languages": ["de", "en"] }))
        ),
        "steps: {steps}"
    );

    // The customer first chats on the site, signed in, their number signed by the site.
    let claims = json!({ "sub": "customer-77", "name": "Greta", "attributes": { "phone": CUSTOMER },
                         "exp": now_ms() / 1_000 + 600 });
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut chat = Live::visitor(&edge, &session).await?;
    chat.hello(Seq(0)).await?;
    let token = identity_token(IDENTITY_SECRET, &claims);
    chat.send(&ClientFrame::Identify { identity: Identity { token: Some(token), ..Identity::default() } })
        .await?;
    chat.post("c-1", "Hallo, ich schreibe gleich per SMS").await?;

    // A German text to the SMS number: the bot answers it by SMS.
    browser.click("button.sb-screen--inbox").await?;
    let hook = edge.url(&format!("/api/v1/channels/twilio/{SITE}/messages"));
    let fields = fake_twilio::inbound(&message_sid(1), CUSTOMER, SMS_NUMBER, GERMAN);
    let (status, body) = fake_twilio::post_signed(&hook, &fields).await?;
    ensure!(status == 200, "inbound: {status} {body}");
    let answered =
        |text: &'static str| move |sent: &[fake_twilio::Sent]| sent.iter().any(|s| s.body.contains(text));
    twilio.until(Duration::from_secs(10), answered("Shipping / Talk to a person")).await?;
    // They ask for a person: the agent accepts the offer.
    let fields = fake_twilio::inbound(&message_sid(2), CUSTOMER, SMS_NUMBER, "Talk to a person");
    ensure!(fake_twilio::post_signed(&hook, &fields).await?.0 == 200);
    twilio.until(Duration::from_secs(10), answered("find someone")).await?;
    browser
        .wait_for_js(
            "the offer",
            "const b = document.querySelector('.sb-offer button.sb-accept'); if (b) { b.click(); return true; } return false;",
        )
        .await?;
    let tags = browser
        .wait_for_js(
            "the row's channel and language",
            "const row = Array.from(document.querySelectorAll('li.sb-inbox-item')).find(r => r.querySelector('.sb-channel'));
             if (!row) return null;
             const lang = row.querySelector('.sb-language'); if (!lang) return null;
             return [row.querySelector('.sb-channel')?.textContent.trim(), lang.dataset.language, lang.textContent.trim()];",
        )
        .await?;
    ensure!(tags == json!(["SMS", "de", "DE"]), "tags: {tags}");

    // The agent answers from the console: it arrives as an SMS; Twilio reports it delivered.
    let shown = format!(
        "return Array.from(document.querySelectorAll('li.sb-message[data-role=visitor][data-channel=SMS]'))
            .some(li => li.textContent.includes({GERMAN:?}) && li.querySelector('.sb-message-channel')?.textContent === 'via SMS');"
    );
    browser.wait_for_js("the customer's text in the timeline", &shown).await?;
    browser.type_into("textarea[name=reply]", "Es ist unterwegs!").await?;
    browser.click("form.sb-reply button.sb-send").await?;
    let sent = twilio
        .until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.body == "Es ist unterwegs!"))
        .await?;
    let out = sent.iter().find(|s| s.body == "Es ist unterwegs!").cloned().unwrap_or_else(|| unreachable!());
    ensure!((out.to.as_str(), out.from.as_str()) == (CUSTOMER, SMS_NUMBER), "{out:?}");
    let callback = out.status_callback.clone().unwrap_or_default();
    let report = fake_twilio::status(&out.sid, "delivered", SMS_NUMBER, CUSTOMER, None);
    let (status, body) = fake_twilio::post_signed(&callback, &report).await?;
    ensure!(status == 200, "status: {status} {body}");
    let tick = browser
        .wait_for_js(
            "the reply ticked delivered",
            "const li = document.querySelector('li.sb-message[data-provider-delivery=delivered]');
             return li ? [li.textContent.includes('Es ist unterwegs!'), li.querySelector('.sb-provider-receipt')?.textContent.trim()] : null;",
        )
        .await?;
    ensure!(tick == json!([true, "Delivered"]), "tick: {tick}");

    // One contact, with the chat and the text, each marked with its channel.
    browser.click("button.sb-screen--contacts").await?;
    browser.click("button.sb-contacts-item").await?;
    let channels = browser
        .wait_for_js(
            "the contact's two conversations",
            "const tags = Array.from(document.querySelectorAll('.sb-contact-conversations .sb-channel'));
             return tags.length === 2 ? tags.map(t => t.dataset.channel).sort() : null;",
        )
        .await?;
    ensure!(channels == json!(["Chat", "SMS"]), "channels: {channels}");
    let contacts = admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await?;
    let listed = contacts.body["contacts"].as_array().map_or(0, Vec::len);
    ensure!(listed == 1, "one person, one contact: {}", contacts.body);

    browser.close().await?;
    Ok(())
}
