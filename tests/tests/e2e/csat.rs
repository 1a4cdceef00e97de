//! Customer satisfaction against the real edge: a visitor rates a resolved conversation once
//! per resolution; the rating is an entry in the log every participant sees.

use anyhow::Result;
use switchboard_protocol::routing::{ConversationEvent, ConversationState};
use switchboard_protocol::{ClientFrame, ErrorCode, Seq, ServerFrame};
use switchboard_tests::api::{create_session, login, Live};
use switchboard_tests::test_edge::TestEdge;

const SHOP: &str = "http://shop.test";

fn rate(score: u8, comment: Option<&str>) -> ClientFrame {
    ClientFrame::Rate { score, comment: comment.map(str::to_owned) }
}

async fn rating(live: &mut Live) -> Result<(u8, Option<String>, String)> {
    live.until(|frame| match frame {
        ServerFrame::Message { message } => match &message.event {
            Some(ConversationEvent::Rated { score, comment }) => {
                Some((*score, comment.clone(), message.text.clone()))
            }
            _ => None,
        },
        _ => None,
    })
    .await
}

async fn resolved(live: &mut Live) -> Result<()> {
    live.until(|frame| {
        matches!(frame, ServerFrame::Status { state: ConversationState::Resolved, .. }).then_some(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resolved_conversation_is_rated_once_per_resolution() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "My parcel is late").await?;

    // Not before it is resolved.
    visitor.send(&rate(5, None)).await?;
    assert_eq!(visitor.refused().await?.0, ErrorCode::Conflict);

    let cookie = login(&edge).await?;
    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;
    agent.post("a-1", "It arrives tomorrow.").await?;
    agent.send(&ClientFrame::Resolve).await?;
    resolved(&mut visitor).await?;

    visitor.send(&rate(9, None)).await?;
    assert_eq!(visitor.refused().await?.0, ErrorCode::BadRequest);
    visitor.send(&rate(4, Some("Quick, thanks"))).await?;
    let seen = rating(&mut visitor).await?;
    assert_eq!(seen, (4, Some("Quick, thanks".to_string()), "Rated 4/5: “Quick, thanks”".to_string()));
    // The agent sees the same entry, live and in the log.
    assert_eq!(rating(&mut agent).await?.0, 4);
    // Once per resolution; agents do not rate.
    visitor.send(&rate(1, None)).await?;
    assert_eq!(visitor.refused().await?.0, ErrorCode::Conflict);
    agent.send(&rate(5, None)).await?;
    assert_eq!(agent.refused().await?.0, ErrorCode::Forbidden);

    // The visitor writes again (reopened), the agent resolves again: a new rating is welcome.
    visitor.post("v-2", "One more thing").await?;
    agent.send(&ClientFrame::Resolve).await?;
    resolved(&mut visitor).await?;
    visitor.send(&rate(2, None)).await?;
    assert_eq!(rating(&mut visitor).await?.0, 2);

    let mut late = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    let (_, log) = late.hello(Seq(0)).await?;
    let scores: Vec<u8> = log
        .iter()
        .filter_map(|m| match m.event {
            Some(ConversationEvent::Rated { score, .. }) => Some(score),
            _ => None,
        })
        .collect();
    assert_eq!(scores, [4, 2]);
    Ok(())
}
