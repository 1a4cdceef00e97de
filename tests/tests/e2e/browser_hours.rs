//! A holiday and a launcher hidden while offline, as a visitor meets them in Chromium on the
//! demo site: the admin marks today and tomorrow closed (the site is otherwise open round
//! the clock) and hides the launcher while offline; a new visitor sees no launcher, the
//! page's own `Switchboard('open')` still opens a panel that says when the team is back
//! (the day after tomorrow); with an agent's console open all along, only the holiday makes
//! the team offline, and once it is taken out the next page load shows the launcher again.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_demo_site::BoundSite;
use switchboard_protocol::api::site_presence;
use switchboard_tests::api::{call, Live, Session};
use switchboard_tests::browser::{open_widget, presence_line, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const DAY_MS: i64 = 86_400_000;

/// The launcher's state once the site's look arrived (the loader hides everything before):
/// `"hidden"`, `"shown"`, or nothing yet.
const LAUNCHER_STATE: &str = "
    const root = document.getElementById('switchboard-widget')?.shadowRoot;
    const sheet = root && root.adoptedStyleSheets[0];
    if (!sheet || !Array.from(sheet.cssRules).some(rule => rule.cssText.includes('.panel'))) return null;
    return getComputedStyle(root.querySelector('button[part=launcher]')).display == 'none' ? 'hidden' : 'shown';";

fn date(day: i64) -> String {
    chrono::DateTime::from_timestamp_millis(day * DAY_MS).expect("a date").format("%Y-%m-%d").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_holiday_closes_the_widgets_hours_and_hides_the_launcher_until_the_team_is_back() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page = format!("http://localhost:{}/", site.port());
    let edge = TestEdge::start(&[page.trim_end_matches('/')])?;
    let _site = site.serve(&edge.origin());
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    // An agent is there all along: only the holiday makes the team offline.
    let _console = Live::inbox(&edge, &admin.cookie).await?;

    // Today and tomorrow (UTC) are holidays: a run that passes midnight still sees one.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    let today = now / DAY_MS;
    let all_day = json!(["00:00-24:00"]);
    let week = |exceptions: Value| {
        json!({ "time_zone": "UTC", "mon": all_day, "tue": all_day, "wed": all_day, "thu": all_day,
                "fri": all_day, "sat": all_day, "sun": all_day, "exceptions": exceptions })
    };
    let holidays = json!([{ "date": date(today), "name": "Founders' Day" }, { "date": date(today + 1) }]);
    let settings =
        json!({ "appearance": { "hide_when_offline": true }, "flow": { "hours": week(holidays) } });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&settings)).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let presence = || async {
        let reply = call(Method::GET, &edge.url("/api/v1/sites/demo/presence"), None, None, None::<&()>)
            .await
            .ok()?;
        reply.json::<site_presence::Response>().ok()
    };
    let closed = wait::until("the holiday", Duration::from_secs(15), || async {
        presence().await.filter(|p| !p.open)
    })
    .await?;
    assert_eq!(closed.opens_at, Some((today + 2) * DAY_MS), "back when the holidays end");

    // A new visitor: no launcher.
    let visitor = Browser::start().await?;
    visitor.client().goto(&page).await?;
    let state = visitor.wait_for_js("the launcher's look", LAUNCHER_STATE).await?;
    assert_eq!(state, "hidden");
    // The page may still open the chat itself; the panel says when the team is back.
    visitor.client().execute("Switchboard('open');", vec![]).await?;
    open_widget(&visitor).await?;
    let away = presence_line(&visitor).await?;
    assert!(away.starts_with("Away — back "), "{away}");
    visitor.client().enter_parent_frame().await?;

    // The holiday is called off: the launcher is back on the next page load (the edge may
    // keep presence for a few seconds).
    let reply = admin
        .call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "flow": { "hours": week(json!([])) } })))
        .await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    wait::until("the launcher after a page load", Duration::from_secs(20), || async {
        visitor.client().goto(&page).await.ok()?;
        let state = visitor.wait_for_js("the launcher's look", LAUNCHER_STATE).await.ok()?;
        (state == "shown").then_some(())
    })
    .await?;
    visitor.close().await?;
    Ok(())
}
