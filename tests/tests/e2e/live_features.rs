//! What rides along the conversation socket besides messages, against real workerd: read
//! marks, typing, flood limits, connection caps, sliding sessions, a visitor's history, and
//! agent presence.

use std::time::Duration;

use reqwest::Method;
use switchboard_protocol::api::{site_presence, visitor_conversations};
use switchboard_protocol::limits::{BURST_SECONDS, MAX_SOCKETS_PER_PARTICIPANT};
use switchboard_protocol::{Author, ClientFrame, ClientMessageId, ErrorCode, Seq, ServerFrame};
use switchboard_tests::api::{call, chat, create_session, login, new_conversation, Live};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::wait;

const SHOP: &str = "https://shop.example";

#[tokio::test(flavor = "multi_thread")]
async fn read_marks_and_typing_reach_the_other_side() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v1", "Is my order on its way?").await?;

    let cookie = login(&edge).await?;
    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;

    // The agent reads: everyone learns it, the visitor included.
    agent.send(&ClientFrame::Read { up_to: Seq(1) }).await?;
    let (reader, up_to) = visitor
        .until(|f| match f {
            ServerFrame::Read { reader, up_to } => Some((reader.clone(), *up_to)),
            _ => None,
        })
        .await?;
    assert!(matches!(reader, Author::Agent { .. }));
    assert_eq!(up_to, Seq(1));

    // Typing goes to the other side, not back to the typist.
    agent.send(&ClientFrame::Typing { active: true }).await?;
    let typing = visitor.until(|f| match f {
        ServerFrame::Typing { author, active } => Some((author.clone(), *active)),
        _ => None,
    });
    assert!(matches!(typing.await?, (Author::Agent { .. }, true)));
    agent.send(&ClientFrame::Ping).await?;
    agent
        .until(|f| match f {
            ServerFrame::Typing { .. } => panic!("the typist got its own typing frame"),
            ServerFrame::Pong => Some(()),
            _ => None,
        })
        .await?;

    // Marks are stored: a new socket learns them in its welcome. They never move back.
    agent.send(&ClientFrame::Read { up_to: Seq(0) }).await?;
    let mut later = Live::visitor(&edge, &session).await?;
    later.send(&ClientFrame::Hello { last_seq: Seq(0) }).await?;
    let reads = later
        .until(|f| match f {
            ServerFrame::Welcome { reads, .. } => Some(reads.clone()),
            _ => None,
        })
        .await?;
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].up_to, Seq(1));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flooding_visitor_is_slowed_down_and_its_messages_keep_their_order() -> anyhow::Result<()> {
    let edge = TestEdge::start_with(&[SHOP], &[("VISITOR_MESSAGES_PER_SECOND", "2")])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;

    // A burst well past the limit, pipelined as a client sends it.
    let burst = 2 * BURST_SECONDS as usize;
    let ids: Vec<ClientMessageId> =
        (0..burst + 4).map(|i| ClientMessageId::parse(format!("flood-{i}"))).collect::<Result<_, _>>()?;
    for (i, id) in ids.iter().enumerate() {
        visitor
            .send(&ClientFrame::Send { client_id: id.clone(), text: format!("flood {i}"), internal: false })
            .await?;
    }
    let mut refused = Vec::new();
    let mut wait_ms = 0;
    for id in &ids {
        let outcome = visitor
            .until(|f| match f {
                ServerFrame::Ack { client_id, .. } if client_id == id => Some(None),
                ServerFrame::Error { client_id: Some(c), code, retry_after_ms, .. } if c == id => {
                    Some(Some((*code, *retry_after_ms)))
                }
                _ => None,
            })
            .await?;
        if let Some((code, retry_after_ms)) = outcome {
            assert_eq!(code, ErrorCode::RateLimited);
            let retry_after_ms = retry_after_ms.expect("a retry time");
            assert!((1..=1_000).contains(&retry_after_ms), "{retry_after_ms}");
            wait_ms = wait_ms.max(retry_after_ms);
            refused.push(id.clone());
        }
    }
    assert_eq!(refused.len(), 4, "the burst allowance is {burst}");

    // Resending the refused ones in order, waiting when told, stores all of them in order.
    tokio::time::sleep(Duration::from_millis(u64::from(wait_ms))).await;
    for id in &refused {
        loop {
            visitor
                .send(&ClientFrame::Send { client_id: id.clone(), text: "again".into(), internal: false })
                .await?;
            let retry = visitor
                .until(|f| match f {
                    ServerFrame::Ack { client_id, .. } if client_id == id => Some(None),
                    ServerFrame::Error { client_id: Some(c), retry_after_ms, .. } if c == id => {
                        Some(Some(retry_after_ms.unwrap_or(500)))
                    }
                    _ => None,
                })
                .await?;
            match retry {
                None => break,
                Some(ms) => tokio::time::sleep(Duration::from_millis(u64::from(ms))).await,
            }
        }
    }
    let mut check = Live::visitor(&edge, &session).await?;
    let (_, log) = check.hello(Seq(0)).await?;
    let stored: Vec<_> = chat(&log).iter().map(|m| m.client_id.clone()).collect();
    assert_eq!(stored, ids, "every message stored once, in the order written");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn one_participant_may_hold_only_so_many_sockets() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let mut tabs = Vec::new();
    for _ in 0..MAX_SOCKETS_PER_PARTICIPANT {
        let mut tab = Live::visitor(&edge, &session).await?;
        tab.hello(Seq(0)).await?;
        tabs.push(tab);
    }
    let mut one_too_many = Live::visitor(&edge, &session).await?;
    assert_eq!(one_too_many.refusal().await?, (ErrorCode::TooManyConnections, 4429));

    // Closing one frees a place.
    tabs.pop().expect("tabs").close().await?;
    let edge_ref = &edge;
    let session_ref = &session;
    wait::until("a freed connection slot", Duration::from_secs(10), || async move {
        let mut tab = Live::visitor(edge_ref, session_ref).await.ok()?;
        tab.hello(Seq(0)).await.ok()
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_slide_and_a_visitor_keeps_a_history_of_conversations() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let first = create_session(&edge, SHOP).await?;
    let mut socket = Live::visitor(&edge, &first).await?;
    socket.send(&ClientFrame::Hello { last_seq: Seq(0) }).await?;
    let renewed = socket
        .until(|f| match f {
            ServerFrame::Welcome { session, .. } => Some(session.clone()),
            _ => None,
        })
        .await?
        .expect("a visitor's welcome renews the session");
    assert_eq!(renewed.conversation_id, first.conversation_id);
    assert!(renewed.expires_at >= first.expires_at);
    socket.post("first", "About my first order").await?;

    // The renewed token works, and starts a second conversation as the same visitor.
    let second = new_conversation(&edge, SHOP, Some(&renewed.token)).await?;
    assert_eq!(second.visitor_id, first.visitor_id);
    assert_ne!(second.conversation_id, first.conversation_id);
    let mut socket = Live::visitor(&edge, &second).await?;
    socket.hello(Seq(0)).await?;
    socket.post("second", "And now my second order").await?;

    // Someone else's history is not in it.
    let stranger = create_session(&edge, SHOP).await?;
    let mut other = Live::visitor(&edge, &stranger).await?;
    other.hello(Seq(0)).await?;
    other.post("x", "Not yours").await?;

    let history = wait::until("both conversations in the history", Duration::from_secs(10), || async {
        let bearer = format!("Bearer {}", second.token);
        let reply = reqwest::Client::new()
            .get(edge.url("/api/v1/visitor/conversations"))
            .header("authorization", bearer)
            .send()
            .await
            .ok()?;
        let body: visitor_conversations::Response = reply.json().await.ok()?;
        (body.conversations.len() == 2).then_some(body)
    })
    .await?;
    let ids: Vec<_> = history.conversations.iter().map(|c| c.session.conversation_id.clone()).collect();
    assert_eq!(ids, [second.conversation_id.clone(), first.conversation_id.clone()]);
    // Each entry's token opens its conversation.
    let mut reopened = Live::visitor(&edge, &history.conversations[1].session).await?;
    let (_, log) = reopened.hello(Seq(0)).await?;
    assert_eq!(log[0].text, "About my first order");

    let anonymous =
        call(Method::GET, &edge.url("/api/v1/visitor/conversations"), None, None, None::<&()>).await?;
    assert_eq!((anonymous.status, anonymous.error_code()?), (401, ErrorCode::Unauthorized));
    let forged = new_conversation(&edge, SHOP, Some("v1.vis.e30.AAAA")).await;
    assert!(forged.is_err(), "a forged visitor token must not start a conversation");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn presence_counts_agents_with_the_console_open() -> anyhow::Result<()> {
    // An agent whose consoles all closed stays online for a grace period (a reload must not
    // cost it its conversations); short here.
    let edge = TestEdge::start_with(&[SHOP], &[("AGENT_LEAVE_GRACE_MS", "300")])?;
    let presence = || async {
        let reply = call(Method::GET, &edge.url("/api/v1/sites/demo/presence"), None, None, None::<&()>)
            .await
            .ok()?;
        reply.json::<site_presence::Response>().ok().map(|p| p.agents_online)
    };
    assert_eq!(presence().await, Some(0));
    let cookie = login(&edge).await?;
    let inbox = Live::inbox(&edge, &cookie).await?;
    let second_tab = Live::inbox(&edge, &cookie).await?;
    wait::until("one agent online", Duration::from_secs(10), || async {
        (presence().await == Some(1)).then_some(())
    })
    .await?;
    inbox.close().await?;
    second_tab.close().await?;
    wait::until("no agent online", Duration::from_secs(10), || async {
        (presence().await == Some(0)).then_some(())
    })
    .await?;

    let unknown =
        call(Method::GET, &edge.url("/api/v1/sites/nosuch/presence"), None, None, None::<&()>).await?;
    assert_eq!(unknown.status, 404);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_looping_context_and_read_frames_is_held_back_and_its_messages_still_go(
) -> anyhow::Result<()> {
    use switchboard_protocol::contact::VisitorContext;
    let edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    // Each of these writes the contact or a read mark; a script sends a hundred at once.
    for n in 0..100 {
        let page = format!("{SHOP}/page-{n}");
        let context = VisitorContext { page_url: Some(page), ..VisitorContext::default() };
        visitor.send(&ClientFrame::Context { context }).await?;
        visitor.send(&ClientFrame::Read { up_to: Seq(1) }).await?;
    }
    let (code, message) = visitor.refused().await?;
    assert_eq!(code, ErrorCode::RateLimited, "{message}");
    // The visitor's own messages have their own allowance.
    visitor.post("m-1", "still here").await?;
    Ok(())
}
