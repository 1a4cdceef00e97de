//! SMS through Twilio, as a customer with a phone meets it and as an attacker probes it:
//! a local fake Twilio (`switchboard_tests::fake_twilio`, its documented wire format) posts
//! signed webhooks to the edge and takes our replies on its Messages API. Unsigned, wrongly
//! signed and replayed-to-another-URL posts are refused with `403` and store nothing; a
//! signed one becomes a conversation on the SMS channel, routed as the number's handler
//! says, redacted by the site's interceptors; Twilio's retry of the same message is stored
//! once; the agent's reply goes out through the Messages API with a status callback, whose
//! reports move the customer's read mark or tell the team, privately, that a message failed.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversation_messages::{Posted, Response as Page};
use switchboard_protocol::channels::Channel;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{Author, ConversationId, Message, Seq, ServerFrame};
use switchboard_tests::api::{Live, Session};
use switchboard_tests::fake_twilio::{self, message_sid, Answer, FakeTwilio};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD, SITE};

const SHOP: &str = "https://shop.example";
const OUR_NUMBER: &str = "+15550100";
const CUSTOMER: &str = "+15551234567";

async fn conversations(edge: &TestEdge, admin: &Session) -> Result<Vec<ConversationSummary>> {
    let reply = admin.call(edge, Method::GET, "/api/v1/conversations", None::<&()>).await?;
    Ok(reply.json::<switchboard_protocol::api::conversations_list::Response>()?.conversations)
}

async fn log(edge: &TestEdge, admin: &Session, id: &ConversationId) -> Result<Vec<Message>> {
    let path = format!("/api/v1/conversations/{id}/messages?limit=100");
    Ok(admin.call(edge, Method::GET, &path, None::<&()>).await?.json::<Page>()?.messages)
}

