//! The site's support address as an inbox, against a local Postmark
//! (`switchboard_tests::fake_postmark`): a new email — by Postmark's inbound webhook or as raw
//! MIME — becomes a conversation on the email channel, routed by the address's handler; the
//! agent's answer goes back from the support address, `Re:` its subject, with the signed reply
//! address and `In-Reply-To`/`References` naming the customer's email; the customer's next
//! email joins the same conversation (by its headers, or by its subject when a mail program
//! dropped them), a new subject starts another, an auto-reply is stored nowhere.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversation_messages::Response as Page;
use switchboard_protocol::api::conversations_list::Response as List;
use switchboard_protocol::channels::Channel;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{Author, ConversationId, Message};
use switchboard_tests::api::Session;
use switchboard_tests::fake_postmark::{self, FakePostmark, INBOUND_SECRET};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD, SITE, TINY_PNG};

const SHOP: &str = "https://shop.example";
const SUPPORT: &str = "support@shop.example";

async fn conversations(edge: &TestEdge, admin: &Session) -> Result<Vec<ConversationSummary>> {
    let reply = admin.call(edge, Method::GET, "/api/v1/conversations", None::<&()>).await?;
    Ok(reply.json::<List>()?.conversations)
}

async fn log(edge: &TestEdge, admin: &Session, id: &ConversationId) -> Result<Vec<Message>> {
    let path = format!("/api/v1/conversations/{id}/messages?limit=100");
    Ok(admin.call(edge, Method::GET, &path, None::<&()>).await?.json::<Page>()?.messages)
}

fn customer_texts(log: &[Message]) -> Vec<String> {
    log.iter().filter(|m| matches!(m.author, Author::Visitor { .. })).map(|m| m.text.clone()).collect()
}

