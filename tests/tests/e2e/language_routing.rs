//! Language detection as a team lead relies on it: with the site's `detect_language` step on
//! and routing by German and English, a German customer's message is tagged `de`, the
//! conversation shows the language, and it waits for the one agent given German as a skill —
//! the English-only agent is offered the English conversation that came after it, never the
//! German one.
//! Languages the detector does not know, and routing without naming languages, are refused.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::inbox::InboxFrame;
use switchboard_protocol::routing::Presence;
use switchboard_protocol::{ConversationId, Seq};
use switchboard_tests::api::{create_session, me, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const AGENTS: &str = "bo@example.com:Bo:bo-password-123;cy@example.com:Cy:cy-password-123";

/// A visitor who writes `text`; the conversation and the language their message was stored
/// with (as the API lists it).
async fn customer(edge: &TestEdge, admin: &Session, text: &str) -> Result<(ConversationId, Option<String>)> {
    let session = create_session(edge, SHOP).await?;
    let mut visitor = Live::visitor(edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    let seq = visitor.post("v-1", text).await?;
    let path = format!("/api/v1/conversations/{}/messages", session.conversation_id);
    let log = admin.call(edge, Method::GET, &path, None::<&()>).await?;
    let stored = log.body["messages"].as_array().into_iter().flatten().find(|m| m["seq"] == seq.0);
    let language = stored.and_then(|m| m["language"].as_str()).map(str::to_owned);
    Ok((session.conversation_id, language))
}

async fn online(edge: &TestEdge, session: &Session) -> Result<Live> {
    let mut inbox = Live::inbox(edge, &session.cookie).await?;
    inbox
        .until_inbox(|f| matches!(f, InboxFrame::Presence { presence: Presence::Online }).then_some(()))
        .await?;
    Ok(inbox)
}

/// The first offer of one of `these` (a conversation left untagged while the settings were
/// on their way is no concern here).
async fn next_offer(inbox: &mut Live, these: &[&ConversationId]) -> Result<ConversationId> {
    inbox
        .until_inbox(|f| match f {
            InboxFrame::Offer { conversation, .. } if these.contains(&&conversation.id) => {
                Some(conversation.id.clone())
            }
            _ => None,
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_german_customer_waits_for_the_agent_who_speaks_german() -> Result<()> {
    let flow = json!({ "start": "queue", "queues": [{ "id": "support" }] });
    let edge = TestEdge::start_with(
        &[SHOP],
        &[("BOOTSTRAP_FLOW", &flow.to_string()), ("BOOTSTRAP_AGENTS", AGENTS)],
    )?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // What a site could not mean is refused, naming the field.
    for (step, field) in [
        (json!({ "step": "detect_language", "languages": ["pl"] }), "interceptors[0].languages[0]"),
        (json!({ "step": "detect_language", "route": true }), "interceptors[0].languages"),
    ] {
        let body = json!({ "interceptors": [step] });
        let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&body)).await?;
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert_eq!(reply.body["error"]["field"], field, "{}", reply.body);
    }

    // Cy speaks German; Bo English only.
    let bo = Session::start(&edge, "bo@example.com", "bo-password-123").await?;
    let cy = Session::start(&edge, "cy@example.com", "cy-password-123").await?;
    let (bo_id, cy_id) = (me(&edge, &bo.cookie).await?.id, me(&edge, &cy.cookie).await?.id);
    let steps = json!([
        { "step": "redact_cards" },
        { "step": "detect_language", "languages": ["de", "en"], "route": true },
    ]);
    let flow = json!({ "start": "queue", "queues": [{ "id": "support" }], "agents": {
        bo_id.as_str(): { "skills": ["en"] }, cy_id.as_str(): { "skills": ["de"] } } });
    let reply = admin
        .call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "interceptors": steps, "flow": flow })))
        .await?;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let mut bo_inbox = online(&edge, &bo).await?;
    // Objects read the site's settings afresh within seconds.
    let (german, language) = wait::until("messages tagged", Duration::from_secs(15), || async {
        let told =
            customer(&edge, &admin, "Hallo, wo ist mein Paket? Ich warte seit einer Woche").await.ok()?;
        (told.1.is_some()).then_some(told)
    })
    .await?;
    assert_eq!(language.as_deref(), Some("de"));
    let (english, language) =
        customer(&edge, &admin, "Hello, where is my parcel? I have been waiting a week").await?;
    assert_eq!(language.as_deref(), Some("en"));

    // Bo is offered the English conversation, though the German one came first.
    assert_eq!(next_offer(&mut bo_inbox, &[&german, &english]).await?, english, "Bo has no German");

    // The conversation shows its language, and its message keeps the tag.
    let path = format!("/api/v1/conversations/{german}");
    let summary = admin.call(&edge, Method::GET, &path, None::<&()>).await?;
    assert_eq!(summary.body["language"], "de", "{}", summary.body);
    let log = admin.call(&edge, Method::GET, &format!("{path}/messages"), None::<&()>).await?;
    let tagged = log.body["messages"].as_array().into_iter().flatten().any(|m| m["language"] == "de");
    assert!(tagged, "{}", log.body);

    // Cy comes online: the German conversation is offered to Cy.
    let mut cy_inbox = online(&edge, &cy).await?;
    assert_eq!(next_offer(&mut cy_inbox, &[&german]).await?, german);
    Ok(())
}
