//! Reports over REST, from conversations with known timings: two visitors write, an agent
//! answers one and resolves both, one visitor rates; the report of the day has the counts,
//! the first response and resolution times the logs say (to the millisecond), the rating,
//! the agent's figures, narrowed by channel, queue and label, and the same in CSV; bad
//! parameters are refused naming them. Each agent's time online and away is what routing saw.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::reports::Figures;
use switchboard_protocol::routing::{ConversationEvent, ConversationState};
use switchboard_protocol::{ClientFrame, Message};
use switchboard_tests::api::{call_with, visitors_who_wrote, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

/// The conversation's log as agents see it.
async fn log(edge: &TestEdge, admin: &Session, id: &str) -> Result<Vec<Message>> {
    let reply = admin
        .call(edge, Method::GET, &format!("/api/v1/conversations/{id}/messages?limit=200"), None::<&()>)
        .await?;
    Ok(serde_json::from_value(reply.body["messages"].clone())?)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_days_report_has_the_times_the_logs_say() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let flow = json!({ "flow": { "start": "queue" } });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&flow)).await?;
    ensure!(reply.status == 200, "{}", reply.body);
    let start = chrono_now();

    // Two visitors write; the agent answers the first and resolves both; the first rates 4.
    let (ids, mut visitors): (Vec<String>, Vec<Live>) =
        visitors_who_wrote(&edge, SHOP, 2, "Where is my order?")
            .await?
            .into_iter()
            .map(|(id, v)| (id.to_string(), v))
            .unzip();
    let answered = &ids[0];
    let reply = json!({ "text": "It ships today." });
    let posted = admin
        .call(&edge, Method::POST, &format!("/api/v1/conversations/{answered}/messages"), Some(&reply))
        .await?;
    ensure!(posted.status == 201, "{}", posted.body);
    for id in &ids {
        admin.resolve(&edge, id).await?;
    }
    visitors[0]
        .until(|frame| match frame {
            switchboard_protocol::ServerFrame::Status { state: ConversationState::Resolved, .. } => Some(()),
            _ => None,
        })
        .await?;
    visitors[0].send(&ClientFrame::Rate { score: 4, comment: Some("quick".into()) }).await?;

    // What the logs say.
    let first = log(&edge, &admin, answered).await?;
    let asked = first
        .iter()
        .find(|m| matches!(m.author, switchboard_protocol::Author::Visitor { .. }))
        .unwrap()
        .sent_at;
    let answer = first.iter().find(|m| m.text == "It ships today.").unwrap().sent_at;
    let resolved_at = |log: &[Message]| {
        log.iter()
            .rev()
            .find(|m| {
                matches!(
                    m.event,
                    Some(ConversationEvent::StateChanged { state: ConversationState::Resolved })
                )
            })
            .map(|m| m.sent_at)
            .unwrap()
    };
    let second = log(&edge, &admin, &ids[1]).await?;
    let second_asked = second
        .iter()
        .find(|m| matches!(m.author, switchboard_protocol::Author::Visitor { .. }))
        .unwrap()
        .sent_at;
    let mut resolutions = [resolved_at(&first) - asked, resolved_at(&second) - second_asked];
    resolutions.sort();

    // The report of the period (the summaries reach the site within a moment).
    let path = format!("/api/v1/reports?from={}&to={}", start - 60_000, chrono_now() + 60_000);
    let figures: Figures =
        wait::until("the report counts both and the rating", Duration::from_secs(15), || async {
            let report: Figures =
                admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?.json().ok()?;
            (report.resolved == 2 && report.ratings.count == 1).then_some(report)
        })
        .await?;
    ensure!(figures.opened == 2 && figures.handed_over == 2, "{figures:?}");
    ensure!(figures.first_response.count == 1, "{figures:?}");
    ensure!(figures.first_response.median_ms == Some(answer - asked), "{figures:?} vs {}", answer - asked);
    ensure!(figures.resolution.median_ms == Some(resolutions[0]), "{figures:?} vs {resolutions:?}");
    ensure!(figures.resolution.p90_ms == Some(resolutions[1]), "{figures:?} vs {resolutions:?}");
    ensure!(
        figures.ratings.distribution == [0, 0, 0, 1, 0] && figures.ratings.average_hundredths == Some(400),
        "{figures:?}"
    );
    let said: Vec<(u8, &str)> =
        figures.ratings.comments.iter().map(|c| (c.score, c.comment.as_str())).collect();
    ensure!(said == [(4, "quick")], "the customer's words: {said:?}");
    let me = switchboard_tests::api::me(&edge, &admin.cookie).await?;
    let mine = figures.agents.get(&me.id).expect("the agent's figures");
    ensure!(mine.handled == 1 && mine.resolved == 1, "{figures:?}");
    ensure!(figures.days.values().map(|d| d.opened).sum::<u64>() == 2, "{figures:?}");
    // By hour of the day (UTC here): the hour the first visitor wrote in.
    let hour = ((asked.rem_euclid(86_400_000)) / 3_600_000) as usize;
    ensure!(figures.hours.iter().map(|h| h.opened).sum::<u64>() == 2, "{figures:?}");
    ensure!(figures.hours[hour].opened >= 1, "nothing opened at {hour}:00: {:?}", figures.hours);

    // Narrowed: by channel, queue and label.
    let labelled = admin
        .call(
            &edge,
            Method::PUT,
            &format!("/api/v1/conversations/{answered}/labels"),
            Some(&json!({ "labels": ["vip"] })),
        )
        .await?;
    ensure!(labelled.status == 200, "{}", labelled.body);
    for (narrowing, opened) in [("&channel=sms", 0), ("&channel=webchat&queue=support", 2), ("&label=VIP", 1)]
    {
        let report: Figures =
            admin.call(&edge, Method::GET, &format!("{path}{narrowing}"), None::<&()>).await?.json()?;
        ensure!(report.opened == opened, "{narrowing}: {report:?}");
    }
    let only_vip: Figures =
        admin.call(&edge, Method::GET, &format!("{path}&label=vip"), None::<&()>).await?.json()?;
    ensure!(only_vip.first_response.median_ms == Some(answer - asked), "{only_vip:?}");

    // The same as CSV, with a key.
    let key = admin.api_key(&edge, "bi", "agent").await?;
    let csv = reqwest::Client::new()
        .get(edge.url(&format!("{path}&format=csv")))
        .header("authorization", key.as_str())
        .send()
        .await?;
    ensure!(csv.headers()["content-type"].to_str()?.starts_with("text/csv"), "{:?}", csv.headers());
    let text = csv.text().await?;
    ensure!(text.contains("opened,2\r\n") && text.contains("csat_4,1\r\n"), "{text}");
    ensure!(text.contains("rating,resolved_at,comment\r\n4,") && text.contains(",quick\r\n"), "{text}");
    ensure!(
        text.contains(&format!(
            "first_response_median_s,{}.{}",
            (answer - asked) / 1000,
            ((answer - asked) % 1000) / 100
        )),
        "{text}"
    );

    // Bad periods are refused, naming the parameter.
    for (query, field) in [
        ("to=5", "from"),
        ("from=10&to=5", "to"),
        ("from=0&to=40000000000", "to"),
        ("from=0&to=5&offset_minutes=9999", "offset_minutes"),
        ("from=0&to=5&channel=pigeon", "channel"),
    ] {
        let refused = call_with(
            Method::GET,
            &edge.url(&format!("/api/v1/reports?{query}")),
            &[("authorization", key.as_str())],
            None::<&()>,
        )
        .await?;
        ensure!(
            refused.status == 400 && refused.body["error"]["field"] == field,
            "{query}: {}",
            refused.body
        );
    }
    Ok(())
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// An agent's time online and away, as routing saw their presence: the console connects
/// (online), the agent steps away, comes back; the report has both times, each no more than
/// the wall clock allows, and the CSV the same columns.
#[tokio::test(flavor = "multi_thread")]
async fn the_report_counts_each_agents_time_online_and_away() -> Result<()> {
    use switchboard_protocol::inbox::InboxCommand;
    use switchboard_protocol::routing::Presence;
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let me = switchboard_tests::api::me(&edge, &admin.cookie).await?.id;
    let start = chrono_now();
    let mut console = Live::inbox(&edge, &admin.cookie).await?;
    let path = format!("/api/v1/reports?from={}&to={}", start - 60_000, start + 3_600_000);
    let agent_times = |figures: &Figures| figures.agents.get(&me).map(|a| (a.online_ms, a.away_ms));
    // Online for a while (the report is asked until it has some), then away for a while.
    wait::until("time online", Duration::from_secs(20), || async {
        let reply = admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?;
        let (online, _) = agent_times(&reply.json().ok()?)?;
        (online >= 300).then_some(())
    })
    .await?;
    console.command(&InboxCommand::SetPresence { presence: Presence::Away }).await?;
    let (online, away) = wait::until("time away", Duration::from_secs(20), || async {
        let reply = admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?;
        let (online, away) = agent_times(&reply.json().ok()?)?;
        (away >= 300).then_some((online, away))
    })
    .await?;
    let elapsed = chrono_now() - start;
    ensure!(online + away <= elapsed, "{online} ms online and {away} away in {elapsed} ms");
    // Away no longer counts online: a second reading adds to away only.
    let reply = admin.call(&edge, Method::GET, &path, None::<&()>).await?;
    let (online_again, _) = agent_times(&reply.json()?).unwrap_or_default();
    ensure!(online_again == online, "online grew while away: {online} → {online_again}");
    let csv = reqwest::Client::new()
        .get(edge.url(&format!("{path}&format=csv")))
        .header("cookie", admin.cookie.as_str())
        .send()
        .await?
        .text()
        .await?;
    ensure!(csv.contains("agent,handled,resolved,first_response_median_s,online_s,away_s"), "{csv}");
    ensure!(csv.contains(&format!("{me},0,0,,")), "the agent's row: {csv}");
    Ok(())
}
