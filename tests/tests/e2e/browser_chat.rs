//! The whole spine in real browsers: a visitor on the demo site (another origin than the
//! edge) opens the widget and writes; an agent signed in to the console (a second browser)
//! sees it and answers; the visitor sees the answer, reloads, and still sees both.
//! Also makes the README's screenshots.

use anyhow::Result;
use switchboard_demo_site::BoundSite;
use switchboard_tests::browser::{
    open_widget, save_screenshot, send_from_widget, sign_in_to_console, wait_for_message, Browser,
};
use switchboard_tests::test_edge::TestEdge;

const VISITOR_TEXT: &str = "Hi! Do you ship to Norway?";
const AGENT_TEXT: &str = "We do — 3 to 5 days, free over 50 €.";

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_and_an_agent_chat_across_origins_and_the_chat_survives_a_reload() -> Result<()> {
    // The page is on `localhost`, the edge on `127.0.0.1`: different sites, as in production.
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start(&[&page_origin])?;
    let _site = site.serve(&edge.origin());

    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page_origin}/")).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, VISITOR_TEXT).await?;
    wait_for_message(&visitor, 1, VISITOR_TEXT).await?;

    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.find("li.sb-inbox-item button.sb-inbox-open").await?.click().await?;
    wait_for_message(&agent, 1, VISITOR_TEXT).await?;
    agent.find("textarea[name=reply]").await?.send_keys(AGENT_TEXT).await?;
    agent.find("form.sb-reply button.sb-send").await?.click().await?;
    wait_for_message(&agent, 2, AGENT_TEXT).await?;

    let shown = wait_for_message(&visitor, 2, AGENT_TEXT).await?;
    assert_eq!(shown.iter().map(|(_, role, _)| role.as_str()).collect::<Vec<_>>(), ["visitor", "agent"]);

    save_screenshot(&agent, "console.png").await?;
    visitor.client().enter_parent_frame().await?;
    save_screenshot(&visitor, "widget.png").await?;

    // Reload: the conversation comes back from the edge, once, in order.
    visitor.client().refresh().await?;
    open_widget(&visitor).await?;
    wait_for_message(&visitor, 1, VISITOR_TEXT).await?;
    let shown = wait_for_message(&visitor, 2, AGENT_TEXT).await?;
    assert_eq!(shown.len(), 2, "{shown:?}");

    visitor.close().await?;
    agent.close().await?;
    Ok(())
}
