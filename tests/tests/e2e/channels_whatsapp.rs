//! WhatsApp through Twilio, with its rules: the customer's message goes through the site's
//! flow (the bot answers on WhatsApp, quick replies written out), the customer's profile name
//! names them; the team writes freely within the window after the customer's last message
//! (shortened here from 24 hours) and only an approved template after it — refused with the
//! reason over REST and over the console's socket, and a template is sent as Twilio's
//! Content SID with its variables; the customer writing again opens the window again; the
//! files they send are kept as theirs, or the team is told why not.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversation_messages::{Posted, Response as Page};
use switchboard_protocol::channels::Channel;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{Author, ClientFrame, ClientMessageId, Seq, ServerFrame};
use switchboard_tests::api::{Live, Session};
use switchboard_tests::fake_twilio::{self, message_sid, FakeTwilio};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, wait, ADMIN_EMAIL, ADMIN_PASSWORD, SITE, TINY_PNG};

const SHOP: &str = "https://shop.example";
const OURS: &str = "whatsapp:+15550100";
const CUSTOMER: &str = "whatsapp:+447700900123";
const WINDOW_MS: i64 = 1_500;

#[tokio::test(flavor = "multi_thread")]
async fn whatsapp_goes_through_the_flow_and_keeps_to_the_reply_window_with_templates() -> Result<()> {
    let twilio = FakeTwilio::start().await?;
    let window = WINDOW_MS.to_string();
    let vars = twilio.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.push(("CHANNEL_REPLY_WINDOW_MS", &window));
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let content_sid = format!("HX{}", "0123456789abcdef".repeat(2));
    // The site's flow: its rule bot answers first.
    let flow = json!({ "start": "bot", "bot": { "intents": [{ "name": "order status",
        "phrases": ["where is my order"], "answer": "Orders ship within a day.",
        "quick_replies": ["Track it", "Talk to a person"] }] } });
    let settings = json!({ "flow": flow, "channels": [{ "channel": "whatsapp", "address": "+15550100",
        "templates": [{ "name": "order_update", "text": "Hi {{1}}, your order {{2}} has shipped.",
                        "content_sid": content_sid }] }] });
    let set = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&settings)).await?;
    ensure!(set.status == 200, "channels: {}", set.body);
    // Templates are WhatsApp's, with slots in order.
    let bad = json!({ "channels": [{ "channel": "sms", "address": "+15550100",
        "templates": [{ "name": "x", "text": "hi" }] }] });
    let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&bad)).await?;
    ensure!(
        refused.status == 400 && refused.body["error"]["field"] == "channels[0].templates",
        "{}",
        refused.body
    );

    // The customer writes; the site's flow (its rule bot) answers them on WhatsApp.
    let hook = edge.url(&format!("/api/v1/channels/twilio/{SITE}/messages"));
    let fields = fake_twilio::inbound(&message_sid(1), CUSTOMER, OURS, "Where is my order?");
    let written_at = now_ms();
    let (status, body) = fake_twilio::post_signed(&hook, &fields).await?;
    ensure!(status == 200, "inbound: {status} {body}");
    let bot = twilio.until(Duration::from_secs(10), |sent| !sent.is_empty()).await?;
    let expected = "Orders ship within a day.\n\nTrack it / Talk to a person";
    ensure!(bot[0].body == expected, "the bot's answer, choices written out: {:?}", bot[0].body);
    ensure!((bot[0].to.as_str(), bot[0].from.as_str()) == (CUSTOMER, OURS), "the bot's answer: {:?}", bot[0]);
    let summary: ConversationSummary =
        wait::until("the conversation listed", Duration::from_secs(10), || async {
            let reply = admin.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await.ok()?;
            let list = reply.json::<switchboard_protocol::api::conversations_list::Response>().ok()?;
            list.conversations.into_iter().next()
        })
        .await?;
    ensure!(summary.channel == Channel::Whatsapp, "channel: {:?}", summary.channel);
    ensure!(summary.visitor_name.as_deref() == Some("Grace"), "the profile name: {:?}", summary.visitor_name);

    // Within the window the team writes freely.
    let path = format!("/api/v1/conversations/{}/messages", summary.id);
    let free = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": "Let me check." }))).await?;
    ensure!(free.status == 201, "in the window: {} {}", free.status, free.body);

    // The window closes (time passing is the condition).
    wait::until("the window closed", Duration::from_secs(10), || async {
        (now_ms() > written_at + WINDOW_MS + 200).then_some(())
    })
    .await?;
    let late = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": "Still there?" }))).await?;
    ensure!(
        late.status == 409 && late.body["error"]["field"] == "template",
        "outside: {} {}",
        late.status,
        late.body
    );
    ensure!(late.body["error"]["message"].as_str().is_some_and(|m| m.contains("24 hours")), "{}", late.body);
    // The console's socket gets the same refusal for the same words; a private note still goes.
    let mut agent = Live::agent(&edge, &admin.cookie, &summary.id).await?;
    agent.hello(Seq(0)).await?;
    let client_id = ClientMessageId::parse("late-1")?;
    agent.send(&ClientFrame::Send { client_id, text: "Still there?".into(), internal: false }).await?;
    let message = agent
        .until(|frame| match frame {
            ServerFrame::Error { message, client_id: Some(id), .. } if id.as_str() == "late-1" => {
                Some(message.clone())
            }
            _ => None,
        })
        .await?;
    ensure!(message.contains("24 hours"), "socket refusal: {message}");
    let note = json!({ "text": "customer went quiet", "internal": true });
    ensure!(admin.call(&edge, Method::POST, &path, Some(&note)).await?.status == 201, "a note");

    // A template: refused by name when unknown or short of variables; sent as Twilio's content.
    let unknown = json!({ "template": { "name": "nope", "variables": [] } });
    let reply = admin.call(&edge, Method::POST, &path, Some(&unknown)).await?;
    ensure!(reply.status == 400 && reply.body["error"]["field"] == "template.name", "{}", reply.body);
    let short = json!({ "template": { "name": "order_update", "variables": ["Grace"] } });
    let reply = admin.call(&edge, Method::POST, &path, Some(&short)).await?;
    ensure!(reply.status == 400 && reply.body["error"]["field"] == "template.variables", "{}", reply.body);
    let chosen = json!({ "template": { "name": "order_update", "variables": ["Grace", "AB-12"] } });
    let reply = admin.call(&edge, Method::POST, &path, Some(&chosen)).await?;
    ensure!(reply.status == 201, "template: {} {}", reply.status, reply.body);
    let stored = reply.json::<Posted>()?.message;
    ensure!(stored.text == "Hi Grace, your order AB-12 has shipped.", "stored as: {}", stored.text);
    let sent =
        twilio.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.content_sid.is_some())).await?;
    let template = sent.iter().find(|s| s.content_sid.is_some()).cloned().unwrap_or_else(|| unreachable!());
    ensure!(template.content_sid.as_deref() == Some(content_sid.as_str()), "{template:?}");
    let variables: serde_json::Value =
        serde_json::from_str(template.content_variables.as_deref().unwrap_or("null"))?;
    ensure!(variables == json!({ "1": "Grace", "2": "AB-12" }), "variables: {variables}");
    ensure!(!sent.iter().any(|s| s.body == "Still there?"), "a refused reply reached Twilio");

    // The customer answers: the window is open again.
    let fields = fake_twilio::inbound(&message_sid(2), CUSTOMER, OURS, "Thanks!");
    ensure!(fake_twilio::post_signed(&hook, &fields).await?.0 == 200);
    let again = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": "You're welcome" }))).await?;
    ensure!(again.status == 201, "after the customer wrote again: {} {}", again.status, again.body);
    let log: Page =
        admin.call(&edge, Method::GET, &format!("{path}?limit=100"), None::<&()>).await?.json()?;
    let customer: Vec<&str> = log
        .messages
        .iter()
        .filter(|m| matches!(m.author, Author::Visitor { .. }))
        .map(|m| m.text.as_str())
        .collect();
    ensure!(customer == ["Where is my order?", "Thanks!"], "the customer's words: {customer:?}");

    // A photo and a voice note, with no words: the photo is kept as the customer's file (fetched
    // with the account's credentials, through Twilio's redirect); the voice note's type is not
    // one a conversation takes, and the team is told.
    let sid = message_sid(3);
    let photo = twilio.add_media(&sid, "image/png", TINY_PNG);
    let voice = twilio.add_media(&sid, "audio/ogg", b"OggS\0\x02voice");
    let files = [(photo.as_str(), "image/png"), (voice.as_str(), "audio/ogg")];
    let fields = fake_twilio::with_media(fake_twilio::inbound(&sid, CUSTOMER, OURS, ""), &files);
    let (status, body) = fake_twilio::post_signed(&hook, &fields).await?;
    ensure!(status == 200, "media: {status} {body}");
    let log: Page =
        admin.call(&edge, Method::GET, &format!("{path}?limit=100"), None::<&()>).await?.json()?;
    let kept = log.messages.iter().filter_map(|m| m.attachment.as_ref()).collect::<Vec<_>>();
    ensure!(kept.len() == 1 && kept[0].name == "photo-1.png", "files kept: {kept:?}");
    let download = reqwest::get(edge.url(&kept[0].url)).await?;
    ensure!(download.status() == 200 && download.bytes().await? == TINY_PNG, "the photo as sent");
    let note = log.messages.iter().find(|m| m.internal && m.text.contains("could not be kept"));
    ensure!(note.is_some_and(|n| n.text.contains("audio/ogg")), "the team told: {:#?}", log.messages);
    ensure!(twilio.bad_credentials() == 0, "a file was fetched without the account's credentials");

    // The agent answers with a file: Twilio is handed its absolute link, which works.
    let id = summary.id.to_string();
    let (status, body) =
        admin.upload(&edge, &id, ("receipt.png", "image/png"), "reply-file-1", TINY_PNG.to_vec()).await?;
    ensure!(status == 201, "upload: {status} {body}");
    let sent =
        twilio.until(Duration::from_secs(10), |sent| sent.iter().any(|s| !s.media_urls.is_empty())).await?;
    let out = sent.iter().find(|s| !s.media_urls.is_empty()).cloned().unwrap_or_else(|| unreachable!());
    ensure!(out.to == format!("whatsapp:{CUSTOMER}") || out.to == CUSTOMER, "to: {}", out.to);
    let link = &out.media_urls[0];
    ensure!(link.starts_with(&edge.url("/api/v1/attachments/")), "MediaUrl: {link}");
    let fetched = reqwest::get(link).await?;
    ensure!(fetched.status() == 200 && fetched.bytes().await? == TINY_PNG, "Twilio could not fetch the file");
    Ok(())
}
