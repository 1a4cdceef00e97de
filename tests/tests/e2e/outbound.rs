//! Conversations the team starts (outbound), as a CRM script starts them: `on_reply` is
//! listed but nobody's task until the customer answers in their chat — then the site's flow
//! routes it; `immediate` is offered in a queue at once, or owned by the agent named; the
//! customer finds it in their conversations; bad requests are refused by name, a retry with
//! the same key starts nothing twice.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_protocol::api::contacts::ListResponse;
use switchboard_protocol::api::conversation_create::Created;
use switchboard_protocol::api::visitor_conversations::Response as History;
use switchboard_protocol::inbox::{ConversationSummary, InboxFrame};
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{Author, Seq};
use switchboard_tests::api::{call_with, new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

/// `POST /api/v1/conversations` with the CRM's key (and an idempotency key).
async fn start(
    edge: &TestEdge,
    key: &str,
    idempotency: &str,
    body: Value,
) -> Result<switchboard_tests::api::Reply> {
    call_with(
        Method::POST,
        &edge.url("/api/v1/conversations"),
        &[("authorization", key), ("idempotency-key", idempotency)],
        Some(&body),
    )
    .await
}

/// The conversation's summary once the site lists it in `state`.
async fn listed_in(
    edge: &TestEdge,
    admin: &Session,
    id: &str,
    state: impl Fn(ConversationState) -> bool,
) -> Result<ConversationSummary> {
    let path = format!("/api/v1/conversations/{id}");
    let (path, state) = (&path, &state);
    wait::until("the conversation listed", Duration::from_secs(10), || async move {
        let summary: ConversationSummary =
            admin.call(edge, Method::GET, path, None::<&()>).await.ok()?.json().ok()?;
        state(summary.state).then_some(summary)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crm_starts_conversations_that_wait_for_the_reply_or_go_to_someone_now() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let key = admin.api_key(&edge, "crm", "agent").await?;
    // The admin's console is open: routing knows them and offers reach them.
    let mut inbox = Live::inbox(&edge, &admin.cookie).await?;

    // A customer chatted once: they are a contact with a browser.
    let first = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &first).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "hello, just browsing").await?;
    let contact = wait::until("the customer's contact", Duration::from_secs(10), || async {
        let list: ListResponse =
            admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await.ok()?.json().ok()?;
        list.contacts.into_iter().find(|c| c.visitor_ids.contains(&first.visitor_id))
    })
    .await?;

    // on_reply: listed, nobody's task.
    let text = "Your parcel AB-1234 is delayed. Would you like a refund?";
    let body = json!({ "contact_id": contact.id, "text": text, "routing": { "mode": "on_reply" } });
    let reply = start(&edge, &key, "crm-1", body.clone()).await?;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: Created = reply.json()?;
    assert_eq!(created.message.text, text);
    assert!(matches!(created.message.author, Author::Agent { .. }));
    // A retry with the same key starts nothing new.
    let again: Created = start(&edge, &key, "crm-1", body).await?.json()?;
    assert_eq!(again.conversation_id, created.conversation_id);
    let id = created.conversation_id.to_string();
    let waiting = listed_in(&edge, &admin, &id, |s| s == ConversationState::New).await?;
    assert_eq!((waiting.queue.as_ref(), waiting.assignee.as_ref()), (None, None), "no task: {waiting:?}");
    assert_eq!(waiting.visitor_id, first.visitor_id);
    // The team adds a line meanwhile: still nobody's task.
    let path = format!("/api/v1/conversations/{id}/messages");
    let more = call_with(
        Method::POST,
        &edge.url(&path),
        &[("authorization", key.as_str())],
        Some(&json!({ "text": "It is on us." })),
    )
    .await?;
    assert_eq!(more.status, 201, "{}", more.body);
    let summary: ConversationSummary =
        admin.call(&edge, Method::GET, &format!("/api/v1/conversations/{id}"), None::<&()>).await?.json()?;
    assert_eq!((summary.state, summary.assignee), (ConversationState::New, None));

    // The customer finds it among their conversations and answers in it.
    let history = reqwest::Client::new()
        .get(edge.url("/api/v1/visitor/conversations"))
        .bearer_auth(&first.token)
        .send()
        .await?
        .json::<History>()
        .await?;
    let theirs = history
        .conversations
        .iter()
        .find(|c| c.session.conversation_id == created.conversation_id)
        .expect("the outbound conversation in the customer's history");
    let mut answer = Live::visitor(&edge, &theirs.session).await?;
    let (_, log) = answer.hello(Seq(0)).await?;
    assert_eq!(log.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(), [text, "It is on us."]);
    answer.post("v-yes", "Yes please, a refund").await?;
    // Now the site's flow routes it: offered to the agent with the console open.
    let offered = inbox
        .until_inbox(|frame| match frame {
            InboxFrame::Offer { conversation, .. } if conversation.id == created.conversation_id => Some(()),
            _ => None,
        })
        .await;
    assert!(offered.is_ok(), "the answer made it a task");
    listed_in(&edge, &admin, &id, |s| s != ConversationState::New).await?;

    // immediate, to a queue: offered at once.
    let agents = admin.call(&edge, Method::GET, "/api/v1/agents", None::<&()>).await?;
    let queue = agents.body["queues"][0].as_str().expect("a queue").to_owned();
    let body = json!({ "contact_id": contact.id, "text": "A question about your order", "routing": { "mode": "immediate", "queue": queue } });
    let to_queue: Created = start(&edge, &key, "crm-2", body).await?.json()?;
    inbox
        .until_inbox(|frame| match frame {
            InboxFrame::Offer { conversation, .. } if conversation.id == to_queue.conversation_id => Some(()),
            _ => None,
        })
        .await?;

    // immediate, to an agent: theirs at once.
    let body = json!({ "contact_id": contact.id, "text": "I'll handle your return myself",
                       "routing": { "mode": "immediate", "agent": admin.agent.id } });
    let to_agent: Created = start(&edge, &key, "crm-3", body).await?.json()?;
    let owned =
        listed_in(&edge, &admin, to_agent.conversation_id.as_str(), |s| s == ConversationState::Assigned)
            .await?;
    assert_eq!(owned.assignee.as_ref(), Some(&admin.agent.id));

    // Refusals, each naming what is wrong.
    let nobody = admin
        .call(&edge, Method::POST, "/api/v1/contacts", Some(&json!({ "name": "Only in the CRM" })))
        .await?;
    let nobody = nobody.body["id"].as_str().unwrap_or_default().to_owned();
    for (n, (body, status, field)) in [
        (json!({ "contact_id": nobody, "text": "hi", "routing": { "mode": "on_reply" } }), 409, None),
        (json!({ "contact_id": "ctc_0000000000000000", "text": "hi", "routing": { "mode": "on_reply" } }), 404, None),
        (json!({ "contact_id": contact.id, "text": "hi", "routing": { "mode": "immediate" } }), 400, Some("routing")),
        (json!({ "contact_id": contact.id, "text": "hi", "routing": { "mode": "immediate", "queue": "nowhere" } }), 400, Some("routing.queue")),
        (json!({ "contact_id": contact.id, "text": "  ", "routing": { "mode": "on_reply" } }), 400, Some("text")),
        (json!({ "contact_id": contact.id, "text": "hi", "routing": { "mode": "later" } }), 400, None),
    ]
    .into_iter()
    .enumerate()
    {
        let reply = start(&edge, &key, &format!("bad-{n}"), body.clone()).await?;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        if let Some(field) = field {
            assert_eq!(reply.body["error"]["field"], field, "{body}: {}", reply.body);
        }
    }
    Ok(())
}
