//! Proactive messages as a visitor meets them, in Chromium on the demo site: the admin has
//! one from an agent for product pages and one from the bot for the page's own
//! `added-to-cart` event, and makes a third for returning visitors in Settings. On the home page the product one never shows; clicking "Add to
//! cart" shows the bot's bubble, drawn by the loader and `/launcher.js` alone (no chat frame,
//! no wasm, nothing stored), and dismissing it remembers that. On the product page Anna's
//! bubble shows; the visitor clicks it, the panel opens on a conversation that starts with
//! her message, the visitor answers, and the team's log has her message first, then theirs.
//! Having opened the chat, the visitor is a returning one: after `shutdown` (their
//! conversation forgotten) the cart page greets them as such.

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_demo_site::BoundSite;
use switchboard_protocol::api::conversation_messages;
use switchboard_protocol::Author;
use switchboard_tests::api::{me, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{
    send_from_widget, sign_in_to_console, wait_for_message, widget_conversation, Browser,
};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const GREETING: &str = "Hi! What can I do for you?";
const ANNA: &str = "Looking at the Trail jacket? Ask me about sizes.";
const CART: &str = "Added to your cart! Questions about shipping?";
const WELCOME_BACK: &str = "Welcome back! Anything we can help with?";

/// The bubble's text once one shows (`null` before), read from the loader's shadow root.
const BUBBLE: &str = "
    const root = document.getElementById('switchboard-widget')?.shadowRoot;
    const bubble = root && root.querySelector('[part=bubble]');
    return bubble && bubble.innerText;";

/// Whether no bubble shows.
const NO_BUBBLE: &str = "
    const root = document.getElementById('switchboard-widget').shadowRoot;
    return !root.querySelector('[part=bubble]');";

/// What the page has loaded and stored of the chat so far: wasm files, a chat frame, and
/// the widget's keys in the page's storage.
const FOOTPRINT: &str = "
    const root = document.getElementById('switchboard-widget').shadowRoot;
    return {
        wasm: performance.getEntriesByType('resource').filter(e => e.name.includes('.wasm')).length,
        frame: !!root.querySelector('iframe'),
        stored: Object.keys(localStorage).filter(k => k.startsWith('switchboard:')).sort(),
    };";

async fn bubble_says(visitor: &Browser, text: &str) -> Result<()> {
    let shown = visitor.wait_for_js(&format!("the bubble saying {text:?}"), BUBBLE).await?;
    let shown = shown.as_str().unwrap_or_default();
    ensure!(shown.contains(text), "the bubble says {shown:?}, not {text:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_answers_a_proactive_message_on_the_demo_site() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let home = format!("http://localhost:{}/", site.port());
    let edge = TestEdge::start(&[home.trim_end_matches('/')])?;
    let _site = site.serve(&edge.origin());
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let anna = me(&edge, &admin.cookie).await?.id;
    // First in the list, due at once: if pages did not narrow it, it would show everywhere.
    let list = json!({ "appearance": { "greeting": GREETING }, "proactive_messages": [
        { "name": "jacket-sizes", "text": ANNA,
          "from": { "type": "agent", "agent_id": anna, "name": "Anna" },
          "trigger": { "url": "*/product.html*" } },
        { "name": "cart", "text": CART, "from": { "type": "bot" },
          "trigger": { "event": "added-to-cart" } },
    ] });
    let saved = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&list)).await?;
    ensure!(saved.status == 200, "{}", saved.body);
    // The third the admin makes in Settings, and reads back as a sentence.
    let console = Browser::start().await?;
    sign_in_to_console(&console, &edge).await?;
    console.click("button.sb-screen--settings").await?;
    console.type_into("form.sb-proactive-form input[name=name]", "welcome-back").await?;
    console.type_into("form.sb-proactive-form textarea[name=text]", WELCOME_BACK).await?;
    console.type_into("form.sb-proactive-form input[name=url]", "*/cart.html").await?;
    console.click("form.sb-proactive-form input[name=returning_visitor]").await?;
    console.click("button.sb-proactive-submit").await?;
    let sentence = console
        .wait_for_js(
            "the new message listed",
            "return document.querySelector('li[data-proactive=welcome-back] .sb-proactive-when')?.textContent;",
        )
        .await?;
    ensure!(sentence == "On pages matching */cart.html, to returning visitors.", "listed as {sentence}");
    assert_accessible(&console, "the proactive messages section", Some(".sb-proactive-settings")).await?;
    console.close().await?;

    // The home page: the page's own event shows the bot's bubble, and nothing else did.
    let visitor = Browser::start().await?;
    visitor.client().goto(&home).await?;
    visitor.click("#add-to-cart").await?;
    bubble_says(&visitor, CART).await?;
    let footprint = visitor.client().execute(FOOTPRINT, vec![]).await?;
    ensure!(footprint == json!({ "wasm": 0, "frame": false, "stored": [] }), "before answering: {footprint}");
    // Dismissed: gone, and remembered (the visitor acted).
    let root = visitor.find("#switchboard-widget").await?.shadow_root().await?;
    root.find(fantoccini::Locator::Css("[part=bubble] .dismiss")).await?.click().await?;
    visitor.wait_for_js("the bubble to go", NO_BUBBLE).await?;

    // The product page: Anna's bubble; answering it opens the chat on her message.
    visitor.client().goto(&format!("{home}product.html")).await?;
    bubble_says(&visitor, ANNA).await?;
    bubble_says(&visitor, "Anna").await?;
    let footprint = visitor.client().execute(FOOTPRINT, vec![]).await?;
    ensure!(footprint["wasm"] == 0 && footprint["frame"] == false, "before answering: {footprint}");
    // The visitor's pointer passes over the launcher first: its frame starts, hidden, and is
    // greeted (a greeting alone is no conversation: the bubble still answers into a new one).
    let root = visitor.find("#switchboard-widget").await?.shadow_root().await?;
    visitor
        .client()
        .execute(
            "document.getElementById('switchboard-widget').shadowRoot.querySelector('button[part=launcher]')
             .dispatchEvent(new PointerEvent('pointerenter'));",
            vec![],
        )
        .await?;
    let early = switchboard_tests::wait::until(
        "the frame the focus started",
        std::time::Duration::from_secs(20),
        || async { root.find(fantoccini::Locator::Css("iframe")).await.ok() },
    )
    .await?;
    early.enter_frame().await?;
    wait_for_message(&visitor, 1, GREETING).await?;
    visitor.client().enter_parent_frame().await?;
    root.find(fantoccini::Locator::Css("[part=bubble] .say")).await?.click().await?;
    let frame =
        switchboard_tests::wait::until("the chat frame", std::time::Duration::from_secs(20), || async {
            root.find(fantoccini::Locator::Css(".panel.open iframe")).await.ok()
        })
        .await?;
    frame.enter_frame().await?;
    let shown = wait_for_message(&visitor, 1, ANNA).await?;
    ensure!(shown.len() == 1 && shown[0].1 == "agent", "the conversation opens with: {shown:?}");
    send_from_widget(&visitor, "Do you have it in XL?").await?;
    wait_for_message(&visitor, 2, "Do you have it in XL?").await?;
    let id = widget_conversation(&visitor).await?;
    let path = format!("/api/v1/conversations/{id}/messages");
    let stored = switchboard_tests::wait::until(
        "both messages stored",
        std::time::Duration::from_secs(20),
        || async {
            let log = admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?;
            let log: conversation_messages::Response = serde_json::from_value(log.body).ok()?;
            (log.messages.len() >= 2).then_some(log.messages)
        },
    )
    .await?;
    ensure!(
        stored[0].text == ANNA
            && matches!(&stored[0].author, Author::Agent { id, name } if *id == anna && name == "Anna"),
        "first stored: {:?}",
        stored[0]
    );
    ensure!(
        stored[1].text == "Do you have it in XL?" && matches!(stored[1].author, Author::Visitor { .. }),
        "then: {:?}",
        stored[1]
    );

    // Having opened the chat they are a returning visitor; once the page forgot their
    // conversation (`shutdown`), the cart page welcomes them back.
    visitor.client().enter_parent_frame().await?;
    visitor.client().execute("Switchboard('shutdown');", vec![]).await?;
    visitor
        .wait_for_js("the conversation forgotten", "return !localStorage.getItem('switchboard:demo:active');")
        .await?;
    visitor.client().goto(&format!("{home}cart.html")).await?;
    bubble_says(&visitor, WELCOME_BACK).await?;
    visitor.close().await?;
    Ok(())
}
