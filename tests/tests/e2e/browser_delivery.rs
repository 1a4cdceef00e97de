//! Delivery as a visitor lives it, in real browsers: the network drops while the visitor
//! writes, comes back, and the page is reloaded — every message arrives once, in order, on
//! both sides. Read receipts and typing indicators show on both sides.

use anyhow::Result;
use switchboard_demo_site::{BoundSite, DemoSite};
use switchboard_tests::browser::{
    open_widget, send_from_widget, shown_messages, sign_in_to_console, type_into_widget, wait_for_message,
    Browser, UI_TIMEOUT,
};
use switchboard_tests::network::Cable;
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::wait;

#[tokio::test(flavor = "multi_thread")]
async fn messages_written_offline_arrive_once_in_order_with_receipts_and_typing() -> Result<()> {
    let (edge, cable, _site, visitor) = visitor_behind_a_cable().await?;
    send_from_widget(&visitor, "First, while online").await?;
    wait_for_message(&visitor, 1, "First, while online").await?;

    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.find("li.sb-inbox-item button.sb-inbox-open").await?.click().await?;
    wait_for_message(&agent, 1, "First, while online").await?;

    // The agent has the conversation open: the visitor's message shows as read.
    visitor
        .wait_for_js(
            "the visitor's message marked read",
            "return document.querySelector('li.sb-message[data-seq=\"1\"][data-delivery=\"read\"]');",
        )
        .await?;

    // Offline: two messages wait as "sending", and the widget says it is offline.
    cable.set_online(false);
    visitor
        .wait_for_js(
            "the offline notice",
            "const s = document.querySelector('.sb-status'); return s && /offline/i.test(s.textContent);",
        )
        .await?;
    send_from_widget(&visitor, "Second, written offline").await?;
    send_from_widget(&visitor, "Third, written offline").await?;
    visitor
        .wait_for_js(
            "two pending messages",
            "return document.querySelectorAll('li.sb-message--pending').length === 2;",
        )
        .await?;

    // Back online: they go out by themselves; then the page is reloaded.
    cable.set_online(true);
    wait_for_message(&visitor, 3, "Third, written offline").await?;
    visitor.client().refresh().await?;
    open_widget(&visitor).await?;
    wait_for_message(&visitor, 3, "Third, written offline").await?;

    let expected = ["First, while online", "Second, written offline", "Third, written offline"];
    for browser in [&visitor, &agent] {
        let shown = wait_for_message(browser, 3, "Third, written offline").await?;
        let texts: Vec<(u64, &str)> = shown.iter().map(|(seq, _, text)| (*seq, text.as_str())).collect();
        assert_eq!(texts.len(), 3, "shown once each: {shown:?}");
        assert!(texts.windows(2).all(|pair| pair[0].0 < pair[1].0), "in seq order: {texts:?}");
        for ((_, text), want) in texts.iter().zip(expected) {
            assert!(text.contains(want), "{text:?} should contain {want:?}");
        }
    }
    assert!(wait::until("no pending message after the reload", UI_TIMEOUT, || async {
        let pending = visitor
            .client()
            .execute("return document.querySelectorAll('li.sb-message--pending').length", vec![])
            .await
            .ok()?;
        (pending == 0).then_some(())
    })
    .await
    .is_ok());

    // Typing shows on the other side, both ways.
    agent.find("textarea[name=reply]").await?.send_keys("Let me che").await?;
    visitor
        .wait_for_js(
            "the agent typing indicator",
            "const t = document.querySelector('.sb-typing'); return t && t.textContent.length > 0;",
        )
        .await?;
    type_into_widget(&visitor, "One more thi").await?;
    agent
        .wait_for_js(
            "the visitor typing indicator",
            "const t = document.querySelector('.sb-typing'); return t && t.textContent.length > 0;",
        )
        .await?;

    // The agent answers; the visitor has the panel open, so the answer shows as read.
    agent.find("form.sb-reply button.sb-send").await?.click().await?;
    wait_for_message(&visitor, 4, "Let me che").await?;
    agent
        .wait_for_js(
            "the agent's reply marked read",
            "const agent = document.querySelectorAll('li.sb-message[data-role=\"agent\"]');
             return agent.length > 0 && agent[agent.length - 1].dataset.delivery === 'read';",
        )
        .await?;
    assert_eq!(shown_messages(&agent).await?.len(), 4);

    visitor.close().await?;
    agent.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_socket_that_died_silently_is_noticed_and_its_message_still_arrives() -> Result<()> {
    let (_edge, cable, _site, visitor) = visitor_behind_a_cable().await?;
    send_from_widget(&visitor, "Before the laptop slept").await?;
    wait_for_message(&visitor, 1, "Before the laptop slept").await?;

    // The socket goes silent without closing; the next message vanishes into it.
    cable.black_hole_open_connections();
    send_from_widget(&visitor, "Written into a dead socket").await?;
    // The tab wakes up (the browser reports the network): the widget pings, hears nothing,
    // gives the socket up, reconnects and resends.
    visitor.client().execute("window.dispatchEvent(new Event('online'))", vec![]).await?;
    wait_for_message(&visitor, 2, "Written into a dead socket").await?;
    visitor.close().await?;
    Ok(())
}

/// The demo site on `localhost` (another site than the edge), a visitor browsing it with the
/// widget open, reaching the edge through a [`Cable`] the test can cut (agents go direct).
async fn visitor_behind_a_cable() -> Result<(TestEdge, Cable, DemoSite, Browser)> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start(&[&page_origin])?;
    let cable = Cable::start(edge.port()).await?;
    let site = site.serve(&cable.origin());
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page_origin}/")).await?;
    open_widget(&visitor).await?;
    Ok((edge, cable, site, visitor))
}
