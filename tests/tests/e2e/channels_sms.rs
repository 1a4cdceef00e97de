//! SMS through Twilio, as a customer with a phone meets it and as an attacker probes it:
//! a local fake Twilio (`switchboard_tests::fake_twilio`, its documented wire format) posts
//! signed webhooks to the edge and takes our replies on its Messages API. Unsigned, wrongly
//! signed and replayed-to-another-URL posts are refused with `403` and store nothing; a
//! signed one becomes a conversation on the SMS channel, routed as the number's handler
//! says, redacted by the site's interceptors; Twilio's retry of the same message is stored
//! once; the agent's reply goes out through the Messages API with a status callback, whose
//! reports move the customer's read mark or tell the team, privately, that a message failed.
//! A number the team noted on a chat visitor's contact makes their texts that contact's.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_demo_site::identity_token;
use switchboard_protocol::api::contacts::{ContactDetail, ListResponse as ContactList};
use switchboard_protocol::api::conversation_messages::{Posted, Response as Page};
use switchboard_protocol::channels::{Channel, DeliveryStatus};
use switchboard_protocol::contact::Identity;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{Author, ClientFrame, ConversationId, Message, Seq, ServerFrame};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::fake_twilio::{self, message_sid, Answer, FakeTwilio};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, wait, ADMIN_EMAIL, ADMIN_PASSWORD, IDENTITY_SECRET, SITE};

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
    // The agents see it went: Twilio took it.
    let taken = delivery_of(&mut agent, reply_seq.seq, |d| d >= DeliveryStatus::Queued).await?;
    ensure!(taken <= DeliveryStatus::Sent, "taken: {taken:?}");

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
    let read = delivery_of(&mut agent, reply_seq.seq, |d| d == DeliveryStatus::Read).await?;
    ensure!(read == DeliveryStatus::Read);
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
    let refused_seq = posted.json::<Posted>()?.message.seq;
    delivery_of(&mut agent, refused_seq, |d| d == DeliveryStatus::Failed).await?;
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
    // An agent opening it afresh sees the same ticks.
    let mut fresh = Live::agent(&edge, &admin.cookie, &summary.id).await?;
    fresh.hello(Seq(0)).await?;
    let mut seen = std::collections::BTreeMap::new();
    while !(seen.contains_key(&reply_seq.seq) && seen.contains_key(&refused_seq)) {
        let (seq, delivery) = fresh
            .until(|frame| match frame {
                ServerFrame::Delivery { seq, delivery } => Some((*seq, *delivery)),
                _ => None,
            })
            .await?;
        seen.insert(seq, delivery);
    }
    ensure!(
        (seen[&reply_seq.seq], seen[&refused_seq]) == (DeliveryStatus::Read, DeliveryStatus::Failed),
        "replayed ticks: {seen:?}"
    );

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

