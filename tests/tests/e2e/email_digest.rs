//! The digest of what an agent missed, against a local Postmark: an agent holding a
//! conversation closes the console; the customer writes twice; a while later (shortened) one
//! email tells the agent, with the newest words and the console's address. An agent who
//! turned digests off gets none.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::Seq;
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::fake_postmark::FakePostmark;
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_away_from_the_console_gets_one_digest_unless_turned_off() -> Result<()> {
    let postmark = FakePostmark::start().await?;
    let vars = postmark.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.extend([("EMAIL_FROM", "hello@shop.example"), ("EMAIL_DIGEST_DELAY_MS", "1500")]);
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let setting = admin.call(&edge, Method::GET, "/api/v1/agent/email-digest", None::<&()>).await?;
    ensure!(setting.status == 200 && setting.body == json!({ "enabled": true }), "{}", setting.body);

    // The agent takes a customer's conversation, then closes the console.
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "I need a human").await?;
    let console = Live::inbox(&edge, &admin.cookie).await?;
    let take = format!("/api/v1/conversations/{}/take", session.conversation_id);
    let took = wait::until("routing sees the console", Duration::from_secs(10), || async {
        let reply = admin.call(&edge, Method::POST, &take, None::<&()>).await.ok()?;
        (reply.status != 404).then_some(reply)
    })
    .await?;
    ensure!(took.status == 204, "take: {}", took.body);
    drop(console);

    // The customer writes twice while the console is closed: one digest.
    visitor.post("v-2", "Are you still there? Order 7781").await?;
    visitor.post("v-3", "Hello??").await?;
    let sent =
        postmark.until(Duration::from_secs(20), |sent| sent.iter().any(|s| s.to == ADMIN_EMAIL)).await?;
    let digest = sent.iter().find(|s| s.to == ADMIN_EMAIL).cloned().unwrap_or_else(|| unreachable!());
    ensure!(digest.subject == "What you missed on Test site", "subject: {}", digest.subject);
    ensure!(digest.text.contains("wrote to you") && digest.text.contains("Hello??"), "{}", digest.text);
    ensure!(digest.text.contains(&edge.url("/console/")), "the console's address: {}", digest.text);
    ensure!(digest.from == "\"Test site\" <hello@shop.example>", "{}", digest.from);

    // Turned off: the next things missed send nothing.
    let off = admin
        .call(&edge, Method::PUT, "/api/v1/agent/email-digest", Some(&json!({ "enabled": false })))
        .await?;
    ensure!(off.status == 200 && off.body == json!({ "enabled": false }), "{}", off.body);
    visitor.post("v-4", "Anyone?").await?;
    wait::until("the digest skipped", Duration::from_secs(20), || async {
        edge.log().contains("not sent (console open, digests off, or no account)").then_some(())
    })
    .await?;
    let digests = postmark.sent().iter().filter(|s| s.to == ADMIN_EMAIL).count();
    ensure!(digests == 1, "digests: {:#?}", postmark.sent());
    Ok(())
}
