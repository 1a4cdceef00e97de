//! The privacy and message filters in Settings, in a real browser: the admin sees card
//! numbers and IBANs hidden by default, ticks "Hide email addresses" and asks for two masked
//! words, one of them "two words" — the form says that word cannot be masked and nothing
//! changes; with "darn" alone it saves, the site's steps read over REST are exactly those,
//! and a visitor's next message is stored with its email address and that word hidden.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_protocol::Seq;
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

/// What the fieldset shows: its legend, each step's box, the masked words.
const SHOWN: &str = "
    const f = document.querySelector('fieldset.sb-interceptors'); if (!f) return null;
    const ticked = name => f.querySelector(`input[name=${name}]`).checked;
    return { legend: f.querySelector('legend').textContent, cards: ticked('redact_cards'),
             ibans: ticked('redact_ibans'), emails: ticked('redact_emails'), phones: ticked('redact_phones'),
             trim: ticked('trim'), words: f.querySelector('textarea[name=mask_words]').value };";

/// The site's steps, as the API answers them.
async fn site_steps(edge: &TestEdge, admin: &Session) -> Result<Value> {
    let site = admin.call(edge, Method::GET, "/api/v1/site", None::<&()>).await?;
    anyhow::ensure!(site.status == 200, "{}", site.body);
    Ok(site.body["interceptors"].clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_hides_emails_and_masks_a_word_from_settings() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // The defaults: card numbers and IBANs hidden, nothing else.
    let browser = Browser::start().await?;
    sign_in_to_console(&browser, &edge).await?;
    browser.click("button.sb-screen--settings").await?;
    let shown = browser.wait_for_js("the privacy and message filters", SHOWN).await?;
    assert_eq!(
        shown,
        json!({ "legend": "Privacy and message filters", "cards": true, "ibans": true, "emails": false,
                "phones": false, "trim": false, "words": "" })
    );
    assert_accessible(&browser, "the privacy and message filters", Some("fieldset.sb-interceptors")).await?;

    // A word with a space in it: refused in the form, by name, and nothing saved.
    browser.click("input[name=redact_emails]").await?;
    browser.find("textarea[name=mask_words]").await?.send_keys("darn, two words").await?;
    browser.click("button.sb-site-submit").await?;
    let error = browser.find(".sb-site-form .sb-error").await?.text().await?;
    assert!(error.contains("two words") && error.contains("a word is 1 to 40 letters or digits"), "{error}");
    assert_eq!(
        site_steps(&edge, &admin).await?,
        json!([{ "step": "redact_cards" }, { "step": "redact_ibans" }])
    );

    // "darn" alone saves, and the site's steps are the form's, in its order.
    let words = browser.find("textarea[name=mask_words]").await?;
    words.clear().await?;
    words.send_keys("darn").await?;
    browser.click("button.sb-site-submit").await?;
    browser.find(".sb-site-form .sb-settings-done").await?;
    let expected = json!([
        { "step": "redact_cards" },
        { "step": "redact_ibans" },
        { "step": "redact_emails" },
        { "step": "mask_words", "words": ["darn"] },
    ]);
    assert_eq!(site_steps(&edge, &admin).await?, expected);
    let shown = browser.wait_for_js("the saved filters", SHOWN).await?;
    assert_eq!((&shown["emails"], &shown["words"]), (&json!(true), &json!("darn")), "{shown}");

    // A conversation's settings are read afresh within seconds: once a note of the team's is
    // stored hidden, the visitor's next message is too.
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "hello").await?;
    let messages_path = format!("/api/v1/conversations/{}/messages", session.conversation_id);
    wait::until("the new filters in use", Duration::from_secs(15), || async {
        let note = json!({ "text": "mail ada@example.com", "internal": true });
        let reply = admin.call(&edge, Method::POST, &messages_path, Some(&note)).await.ok()?;
        (reply.body["message"]["text"] == "mail [email]").then_some(())
    })
    .await?;
    let seq = visitor.post("v-2", "Darn, write to me at ada@example.com").await?;
    let log = admin.call(&edge, Method::GET, &messages_path, None::<&()>).await?;
    let stored = log.body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|message| message["seq"] == json!(seq))
        .map(|message| message["text"].clone());
    assert_eq!(stored, Some(json!("****, write to me at [email]")), "{}", log.body);

    browser.close().await?;
    Ok(())
}
