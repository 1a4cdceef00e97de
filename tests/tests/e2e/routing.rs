//! Routing end to end, against real workerd: the rule bot answers and hands over, offers go
//! to online agents who accept or let them lapse, transfers, business hours, external bots.

use std::time::Duration;

use serde_json::json;
use switchboard_protocol::inbox::{InboxCommand, InboxFrame};
use switchboard_protocol::routing::{
    ConversationEvent, ConversationState, HandoverReason, Presence, Release,
};
use switchboard_protocol::{Author, ClientFrame, ConversationId, Message, Seq, ServerFrame};
use switchboard_tests::api::{create_session, login, login_as, me, Live};
use switchboard_tests::bot_server::{Behaviour, BotServer, BOT_API_TOKEN, BOT_BEARER, BOT_SIGNING_SECRET};
use switchboard_tests::test_edge::TestEdge;

const SHOP: &str = "https://shop.example";

/// Two agents besides the admin, for offers that move on and transfers.
const AGENTS: &str = "bo@example.com:Bo:bo-password-123;cy@example.com:Cy:cy-password-123";

/// A shop's flow: a bot with two answers, then the support queue (offers lapse after 2 s).
fn shop_flow() -> serde_json::Value {
    json!({
        "bot": {
            "name": "Sam",
            "greeting": "Hi! I'm Sam. What can I do for you?",
            "menu": ["Shipping", "Returns", "Talk to a person"],
            "intents": [
                {"name": "Shipping", "phrases": ["delivery", "how long"], "answer": "We ship within 2 days.",
                 "quick_replies": ["Returns", "Talk to a person"]},
                {"name": "Returns", "phrases": ["refund"], "answer": "You have 30 days to return anything."}
            ]
        },
        "queues": [{"id": "support", "offer_timeout_ms": 2000}]
    })
}

fn start(flow: &serde_json::Value, agents: &str) -> anyhow::Result<TestEdge> {
    TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_FLOW", &flow.to_string()), ("BOOTSTRAP_AGENTS", agents)])
}

/// The next stored message on `socket` that `pick` accepts.
async fn message_where(socket: &mut Live, pick: impl Fn(&Message) -> bool) -> anyhow::Result<Message> {
    socket
        .until(|f| match f {
            ServerFrame::Message { message } if pick(message) => Some(message.clone()),
            _ => None,
        })
        .await
}

async fn status(socket: &mut Live, want: ConversationState) -> anyhow::Result<Option<u32>> {
    socket
        .until(|f| match f {
            ServerFrame::Status { state, position, .. } if *state == want => Some(*position),
            _ => None,
        })
        .await
}

