//! Macros over REST, as an admin sets them up and a script or agent runs them: a bad macro is
//! refused naming its field; a run does each action as by hand (the visitor gets the reply
//! and hears the conversation resolved, the inbox sees labels and priority); an unknown macro
//! or conversation does nothing; a refused action stops the run, naming it.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::inbox::{ConversationSummary, Priority};
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{Author, ErrorCode, Seq, ServerFrame};
use switchboard_tests::api::{call_with, new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

#[tokio::test(flavor = "multi_thread")]
async fn a_macro_does_its_actions_in_order_as_the_agent_would() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    let nowhere = json!({ "macros": [
        { "shortcut": "move", "name": "Move", "actions": [{ "type": "assign_queue", "queue": "nowhere" }] }
    ] });
    let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&nowhere)).await?;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.body["error"]["field"], "macros[0].actions[0].queue", "{}", refused.body);

    let macros = json!({ "macros": [
        { "shortcut": "/Close-Spam", "name": "Close as spam", "actions": [
            { "type": "add_labels", "labels": ["Spam"] },
            { "type": "set_priority", "priority": "low" },
            { "type": "send_message", "text": "We are closing this conversation." },
            { "type": "resolve" }
        ] },
        { "shortcut": "hand-to-nobody", "name": "Hand to nobody", "actions": [
            { "type": "add_labels", "labels": ["escalated"] },
            { "type": "assign_agent", "agent": format!("agt_{}", "0".repeat(32)) },
            { "type": "send_message", "text": "never sent" }
        ] }
    ] });
    let saved = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&macros)).await?;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["macros"][0]["shortcut"], "close-spam", "{}", saved.body);
    let shown = admin.call(&edge, Method::GET, "/api/v1/site", None::<&()>).await?;
    assert_eq!(shown.body["macros"].as_array().map(Vec::len), Some(2), "{}", shown.body);

    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "Buy cheap watches at example.invalid").await?;
    let id = session.conversation_id.clone();
    let base = format!("/api/v1/conversations/{id}");
    wait::until("the conversation listed", Duration::from_secs(10), || async {
        let reply = admin.call(&edge, Method::GET, &base, None::<&()>).await.ok()?;
        (reply.status == 200).then_some(())
    })
    .await?;

    // Nothing for a macro or a conversation that is not there.
    let unknown = admin.call(&edge, Method::POST, &format!("{base}/macros/nope"), None::<&()>).await?;
    assert_eq!(unknown.error_code()?, ErrorCode::NotFound, "{}", unknown.body);
    let invented = format!(
        "/api/v1/conversations/{}/macros/close-spam",
        new_conversation(&edge, SHOP, None).await?.conversation_id
    );
    let nobody = admin.call(&edge, Method::POST, &invented, None::<&()>).await?;
    assert_eq!(nobody.error_code()?, ErrorCode::NotFound, "{}", nobody.body);

    // A refused action stops the run: the label before it is on, the reply after it never sent.
    let stopped =
        admin.call(&edge, Method::POST, &format!("{base}/macros/hand-to-nobody"), None::<&()>).await?;
    assert_eq!(stopped.status, 404, "{}", stopped.body);
    let message = stopped.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("assign_agent"), "{message}");

    // A script runs the spam macro with a key (typed with its slash and capitals, as agents do).
    let key = admin.api_key(&edge, "triage", "agent").await?;
    let ran = call_with(
        Method::POST,
        &edge.url(&format!("{base}/macros/Close-Spam")),
        &[("authorization", key.as_str())],
        None::<&()>,
    )
    .await?;
    assert_eq!(ran.status, 200, "{}", ran.body);
    let summary: ConversationSummary = ran.json()?;
    assert_eq!(summary.labels, ["escalated", "spam"]);
    assert_eq!(summary.priority, Some(Priority::Low));

    // The visitor gets the reply, then hears the conversation is resolved.
    let reply = visitor
        .until(|frame| match frame {
            ServerFrame::Message { message } if message.text.contains("closing this") => {
                Some(message.clone())
            }
            _ => None,
        })
        .await?;
    assert!(matches!(reply.author, Author::Agent { .. }), "{reply:?}");
    visitor
        .until(|frame| match frame {
            ServerFrame::Status { state: ConversationState::Resolved, .. } => Some(()),
            _ => None,
        })
        .await?;
    let log = admin.call(&edge, Method::GET, &format!("{base}/messages"), None::<&()>).await?;
    let texts: Vec<&str> =
        log.body["messages"].as_array().into_iter().flatten().filter_map(|m| m["text"].as_str()).collect();
    assert!(!texts.iter().any(|t| t.contains("never sent")), "{texts:?}");
    wait::until("the list says resolved", Duration::from_secs(10), || async {
        let reply = admin.call(&edge, Method::GET, &base, None::<&()>).await.ok()?;
        (reply.body["state"] == "resolved").then_some(())
    })
    .await?;
    Ok(())
}