/// The customer's texts in a log.
fn customer_texts(log: &[Message]) -> Vec<&str> {
    log.iter().filter(|m| matches!(m.author, Author::Visitor { .. })).map(|m| m.text.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_sms_becomes_a_conversation_and_the_teams_replies_go_back_by_sms() -> Result<()> {
    let twilio = FakeTwilio::start().await?;
    let vars = twilio.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.push(("CHANNEL_FIRST_RETRY_MS", "200"));
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let number = json!({ "channels": [{ "channel": "sms", "address": OUR_NUMBER,
        "handler": { "start": "queue", "queue": "support", "reopen_within_minutes": 0 } }] });
    let set = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&number)).await?;
    ensure!(set.status == 200, "channels refused: {}", set.body);
    let hook = edge.url(&format!("/api/v1/channels/twilio/{SITE}/messages"));

    // An attacker without the auth token: unsigned, signed with a guess, or a genuine
    // signature replayed with another body or to another site's URL. All 403, nothing kept.
    let forged = fake_twilio::inbound(&message_sid(1), CUSTOMER, OUR_NUMBER, "forged 4242");
    let (status, _) = fake_twilio::post(&hook, &forged, None).await?;
    ensure!(status == 403, "unsigned: {status}");
    let (status, _) = fake_twilio::post(&hook, &forged, Some("bm90IFR3aWxpbydzIHNpZ25hdHVyZQ==")).await?;
    ensure!(status == 403, "guessed signature: {status}");
    let genuine =
        fake_twilio::signature(&hook, &fake_twilio::inbound(&message_sid(1), CUSTOMER, OUR_NUMBER, "hi"));
    let (status, _) = fake_twilio::post(&hook, &forged, Some(&genuine)).await?;
    ensure!(status == 403, "signature of another body: {status}");
    let elsewhere = edge.url("/api/v1/channels/twilio/other-site/messages");
    let (status, _) = fake_twilio::post_signed(&elsewhere, &forged).await?;
    ensure!(status == 404, "a site that does not exist: {status}");
    // A number the site does not have.
    let stranger = fake_twilio::inbound(&message_sid(2), CUSTOMER, "+15559999999", "forged 4242");
    let (status, body) = fake_twilio::post_signed(&hook, &stranger).await?;
    ensure!(status == 404 && body.contains("+15559999999"), "unknown number: {status} {body}");
    ensure!(edge.stored_files_containing(b"forged 4242").is_empty(), "a refused post was stored");
    ensure!(conversations(&edge, &admin).await?.is_empty(), "a refused post made a conversation");
    ensure!(
        !edge.started_objects().iter().any(|(name, _)| name.contains("ThreadObject")),
        "a refused post started a line: {:?}",
        edge.started_objects()
    );

    // The customer texts, with a card number in it; Twilio posts, signed.
    let sid = message_sid(3);
    let text = "Hi, my order has not arrived. Card 4242 4242 4242 4242 if you need it";
    let first = fake_twilio::inbound(&sid, CUSTOMER, OUR_NUMBER, text);
    let (status, body) = fake_twilio::post_signed(&hook, &first).await?;
    ensure!(status == 200 && body.contains("<Response>"), "inbound: {status} {body}");
    let summary = wait::until("the SMS conversation queued", Duration::from_secs(10), || async {
        let list = conversations(&edge, &admin).await.ok()?;
        list.into_iter().find(|c| c.state == ConversationState::Queued)
    })
    .await?;
    ensure!(summary.channel == Channel::Sms, "channel: {:?}", summary.channel);
    let phone = summary.contact.as_ref().and_then(|c| c.attributes.get("phone")).map(String::as_str);
    ensure!(phone == Some(CUSTOMER), "the customer's number on the contact: {:?}", summary.contact);
    let stored = log(&edge, &admin, &summary.id).await?;
    ensure!(
        customer_texts(&stored) == ["Hi, my order has not arrived. Card [card ending 4242] if you need it"],
        "stored as redacted: {stored:#?}"
    );
    ensure!(edge.stored_files_containing(b"4242 4242 4242 4242").is_empty(), "the card number was kept");

    // Twilio retries the same message (it got no answer in time): stored once.
    let (status, _) = fake_twilio::post_signed(&hook, &first).await?;
    ensure!(status == 200, "retry: {status}");
    ensure!(customer_texts(&log(&edge, &admin, &summary.id).await?).len() == 1, "the retry was stored twice");

    // The agent answers from the console (here its REST twin): Twilio is asked to send it
    // from our number to theirs, with a status callback on this edge.
    let mut agent = Live::agent(&edge, &admin.cookie, &summary.id).await?;
    agent.hello(Seq(0)).await?;
    let reply = "Sorry about that! It ships today.";
    let path = format!("/api/v1/conversations/{}/messages", summary.id);
    let posted = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": reply }))).await?;
    ensure!(posted.status == 201, "reply: {} {}", posted.status, posted.body);
    let reply_seq = posted.json::<Posted>()?.message;
    let sent = twilio.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.body == reply)).await?;
    let out = sent.iter().find(|s| s.body == reply).cloned().unwrap_or_else(|| unreachable!());
    ensure!((out.to.as_str(), out.from.as_str()) == (CUSTOMER, OUR_NUMBER), "{out:?}");
    let callback = out.status_callback.clone().unwrap_or_default();
    ensure!(callback == edge.url(&format!("/api/v1/channels/twilio/{SITE}/status")), "callback: {callback}");
    ensure!(twilio.bad_credentials() == 0, "the Messages API was called without the account's credentials");

    // Its statuses come back: a forged one is refused; delivered shows nothing new; read
    // moves the customer's read mark to the reply.
    let forged = fake_twilio::status(&out.sid, "read", OUR_NUMBER, CUSTOMER, None);
    let (status, _) = fake_twilio::post(&callback, &forged, None).await?;
    ensure!(status == 403, "unsigned status: {status}");
    for report in ["sent", "delivered", "read"] {
        let fields = fake_twilio::status(&out.sid, report, OUR_NUMBER, CUSTOMER, None);
        let (status, body) = fake_twilio::post_signed(&callback, &fields).await?;
        ensure!(status == 200, "status {report}: {status} {body}");
    }
    let up_to = agent
        .until(|frame| match frame {
            ServerFrame::Read { reader: Author::Visitor { .. }, up_to } => Some(*up_to),
            _ => None,
        })
        .await?;
    ensure!(up_to == reply_seq.seq, "read up to {up_to:?}, the reply is {:?}", reply_seq.seq);

    // A reply Twilio refuses for good becomes a private note for the team, and is not retried.
    twilio.set_answer(Answer::InvalidNumber);
    let posted = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": "Are you there?" }))).await?;
    ensure!(posted.status == 201, "second reply: {}", posted.status);
    let note = agent
        .until(|frame| match frame {
            ServerFrame::Message { message } if message.internal && message.author == Author::System => {
                Some(message.text.clone())
            }
            _ => None,
        })
        .await?;
    ensure!(note.contains("Not sent by SMS") && note.contains("21211"), "note: {note}");
    let tries = twilio.sent().iter().filter(|s| s.body == "Are you there?").count();
    ensure!(tries == 1, "a refused message was retried: {:#?}", twilio.sent());

    // Twilio down for a moment: the next reply waits and goes once it is back, in order.
    twilio.set_answer(Answer::Unavailable);
    for text in ["One moment", "Found it"] {
        let posted = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": text }))).await?;
        ensure!(posted.status == 201, "reply while Twilio is down: {}", posted.status);
    }
    let ours = [reply, "One moment", "Found it"];
    twilio.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.body == "One moment")).await?;
    twilio.set_answer(Answer::Accept);
    let accepted = |sent: &[fake_twilio::Sent]| -> Vec<String> {
        sent.iter()
            .filter(|s| s.accepted && ours.contains(&s.body.as_str()))
            .map(|s| s.body.clone())
            .collect()
    };
    let sent = twilio.until(Duration::from_secs(20), |sent| accepted(sent).len() >= 3).await?;
    ensure!(accepted(&sent) == ours, "accepted in order: {:?}", accepted(&sent));

    // Resolved, with no reopen window: the customer's next text starts a new conversation.
    let resolve = format!("/api/v1/conversations/{}/resolve", summary.id);
    let resolved = admin.call(&edge, Method::POST, &resolve, None::<&()>).await?;
    ensure!(resolved.status == 204 || resolved.status == 200, "resolve: {}", resolved.status);
    let again = fake_twilio::inbound(&message_sid(4), CUSTOMER, OUR_NUMBER, "Another question");
    let (status, _) = fake_twilio::post_signed(&hook, &again).await?;
    ensure!(status == 200, "second conversation: {status}");
    let second = wait::until("a new conversation", Duration::from_secs(10), || async {
        let list = conversations(&edge, &admin).await.ok()?;
        list.into_iter().find(|c| c.id != summary.id)
    })
    .await?;
    ensure!(second.visitor_id == summary.visitor_id, "the same customer line, the same visitor");
    ensure!(customer_texts(&log(&edge, &admin, &second.id).await?) == ["Another question"]);
    Ok(())
}