#[tokio::test(flavor = "multi_thread")]
async fn a_chat_visitor_whose_number_the_team_knows_texts_in_and_is_one_contact_with_both() -> Result<()> {
    let twilio = FakeTwilio::start().await?;
    let vars = twilio.vars();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let number = json!({ "channels": [{ "channel": "sms", "address": OUR_NUMBER }] });
    ensure!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&number)).await?.status == 200);

    // A visitor chats on the site, and claims a number in the chat: that proves nothing.
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "Hi, my number is +15551234567").await?;
    let contact = wait::until("the visitor's contact", Duration::from_secs(10), || async {
        let list: ContactList =
            admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await.ok()?.json().ok()?;
        list.contacts.into_iter().find(|c| c.visitor_ids.contains(&session.visitor_id))
    })
    .await?;
    let path = format!("/api/v1/contacts/{}", contact.id);
    // The agent notes the customer's number (as written, with spaces).
    let phones = json!({ "phones": ["+1 555 123 4567"] });
    let set = admin.call(&edge, Method::PATCH, &path, Some(&phones)).await?;
    ensure!(set.status == 200, "phones: {} {}", set.status, set.body);

    // They text in: the conversation joins their contact, with both conversations listed.
    let hook = edge.url(&format!("/api/v1/channels/twilio/{SITE}/messages"));
    let fields = fake_twilio::inbound(&message_sid(7), CUSTOMER, OUR_NUMBER, "Texting instead");
    ensure!(fake_twilio::post_signed(&hook, &fields).await?.0 == 200);
    let both = wait::until("both conversations on one contact", Duration::from_secs(10), || async {
        let reply = admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?;
        let found: ContactDetail = reply.json().ok()?;
        (found.conversations.len() == 2).then_some(found)
    })
    .await?;
    let channels: Vec<Channel> = both.conversations.iter().map(|c| c.channel).collect();
    ensure!(channels.contains(&Channel::Sms) && channels.contains(&Channel::Webchat), "{channels:?}");
    let contacts: ContactList =
        admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await?.json()?;
    ensure!(contacts.contacts.len() == 1, "one person, one contact: {:#?}", contacts.contacts);

    // Another number texting in is another person.
    let stranger = fake_twilio::inbound(&message_sid(8), "+15559876543", OUR_NUMBER, "Hello?");
    ensure!(fake_twilio::post_signed(&hook, &stranger).await?.0 == 200);
    let contacts = wait::until("the stranger's contact", Duration::from_secs(10), || async {
        let list: ContactList =
            admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await.ok()?.json().ok()?;
        (list.contacts.len() == 2).then_some(list)
    })
    .await?;
    let stranger = contacts.contacts.iter().find(|c| c.id != contact.id);
    ensure!(stranger.is_some_and(|c| c.phones == ["+15559876543"]), "{:#?}", contacts.contacts);

    // A customer signed in on the site, whose number the site's backend signed into their
    // identity token, chats and later texts in: one contact, found by the signed number.
    let grace = "+15552223333";
    let claims = json!({ "sub": "customer-42", "name": "Grace Hopper", "attributes": { "phone": grace },
                         "exp": now_ms() / 1_000 + 600 });
    let token = identity_token(IDENTITY_SECRET, &claims);
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor
        .send(&ClientFrame::Identify { identity: Identity { token: Some(token), ..Identity::default() } })
        .await?;
    visitor.post("g-1", "Hello from the shop").await?;
    let signed_in = wait::until("the signed-in visitor's contact", Duration::from_secs(10), || async {
        let list: ContactList =
            admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await.ok()?.json().ok()?;
        list.contacts.into_iter().find(|c| c.visitor_ids.contains(&session.visitor_id) && c.phones.len() == 1)
    })
    .await?;
    ensure!(signed_in.phones == [grace], "the signed number on the contact: {signed_in:#?}");
    let text = fake_twilio::inbound(&message_sid(9), grace, OUR_NUMBER, "Texting from my phone");
    ensure!(fake_twilio::post_signed(&hook, &text).await?.0 == 200);
    let path = format!("/api/v1/contacts/{}", signed_in.id);
    let both = wait::until("the chat and the text on one contact", Duration::from_secs(10), || async {
        let found: ContactDetail =
            admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?.json().ok()?;
        (found.conversations.len() == 2).then_some(found)
    })
    .await?;
    let channels: Vec<Channel> = both.conversations.iter().map(|c| c.channel).collect();
    ensure!(channels.contains(&Channel::Sms) && channels.contains(&Channel::Webchat), "{channels:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_team_starts_a_conversation_by_sms_or_whatsapp_and_the_answer_comes_back_into_it() -> Result<()> {
    let twilio = FakeTwilio::start().await?;
    let vars = twilio.vars();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let numbers = json!({ "channels": [
        { "channel": "sms", "address": OUR_NUMBER },
        { "channel": "whatsapp", "address": OUR_NUMBER,
          "templates": [{ "name": "delivery_slot", "text": "Hi {{1}}, pick a delivery slot by replying here." }] }] });
    ensure!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&numbers)).await?.status == 200);
    let crm = admin.api_key(&edge, "crm", "agent").await?;
    let post = |body: serde_json::Value| {
        let (edge, crm) = (&edge, crm.clone());
        async move {
            let url = edge.url("/api/v1/conversations");
            switchboard_tests::api::call_with(
                Method::POST,
                &url,
                &[("authorization", crm.as_str())],
                Some(&body),
            )
            .await
        }
    };
    let created = admin
        .call(
            &edge,
            Method::POST,
            "/api/v1/contacts",
            Some(&json!({ "name": "Grace", "phones": ["+1 555 123 4567"] })),
        )
        .await?;
    ensure!(created.status == 201, "contact: {} {}", created.status, created.body);
    let contact = created.body["id"].as_str().unwrap_or_default().to_owned();
    let nameless =
        admin.call(&edge, Method::POST, "/api/v1/contacts", Some(&json!({ "name": "No phone" }))).await?;
    let nameless = nameless.body["id"].as_str().unwrap_or_default().to_owned();

    // By SMS: from the site's number to the contact's, waiting for the answer.
    let text = "Your parcel is delayed. Reply YES for a refund.";
    let body =
        json!({ "contact_id": contact, "channel": "sms", "text": text, "routing": { "mode": "on_reply" } });
    let started = post(body).await?;
    ensure!(started.status == 201, "sms outbound: {} {}", started.status, started.body);
    let conversation = started.body["conversation_id"].as_str().unwrap_or_default().to_owned();
    let sent = twilio.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.body == text)).await?;
    let out = sent.iter().find(|s| s.body == text).cloned().unwrap_or_else(|| unreachable!());
    ensure!((out.to.as_str(), out.from.as_str()) == (CUSTOMER, OUR_NUMBER), "{out:?}");
    // A contact without a phone, or a channel the site has no number on, is refused by name.
    let refused = post(
        json!({ "contact_id": nameless, "channel": "sms", "text": "hi", "routing": { "mode": "on_reply" } }),
    )
    .await?;
    ensure!(refused.status == 409 && refused.body.to_string().contains("phone"), "{}", refused.body);
    let refused =
        post(json!({ "contact_id": contact, "channel": "messenger", "text": "hi", "routing": { "mode": "on_reply" } }))
            .await?;
    ensure!(refused.status == 409, "no Messenger page: {}", refused.body);

    // The customer answers by SMS: into the same conversation, which becomes a task.
    let hook = edge.url(&format!("/api/v1/channels/twilio/{SITE}/messages"));
    let fields = fake_twilio::inbound(&message_sid(9), CUSTOMER, OUR_NUMBER, "YES");
    ensure!(fake_twilio::post_signed(&hook, &fields).await?.0 == 200);
    let id = ConversationId::parse(&conversation)?;
    let path = format!("/api/v1/conversations/{conversation}");
    wait::until("the answer made it a task", Duration::from_secs(10), || async {
        let summary: ConversationSummary =
            admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?.json().ok()?;
        (summary.state == ConversationState::Queued).then_some(())
    })
    .await?;
    ensure!(
        customer_texts(&log(&edge, &admin, &id).await?) == ["YES"],
        "the answer in the started conversation"
    );

    // By WhatsApp a business may only start with an approved template.
    let free = json!({ "contact_id": contact, "channel": "whatsapp", "text": "hi", "routing": { "mode": "on_reply" } });
    let refused = post(free).await?;
    ensure!(refused.status == 409 && refused.body["error"]["field"] == "template", "{}", refused.body);
    let templated = json!({ "contact_id": contact, "channel": "whatsapp", "routing": { "mode": "on_reply" },
        "template": { "name": "delivery_slot", "variables": ["Grace"] } });
    let started = post(templated).await?;
    ensure!(started.status == 201, "whatsapp outbound: {} {}", started.status, started.body);
    let wanted = "Hi Grace, pick a delivery slot by replying here.";
    ensure!(started.body["message"]["text"] == wanted, "{}", started.body);
    let sent = twilio.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.body == wanted)).await?;
    let out = sent.iter().find(|s| s.body == wanted).cloned().unwrap_or_else(|| unreachable!());
    ensure!(out.to == format!("whatsapp:{CUSTOMER}"), "{out:?}");
    // Everything the team started is the contact's (the site hears of a conversation through
    // its inbox feed, a moment later).
    let path = format!("/api/v1/contacts/{contact}");
    wait::until("both started conversations listed on the contact", Duration::from_secs(10), || async {
        let detail: ContactDetail =
            admin.call(&edge, Method::GET, &path, None::<&()>).await.ok()?.json().ok()?;
        (detail.conversations.len() == 2).then_some(())
    })
    .await?;
    Ok(())
}

/// The next provider status the agent's socket is told for message `seq` that `wanted` takes.
async fn delivery_of(
    agent: &mut Live,
    seq: Seq,
    wanted: impl Fn(DeliveryStatus) -> bool,
) -> Result<DeliveryStatus> {
    agent
        .until(|frame| match frame {
            ServerFrame::Delivery { seq: at, delivery } if *at == seq && wanted(*delivery) => Some(*delivery),
            _ => None,
        })
        .await
}