async fn offer(inbox: &mut Live) -> anyhow::Result<ConversationId> {
    inbox
        .until_inbox(|f| match f {
            InboxFrame::Offer { conversation, .. } => Some(conversation.id.clone()),
            _ => None,
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bot_answers_then_a_human_takes_over_through_an_offer() -> anyhow::Result<()> {
    let edge = start(&shop_flow(), "")?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    let (_, replay) = visitor.hello(Seq(0)).await?;
    // The greeting is the first entry, with the menu as quick replies.
    assert_eq!(replay.len(), 1);
    assert!(matches!(&replay[0].author, Author::Bot { name } if name == "Sam"));
    assert_eq!(replay[0].quick_replies, ["Shipping", "Returns", "Talk to a person"]);

    // A quick reply is sent as text; the bot answers it.
    visitor.post("v1", "Shipping").await?;
    let answer = message_where(&mut visitor, |m| matches!(m.author, Author::Bot { .. })).await?;
    assert_eq!(answer.text, "We ship within 2 days.");
    assert_eq!(answer.quick_replies, ["Returns", "Talk to a person"]);

    // An agent comes online.
    let cookie = login(&edge).await?;
    let mut inbox = Live::inbox(&edge, &cookie).await?;
    inbox
        .until_inbox(|f| matches!(f, InboxFrame::Presence { presence: Presence::Online }).then_some(()))
        .await?;

    // Asking for a person: the bot says so, the conversation is queued and offered.
    visitor.post("v2", "Talk to a person").await?;
    let handover = message_where(&mut visitor, |m| matches!(m.author, Author::Bot { .. })).await?;
    assert_eq!(handover.text, "Let me find someone from the team for you.");
    status(&mut visitor, ConversationState::Queued).await?;
    assert_eq!(offer(&mut inbox).await?, session.conversation_id);

    // The agent accepts: the visitor hears who joined.
    inbox.command(&InboxCommand::Accept { conversation_id: session.conversation_id.clone() }).await?;
    let joined = message_where(&mut visitor, |m| matches!(m.author, Author::System) && !m.internal).await?;
    assert_eq!(joined.text, "Dev Agent joined the conversation");
    status(&mut visitor, ConversationState::Assigned).await?;

    // Chat; the agent's view of the log explains what happened, the visitor's hides it.
    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    let (_, agent_log) = agent.hello(Seq(0)).await?;
    let events: Vec<&ConversationEvent> = agent_log.iter().filter_map(|m| m.event.as_ref()).collect();
    assert!(events
        .iter()
        .any(|e| matches!(e, ConversationEvent::HandedOver { reason: HandoverReason::VisitorAsked, .. })));
    assert!(events.iter().any(|e| matches!(e, ConversationEvent::Offered { .. })));
    agent.post("a1", "Hi, I'm here. How can I help?").await?;
    let reply = message_where(&mut visitor, |m| matches!(m.author, Author::Agent { .. })).await?;
    assert_eq!(reply.text, "Hi, I'm here. How can I help?");
    let mut fresh = Live::visitor(&edge, &session).await?;
    let (_, visitor_log) = fresh.hello(Seq(0)).await?;
    assert_eq!(visitor_log.len(), agent_log.len() + 1, "same seqs on both sides");
    for entry in visitor_log.iter().filter(|m| m.internal) {
        assert!(entry.text.is_empty() && entry.event.is_none(), "internal entry leaked: {entry:?}");
    }

    // Resolved, then a new visitor message reopens it to the same agent.
    agent.send(&ClientFrame::Resolve).await?;
    status(&mut visitor, ConversationState::Resolved).await?;
    visitor.post("v3", "One more question").await?;
    assert_eq!(offer(&mut inbox).await?, session.conversation_id);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unanswered_offer_moves_on_and_transfers_reach_the_other_agent() -> anyhow::Result<()> {
    let flow = json!({"start": "queue", "queues": [{"id": "support", "offer_timeout_ms": 1500}]});
    let edge = start(&flow, AGENTS)?;
    let bo_cookie = login_as(&edge, "bo@example.com", "bo-password-123").await?;
    let cy_cookie = login_as(&edge, "cy@example.com", "cy-password-123").await?;
    let (bo, cy) = (me(&edge, &bo_cookie).await?.id, me(&edge, &cy_cookie).await?.id);
    let mut bo_inbox = Live::inbox(&edge, &bo_cookie).await?;
    let mut cy_inbox = Live::inbox(&edge, &cy_cookie).await?;
    for inbox in [&mut bo_inbox, &mut cy_inbox] {
        inbox.until_inbox(|f| matches!(f, InboxFrame::Presence { .. }).then_some(())).await?;
    }

    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v1", "Hello, anyone?").await?;
    assert_eq!(status(&mut visitor, ConversationState::Queued).await?, None);

    // Round robin, ties by id: the first offer goes to the agent with the smaller id.
    let (first, first_id, second, second_id) = if bo < cy {
        (&mut bo_inbox, &bo, &mut cy_inbox, &cy)
    } else {
        (&mut cy_inbox, &cy, &mut bo_inbox, &bo)
    };
    assert_eq!(offer(first).await?, session.conversation_id);
    // Nobody answers: it is withdrawn from the first and offered to the second.
    let reason = first
        .until_inbox(|f| match f {
            InboxFrame::OfferWithdrawn { reason, .. } => Some(*reason),
            _ => None,
        })
        .await?;
    assert_eq!(reason, Release::OfferExpired);
    assert_eq!(offer(second).await?, session.conversation_id);
    second.command(&InboxCommand::Accept { conversation_id: session.conversation_id.clone() }).await?;
    status(&mut visitor, ConversationState::Assigned).await?;

    // Accepting an offer that is gone is refused with a clear error.
    first.command(&InboxCommand::Accept { conversation_id: session.conversation_id.clone() }).await?;
    let refused = first
        .until_inbox(|f| match f {
            InboxFrame::Error { message, .. } => Some(message.clone()),
            _ => None,
        })
        .await?;
    assert!(refused.contains("not offered to you"), "{refused}");

    // The second agent transfers it to the first, who now holds it.
    second
        .command(&InboxCommand::Transfer {
            conversation_id: session.conversation_id.clone(),
            agent: Some(first_id.clone()),
            queue: None,
        })
        .await?;
    let joined =
        message_where(&mut visitor, |m| !m.internal && m.text.ends_with("joined the conversation")).await?;
    let first_name = if first_id == &bo { "Bo" } else { "Cy" };
    assert_eq!(joined.text, format!("{first_name} joined the conversation"));
    first
        .until_inbox(|f| match f {
            InboxFrame::Updated { conversation }
                if conversation.id == session.conversation_id
                    && conversation.assignee.as_ref() == Some(first_id) =>
            {
                Some(())
            }
            _ => None,
        })
        .await?;
    let _ = second_id;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn outside_business_hours_the_visitor_is_told_when_and_asked_for_an_email() -> anyhow::Result<()> {
    // Open one hour a day, starting two hours from now in India (UTC+05:30, no daylight
    // saving: the runtime's zone database is used): closed now, whatever the time.
    let kolkata_minutes =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() / 60 + 330;
    let hour = (kolkata_minutes / 60 + 2) % 24;
    let range = format!("{hour:02}:00-{:02}:00", (hour + 1) % 24);
    let days: serde_json::Map<String, serde_json::Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| (d.to_string(), json!([range])))
        .collect();
    let mut hours = json!({"time_zone": "Asia/Kolkata"});
    hours.as_object_mut().unwrap().extend(days);
    let edge = start(&json!({"start": "queue", "hours": hours}), "")?;

    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v1", "Is anyone there?").await?;
    let away = message_where(&mut visitor, |m| matches!(m.author, Author::Bot { .. })).await?;
    assert!(away.text.contains(&format!("at {hour:02}:00 (Asia/Kolkata)")), "{}", away.text);
    let ask = message_where(&mut visitor, |m| matches!(m.author, Author::Bot { .. })).await?;
    assert!(ask.text.contains("email"), "{}", ask.text);
    status(&mut visitor, ConversationState::Pending).await?;
    visitor.post("v2", "me@example.org").await?;
    let thanks = message_where(&mut visitor, |m| matches!(m.author, Author::Bot { .. })).await?;
    assert!(thanks.text.contains("me@example.org"), "{}", thanks.text);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_external_bot_gets_signed_requests_and_a_silent_one_hands_over() -> anyhow::Result<()> {
    let secret = BOT_SIGNING_SECRET;
    let answering = BotServer::start(Behaviour::Answer(
        json!({"messages": [{"text": "Bot here. Order number?", "quick_replies": ["I have none"]}]})
            .to_string(),
    ))
    .await?;
    let flow = json!({"webhook": {"url": answering.url(), "signing_secret": secret, "timeout_ms": 3000}});
    let edge = start(&flow, "")?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v1", "Where is my parcel?").await?;
    let answer = message_where(&mut visitor, |m| matches!(m.author, Author::Bot { .. })).await?;
    assert_eq!(answer.text, "Bot here. Order number?");
    assert_eq!(answer.quick_replies, ["I have none"]);

    // The request is signed over its exact body, with a fresh timestamp.
    let request = answering.requests(1).await?.remove(0);
    let header = request.headers.get("x-switchboard-signature").expect("signed");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    assert_eq!(switchboard_core::webhook::verify(secret.as_bytes(), header, &request.body, now), Ok(()));
    assert!(switchboard_core::webhook::verify(b"wrong", header, &request.body, now).is_err());
    let body: serde_json::Value = serde_json::from_slice(&request.body)?;
    assert_eq!(body["message"]["text"], "Where is my parcel?");
    assert_eq!(body["conversation_id"], session.conversation_id.to_string());

    // A bot that does not answer in time: the conversation goes to a human.
    let silent = BotServer::start(Behaviour::Slow(Duration::from_secs(20))).await?;
    let flow = json!({"webhook": {"url": silent.url(), "signing_secret": secret, "timeout_ms": 500}});
    let edge = start(&flow, "")?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v1", "Hello?").await?;
    status(&mut visitor, ConversationState::Queued).await?;
    let cookie = login(&edge).await?;
    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    let (_, log) = agent.hello(Seq(0)).await?;
    assert!(log.iter().any(|m| matches!(
        m.event,
        Some(ConversationEvent::HandedOver { reason: HandoverReason::BotFailed, .. })
    )));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bot_answers_later_through_the_api_with_its_token() -> anyhow::Result<()> {
    let later = BotServer::start(Behaviour::Later).await?;
    let flow = json!({"webhook": {"url": later.url(), "signing_secret": BOT_SIGNING_SECRET,
        "api_token": BOT_API_TOKEN, "timeout_ms": 5000}});
    let edge = start(&flow, "")?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v1", "Hi bot").await?;
    later.requests(1).await?;
    let url = edge.url(&format!("/api/v1/bot/conversations/{}/answer", session.conversation_id));
    let body = json!({"messages": [{"text": "Sorry for the wait!"}], "handover": {}});
    let post = |auth: &'static str| {
        reqwest::Client::new().post(&url).header("authorization", auth).json(&body).send()
    };
    assert_eq!(post("Bearer wrong").await?.status(), 401);
    // A card whose button would run script is refused with the reason; nothing is posted.
    let sneaky = json!({"messages": [{"text": "Click", "cards": [{"title": "Deal", "link": {"label": "Go", "url": "javascript:alert(1)"}}]}]});
    let refused =
        reqwest::Client::new().post(&url).header("authorization", BOT_BEARER).json(&sneaky).send().await?;
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await?.contains("http"), "the reason names the allowed links");
    let body = json!({"messages": [{"text": "Sorry for the wait!", "cards": [{"title": "Order status",
        "text": "Track your parcel", "link": {"label": "Track", "url": "https://shop.example/track"}}]}], "handover": {}});
    let post = |auth: &'static str| {
        reqwest::Client::new().post(&url).header("authorization", auth).json(&body).send()
    };
    assert_eq!(post(BOT_BEARER).await?.status(), 200);
    let answer = message_where(&mut visitor, |m| matches!(m.author, Author::Bot { .. })).await?;
    assert_eq!(answer.text, "Sorry for the wait!");
    assert_eq!(answer.cards.len(), 1, "the card comes with the message");
    assert_eq!(answer.cards[0].link.as_ref().map(|l| l.url.as_str()), Some("https://shop.example/track"));
    status(&mut visitor, ConversationState::Queued).await?;
    // The human has it now: a late second answer is refused.
    assert_eq!(post(BOT_BEARER).await?.status(), 409);
    Ok(())
}

#[test]
fn the_demo_shops_flow_is_valid() -> anyhow::Result<()> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo-site/flow.toml");
    let flow: toml::Value = toml::from_str(&std::fs::read_to_string(path)?)?;
    let json = serde_json::to_string(&flow)?;
    switchboard_core::site::parse_flow(&json, &UtcOnly).map_err(anyhow::Error::msg)?;
    Ok(())
}

/// A zone database that knows only UTC (the demo flow has no business hours).
struct UtcOnly;

impl switchboard_core::flow::Zones for UtcOnly {
    fn offset_minutes(&self, zone: &str, _utc_ms: i64) -> Option<i32> {
        (zone == "UTC").then_some(0)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_silent_past_the_response_target_loses_the_conversation() -> anyhow::Result<()> {
    let flow = json!({"start": "queue", "queues": [{"id": "support", "offer_timeout_ms": 10000,
        "sla": {"first_response_ms": 1500}}]});
    let edge = start(&flow, AGENTS)?;
    let bo_cookie = login_as(&edge, "bo@example.com", "bo-password-123").await?;
    let mut bo_inbox = Live::inbox(&edge, &bo_cookie).await?;
    bo_inbox.until_inbox(|f| matches!(f, InboxFrame::Presence { .. }).then_some(())).await?;

    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v1", "Hello?").await?;
    assert_eq!(offer(&mut bo_inbox).await?, session.conversation_id);
    bo_inbox.command(&InboxCommand::Accept { conversation_id: session.conversation_id.clone() }).await?;
    status(&mut visitor, ConversationState::Assigned).await?;

    // Cy comes online; Bo says nothing for longer than the target: the conversation goes to Cy.
    let cy_cookie = login_as(&edge, "cy@example.com", "cy-password-123").await?;
    let mut cy_inbox = Live::inbox(&edge, &cy_cookie).await?;
    assert_eq!(offer(&mut cy_inbox).await?, session.conversation_id);
    // The log says why (the notices may still be on their way when the offer arrives).
    let mut agent = Live::agent(&edge, &cy_cookie, &session.conversation_id).await?;
    let (_, mut log) = agent.hello(Seq(0)).await?;
    let released = |m: &Message| {
        matches!(m.event, Some(ConversationEvent::Released { reason: Release::SlaBreached, .. }))
    };
    if !log.iter().any(released) {
        log.push(message_where(&mut agent, released).await?);
    }
    assert!(log.iter().any(|m| matches!(m.event, Some(ConversationEvent::SlaBreached { .. }))));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn visitors_waiting_in_the_queue_are_told_their_place() -> anyhow::Result<()> {
    // One conversation at a time per agent, so the second keeps waiting.
    let edge = start(&json!({"start": "queue", "capacity": 1}), "")?;
    let mut waiting = Vec::new();
    for n in 1..=2u32 {
        let session = create_session(&edge, SHOP).await?;
        let mut visitor = Live::visitor(&edge, &session).await?;
        visitor.hello(Seq(0)).await?;
        visitor.post("v1", "Anyone there?").await?;
        // Nobody is online: each waits, behind those who came first.
        let place = visitor
            .until(|f| match f {
                ServerFrame::Status {
                    state: ConversationState::Queued,
                    position: Some(p),
                    wait_ms: Some(w),
                } => Some((*p, *w)),
                _ => None,
            })
            .await?;
        assert_eq!(place.0, n);
        assert!(place.1 > 0);
        waiting.push((session, visitor));
    }
    // The first is offered to the agent who came online: the second moves up to first.
    let cookie = login(&edge).await?;
    let mut inbox = Live::inbox(&edge, &cookie).await?;
    let first = offer(&mut inbox).await?;
    assert_eq!(first, waiting[0].0.conversation_id);
    inbox.command(&InboxCommand::Accept { conversation_id: first }).await?;
    let (_, second) = &mut waiting[1];
    second.until(|f| matches!(f, ServerFrame::Status { position: Some(1), .. }).then_some(())).await?;
    Ok(())
}
