//! The conversation list over REST as a script reads it: 1,200 conversations walked a page at
//! a time while new ones keep arriving — each seen once, none missed — with filters, an API
//! key, and clear errors for a malformed cursor or an unknown filter.

use std::collections::HashSet;

use anyhow::Result;
use futures_util::stream::{self, StreamExt};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversations_list;
use switchboard_protocol::{ConversationId, Seq};
use switchboard_tests::api::{call_with, new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const CONVERSATIONS: usize = 1_200;

/// A conversation with one visitor message (what puts it in the site's list).
async fn conversation(edge: &TestEdge, n: usize) -> Result<ConversationId> {
    let session = new_conversation(edge, SHOP, None).await?;
    let mut visitor = Live::visitor(edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("m-1", &format!("conversation number {n}")).await?;
    Ok(session.conversation_id)
}

/// Every page of the list for `query`, walked by cursor as `admin`: the ids and the pages.
async fn walk(edge: &TestEdge, admin: &Session, query: &str) -> Result<(Vec<ConversationId>, usize)> {
    let (mut ids, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/conversations?{query}&cursor={cursor}"),
            None => format!("/api/v1/conversations?{query}"),
        };
        let reply = admin.call(edge, Method::GET, &path, None::<&()>).await?;
        anyhow::ensure!(reply.status == 200, "{path}: {} {}", reply.status, reply.body);
        let page: conversations_list::Response = reply.json()?;
        pages += 1;
        ids.extend(page.conversations.into_iter().map(|c| c.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok((ids, pages)),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_pages_through_every_conversation_once_while_new_ones_arrive() -> Result<()> {
    let vars = [("SESSIONS_PER_MINUTE_PER_ADDRESS", "100000"), ("SESSIONS_PER_MINUTE_PER_SITE", "100000")];
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let made: Vec<ConversationId> = stream::iter(0..CONVERSATIONS)
        .map(|n| conversation(&edge, n))
        .buffer_unordered(24)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    wait::until("every conversation listed", std::time::Duration::from_secs(60), || async {
        let (ids, _) = walk(&edge, &admin, "limit=200").await.ok()?;
        (ids.len() >= CONVERSATIONS).then_some(())
    })
    .await?;
    let before_walk = now_ms();

    // Walk 97 at a time while 40 more conversations start.
    let arriving = async {
        stream::iter(0..40)
            .map(|n| conversation(&edge, CONVERSATIONS + n))
            .buffer_unordered(4)
            .collect::<Vec<_>>()
            .await
    };
    let (walked, arrived) = tokio::join!(walk(&edge, &admin, "limit=97"), arriving);
    let (walked, pages) = walked?;
    let arrived: Vec<ConversationId> = arrived.into_iter().collect::<Result<_>>()?;
    let unique: HashSet<&ConversationId> = walked.iter().collect();
    assert_eq!(unique.len(), walked.len(), "no conversation twice");
    for id in &made {
        assert!(unique.contains(id), "{id} missing from the walk");
    }
    assert!(pages >= CONVERSATIONS / 97, "{pages} pages");

    // Filters: the new ones by time, one visitor's, nobody's; an API key reads the same.
    let (recent, _) = walk(&edge, &admin, &format!("updated_since={before_walk}&limit=200")).await?;
    for id in &arrived {
        assert!(recent.contains(id), "{id} is recent");
    }
    assert!(recent.len() < CONVERSATIONS, "older ones are left out: {}", recent.len());
    let (unassigned, _) = walk(&edge, &admin, "assignee=none&limit=200").await?;
    assert_eq!(unassigned.len(), CONVERSATIONS + arrived.len());
    let key = admin.call(&edge, Method::POST, "/api/v1/api-keys", Some(&json!({ "name": "crm" }))).await?;
    let bearer = format!("Bearer {}", key.body["secret"].as_str().unwrap_or_default());
    let by_key = call_with::<()>(
        Method::GET,
        &edge.url("/api/v1/conversations?limit=5"),
        &[("authorization", &bearer)],
        None,
    )
    .await?;
    assert_eq!((by_key.status, by_key.body["conversations"].as_array().map(Vec::len)), (200, Some(5)));

    // Clear errors for what a script gets wrong.
    for bad in ["cursor=forged", "limit=0", "limit=1000", "colour=red", "state=lost", "assignee=bob"] {
        let reply =
            admin.call(&edge, Method::GET, &format!("/api/v1/conversations?{bad}"), None::<&()>).await?;
        assert_eq!(
            (reply.status, reply.error_code()?),
            (400, switchboard_protocol::ErrorCode::BadRequest),
            "{bad}"
        );
    }
    Ok(())
}
