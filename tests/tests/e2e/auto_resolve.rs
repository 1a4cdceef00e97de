//! Auto-resolve over the API, through an agent's answer: the answer left unanswered for the
//! site's idle time resolves the conversation (and the visitor hears of it); in a second
//! conversation the visitor writes back, a reply is owed, and it stays with the agent.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{ConversationId, Seq};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_left_unanswered_resolves_and_a_visitors_reply_keeps_it_open() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let flow = serde_json::json!({ "flow": { "start": "queue", "auto_resolve": { "after_minutes": 1 } } });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&flow)).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let _console = Live::inbox(&edge, &admin.cookie).await?;

    // Two visitors, each taken by the admin and answered.
    let mut conversations: Vec<(ConversationId, Live)> = Vec::new();
    for n in 0..2 {
        let session = new_conversation(&edge, SHOP, None).await?;
        let mut visitor = Live::visitor(&edge, &session).await?;
        visitor.hello(Seq(0)).await?;
        visitor.post(&format!("v-{n}"), "Is my order on its way?").await?;
        let base = format!("/api/v1/conversations/{}", session.conversation_id);
        let took = wait::until("routing sees the console", Duration::from_secs(10), || async {
            let reply = admin.call(&edge, Method::POST, &format!("{base}/take"), None::<&()>).await.ok()?;
            (reply.status != 404).then_some(reply)
        })
        .await?;
        assert_eq!(took.status, 204, "{}", took.body);
        let answer = serde_json::json!({ "text": "It left our warehouse this morning." });
        let posted = admin.call(&edge, Method::POST, &format!("{base}/messages"), Some(&answer)).await?;
        assert_eq!(posted.status, 201, "{}", posted.body);
        conversations.push((session.conversation_id, visitor));
    }
    let (quiet, mut quiet_visitor) = conversations.remove(0);
    let (answering, mut answering_visitor) = conversations.remove(0);
    answering_visitor.post("v-again", "Great, and when will it arrive?").await?;

    let state = |id: &ConversationId| {
        let path = format!("/api/v1/conversations/{id}");
        let (admin, edge) = (&admin, &edge);
        async move {
            let reply = admin.call(edge, Method::GET, &path, None::<&()>).await.ok()?;
            serde_json::from_value::<ConversationState>(reply.body["state"].clone()).ok()
        }
    };
    wait::until("the quiet conversation resolved", Duration::from_secs(120), || async {
        (state(&quiet).await? == ConversationState::Resolved).then_some(())
    })
    .await?;
    quiet_visitor
        .until(|frame| match frame {
            switchboard_protocol::ServerFrame::Status { state: ConversationState::Resolved, .. } => Some(()),
            _ => None,
        })
        .await?;
    assert_eq!(state(&answering).await, Some(ConversationState::Assigned), "a reply is owed there");
    Ok(())
}
