//! Replies by email, as a mail route forwards them and as an attacker would try: a visitor's
//! email answering the conversation's signed reply address joins that conversation with only
//! its new words (the quoted history cut), live in the console; the same email again is stored
//! once; an auto-reply is stored nowhere. Without the deployment's inbound secret, with a
//! forged, altered, expired or another site's reply address, or with none, it is refused and
//! nothing is stored.

use anyhow::{ensure, Result};
use reqwest::Method;
use switchboard_core::email::reply_token;
use switchboard_protocol::{Author, ConversationId, Seq, ServerFrame, SiteId};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, ADMIN_EMAIL, ADMIN_PASSWORD, SESSION_SECRET, SITE};

const SHOP: &str = "https://shop.example";
const INBOUND_SECRET: &str = "inbound-secret-0123456789abcdef";

/// The reply address the edge signs for `conversation` of `site` at `at`.
fn reply_address(site: &str, conversation: &ConversationId, at: i64) -> String {
    let key = reply_token::key_from(SESSION_SECRET.as_bytes());
    let site = SiteId::parse(site).unwrap_or_else(|_| unreachable!("a valid site id"));
    format!("{}@reply.shop.example", reply_token::local_part(&key, &site, conversation, at))
}

/// A reply as a mail program writes it, to `to`, with `words` above the quoted history.
fn email(to: &str, message_id: &str, extra: &str, words: &str) -> String {
    format!(
        "From: Ada Lovelace <ada@example.com>\r\nTo: {to}\r\nSubject: Re: Your question\r\n\
         Message-ID: <{message_id}>\r\n{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         {words}\r\n\r\nOn Mon, 7 Dec 2026 at 10:02, Shop <support@shop.example> wrote:\r\n> It ships today.\r\n"
    )
}

async fn forward(edge: &TestEdge, bearer: Option<&str>, raw: &str) -> Result<(u16, serde_json::Value)> {
    let mut request = reqwest::Client::new()
        .post(edge.url(&format!("/api/v1/channels/email/{SITE}/mime")))
        .header("content-type", "message/rfc822")
        .body(raw.to_owned());
    if let Some(bearer) = bearer {
        request = request.header("authorization", format!("Bearer {bearer}"));
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or_default()))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_by_email_joins_its_conversation_and_nothing_else_gets_in() -> Result<()> {
    let edge = TestEdge::start_with(&[SHOP], &[("EMAIL_INBOUND_SECRET", INBOUND_SECRET)])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "Does it ship to Germany?").await?;
    let mut agent = Live::agent(&edge, &admin.cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;
    let id = &session.conversation_id;
    let ours = reply_address(SITE, id, now_ms());

    // Attackers: no secret, a wrong one; then the right secret with reply addresses that are
    // altered, another site's, expired, or none at all. Nothing is stored.
    let forged_words = "forged words 7731";
    let raw = email(&ours, "a@example.com", "", forged_words);
    ensure!(forward(&edge, None, &raw).await?.0 == 401, "no secret");
    ensure!(forward(&edge, Some("guess"), &raw).await?.0 == 401, "a wrong secret");
    let (local, domain) = ours.split_once('@').unwrap_or_default();
    let last = if local.ends_with('a') { 'b' } else { 'a' };
    let altered = format!("{}{last}@{domain}", &local[..local.len() - 1]);
    let another_site = reply_address("elsewhere", id, now_ms());
    let expired = reply_address(SITE, id, now_ms() - (reply_token::LIFETIME_DAYS + 2) * 86_400_000);
    for (to, status) in
        [(altered.as_str(), 403), (&another_site, 403), (&expired, 403), ("support@shop.example", 404)]
    {
        let (got, body) =
            forward(&edge, Some(INBOUND_SECRET), &email(to, "b@example.com", "", forged_words)).await?;
        ensure!(got == status, "{to}: {got} {body}");
    }
    ensure!(edge.stored_files_containing(forged_words.as_bytes()).is_empty(), "a refused email was stored");

    // The visitor's reply: only its new words, live for the agent, once however often it comes.
    let raw = email(&format!("\"Shop\" <{ours}>"), "CAF00D@mail.example.com", "", "Yes please, to Berlin.");
    for _ in 0..2 {
        let (status, body) = forward(&edge, Some(INBOUND_SECRET), &raw).await?;
        ensure!(status == 200 && body["conversation_id"] == id.as_str(), "{status} {body}");
    }
    let got = agent
        .until(|frame| match frame {
            ServerFrame::Message { message }
                if matches!(message.author, Author::Visitor { .. }) && message.seq.0 > 1 =>
            {
                Some(message.clone())
            }
            _ => None,
        })
        .await?;
    ensure!(got.text == "Yes please, to Berlin.", "stored as: {:?}", got.text);

    // An out-of-office answer to the same address: recognised, stored nowhere.
    let auto = email(&ours, "ooo@example.com", "Auto-Submitted: auto-replied\r\n", "I am away until Monday");
    let (status, body) = forward(&edge, Some(INBOUND_SECRET), &auto).await?;
    ensure!(status == 200 && body["automatic"] == true, "{status} {body}");

    let path = format!("/api/v1/conversations/{id}/messages");
    let log = admin.call(&edge, Method::GET, &path, None::<&()>).await?;
    let texts: Vec<&str> =
        log.body["messages"].as_array().into_iter().flatten().filter_map(|m| m["text"].as_str()).collect();
    ensure!(texts.iter().filter(|t| **t == "Yes please, to Berlin.").count() == 1, "stored once: {texts:?}");
    ensure!(!texts.iter().any(|t| t.contains("away until") || t.contains("It ships today")), "{texts:?}");
    Ok(())
}
