//! Replies on their way to a customer's line survive workerd restarting: the team posts
//! replies while Twilio is down (through a local fake Twilio), workerd is restarted at once,
//! and once Twilio is back every reply reaches the customer by SMS exactly once, in the order
//! written — kept by the conversation until the line took it, then by the line until Twilio
//! took it, never only in memory.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversations_list::Response as List;
use switchboard_tests::api::Session;
use switchboard_tests::fake_twilio::{self, message_sid, Answer, FakeTwilio};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD, SITE};

const SHOP: &str = "https://shop.example";
const OUR_NUMBER: &str = "+15550100";
const CUSTOMER: &str = "+15551234567";

#[tokio::test(flavor = "multi_thread")]
async fn replies_on_their_way_to_a_customer_survive_a_restart_and_arrive_once_in_order() -> Result<()> {
    let twilio = FakeTwilio::start().await?;
    let vars = twilio.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.push(("CHANNEL_FIRST_RETRY_MS", "200"));
    let mut edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let number = json!({ "channels": [{ "channel": "sms", "address": OUR_NUMBER,
        "handler": { "start": "queue", "queue": "support" } }] });
    ensure!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&number)).await?.status == 200);
    let hook = edge.url(&format!("/api/v1/channels/twilio/{SITE}/messages"));
    let first = fake_twilio::inbound(&message_sid(1), CUSTOMER, OUR_NUMBER, "Is anyone there?");
    ensure!(fake_twilio::post_signed(&hook, &first).await?.0 == 200);
    let id = wait::until("the conversation", Duration::from_secs(10), || async {
        let reply = admin.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await.ok()?;
        reply.json::<List>().ok()?.conversations.into_iter().next().map(|c| c.id)
    })
    .await?;

    // Twilio is down; the team writes; workerd restarts right away.
    twilio.set_answer(Answer::Unavailable);
    let path = format!("/api/v1/conversations/{id}/messages");
    let replies: Vec<String> = (1..=5).map(|n| format!("Reply {n} of 5")).collect();
    for text in &replies {
        let posted = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": text }))).await?;
        ensure!(posted.status == 201, "{}", posted.body);
    }
    edge.restart()?;
    twilio.set_answer(Answer::Accept);

    let accepted = |sent: &[fake_twilio::Sent]| -> Vec<String> {
        sent.iter().filter(|s| s.accepted && s.to == CUSTOMER).map(|s| s.body.clone()).collect()
    };
    let sent = twilio.until(Duration::from_secs(30), |sent| accepted(sent).len() >= replies.len()).await?;
    ensure!(accepted(&sent) == replies, "each once, in order: {:?}", accepted(&sent));
    // And nothing more comes later (a retry of what Twilio took would show here).
    let settled = wait::until("nothing sent twice", Duration::from_secs(3), || async {
        let again = accepted(&twilio.sent());
        (again.len() > replies.len()).then_some(again)
    })
    .await;
    ensure!(settled.is_err(), "sent again: {settled:?}");
    Ok(())
}
