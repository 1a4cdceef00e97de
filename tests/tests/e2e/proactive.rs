//! Proactive messages over the wire, against real workerd: the admin's list is checked field
//! by field (a sender must be an agent of the site); `/launcher.js` carries what the bubble
//! needs (never an agent's id), and the messages meant for an online team only while it is;
//! a visitor answering one (their session names it) is greeted by it, from its sender,
//! instead of the site's greeting — held until they write, then stored as the conversation's
//! first message (the reply handed to that agent first), and still so after the object forgot
//! the held conversation; a name the site lacks gets the greeting, a name no site could have
//! a clear refusal.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversation_messages;
use switchboard_protocol::api::create_session::Response as SessionReply;
use switchboard_protocol::routing::ConversationEvent;
use switchboard_protocol::{Author, ClientFrame, Message, Seq, ServerFrame};
use switchboard_tests::api::{call, me, Live, Reply, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const GREETING: &str = "Hi! What can I do for you?";

/// A session for a new conversation answering proactive message `name` (as the widget asks
/// for it), or the edge's refusal.
async fn answering(edge: &TestEdge, name: &str) -> Result<Result<SessionReply, Reply>> {
    let body = json!({ "site_id": "demo", "proactive": name });
    let reply = call(Method::POST, &edge.url("/api/v1/sessions"), Some(SHOP), None, Some(&body)).await?;
    Ok(if reply.status == 201 { Ok(reply.json()?) } else { Err(reply) })
}

async fn launcher_js(edge: &TestEdge) -> Result<String> {
    let reply = reqwest::get(edge.url("/launcher.js?site=demo")).await?;
    ensure!(reply.status() == 200, "launcher.js: {}", reply.status());
    Ok(reply.text().await?)
}

#[tokio::test(flavor = "multi_thread")]
async fn answering_a_proactive_message_opens_a_conversation_that_starts_with_it() -> Result<()> {
    let flow = json!({ "greeting": GREETING });
    let mut edge = TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_FLOW", &flow.to_string())])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let anna = me(&edge, &admin.cookie).await?.id;

    // Mistakes are named by their field; nothing is stored.
    let twice = json!({ "proactive_messages": [
        { "name": "pricing", "text": "Hi", "from": { "type": "bot" } },
        { "name": "Pricing", "text": "Hello", "from": { "type": "bot" } },
    ] });
    let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&twice)).await?;
    ensure!(refused.status == 400, "{}", refused.body);
    ensure!(refused.body["error"]["field"] == "proactive_messages[1].name", "{}", refused.body);
    let slow = json!({ "proactive_messages": [
        { "name": "a", "text": "Hi", "from": { "type": "bot" }, "trigger": { "after_seconds": 7200 } },
    ] });
    let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&slow)).await?;
    ensure!(
        refused.body["error"]["field"] == "proactive_messages[0].trigger.after_seconds",
        "{}",
        refused.body
    );

    let list = json!({ "proactive_messages": [
        { "name": "pricing", "text": "Questions about our plans? I can help.",
          "from": { "type": "agent", "agent_id": anna, "name": "Anna" },
          "trigger": { "url": "*/pricing*", "after_seconds": 5 } },
        { "name": "night-owl", "text": "We are here right now!", "from": { "type": "bot" },
          "trigger": { "event": "checkout" }, "only_when_online": true },
    ] });
    let saved = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&list)).await?;
    ensure!(saved.status == 200, "{}", saved.body);
    ensure!(saved.body["proactive_messages"][0]["from"]["name"] == "Anna", "{}", saved.body);

    // The page gets what the bubble shows and when; nobody is online, so not the message
    // for an online team; never an agent's id.
    let script = wait::until("the new list on launcher.js", Duration::from_secs(15), || async {
        launcher_js(&edge).await.ok().filter(|s| s.contains("Questions about our plans?"))
    })
    .await?;
    ensure!(
        script.contains(r#""url":"*/pricing*","after":5"#) && script.contains(r#""from":"Anna""#),
        "{script}"
    );
    ensure!(!script.contains("We are here right now!"), "shown to an offline team: {script}");
    ensure!(!script.contains(anna.as_str()), "an agent id reached the page: {script}");
    // An agent opens the console: the team is online, and the page is told of it.
    let _console = Live::inbox(&edge, &admin.cookie).await?;
    wait::until("the online-only message on launcher.js", Duration::from_secs(20), || async {
        launcher_js(&edge).await.ok().filter(|s| s.contains("We are here right now!"))
    })
    .await?;

    // A visitor answers "pricing": Anna's message opens the conversation, not the greeting.
    let session = answering(&edge, "pricing").await?.map_err(|r| anyhow::anyhow!("refused: {}", r.body))?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    let (_, replay) = visitor.hello(Seq(0)).await?;
    let opening: Vec<(&Author, &str)> = replay.iter().map(|m| (&m.author, m.text.as_str())).collect();
    let from_anna = Author::Agent { id: anna.clone(), name: "Anna".into() };
    ensure!(
        opening == [(&from_anna, "Questions about our plans? I can help.")],
        "the conversation opens with: {opening:?}"
    );
    visitor.post("m-1", "Is there a yearly plan?").await?;
    // Stored in that order, as the team reads it.
    let path = format!("/api/v1/conversations/{}/messages", session.conversation_id);
    let log = admin.call(&edge, Method::GET, &path, None::<&()>).await?;
    ensure!(log.status == 200, "{}", log.body);
    let log: conversation_messages::Response = serde_json::from_value(log.body)?;
    let first: Vec<(&Author, &str)> =
        log.messages.iter().take(2).map(|m: &Message| (&m.author, m.text.as_str())).collect();
    ensure!(
        first[0] == (&from_anna, "Questions about our plans? I can help.")
            && first[1].1 == "Is there a yearly plan?"
            && matches!(first[1].0, Author::Visitor { .. }),
        "the stored log: {first:?}"
    );

    // The reply goes to Anna first (she is online): the handover names her.
    let handed = wait::until("the handover", Duration::from_secs(15), || async {
        let log = admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?;
        let log: conversation_messages::Response = serde_json::from_value(log.body).ok()?;
        log.messages.iter().find_map(|m| match &m.event {
            Some(ConversationEvent::HandedOver { agent, .. }) => Some(agent.clone()),
            _ => None,
        })
    })
    .await?;
    ensure!(handed.as_ref() == Some(&anna), "handed over to {handed:?}");

    // A message the site no longer has: the greeting, as any new conversation.
    let other = answering(&edge, "gone").await?.map_err(|r| anyhow::anyhow!("refused: {}", r.body))?;
    let mut late = Live::visitor(&edge, &other).await?;
    let (_, replay) = late.hello(Seq(0)).await?;
    ensure!(
        replay.len() == 1 && replay[0].text == GREETING && matches!(replay[0].author, Author::Bot { .. }),
        "greeted with: {replay:?}"
    );
    // A name no site could have: no session, the field named.
    let Err(refused) = answering(&edge, "not a name").await? else {
        anyhow::bail!("a malformed name was accepted")
    };
    ensure!(refused.status == 400 && refused.body["error"]["field"] == "proactive", "{}", refused.body);
    // A message from someone who is not an agent of the site cannot be saved.
    let stranger = json!({ "proactive_messages": [{ "name": "x", "text": "Hi",
        "from": { "type": "agent", "agent_id": switchboard_protocol::AgentId::from_random([9; 16]), "name": "Eve" } }] });
    let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&stranger)).await?;
    ensure!(refused.body["error"]["field"] == "proactive_messages[0].from.agent_id", "{}", refused.body);

    // The object forgets a conversation nobody wrote in (here: the runtime restarts); the
    // visitor comes back with the token the edge renewed on their hello, and the conversation
    // opens with Anna's message again, not the greeting.
    let held = answering(&edge, "pricing").await?.map_err(|r| anyhow::anyhow!("refused: {}", r.body))?;
    let mut first_visit = Live::visitor(&edge, &held).await?;
    first_visit.send(&ClientFrame::Hello { last_seq: Seq(0) }).await?;
    let renewed = first_visit
        .until(|frame| match frame {
            ServerFrame::Welcome { session: Some(session), .. } => Some(session.clone()),
            _ => None,
        })
        .await?;
    drop(first_visit);
    edge.restart()?;
    let mut again = Live::visitor(&edge, &renewed).await?;
    let (_, replay) = again.hello(Seq(0)).await?;
    ensure!(
        replay.len() == 1 && replay[0].author == from_anna,
        "after the restart the conversation opens with: {replay:?}"
    );
    Ok(())
}
