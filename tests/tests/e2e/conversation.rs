//! Conversations over real WebSockets against real workerd: a visitor and an agent chat, the
//! log is stored before it is acknowledged, resends are idempotent, bad frames are refused
//! without closing the socket, tokens open only their own conversation, and everything
//! survives a restart of the runtime.

use std::time::Duration;

use switchboard_protocol::inbox::InboxFrame;
use switchboard_protocol::limits::{MAX_FRAME_BYTES, MAX_MESSAGE_CHARS};
use switchboard_protocol::{
    Author, ClientFrame, ClientMessageId, ErrorCode, Role, Seq, ServerFrame, SUBPROTOCOL,
    TOKEN_SUBPROTOCOL_PREFIX,
};
use switchboard_tests::api::{chat, create_session, login, Live};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::wait;
use switchboard_tests::ADMIN_NAME;

const SHOP: &str = "https://shop.example";

/// The texts people wrote, in log order (routing events and bot turns left out).
fn texts(messages: &[switchboard_protocol::Message]) -> Vec<&str> {
    chat(messages).into_iter().map(|m| m.text.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_and_an_agent_chat_and_every_tab_sees_the_same_log() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    let (you, history) = visitor.hello(Seq(0)).await?;
    assert!(matches!(you, Author::Visitor { ref id, .. } if *id == session.visitor_id));
    assert!(history.is_empty());

    let cookie = login(&edge).await?;
    let mut inbox = Live::inbox(&edge, &cookie).await?;
    assert!(
        matches!(inbox.next_as::<InboxFrame>().await?, InboxFrame::Snapshot { conversations } if conversations.is_empty())
    );

    assert_eq!(visitor.post("v-1", "Hello, is anyone there?").await?, Seq(1));

    // The inbox learns of the new conversation, with a preview.
    let summary = loop {
        if let InboxFrame::Updated { conversation } = inbox.next_as::<InboxFrame>().await? {
            break conversation;
        }
    };
    assert_eq!(summary.id, session.conversation_id);
    assert!(summary.last_seq >= Seq(1));
    let preview = summary.last_message.expect("a preview");
    assert_eq!((preview.role, preview.text.as_str()), (Role::Visitor, "Hello, is anyone there?"));

    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    let (agent_you, replay) = agent.hello(Seq(0)).await?;
    assert!(matches!(agent_you, Author::Agent { ref name, .. } if name == ADMIN_NAME));
    assert_eq!(texts(&replay), ["Hello, is anyone there?"]);

    let answer_seq = agent.post("a-1", "Hi! How can I help?").await?;
    assert!(answer_seq > Seq(1));
    let reply = visitor
        .until(|f| match f {
            ServerFrame::Message { message } if message.seq == answer_seq => Some(message.clone()),
            _ => None,
        })
        .await?;
    assert_eq!(reply.text, "Hi! How can I help?");
    assert!(matches!(reply.author, Author::Agent { ref name, .. } if name == ADMIN_NAME));

    // A second tab of the same visitor (same token) sees the whole log, in order.
    let mut second_tab = Live::visitor(&edge, &session).await?;
    let (_, both) = second_tab.hello(Seq(0)).await?;
    assert_eq!(texts(&both), ["Hello, is anyone there?", "Hi! How can I help?"]);
    assert!(both.iter().enumerate().all(|(i, m)| m.seq == Seq(i as u64 + 1)), "no gaps for the visitor");
    // Resuming after seq 1 replays only what comes after.
    let mut third_tab = Live::visitor(&edge, &session).await?;
    let (_, after_one) = third_tab.hello(Seq(1)).await?;
    assert_eq!(texts(&after_one), ["Hi! How can I help?"]);

    // The list endpoint agrees with the inbox once the conversation's summary has reached
    // the site (summaries of a busy conversation are sent at most every 500 ms).
    let list = wait::until("the list to show the reply", Duration::from_secs(10), || async {
        let reply = switchboard_tests::api::call(
            reqwest::Method::GET,
            &edge.url("/api/v1/conversations"),
            None,
            Some(&cookie),
            None::<&()>,
        )
        .await
        .ok()?;
        let list: switchboard_protocol::api::conversations_list::Response = reply.json().ok()?;
        (list.conversations.first()?.last_seq >= answer_seq).then_some(list)
    })
    .await?;
    assert_eq!(list.conversations.len(), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resend_is_acknowledged_with_its_first_seq_and_stored_once() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    assert_eq!(visitor.post("same-id", "first").await?, Seq(1));
    let second = visitor.post("other-id", "second").await?;
    assert!(second > Seq(1));
    // Resent (e.g. after a reconnect that lost the ack), even with different text.
    assert_eq!(visitor.post("same-id", "first").await?, Seq(1));
    assert_eq!(visitor.post("other-id", "second").await?, second);

    let mut fresh = Live::visitor(&edge, &session).await?;
    let (_, log) = fresh.hello(Seq(0)).await?;
    assert_eq!(texts(&log), ["first", "second"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_frames_get_error_frames_and_the_socket_stays_usable() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;

    let expect_error = |expected: ErrorCode| {
        move |frame: &ServerFrame| match frame {
            ServerFrame::Error { code, .. } => Some(*code == expected),
            _ => None,
        }
    };
    visitor.send_raw("this is not json".into()).await?;
    assert!(visitor.until(expect_error(ErrorCode::BadRequest)).await?);
    visitor.send_raw(r#"{"type":"shout","text":"x"}"#.into()).await?;
    assert!(visitor.until(expect_error(ErrorCode::BadRequest)).await?);
    visitor.send_binary(vec![1, 2, 3]).await?;
    assert!(visitor.until(expect_error(ErrorCode::BadRequest)).await?);
    visitor
        .send_raw(format!(r#"{{"type":"send","client_id":"big","text":"{}"}}"#, "x".repeat(MAX_FRAME_BYTES)))
        .await?;
    assert!(visitor.until(expect_error(ErrorCode::FrameTooLarge)).await?);

    let too_long = ClientMessageId::parse("too-long")?;
    visitor
        .send(&ClientFrame::Send {
            client_id: too_long.clone(),
            text: "é".repeat(MAX_MESSAGE_CHARS + 1),
            internal: false,
        })
        .await?;
    let refused = visitor
        .until(|f| match f {
            ServerFrame::Error { code, client_id, .. } => Some((*code, client_id.clone())),
            _ => None,
        })
        .await?;
    assert_eq!(refused, (ErrorCode::MessageTooLong, Some(too_long)));
    visitor
        .send(&ClientFrame::Send {
            client_id: ClientMessageId::parse("blank")?,
            text: " \n\t".into(),
            internal: false,
        })
        .await?;
    assert!(visitor.until(expect_error(ErrorCode::EmptyMessage)).await?);

    visitor.send(&ClientFrame::Ping).await?;
    visitor.until(|f| matches!(f, ServerFrame::Pong).then_some(())).await?;
    // After all that, the socket still carries messages, and nothing refused was stored.
    assert_eq!(visitor.post("fine", "still here").await?, Seq(1));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_open_only_what_they_were_issued_for() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let mine = create_session(&edge, SHOP).await?;
    let theirs = create_session(&edge, SHOP).await?;
    let mut their_socket = Live::visitor(&edge, &theirs).await?;
    their_socket.hello(Seq(0)).await?;
    their_socket.post("secret", "my address is 1 Private Lane").await?;

    let ws = edge.ws_origin();
    let live = |id: &str| format!("{ws}/api/v1/conversations/{id}/live");
    let token = |session: &switchboard_protocol::api::create_session::Response| {
        vec![SUBPROTOCOL.to_string(), format!("{TOKEN_SUBPROTOCOL_PREFIX}{}", session.token)]
    };

    // My token on their conversation.
    let mut wrong = Live::connect(&live(theirs.conversation_id.as_str()), &token(&mine), None, None).await?;
    assert_eq!(wrong.refusal().await?, (ErrorCode::Forbidden, 4403));
    // A tampered token.
    let mut forged_protocols = token(&mine);
    forged_protocols[1].push('x');
    let mut forged =
        Live::connect(&live(mine.conversation_id.as_str()), &forged_protocols, None, None).await?;
    assert_eq!(forged.refusal().await?, (ErrorCode::Unauthorized, 4401));
    // No token and no console session.
    let mut anonymous =
        Live::connect(&live(mine.conversation_id.as_str()), &[SUBPROTOCOL.to_string()], None, None).await?;
    assert_eq!(anonymous.refusal().await?, (ErrorCode::Unauthorized, 4401));
    // A protocol version we do not speak.
    let mut old =
        Live::connect(&live(mine.conversation_id.as_str()), &["switchboard.v0".to_string()], None, None)
            .await?;
    assert_eq!(old.refusal().await?, (ErrorCode::UnsupportedProtocol, 4400));

    // Agents: only from the console's origin, only existing conversations.
    let cookie = login(&edge).await?;
    let mut hijack = Live::connect(
        &live(theirs.conversation_id.as_str()),
        &[SUBPROTOCOL.to_string()],
        Some(SHOP),
        Some(&cookie),
    )
    .await?;
    assert_eq!(hijack.refusal().await?, (ErrorCode::Forbidden, 4403));
    let never_used = create_session(&edge, SHOP).await?;
    let mut missing = Live::agent(&edge, &cookie, &never_used.conversation_id).await?;
    assert_eq!(missing.refusal().await?, (ErrorCode::NotFound, 4404));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn conversations_survive_a_restart_of_the_runtime() -> anyhow::Result<()> {
    let mut edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let cookie = login(&edge).await?;
    let answered = {
        let mut visitor = Live::visitor(&edge, &session).await?;
        visitor.hello(Seq(0)).await?;
        visitor.post("before-1", "written before the restart").await?;
        let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
        agent.hello(Seq(0)).await?;
        agent.post("before-2", "answered before the restart").await?
    };

    edge.restart()?;

    // Same token, same cookie (the signing secret is configuration, not memory).
    let mut visitor = Live::visitor(&edge, &session).await?;
    let (_, log) = visitor.hello(Seq(0)).await?;
    assert_eq!(texts(&log), ["written before the restart", "answered before the restart"]);
    assert!(visitor.post("after-1", "and after it").await? > answered);
    // A resend of a message from before the restart is still recognised.
    assert_eq!(visitor.post("before-1", "written before the restart").await?, Seq(1));

    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    let (_, log) = agent.hello(answered).await?;
    assert_eq!(texts(&log), ["and after it"]);
    // The inbox index and the accounts persisted too.
    login(&edge).await?;
    let mut inbox = Live::inbox(&edge, &cookie).await?;
    match inbox.next_as::<InboxFrame>().await? {
        InboxFrame::Snapshot { conversations } => {
            assert_eq!(conversations.first().map(|c| c.id.clone()), Some(session.conversation_id))
        }
        other => anyhow::bail!("expected a snapshot, got {other:?}"),
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn private_notes_reach_agents_and_never_the_visitor() -> anyhow::Result<()> {
    use switchboard_protocol::api::visitor_conversations;
    const NOTE: &str = "VIP customer, refund approved by Kim";
    let edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "Where is my refund?").await?;

    let cookie = login(&edge).await?;
    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;
    let mut colleague = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    colleague.hello(Seq(0)).await?;
    let note_id = ClientMessageId::parse("note-1")?;
    agent.send(&ClientFrame::Send { client_id: note_id.clone(), text: NOTE.into(), internal: true }).await?;
    let note_seq = agent
        .until(|f| match f {
            ServerFrame::Ack { client_id, seq } if *client_id == note_id => Some(*seq),
            _ => None,
        })
        .await?;
    // Other agents get the note whole…
    let seen = colleague
        .until(|f| match f {
            ServerFrame::Message { message } if message.seq == note_seq => Some(message.clone()),
            _ => None,
        })
        .await?;
    assert_eq!((seen.text.as_str(), seen.internal), (NOTE, true));
    // …the visitor a placeholder with nothing in it, live and on replay.
    let placeholder = visitor
        .until(|f| match f {
            ServerFrame::Message { message } if message.seq == note_seq => Some(message.clone()),
            _ => None,
        })
        .await?;
    assert!(placeholder.internal && placeholder.text.is_empty() && placeholder.author == Author::System);
    agent.post("a-1", "It left us yesterday.").await?;
    let mut later_tab = Live::visitor(&edge, &session).await?;
    let (_, replay) = later_tab.hello(Seq(0)).await?;
    let everything = serde_json::to_string(&replay)?;
    assert!(!everything.contains("VIP") && !everything.contains("Kim"), "{everything}");
    assert_eq!(texts(&replay), ["Where is my refund?", "It left us yesterday."]);

    // Nor in the visitor's history preview, even when the note is the newest entry.
    let second_note = ClientMessageId::parse("note-2")?;
    agent
        .send(&ClientFrame::Send { client_id: second_note.clone(), text: NOTE.into(), internal: true })
        .await?;
    let second_seq = agent
        .until(|f| match f {
            ServerFrame::Ack { client_id, seq } if *client_id == second_note => Some(*seq),
            _ => None,
        })
        .await?;
    wait::until("the inbox to hold the second note", Duration::from_secs(10), || async {
        let reply = reqwest::Client::new()
            .get(edge.url("/api/v1/conversations"))
            .header("cookie", &cookie)
            .send()
            .await
            .ok()?;
        let list: switchboard_protocol::api::conversations_list::Response = reply.json().await.ok()?;
        list.conversations.iter().any(|c| c.last_seq >= second_seq).then_some(())
    })
    .await?;
    let reply = reqwest::Client::new()
        .get(edge.url("/api/v1/visitor/conversations"))
        .header("authorization", format!("Bearer {}", session.token))
        .send()
        .await?;
    let history: visitor_conversations::Response = reply.json().await?;
    let preview = history.conversations[0].last_message.as_ref().map(|p| p.text.as_str());
    assert_eq!(preview, Some("It left us yesterday."));

    // Visitors cannot write notes.
    let sneaky = ClientMessageId::parse("v-note")?;
    visitor
        .send(&ClientFrame::Send { client_id: sneaky.clone(), text: "psst".into(), internal: true })
        .await?;
    let refused = visitor
        .until(|f| match f {
            ServerFrame::Error { code, client_id: Some(id), .. } if *id == sneaky => Some(*code),
            _ => None,
        })
        .await?;
    assert_eq!(refused, ErrorCode::Forbidden);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn agents_find_conversations_by_any_message_text() -> anyhow::Result<()> {
    use switchboard_protocol::api::conversations_list;
    let edge = TestEdge::start(&[SHOP])?;
    let cookie = login(&edge).await?;
    let toaster = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &toaster).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("t-1", "My toaster exploded yesterday").await?;
    visitor.post("t-2", "Anyway, can I return it?").await?;
    let other = create_session(&edge, SHOP).await?;
    let mut second = Live::visitor(&edge, &other).await?;
    second.hello(Seq(0)).await?;
    second.post("o-1", "Where is my kettle?").await?;

    let search = |q: &'static str| {
        let (edge, cookie) = (&edge, &cookie);
        async move {
            let reply = reqwest::Client::new()
                .get(edge.url("/api/v1/conversations"))
                .query(&[("q", q)])
                .header("cookie", cookie)
                .send()
                .await?;
            anyhow::ensure!(reply.status() == 200, "search {q:?}: {}", reply.status());
            let list: conversations_list::Response = reply.json().await?;
            Ok::<_, anyhow::Error>(list.conversations.into_iter().map(|c| c.id).collect::<Vec<_>>())
        }
    };
    // Found by an older message, not only the preview; words are prefixes and all must match.
    let found = wait::until("the toaster conversation indexed", Duration::from_secs(10), || async {
        let ids = search("toast explod").await.ok()?;
        (!ids.is_empty()).then_some(ids)
    })
    .await?;
    assert_eq!(found, std::slice::from_ref(&toaster.conversation_id));
    wait::until("the kettle conversation indexed", Duration::from_secs(10), || async {
        (search("kettle").await.ok()? == [other.conversation_id.clone()]).then_some(())
    })
    .await?;
    assert!(search("toaster kettle").await?.is_empty());
    // Operators and quotes are taken as text, never as a query error.
    for hostile in ["\"", "OR (", "*", "toaster\" OR \"kettle", "NEAR(a b)"] {
        search(hostile).await?;
    }
    let anonymous = reqwest::Client::new().get(edge.url("/api/v1/conversations?q=toaster")).send().await?;
    assert_eq!(anonymous.status(), 401);
    Ok(())
}
