//! Nothing a client writes grows without bound: a conversation's log holds a fixed number of
//! messages (then sends and files are refused with `conflict`, while the team can still
//! resolve it), a site's files a fixed number of bytes (a sixteenth per counter), and a long
//! log is replayed in pages, in order. Each tried by a client that keeps on writing.

use anyhow::Result;
use switchboard_protocol::api::create_session;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{ClientFrame, ClientMessageId, ErrorCode, Seq, ServerFrame};
use switchboard_tests::api::{login, new_conversation, Live};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::TINY_PNG;

const SHOP: &str = "https://shop.example";

/// Uploads `bytes` (a PNG, padded) as the visitor under `client_id`: the status and body.
async fn upload(
    edge: &TestEdge,
    session: &create_session::Response,
    client_id: &str,
    size: usize,
) -> Result<(u16, serde_json::Value)> {
    let mut bytes = TINY_PNG.to_vec();
    bytes.resize(size.max(TINY_PNG.len()), 0);
    let response = reqwest::Client::new()
        .post(edge.url(&format!("/api/v1/conversations/{}/attachments", session.conversation_id)))
        .header("authorization", format!("Bearer {}", session.token))
        .header("content-type", "image/png")
        .header("x-filename", "photo.png")
        .header("x-client-id", client_id)
        .body(bytes)
        .send()
        .await?;
    Ok((response.status().as_u16(), response.json().await.unwrap_or_default()))
}

/// Sends a message and answers its ack's seq, or the code it was refused with.
async fn try_post(socket: &mut Live, client_id: &str, text: &str) -> Result<Result<Seq, ErrorCode>> {
    let client_id = ClientMessageId::parse(client_id)?;
    socket
        .send(&ClientFrame::Send { client_id: client_id.clone(), text: text.into(), internal: false })
        .await?;
    socket
        .until(|frame| match frame {
            ServerFrame::Ack { client_id: acked, seq } if *acked == client_id => Some(Ok(*seq)),
            ServerFrame::Error { client_id: Some(refused), code, .. } if *refused == client_id => {
                Some(Err(*code))
            }
            _ => None,
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_conversation_refuses_messages_and_files_yet_can_be_resolved() -> Result<()> {
    let edge = TestEdge::start_with(&[SHOP], &[("MAX_LOG_MESSAGES", "6")])?;
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    // A visitor who keeps writing fills the log, then every new message is refused.
    let mut stored = Vec::new();
    let refusal = loop {
        match try_post(&mut visitor, &format!("m-{}", stored.len()), "still here").await? {
            Ok(seq) => stored.push(seq),
            Err(code) => break code,
        }
        assert!(stored.len() <= 6, "the log passed its limit: {stored:?}");
    };
    assert_eq!(refusal, ErrorCode::Conflict);
    let last_seq = *stored.last().expect("some messages fit");
    assert!(last_seq <= Seq(6), "{stored:?}");
    // A resend of what was stored is still acknowledged; a file is refused before storing.
    let last = format!("m-{}", stored.len() - 1);
    assert_eq!(try_post(&mut visitor, &last, "still here").await?, Ok(last_seq));
    let (status, body) = upload(&edge, &session, "f-1", 100).await?;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
    // The agent cannot add to it either, but can resolve it (the flow keeps room for that).
    let cookie = login(&edge).await?;
    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;
    assert_eq!(try_post(&mut agent, "a-1", "hello?").await?, Err(ErrorCode::Conflict));
    agent.send(&ClientFrame::Resolve).await?;
    visitor
        .until(|frame| match frame {
            ServerFrame::Status { state: ConversationState::Resolved, .. } => Some(()),
            _ => None,
        })
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sites_file_storage_is_capped_and_a_resend_is_not_counted_twice() -> Result<()> {
    // 16 counters of 40,000 bytes: a conversation may store 40,000 bytes of files.
    let edge = TestEdge::start_with(&[SHOP], &[("ATTACHMENT_BYTES_PER_SITE", "640000")])?;
    let session = new_conversation(&edge, SHOP, None).await?;
    Live::visitor(&edge, &session).await?.hello(Seq(0)).await?;
    let (status, body) = upload(&edge, &session, "f-1", 30_000).await?;
    assert_eq!(status, 201, "{body}");
    // The same upload again (a retry) is the stored one, and counts nothing.
    let (status, again) = upload(&edge, &session, "f-1", 30_000).await?;
    assert_eq!((status, &again["message"]["seq"]), (201, &body["message"]["seq"]), "{again}");
    let (status, full) = upload(&edge, &session, "f-2", 30_000).await?;
    assert_eq!((status, full["error"]["code"].as_str()), (409, Some("conflict")), "{full}");
    assert!(full["error"]["message"].as_str().unwrap_or_default().contains("full"), "{full}");
    // What fits still fits.
    let (status, small) = upload(&edge, &session, "f-3", 5_000).await?;
    assert_eq!(status, 201, "{small}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_conversation_is_replayed_in_pages_in_order() -> Result<()> {
    let edge = TestEdge::start_with(&[SHOP], &[("AGENT_MESSAGES_PER_SECOND", "10000")])?;
    let session = new_conversation(&edge, SHOP, None).await?;
    Live::visitor(&edge, &session).await?.hello(Seq(0)).await?;
    let cookie = login(&edge).await?;
    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;
    for n in 0..450 {
        agent.post(&format!("a-{n}"), &format!("line {n}")).await?;
    }
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.send(&ClientFrame::Hello { last_seq: Seq(0) }).await?;
    let (mut pages, mut seqs) = (Vec::new(), Vec::new());
    loop {
        if let ServerFrame::History { messages, complete } = visitor.next().await? {
            pages.push((messages.len(), complete));
            seqs.extend(messages.iter().map(|m| m.seq.0));
            if complete {
                break;
            }
        }
    }
    assert!(pages.len() >= 3 && pages.iter().all(|(n, _)| *n <= 200), "{pages:?}");
    assert!(pages[..pages.len() - 1].iter().all(|(_, complete)| !complete), "{pages:?}");
    let head = *seqs.last().unwrap_or(&0);
    assert_eq!(seqs, (1..=head).collect::<Vec<_>>(), "every entry once, in order");
    assert!(head >= 450);
    Ok(())
}