fn accepted(body: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(body).ok()?["conversation_id"].as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_email_is_a_conversation_answered_by_email_in_its_thread() -> Result<()> {
    let postmark = FakePostmark::start().await?;
    let vars = postmark.vars();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let inbox = json!({ "channels": [{ "channel": "email", "address": SUPPORT,
        "handler": { "start": "queue", "queue": "support", "reopen_within_minutes": 60 } }] });
    let set = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&inbox)).await?;
    ensure!(set.status == 200, "the address refused: {}", set.body);
    let hook = edge.url(&format!("/api/v1/channels/email/{SITE}/postmark"));
    let mime = edge.url(&format!("/api/v1/channels/email/{SITE}/mime"));

    // A customer writes to the support address (Postmark's inbound webhook).
    let first = fake_postmark::inbound(
        ("Ada Lovelace", "ada@example.com"),
        SUPPORT,
        "Order 42 is late",
        "Where is my order 42?\n\n-- \nAda Lovelace\nAnalytical Engines Ltd",
        &[("Message-ID", "<ada-1@mail.example>")],
    );
    ensure!(fake_postmark::post(&hook, &first, "guess").await?.0 == 401, "a forged inbound post");
    let (status, body) = fake_postmark::post(&hook, &first, INBOUND_SECRET).await?;
    ensure!(status == 200, "inbound: {status} {body}");
    let id = ConversationId::parse(accepted(&body).unwrap_or_default())?;
    let summary = wait::until("the email conversation listed", Duration::from_secs(10), || async {
        conversations(&edge, &admin).await.ok()?.into_iter().find(|c| c.id == id)
    })
    .await?;
    ensure!(summary.channel == Channel::Email, "channel: {:?}", summary.channel);
    ensure!(summary.contact.as_ref().and_then(|c| c.email.as_deref()) == Some("ada@example.com"));
    let texts = customer_texts(&log(&edge, &admin, &id).await?);
    ensure!(
        texts == ["Order 42 is late\n\nWhere is my order 42?"],
        "the subject heads the words, no signature: {texts:?}"
    );

    // Postmark posts it again (a retry): stored once.
    ensure!(fake_postmark::post(&hook, &first, INBOUND_SECRET).await?.0 == 200);
    ensure!(customer_texts(&log(&edge, &admin, &id).await?).len() == 1, "stored twice");

    // The agent answers: an email from the support address, in the customer's thread.
    let path = format!("/api/v1/conversations/{id}/messages");
    let answer = "It left the warehouse today.";
    let posted = admin.call(&edge, Method::POST, &path, Some(&json!({ "text": answer }))).await?;
    ensure!(posted.status == 201, "answer: {} {}", posted.status, posted.body);
    let sent = postmark.until(Duration::from_secs(10), |sent| sent.iter().any(|s| s.text == answer)).await?;
    let out = sent.iter().find(|s| s.text == answer).cloned().unwrap_or_else(|| unreachable!());
    ensure!(out.to == "ada@example.com" && out.from == format!("\"Test site\" <{SUPPORT}>"), "{out:?}");
    ensure!(out.subject == "Re: Order 42 is late", "subject: {}", out.subject);
    ensure!(out.header("In-Reply-To") == Some("<ada-1@mail.example>"), "{:?}", out.headers);
    ensure!(
        out.header("References").is_some_and(|r| r.contains("<ada-1@mail.example>")),
        "{:?}",
        out.headers
    );
    ensure!(
        out.reply_to.starts_with("r.") && out.reply_to.ends_with("@reply.shop.example"),
        "{}",
        out.reply_to
    );
    let ours = out.header("Message-ID").unwrap_or_default().to_owned();
    ensure!(ours.ends_with("@reply.shop.example>"), "Message-ID: {ours}");

    // Their mail program answers to the support address itself, naming our email: same
    // conversation (raw MIME, as an Email Worker forwards it).
    let raw = format!(
        "From: Ada Lovelace <ada@example.com>\r\nTo: {SUPPORT}\r\nSubject: Re: Order 42 is late\r\n\
         Message-ID: <ada-2@mail.example>\r\nIn-Reply-To: {ours}\r\nReferences: <ada-1@mail.example> {ours}\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGot it, thanks!\r\n\r\n\
         On Sun, 6 Dec 2026 at 10:02, Demo site <{SUPPORT}> wrote:\r\n> {answer}\r\n"
    );
    let (status, body) = fake_postmark::post_mime(&mime, &raw, INBOUND_SECRET).await?;
    ensure!(status == 200 && accepted(&body).as_deref() == Some(id.as_str()), "by headers: {status} {body}");
    // Headers dropped, the subject kept: same conversation.
    let third = fake_postmark::inbound(
        ("Ada Lovelace", "ada@example.com"),
        SUPPORT,
        "RE: Order 42 is late",
        "One more question about it",
        &[("Message-ID", "<ada-3@mail.example>")],
    );
    let (status, body) = fake_postmark::post(&hook, &third, INBOUND_SECRET).await?;
    ensure!(status == 200 && accepted(&body).as_deref() == Some(id.as_str()), "by subject: {status} {body}");
    let texts = customer_texts(&log(&edge, &admin, &id).await?);
    ensure!(
        texts.len() == 3 && texts[1] == "Got it, thanks!" && texts[2] == "One more question about it",
        "{texts:?}"
    );

    // Files both ways: the customer's photo is kept as theirs, a file the agent sends is
    // attached to the email (a link would stop working within a week).
    let photo = fake_postmark::inbound_with_files(
        ("Ada Lovelace", "ada@example.com"),
        SUPPORT,
        "Re: Order 42 is late",
        "Here is the label",
        &[("Message-ID", "<ada-5@mail.example>")],
        &[("label.png", "image/png", TINY_PNG), ("run.exe", "application/x-msdownload", b"MZ\x90\0")],
    );
    let (status, body) = fake_postmark::post(&hook, &photo, INBOUND_SECRET).await?;
    ensure!(status == 200 && accepted(&body).as_deref() == Some(id.as_str()), "with files: {status} {body}");
    let stored = log(&edge, &admin, &id).await?;
    let kept: Vec<&str> =
        stored.iter().filter_map(|m| m.attachment.as_ref()).map(|a| a.name.as_str()).collect();
    ensure!(kept == ["label.png"], "files kept: {kept:?}");
    ensure!(
        stored.iter().any(|m| m.internal && m.text.contains("run.exe")),
        "the team is told what was not kept"
    );
    let (status, uploaded) =
        admin.upload(&edge, id.as_str(), ("invoice.png", "image/png"), "up-1", TINY_PNG.to_vec()).await?;
    ensure!(status == 201, "upload: {status} {uploaded}");
    let sent =
        postmark.until(Duration::from_secs(10), |sent| sent.iter().any(|s| !s.files.is_empty())).await?;
    let with_file = sent.iter().find(|s| !s.files.is_empty()).cloned().unwrap_or_else(|| unreachable!());
    ensure!(
        with_file.files == [("invoice.png".to_owned(), "image/png".to_owned(), TINY_PNG.to_vec())],
        "{:?}",
        with_file.files
    );
    ensure!(with_file.subject == "Re: Order 42 is late", "{}", with_file.subject);

    // A new subject: a new conversation. An auto-reply: nothing.
    let other = fake_postmark::inbound(
        ("Ada Lovelace", "ada@example.com"),
        SUPPORT,
        "Invoice address",
        "Please change my invoice address",
        &[("Message-ID", "<ada-4@mail.example>")],
    );
    let (status, body) = fake_postmark::post(&hook, &other, INBOUND_SECRET).await?;
    let new = accepted(&body).unwrap_or_default();
    ensure!(status == 200 && !new.is_empty() && new != id.as_str(), "a new subject: {status} {body}");
    let auto = fake_postmark::inbound(
        ("Ada Lovelace", "ada@example.com"),
        SUPPORT,
        "Out of office",
        "I am away until Monday zq-away-5531",
        &[("Auto-Submitted", "auto-replied"), ("Message-ID", "<ooo@mail.example>")],
    );
    let (status, body) = fake_postmark::post(&hook, &auto, INBOUND_SECRET).await?;
    ensure!(status == 200 && body.contains("\"automatic\":true"), "auto-reply: {status} {body}");
    // A needle no stored id or timestamp can contain by chance ("5531" alone once matched one).
    let stored = edge.stored_files_containing(b"zq-away-5531");
    ensure!(stored.is_empty(), "an auto-reply was stored in {stored:?}");
    // One of our own emails come back (a forwarding rule, a misconfigured route): a loop,
    // stored nowhere, never answered.
    let echo =
        fake_postmark::inbound(("Test site", SUPPORT), SUPPORT, "Re: Order 42 is late", "looped 6610", &[]);
    let (status, body) = fake_postmark::post(&hook, &echo, INBOUND_SECRET).await?;
    ensure!(status == 200 && body.contains("\"automatic\":true"), "our own email: {status} {body}");
    ensure!(edge.stored_files_containing(b"looped 6610").is_empty(), "a looped email was stored");
    ensure!(
        conversations(&edge, &admin).await?.len() == 2,
        "conversations: {:#?}",
        conversations(&edge, &admin).await?
    );

    // An email to an address the site does not have: refused, nothing made.
    let stranger =
        fake_postmark::inbound(("Eve", "eve@example.com"), "sales@shop.example", "Hi", "stranger 7712", &[]);
    let (status, _) = fake_postmark::post(&hook, &stranger, INBOUND_SECRET).await?;
    ensure!(status == 404, "an unknown address: {status}");
    ensure!(edge.stored_files_containing(b"stranger 7712").is_empty());
    ensure!(postmark.bad_tokens() == 0);
    Ok(())
}
