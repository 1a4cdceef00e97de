//! axe-core over what visitors and agents see, in headless Chromium: the widget closed, open,
//! with messages, a receipt and bot answers, on a 375×667 phone, in the light and dark
//! schemes and on a dark and a light site colour; the console's sign-in, inbox and
//! conversation screens in both schemes. Any serious or critical violation fails. Also: both
//! origins serve an icon for the browser's tab.

use anyhow::Result;
use serde_json::json;
use switchboard_demo_site::BoundSite;
use switchboard_tests::api::Session;
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{
    open_widget, send_from_widget, sign_in_to_console, wait_for_message, Browser,
};
use switchboard_tests::test_edge::TestEdge;

/// A bot with an answer and quick replies, so the panel shows bot messages and buttons.
fn bot_flow() -> String {
    json!({
        "bot": {
            "name": "Sam",
            "menu": ["Shipping", "Talk to a person"],
            "intents": [{"name": "Shipping", "phrases": ["delivery"], "answer": "We ship within 2 days.",
                         "quick_replies": ["Talk to a person"]}]
        },
        "queues": [{"id": "support"}]
    })
    .to_string()
}

const DARK: &[&str] = &["--force-dark-mode"];

/// Waits until an icon at `url` loads as an image in the current page.
async fn icon_loads(browser: &Browser, url: &str) -> Result<()> {
    let script = format!(
        "if (!window.__icon) {{ window.__icon = new Image(); window.__icon.src = {url:?}; }}
         return window.__icon.complete && window.__icon.naturalWidth > 0;"
    );
    browser.wait_for_js(&format!("{url} to load as an image"), &script).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_widget_passes_axe_closed_open_and_chatting_on_a_phone_in_both_schemes() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start_with(&[&page], &[("BOOTSTRAP_FLOW", &bot_flow())])?;
    let _site = site.serve(&edge.origin());
    let admin =
        Session::start(&edge, switchboard_tests::ADMIN_EMAIL, switchboard_tests::ADMIN_PASSWORD).await?;

    // The default colour (white text on it) in the light scheme, a light colour (black text
    // on it) in the dark one.
    for (switches, color, scheme) in [(&[][..], "#3d5afe", "light"), (DARK, "#ffd400", "dark")] {
        let look = json!({ "appearance": { "color": color } });
        let reply = admin.call(&edge, reqwest::Method::PATCH, "/api/v1/site", Some(&look)).await?;
        anyhow::ensure!(reply.status == 200, "recolouring: {} {}", reply.status, reply.body);

        let visitor = Browser::start_with(switches).await?;
        visitor.client().set_window_size(375, 667).await?;
        visitor.client().goto(&format!("{page}/")).await?;
        icon_loads(&visitor, "/favicon.ico").await?;
        visitor.find("#switchboard-widget").await?;
        visitor
            .wait_for_js(
                "the launcher",
                "const b = document.getElementById('switchboard-widget').shadowRoot
                   .querySelector('button[part=launcher]');
                 return !!b && getComputedStyle(b).display != 'none';",
            )
            .await?;
        assert_accessible(&visitor, &format!("the closed widget ({scheme})"), Some("#switchboard-widget"))
            .await?;

        open_widget(&visitor).await?;
        wait_for_message(&visitor, 1, "").await?;
        visitor.find("button.sb-quick-reply").await?;
        assert_accessible(&visitor, &format!("the open widget with the bot's greeting ({scheme})"), None)
            .await?;

        send_from_widget(&visitor, "Shipping").await?;
        wait_for_message(&visitor, 3, "We ship within 2 days.").await?;
        visitor.find(".sb-receipt").await?;
        assert_accessible(
            &visitor,
            &format!("the widget with messages, a receipt and a bot answer ({scheme})"),
            None,
        )
        .await?;
        visitor.close().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_consoles_sign_in_inbox_and_conversation_pass_axe_in_both_schemes() -> Result<()> {
    let edge = TestEdge::start(&["https://shop.example"])?;
    let session = switchboard_tests::api::create_session(&edge, "https://shop.example").await?;
    let mut visitor = switchboard_tests::api::Live::visitor(&edge, &session).await?;
    visitor.hello(switchboard_protocol::Seq(0)).await?;
    visitor.post("v1", "Hello! Where is my parcel?").await?;

    for (switches, scheme) in [(&[][..], "light"), (DARK, "dark")] {
        let agent = Browser::start_with(switches).await?;
        agent.client().goto(&edge.url("/console/")).await?;
        agent.find("form.sb-login").await?;
        icon_loads(&agent, "/favicon.ico").await?;
        assert_accessible(&agent, &format!("the console's sign-in ({scheme})"), None).await?;

        sign_in_to_console(&agent, &edge).await?;
        agent.find("li.sb-inbox-item").await?;
        assert_accessible(&agent, &format!("the console's inbox ({scheme})"), None).await?;

        agent.find("li.sb-inbox-item button.sb-inbox-open").await?.click().await?;
        wait_for_message(&agent, 1, "Where is my parcel?").await?;
        agent.find("textarea[name=reply]").await?;
        assert_accessible(&agent, &format!("the console's conversation ({scheme})"), None).await?;
        agent.close().await?;
    }
    Ok(())
}
