//! Facebook Messenger through a local fake of Meta's platform (`switchboard_tests::fake_meta`,
//! its documented format): the webhook handshake answers only the deployment's verify
//! token; unsigned and wrongly signed deliveries are refused with `403` and store nothing; a
//! signed delivery's message and button become one conversation on the Messenger channel,
//! each once however often Meta retries, named as the User Profile API names the customer; the agent's reply goes through the Send API with the
//! page's token; Meta's read watermark moves the customer's read mark; the agent's file goes
//! as Messenger's attachment by a link Meta can fetch; the team starts a new conversation with
//! the customer along their line (not past the reply window); non-admins never see the page's
//! token.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversation_messages::Response as Page;
use switchboard_protocol::channels::Channel;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{Author, Seq, ServerFrame};
use switchboard_tests::api::{call_with, Live, Session};
use switchboard_tests::fake_meta::{self, FakeMeta, PAGE_ID, PAGE_TOKEN, VERIFY_TOKEN};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD, SITE, TINY_PNG};

const SHOP: &str = "https://shop.example";
const CUSTOMER: &str = "9988776655";

#[tokio::test(flavor = "multi_thread")]
async fn a_messenger_customer_is_verified_answered_through_the_send_api_and_read() -> Result<()> {
    let meta = FakeMeta::start().await?;
    let vars = meta.vars();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let page = json!({ "channels": [{ "channel": "messenger", "address": PAGE_ID, "access_token": PAGE_TOKEN,
        "handler": { "start": "queue", "queue": "support" } }] });
    let set = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&page)).await?;
    ensure!(set.status == 200, "page: {}", set.body);
    let hook = edge.url(&format!("/api/v1/channels/messenger/{SITE}"));

    // The handshake: the challenge for our token, 403 for any other.
    let asked =
        |token: &str| format!("{hook}?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444");
    let answer = reqwest::get(asked(VERIFY_TOKEN)).await?;
    ensure!(answer.status() == 200 && answer.text().await? == "1158201444", "handshake");
    ensure!(reqwest::get(asked("guess")).await?.status() == 403, "a wrong verify token");

    // Forged deliveries: unsigned, or signed for another body.
    let forged = fake_meta::delivery(vec![fake_meta::message(CUSTOMER, "m_forged", "forged hello")]);
    ensure!(fake_meta::post(&hook, &forged, None).await?.0 == 403, "unsigned");
    let other = fake_meta::signature(&fake_meta::delivery(vec![]));
    ensure!(fake_meta::post(&hook, &forged, Some(&other)).await?.0 == 403, "another body's signature");
    ensure!(edge.stored_files_containing(b"forged hello").is_empty(), "a forged delivery was stored");

    // The customer writes and taps a button; Meta delivers (and delivers again).
    let delivery = fake_meta::delivery(vec![
        fake_meta::message(
            CUSTOMER,
            "m_AAA-long_mid_0123456789abcdefghijklmnopqrstuvwxyz0123456789",
            "Hi, is my order late?",
        ),
        fake_meta::postback(CUSTOMER, "m_BBB", "Talk to a person"),
    ]);
    for _ in 0..2 {
        let (status, body) = fake_meta::post_signed(&hook, &delivery).await?;
        ensure!(status == 200, "delivery: {status} {body}");
    }
    let summary: ConversationSummary =
        wait::until("the Messenger conversation", Duration::from_secs(10), || async {
            let reply = admin.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await.ok()?;
            let list = reply.json::<switchboard_protocol::api::conversations_list::Response>().ok()?;
            list.conversations.into_iter().find(|c| c.last_message.is_some())
        })
        .await?;
    ensure!(summary.channel == Channel::Messenger, "channel: {:?}", summary.channel);
    // Their public name, from the User Profile API with the page's token.
    ensure!(summary.visitor_name.as_deref() == Some("Grace Hopper"), "name: {:?}", summary.visitor_name);
    let path = format!("/api/v1/conversations/{}/messages", summary.id);
    let log: Page =
        admin.call(&edge, Method::GET, &format!("{path}?limit=100"), None::<&()>).await?.json()?;
    let customer: Vec<&str> = log
        .messages
        .iter()
        .filter(|m| matches!(m.author, Author::Visitor { .. }))
        .map(|m| m.text.as_str())
        .collect();
    ensure!(customer == ["Hi, is my order late?", "Talk to a person"], "stored once each: {customer:?}");

    // The agent answers: the Send API gets it for the customer, with the page's token.
    let mut agent = Live::agent(&edge, &admin.cookie, &summary.id).await?;
    agent.hello(Seq(0)).await?;
    let reply = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": "It ships today!" }))).await?;
    ensure!(reply.status == 201, "reply: {} {}", reply.status, reply.body);
    let seq = reply.body["message"]["seq"].as_u64().unwrap_or_default();
    let sent =
        meta.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.text == "It ships today!")).await?;
    ensure!(sent.iter().any(|s| s.recipient == CUSTOMER), "{sent:?}");
    ensure!(meta.bad_tokens() == 0, "the Send API was called without the page's token");

    // Meta says the customer read it: their read mark moves to the reply.
    let read = fake_meta::delivery(vec![fake_meta::read(CUSTOMER)]);
    ensure!(fake_meta::post_signed(&hook, &read).await?.0 == 200);
    let up_to = agent
        .until(|frame| match frame {
            ServerFrame::Read { reader: Author::Visitor { .. }, up_to } => Some(up_to.0),
            _ => None,
        })
        .await?;
    ensure!(up_to == seq, "read up to {up_to}, the reply is {seq}");

    // A file from the agent goes as Messenger's own attachment, which Meta fetches from here.
    let id = summary.id.to_string();
    let (status, body) =
        admin.upload(&edge, &id, ("label.png", "image/png"), "reply-file-1", TINY_PNG.to_vec()).await?;
    ensure!(status == 201, "upload: {status} {body}");
    let sent =
        meta.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.attachment.is_some())).await?;
    let (kind, url) = sent.iter().find_map(|s| s.attachment.clone()).unwrap_or_default();
    ensure!(kind == "image" && url.starts_with(&edge.url("/api/v1/attachments/")), "{kind} {url}");
    let fetched = reqwest::get(&url).await?;
    ensure!(fetched.status() == 200 && fetched.bytes().await? == TINY_PNG, "Meta could not fetch the file");

    // The team writes first, in a new conversation, along the customer's line to the page.
    let contacts = admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await?;
    let contact = contacts.body["contacts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| {
            c["visitor_ids"].as_array().is_some_and(|v| v.iter().any(|v| v == summary.visitor_id.as_str()))
        })
        .and_then(|c| c["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let start = json!({ "contact_id": contact, "channel": "messenger", "text": "Your parcel is on its way",
                        "routing": { "mode": "on_reply" } });
    let started = admin.call(&edge, Method::POST, "/api/v1/conversations", Some(&start)).await?;
    ensure!(started.status == 201, "outbound: {} {}", started.status, started.body);
    ensure!(started.body["conversation_id"] != summary.id.as_str(), "a new conversation");
    let sent = meta
        .until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.text == "Your parcel is on its way"))
        .await?;
    ensure!(
        sent.iter().any(|s| s.text == "Your parcel is on its way" && s.recipient == CUSTOMER),
        "{sent:?}"
    );

    // The page's token is the admins': an agent's key reading the settings does not get it.
    let seen = admin.call(&edge, Method::GET, "/api/v1/site", None::<&()>).await?;
    ensure!(seen.body["channels"][0]["access_token"] == PAGE_TOKEN, "admins see it");
    let key = admin.api_key(&edge, "dashboard", "agent").await?;
    let url = edge.url("/api/v1/site");
    let seen = call_with(Method::GET, &url, &[("authorization", key.as_str())], None::<&()>).await?;
    ensure!(seen.status == 200 && seen.body["channels"][0]["address"] == PAGE_ID, "{}", seen.body);
    ensure!(seen.body["channels"][0].get("access_token").is_none(), "an agent saw the token: {}", seen.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_day_a_person_answers_tagged_human_agent_only_where_the_page_has_the_feature() -> Result<()>
{
    let meta = FakeMeta::start().await?;
    let window = "1500";
    let vars = meta.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.push(("CHANNEL_REPLY_WINDOW_MS", window));
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let page = |human_agent: bool| {
        json!({ "channels": [{ "channel": "messenger", "address": PAGE_ID, "access_token": PAGE_TOKEN,
            "human_agent": human_agent, "handler": { "start": "queue", "queue": "support" } }] })
    };
    ensure!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&page(true))).await?.status == 200);
    let hook = edge.url(&format!("/api/v1/channels/messenger/{SITE}"));
    let delivery = fake_meta::delivery(vec![fake_meta::message(CUSTOMER, "m_CCC", "Any news?")]);
    ensure!(fake_meta::post_signed(&hook, &delivery).await?.0 == 200);
    let written_at = switchboard_tests::now_ms();
    let summary: ConversationSummary = wait::until("the conversation", Duration::from_secs(10), || async {
        let reply = admin.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await.ok()?;
        let list = reply.json::<switchboard_protocol::api::conversations_list::Response>().ok()?;
        list.conversations.into_iter().next()
    })
    .await?;
    let path = format!("/api/v1/conversations/{}/messages", summary.id);
    // Within the day: no tag.
    let now = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": "Looking into it" }))).await?;
    ensure!(now.status == 201, "{}", now.body);
    wait::until("the window passed", Duration::from_secs(10), || async {
        (switchboard_tests::now_ms() > written_at + 1_500).then_some(())
    })
    .await?;
    // Past it, a person on a page with the feature: sent, tagged.
    let later = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": "Found it!" }))).await?;
    ensure!(later.status == 201, "{}", later.body);
    let sent = meta.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.text == "Found it!")).await?;
    let tag = |text: &str| sent.iter().find(|s| s.text == text).and_then(|s| s.tag.clone());
    ensure!(tag("Looking into it").is_none(), "{sent:?}");
    ensure!(tag("Found it!").as_deref() == Some("HUMAN_AGENT"), "{sent:?}");
    // The page without the feature: refused, saying why.
    ensure!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&page(false))).await?.status == 200);
    let refused = wait::until("the feature off", Duration::from_secs(10), || async {
        let reply =
            admin.call(&edge, Method::POST, &path, Some(&json!({ "text": "One more thing" }))).await.ok()?;
        (reply.status == 409).then_some(reply)
    })
    .await?;
    let why = refused.body["error"]["message"].as_str().unwrap_or_default().to_owned();
    ensure!(why.contains("24 hours") && why.contains("Human Agent"), "{why}");
    // Nor may the team start a new conversation there now, and none is made.
    let contacts = admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await?;
    let contact = contacts.body["contacts"][0]["id"].as_str().unwrap_or_default().to_owned();
    let start = json!({ "contact_id": contact, "channel": "messenger", "text": "Still there?",
                        "routing": { "mode": "on_reply" } });
    let late = admin.call(&edge, Method::POST, "/api/v1/conversations", Some(&start)).await?;
    ensure!(late.status == 409, "outbound past the window: {} {}", late.status, late.body);
    let list = admin.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await?;
    let listed = list.body["conversations"].as_array().map_or(0, Vec::len);
    ensure!(listed == 1, "a refused start made a conversation: {}", list.body);
    Ok(())
}
