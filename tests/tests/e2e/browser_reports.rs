//! The Reports screen in Chromium, from conversations with known timings: two visitors write,
//! the admin answers one and resolves both; the screen's cards show two opened, two resolved,
//! the first response the log says, the admin in the team's table; the chart draws the day;
//! the CSV it links to has the same counts; a custom range of dates shows them too, and days
//! still to come show none.

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::{Author, Message};
use switchboard_tests::api::{visitors_who_wrote, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

/// The console's words for a duration under a minute, and from a minute on.
fn in_words(ms: i64) -> String {
    let s = ms / 1000;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reports_screen_shows_the_figures_the_logs_say() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let reply = admin
        .call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "flow": { "start": "queue" } })))
        .await?;
    ensure!(reply.status == 200, "{}", reply.body);

    let written = visitors_who_wrote(&edge, SHOP, 2, "Can I change my address?").await?;
    let ids: Vec<String> = written.iter().map(|(id, _)| id.to_string()).collect();
    let base = format!("/api/v1/conversations/{}", ids[0]);
    let answer = json!({ "text": "Yes, until it ships." });
    let posted = admin.call(&edge, Method::POST, &format!("{base}/messages"), Some(&answer)).await?;
    ensure!(posted.status == 201, "{}", posted.body);
    for id in &ids {
        admin.resolve(&edge, id).await?;
    }
    let log = admin.call(&edge, Method::GET, &format!("{base}/messages"), None::<&()>).await?;
    let log: Vec<Message> = serde_json::from_value(log.body["messages"].clone())?;
    let asked = log
        .iter()
        .find(|m| matches!(m.author, Author::Visitor { .. }))
        .map(|m| m.sent_at)
        .unwrap_or_default();
    let answered =
        log.iter().find(|m| m.text == "Yes, until it ships.").map(|m| m.sent_at).unwrap_or_default();

    // The admin opens Reports (the last 7 days by default).
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.click("button.sb-screen--reports").await?;
    let value = |figure: &str| {
        format!(
            "document.querySelector(\".sb-report-card[data-figure={figure}] .sb-report-value\")?.textContent"
        )
    };
    let expected = in_words(answered - asked);
    let shown = agent
        .wait_for_js_within(
            "the figures the logs say",
            std::time::Duration::from_secs(30),
            &format!(
                "if ({} !== '2' || {} !== '2') {{ document.querySelector('select.sb-report-period').dispatchEvent(new Event('change', {{bubbles: true}})); return false; }}
                 return {};",
                value("opened"),
                value("resolved"),
                value("first_response"),
            ),
        )
        .await?;
    ensure!(shown == json!(expected), "first response shown {shown}, the log says {expected}");
    agent
        .wait_for_js(
            "the day's bars and the admin's row",
            "return document.querySelectorAll('svg.sb-report-chart rect.sb-report-bar').length >= 2
                 && document.querySelector('table.sb-report-agents tbody tr th')?.textContent.length > 0;",
        )
        .await?;
    assert_accessible(&agent, "the reports screen", Some(".sb-reports")).await?;

    // The CSV the screen links to, fetched as the browser would download it.
    let csv = agent
        .wait_for_js(
            "the CSV",
            "const a = document.querySelector('a.sb-report-csv');
             if (!a) return false;
             if (!window.__csv) { window.__csv = 'pending'; fetch(a.href).then(r => r.text()).then(t => window.__csv = t); }
             return window.__csv !== 'pending' && window.__csv;",
        )
        .await?;
    let csv = csv.as_str().unwrap_or_default();
    ensure!(csv.contains("opened,2\r\n") && csv.contains("resolved,2\r\n"), "{csv}");

    // A custom range: the last 7 days at first (the same figures); days still to come, none.
    agent.choose("select.sb-report-period", "Custom range").await?;
    let opened_is = |n: &str| {
        format!("return !!document.querySelector('input.sb-report-to') && {} === '{n}';", value("opened"))
    };
    agent.wait_for_js("the custom range's figures", &opened_is("2")).await?;
    agent
        .client()
        .execute(
            "const day = new Date(Date.now() + 2 * 86400000).toLocaleDateString('sv-SE');
             for (const field of ['input.sb-report-to', 'input.sb-report-from']) {
                 const input = document.querySelector(field);
                 input.value = day;
                 input.dispatchEvent(new Event('change', { bubbles: true }));
             }",
            vec![],
        )
        .await?;
    agent.wait_for_js("nothing in days to come", &opened_is("0")).await?;
    agent.close().await
}
