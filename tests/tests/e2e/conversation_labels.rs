//! Labels, custom attributes and priority on conversations over REST, as a CRM script and an
//! agent use them: set, seen live in an open inbox, filtered on, changed key by key, with
//! clear errors, and nothing for a conversation that is not there.

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversations_list::Response as ListPage;
use switchboard_protocol::inbox::{ConversationSummary, InboxFrame};
use switchboard_protocol::{ConversationId, Seq};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

/// The ids the REST list answers the admin for `query` (`label=vip`, `priority=urgent`).
async fn listed(edge: &TestEdge, admin: &Session, query: &str) -> Result<Vec<ConversationId>> {
    let path = format!("/api/v1/conversations?{query}");
    let page: ListPage = admin.call(edge, Method::GET, &path, None::<&()>).await?.json()?;
    Ok(page.conversations.into_iter().map(|c| c.id).collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn labels_and_attributes_are_set_seen_live_and_filtered_on() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let key = admin.api_key(&edge, "crm", "agent").await?;
    let (mut ids, mut visitors) = (Vec::new(), Vec::new());
    for n in 0..3 {
        let session = new_conversation(&edge, SHOP, None).await?;
        let mut visitor = Live::visitor(&edge, &session).await?;
        visitor.hello(Seq(0)).await?;
        visitor.post(&format!("v-{n}"), &format!("my order AB-12{n}")).await?;
        ids.push(session.conversation_id);
        visitors.push(visitor);
    }
    let by_key = |method: Method, path: String, body: serde_json::Value| {
        let (key, edge) = (key.clone(), &edge);
        async move {
            switchboard_tests::api::call_with(
                method,
                &edge.url(&path),
                &[("authorization", key.as_str())],
                Some(&body),
            )
            .await
        }
    };
    // Every conversation is in the index before it is labelled (summaries are coalesced).
    wait::until("three conversations listed", std::time::Duration::from_secs(10), || async {
        let page: ListPage =
            admin.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await.ok()?.json().ok()?;
        (page.conversations.len() == 3).then_some(())
    })
    .await?;

    // An agent with the inbox open sees the labels the moment a script sets them.
    let mut inbox = Live::inbox(&edge, &admin.cookie).await?;
    let (first, second) = (&ids[0], &ids[1]);
    let reply = by_key(
        Method::PUT,
        format!("/api/v1/conversations/{first}/labels"),
        json!({ "labels": ["VIP ", "Billing  issue", "vip"] }),
    )
    .await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let summary: ConversationSummary = reply.json()?;
    assert_eq!(summary.labels, ["vip", "billing issue"], "one spelling each, in the order given");
    let pushed = inbox
        .until_inbox(|frame| match frame {
            InboxFrame::Updated { conversation }
                if conversation.id == *first && !conversation.labels.is_empty() =>
            {
                Some(conversation.labels.clone())
            }
            _ => None,
        })
        .await?;
    assert_eq!(pushed, ["vip", "billing issue"]);
    by_key(
        Method::PUT,
        format!("/api/v1/conversations/{second}/labels"),
        json!({ "labels": ["billing issue"] }),
    )
    .await?;

    // The list filters on a label however it is typed, with other filters and pages.
    let listed = |query: &'static str| listed(&edge, &admin, query);
    assert_eq!(listed("label=VIP").await?, std::slice::from_ref(first));
    let mut billing = listed("label=billing%20issue").await?;
    billing.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(billing, expected);
    assert_eq!(listed("label=billing%20issue&limit=1").await?.len(), 1);
    assert!(listed("label=refund").await?.is_empty());
    // A new message keeps the labels (the summary a conversation sends does not carry them).
    let again = visitors[0].post("v-again", "any news?").await?;
    let summary =
        wait::until("the new message in the summary", std::time::Duration::from_secs(10), || async {
            let path = format!("/api/v1/conversations/{first}");
            let summary: ConversationSummary =
                admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?.json().ok()?;
            (summary.last_seq >= again).then_some(summary)
        })
        .await?;
    assert_eq!(summary.labels, ["vip", "billing issue"]);
    // Clearing them.
    let cleared: ConversationSummary =
        by_key(Method::PUT, format!("/api/v1/conversations/{first}/labels"), json!({ "labels": [] }))
            .await?
            .json()?;
    assert!(cleared.labels.is_empty());
    assert!(listed("label=vip").await?.is_empty());

    // Attributes: set, kept, removed key by key.
    let path = format!("/api/v1/conversations/{second}/attributes");
    let set: ConversationSummary = by_key(
        Method::PATCH,
        path.clone(),
        json!({ "attributes": { "order_id": "AB-121", "amount": 42.5, "gift": true } }),
    )
    .await?
    .json()?;
    assert_eq!(set.attributes.len(), 3);
    let patched: ConversationSummary =
        by_key(Method::PATCH, path.clone(), json!({ "attributes": { "gift": null, "amount": 40 } }))
            .await?
            .json()?;
    assert_eq!(serde_json::to_value(&patched.attributes)?, json!({ "amount": 40, "order_id": "AB-121" }));

    // Clear errors naming the field; nothing for an invented conversation.
    let bad = by_key(
        Method::PUT,
        format!("/api/v1/conversations/{second}/labels"),
        json!({ "labels": ["ok", "<b>"] }),
    )
    .await?;
    assert_eq!((bad.status, bad.body["error"]["field"].as_str()), (400, Some("labels[1]")), "{}", bad.body);
    let bad = by_key(Method::PATCH, path.clone(), json!({ "attributes": { "Order ID": "x" } })).await?;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.body["error"]["field"], "attributes.Order ID");
    let bad = admin.call(&edge, Method::GET, "/api/v1/conversations?label=%3Cb%3E", None::<&()>).await?;
    assert_eq!((bad.status, bad.body["error"]["field"].as_str()), (400, Some("label")), "{}", bad.body);
    let invented = "cnv_00000000000000000000000000000000";
    let missing =
        by_key(Method::PUT, format!("/api/v1/conversations/{invented}/labels"), json!({ "labels": ["x"] }))
            .await?;
    assert_eq!(missing.status, 404, "{}", missing.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_priority_is_set_seen_live_kept_through_messages_filtered_on_and_cleared() -> Result<()> {
    use switchboard_protocol::inbox::Priority;
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let key = admin.api_key(&edge, "crm", "agent").await?;
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "The payment failed twice").await?;
    let id = session.conversation_id.clone();
    let path = format!("/api/v1/conversations/{id}/priority");
    let set = |body: serde_json::Value| {
        let (key, edge, path) = (key.clone(), &edge, path.clone());
        async move {
            switchboard_tests::api::call_with(
                Method::PUT,
                &edge.url(&path),
                &[("authorization", key.as_str())],
                Some(&body),
            )
            .await
        }
    };
    let listed = |query: &'static str| listed(&edge, &admin, query);
    wait::until("the conversation listed", std::time::Duration::from_secs(10), || async {
        (listed("").await.ok()?.len() == 1).then_some(())
    })
    .await?;

    // A script marks it urgent: the answer and every open inbox say so.
    let mut inbox = Live::inbox(&edge, &admin.cookie).await?;
    let reply = set(json!({ "priority": "urgent" })).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json::<ConversationSummary>()?.priority, Some(Priority::Urgent));
    let pushed = inbox
        .until_inbox(|frame| match frame {
            InboxFrame::Updated { conversation }
                if conversation.id == id && conversation.priority.is_some() =>
            {
                conversation.priority
            }
            _ => None,
        })
        .await?;
    assert_eq!(pushed, Priority::Urgent);
    assert_eq!(listed("priority=urgent").await?, std::slice::from_ref(&id));
    assert!(listed("priority=low").await?.is_empty());

    // A new message keeps it (the conversation's own summary does not carry it).
    let again = visitor.post("v-2", "Still failing").await?;
    let summary =
        wait::until("the new message in the summary", std::time::Duration::from_secs(10), || async {
            let summary: ConversationSummary = admin
                .call(&edge, Method::GET, &format!("/api/v1/conversations/{id}"), None::<&()>)
                .await
                .ok()?
                .json()
                .ok()?;
            (summary.last_seq >= again).then_some(summary)
        })
        .await?;
    assert_eq!(summary.priority, Some(Priority::Urgent));

    // Cleared with null; clear errors otherwise.
    let cleared = set(json!({ "priority": null })).await?;
    assert_eq!(cleared.json::<ConversationSummary>()?.priority, None);
    assert!(listed("priority=urgent").await?.is_empty());
    let bad = set(json!({ "priority": "asap" })).await?;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let bad = set(json!({})).await?;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let bad = admin.call(&edge, Method::GET, "/api/v1/conversations?priority=asap", None::<&()>).await?;
    assert_eq!((bad.status, bad.body["error"]["field"].as_str()), (400, Some("priority")), "{}", bad.body);
    let invented = "cnv_00000000000000000000000000000000";
    let missing = switchboard_tests::api::call_with(
        Method::PUT,
        &edge.url(&format!("/api/v1/conversations/{invented}/priority")),
        &[("authorization", key.as_str())],
        Some(&json!({ "priority": "low" })),
    )
    .await?;
    assert_eq!(missing.status, 404, "{}", missing.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_urgent_conversation_jumps_the_queue_and_its_visitor_is_told() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    // Two visitors wait in the queue (nobody is online), the second arrived last.
    let mut waiting = Vec::new();
    for n in 0..2 {
        let session = new_conversation(&edge, SHOP, None).await?;
        let mut visitor = Live::visitor(&edge, &session).await?;
        visitor.hello(Seq(0)).await?;
        visitor.post(&format!("v-{n}"), "I need a person").await?;
        let place = visitor
            .until(|frame| match frame {
                switchboard_protocol::ServerFrame::Status { position: Some(place), .. } => Some(*place),
                _ => None,
            })
            .await?;
        assert_eq!(place, n + 1);
        waiting.push((session.conversation_id, visitor));
    }
    // The second is marked urgent: its visitor hears they are next.
    let (second, visitor) = &mut waiting[1];
    let path = format!("/api/v1/conversations/{second}/priority");
    let reply = admin.call(&edge, Method::PUT, &path, Some(&json!({ "priority": "urgent" }))).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    visitor
        .until(|frame| match frame {
            switchboard_protocol::ServerFrame::Status { position: Some(1), .. } => Some(()),
            _ => None,
        })
        .await?;
    // The first agent to come online is offered it first.
    let second = second.clone();
    let mut inbox = Live::inbox(&edge, &admin.cookie).await?;
    let first_offer = inbox
        .until_inbox(|frame| match frame {
            InboxFrame::Offer { conversation, .. } => Some(conversation.id.clone()),
            _ => None,
        })
        .await?;
    assert_eq!(first_offer, second);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sites_label_definitions_are_checked_and_kept_in_one_spelling() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let patch = |labels: serde_json::Value| json!({ "labels": labels });
    for (labels, field) in [
        (json!([{ "name": "vip", "color": "red" }, { "name": " VIP" }]), "labels[1].name"),
        (json!([{ "name": "<b>" }]), "labels[0].name"),
        (json!([{ "name": "vip", "color": "chartreuse" }]), "labels[0].color"),
    ] {
        let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&patch(labels))).await?;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert_eq!(refused.body["error"]["field"], field, "{}", refused.body);
    }
    let saved = admin
        .call(
            &edge,
            Method::PATCH,
            "/api/v1/site",
            Some(&patch(json!([{ "name": " Billing  Issue ", "color": "green" }, { "name": "vip" }]))),
        )
        .await?;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(
        saved.body["labels"],
        json!([{ "name": "billing issue", "color": "green" }, { "name": "vip", "color": "blue" }])
    );
    Ok(())
}
