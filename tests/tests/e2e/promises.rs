//! Promises found broken by trying the product as visitors, agents and protocol clients
//! would, each kept now and checked against real workerd: an agent's message silences the
//! bot, resends after an outage cost nothing, favicons are served.

use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_core::client_log::ClientLog;
use switchboard_protocol::inbox::InboxFrame;
use switchboard_protocol::routing::{ConversationEvent, ConversationState, HandoverReason, Presence};
use switchboard_protocol::{Author, ClientMessageId, ErrorCode, Message, Seq, ServerFrame};
use switchboard_tests::api::{chat, create_session, login, me, Live};
use switchboard_tests::now_ms;
use switchboard_tests::test_edge::TestEdge;

const SHOP: &str = "https://shop.example";

/// A bot that answers "Shipping" and asks for an email before any handover.
fn bot_flow() -> serde_json::Value {
    json!({
        "bot": {
            "name": "Sam",
            "menu": ["Shipping", "Talk to a person"],
            "intents": [{"name": "Shipping", "phrases": ["delivery"], "answer": "We ship within 2 days."}],
            "collect": [{"name": "email", "prompt": "Your email?", "kind": {"type": "email"}, "optional": true}]
        },
        "queues": [{"id": "support"}]
    })
}

fn is_bot(message: &Message) -> bool {
    matches!(message.author, Author::Bot { .. })
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_who_writes_while_the_bot_holds_the_conversation_takes_it_over() -> anyhow::Result<()> {
    let edge = TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_FLOW", &bot_flow().to_string())])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v1", "Shipping").await?;
    visitor.until(|f| matches!(f, ServerFrame::Message { message } if is_bot(message)).then_some(())).await?;

    // An agent, online in the console, answers in the bot's conversation.
    let cookie = login(&edge).await?;
    let agent_id = me(&edge, &cookie).await?.id;
    let mut inbox = Live::inbox(&edge, &cookie).await?;
    inbox
        .until_inbox(|f| matches!(f, InboxFrame::Presence { presence: Presence::Online }).then_some(()))
        .await?;
    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;
    let takeover = agent.post("a1", "Hi, I'm from the team. What would you like to know?").await?;

    // The visitor hears who joined and that a person holds the conversation now.
    let joined = visitor
        .until(|f| match f {
            ServerFrame::Message { message } if !message.internal && message.author == Author::System => {
                Some(message.text.clone())
            }
            _ => None,
        })
        .await?;
    assert_eq!(joined, "Dev Agent joined the conversation");
    visitor
        .until(|f| matches!(f, ServerFrame::Status { state: ConversationState::Assigned, .. }).then_some(()))
        .await?;

    // From now on the bot is silent: what would have made it answer reaches the agent only.
    visitor.post("v2", "Shipping? And delivery?").await?;
    agent
        .until(|f| {
            matches!(f, ServerFrame::Message { message } if message.text.starts_with("Shipping?"))
                .then_some(())
        })
        .await?;
    agent.post("a2", "It left the warehouse today.").await?;
    visitor
        .until(|f| match f {
            ServerFrame::Message { message } if is_bot(message) => {
                panic!("the bot answered after the agent took over: {message:?}")
            }
            ServerFrame::Message { message } if message.text == "It left the warehouse today." => Some(()),
            _ => None,
        })
        .await?;

    // The agent's log says what happened, once.
    let mut fresh = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    let (_, log) = fresh.hello(Seq(0)).await?;
    let after: Vec<&Message> = log.iter().filter(|m| m.seq > takeover).collect();
    assert!(!after.iter().any(|m| is_bot(m)), "bot entries after the takeover: {after:?}");
    let takeovers = after
        .iter()
        .filter(|m| {
            matches!(&m.event, Some(ConversationEvent::HandedOver { reason: HandoverReason::AgentTookOver, agent: Some(a), .. }) if *a == agent_id)
        })
        .count();
    assert_eq!(takeovers, 1, "{after:?}");
    assert!(after
        .iter()
        .any(|m| matches!(&m.event, Some(ConversationEvent::Assigned { agent, .. }) if *agent == agent_id)));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_edge_and_the_demo_site_serve_an_icon_for_the_browsers_tab() -> anyhow::Result<()> {
    let site = switchboard_demo_site::BoundSite::bind("127.0.0.1:0")?;
    let page = format!("http://127.0.0.1:{}", site.port());
    let edge = TestEdge::start(&[SHOP])?;
    let _site = site.serve(&edge.origin());
    for url in [edge.url("/favicon.ico"), edge.url("/favicon.svg"), format!("{page}/favicon.ico")] {
        let reply = reqwest::get(&url).await?;
        let content_type =
            reply.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert_eq!((reply.status().as_u16(), content_type.as_str()), (200, "image/svg+xml"), "{url}");
        assert!(reply.text().await?.starts_with("<svg"), "{url}");
    }
    Ok(())
}

/// Reads frames into `log` until its `welcome` has come.
async fn welcomed(live: &mut Live, log: &mut ClientLog) -> anyhow::Result<()> {
    loop {
        let frame = live.next().await?;
        let welcome = matches!(frame, ServerFrame::Welcome { .. });
        log.apply(frame, now_ms());
        if welcome {
            return Ok(());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backlog_after_an_outage_is_stored_in_order_without_a_storm_of_refusals() -> anyhow::Result<()> {
    // 20 messages a second, 80 at once.
    let edge = TestEdge::start_with(&[SHOP], &[("VISITOR_MESSAGES_PER_SECOND", "20")])?;
    let session = create_session(&edge, SHOP).await?;
    let ids: Vec<ClientMessageId> =
        (0..200).map(|i| ClientMessageId::parse(format!("m{i:03}"))).collect::<Result<_, _>>()?;
    let mut log = ClientLog::new();

    // Before the outage 40 messages reach the edge and are stored; their acks are lost with
    // the socket.
    let mut lost = Live::visitor(&edge, &session).await?;
    lost.send(&log.hello()).await?;
    welcomed(&mut lost, &mut log).await?;
    for id in &ids[..40] {
        for frame in log.queue(id.clone(), format!("text {id}"), now_ms()) {
            lost.send(&frame).await?;
        }
    }
    let mut acks = 0;
    while acks < 40 {
        if let ServerFrame::Ack { .. } = lost.next().await? {
            acks += 1;
        }
    }
    drop(lost);
    // During it, 160 more are written.
    for id in &ids[40..] {
        log.queue(id.clone(), format!("text {id}"), now_ms());
    }

    // Back online: the widget's own logic, as documented in docs/protocol.md.
    let mut live = Live::visitor(&edge, &session).await?;
    live.send(&log.hello()).await?;
    let (mut refusals, deadline) = (0, Instant::now() + Duration::from_secs(90));
    while !log.pending().is_empty() {
        anyhow::ensure!(Instant::now() < deadline, "{} messages still pending", log.pending().len());
        for frame in log.take_due(now_ms()) {
            live.send(&frame).await?;
        }
        let wait = log.next_due_at().map_or(2_000, |at| (at - now_ms()).clamp(1, 2_000));
        if let Some(frame) = live.next_within(Duration::from_millis(wait as u64)).await? {
            if matches!(frame, ServerFrame::Error { code: ErrorCode::RateLimited, .. }) {
                refusals += 1;
            }
            log.apply(frame, now_ms());
        }
    }
    assert!(
        refusals <= 1,
        "{refusals} rate_limited refusals for a backlog of 160 new and 40 stored messages"
    );

    // Every message stored once, in the order written.
    let mut check = Live::visitor(&edge, &session).await?;
    let (_, stored) = check.hello(Seq(0)).await?;
    let stored: Vec<ClientMessageId> = chat(&stored).iter().map(|m| m.client_id.clone()).collect();
    assert_eq!(stored, ids);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn resends_of_stored_messages_cost_nothing_even_with_the_bucket_empty() -> anyhow::Result<()> {
    let edge = TestEdge::start_with(&[SHOP], &[("VISITOR_MESSAGES_PER_SECOND", "2")])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    // The whole burst (8), then one more, refused: the bucket is empty.
    let mut seqs = Vec::new();
    for i in 0..8 {
        seqs.push(visitor.post(&format!("m{i}"), "stored").await?);
    }
    let over = ClientMessageId::parse("over")?;
    visitor
        .send(&switchboard_protocol::ClientFrame::Send { client_id: over, text: "x".into(), internal: false })
        .await?;
    visitor
        .until(|f| matches!(f, ServerFrame::Error { code: ErrorCode::RateLimited, .. }).then_some(()))
        .await?;
    // On a new socket, as after a drop: every stored message resent at once is acknowledged
    // with its seq, none refused.
    let mut again = Live::visitor(&edge, &session).await?;
    again.hello(Seq(0)).await?;
    for round in 0..5 {
        for (i, stored) in seqs.iter().enumerate() {
            let seq = again.post(&format!("m{i}"), "stored").await?;
            assert_eq!(seq, *stored, "round {round}");
        }
    }
    Ok(())
}
