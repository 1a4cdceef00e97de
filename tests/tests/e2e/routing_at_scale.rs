//! Routing a long queue through real workerd: 2,000 visitors wait at once, each told its place
//! as it joins; an agent working through them is offered every one, strictly in the order they
//! joined; a visitor far back who comes back is told the place it has now, counted when asked.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{ensure, Result};
use futures_util::stream::{self, StreamExt};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::create_session;
use switchboard_protocol::inbox::{InboxCommand, InboxFrame};
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{ConversationId, Seq, ServerFrame};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const WAITING: u32 = 2_000;
/// Conversations the agent holds at once.
const CAPACITY: u32 = 5;

/// The place a queued visitor is told: the next `Queued` status with one.
async fn told_place(visitor: &mut Live, at_most: u32) -> Result<u32> {
    visitor
        .until(|f| match f {
            ServerFrame::Status { state: ConversationState::Queued, position: Some(p), .. }
                if *p <= at_most =>
            {
                Some(*p)
            }
            _ => None,
        })
        .await
}

/// A visitor who writes (and so joins the queue) and the place it is told.
async fn join(edge: &TestEdge) -> Result<(create_session::Response, u32)> {
    let session = new_conversation(edge, SHOP, None).await?;
    let mut visitor = Live::visitor(edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("m-1", "Is anyone there?").await?;
    let place = told_place(&mut visitor, u32::MAX).await?;
    Ok((session, place))
}

#[tokio::test(flavor = "multi_thread")]
async fn two_thousand_waiting_visitors_are_offered_in_the_order_they_joined() -> Result<()> {
    let flow = json!({ "start": "queue", "capacity": CAPACITY });
    let vars = [
        ("BOOTSTRAP_FLOW", flow.to_string()),
        ("SESSIONS_PER_MINUTE_PER_ADDRESS", "100000".to_string()),
        ("SESSIONS_PER_MINUTE_PER_SITE", "100000".to_string()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    // Nobody is online: everyone waits, and joining tells each its place — the queue's
    // length as it joined, so the places are exactly 1 to 2,000, in the order of joining.
    let joined: Vec<(create_session::Response, u32)> = stream::iter(0..WAITING)
        .map(|_| join(&edge))
        .buffer_unordered(24)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    let mut places: Vec<u32> = joined.iter().map(|(_, place)| *place).collect();
    places.sort_unstable();
    ensure!(places == (1..=WAITING).collect::<Vec<_>>(), "places told are not 1..=2000");
    let place_of: HashMap<ConversationId, u32> =
        joined.iter().map(|(session, place)| (session.conversation_id.clone(), *place)).collect();
    let last = joined.iter().find(|(_, place)| *place == WAITING).map(|(session, _)| session.clone());

    // The agent comes online and works through the queue: accept, resolve, next offer.
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let mut inbox = Live::inbox(&edge, &admin.cookie).await?;
    let mut offered: Vec<u32> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while offered.len() < WAITING as usize {
        let id = inbox
            .until_inbox(|f| match f {
                InboxFrame::Offer { conversation, .. } => Some(conversation.id.clone()),
                _ => None,
            })
            .await?;
        // An inbox that opens is told the offers its agent holds, which may repeat the
        // offers just made: each conversation counts once.
        if !seen.insert(id.clone()) {
            continue;
        }
        offered.push(place_of.get(&id).copied().unwrap_or(0));
        inbox.command(&InboxCommand::Accept { conversation_id: id.clone() }).await?;
        let path = format!("/api/v1/conversations/{id}/resolve");
        let reply = admin.call(&edge, Method::POST, &path, None::<&()>).await?;
        ensure!(reply.status < 300, "resolve: {} {}", reply.status, reply.body);
        if offered.len() == 100 {
            // The last in line comes back: it was told 2,000 when it joined, and is told the
            // place it has now — moved up by at least the 100 offered since.
            if let Some(session) = &last {
                let mut visitor = Live::visitor(&edge, session).await?;
                visitor.hello(Seq(0)).await?;
                let now =
                    tokio::time::timeout(Duration::from_secs(10), told_place(&mut visitor, WAITING - 100))
                        .await??;
                ensure!(now >= WAITING - 100 - CAPACITY, "told {now}, more than the offers made moved it");
            }
        }
    }
    let expected: Vec<u32> = (1..=WAITING).collect();
    ensure!(offered == expected, "offers out of order: first differences {:?}", first_difference(&offered));
    Ok(())
}

fn first_difference(offered: &[u32]) -> Option<(usize, u32)> {
    offered.iter().enumerate().find(|(index, place)| **place != *index as u32 + 1).map(|(i, p)| (i, *p))
}
