//! Continuity by email, against a local Postmark (`switchboard_tests::fake_postmark`, its
//! documented wire format): a team's replies a visitor left unread reach them in one email
//! after the (shortened) delay — a typed address is only told that a reply waits, once; an
//! address that answered by email, or one the site signed, gets the replies themselves, in
//! one email however many, threaded after the last. Every email is answerable (a signed
//! reply address) and carries a working one-click unsubscribe; a bounce or an unsubscribe
//! stops the address at once, and the contact says why.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_demo_site::identity_token;
use switchboard_protocol::api::contacts::ListResponse as ContactList;
use switchboard_protocol::contact::Identity;
use switchboard_protocol::{ClientFrame, ConversationId, Seq};
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::fake_postmark::{self, FakePostmark, Sent, INBOUND_SECRET};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, wait, ADMIN_EMAIL, ADMIN_PASSWORD, IDENTITY_SECRET, SITE};

const SHOP: &str = "https://shop.example";

async fn edge_with(postmark: &FakePostmark) -> Result<TestEdge> {
    let vars = postmark.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.extend([("EMAIL_FROM", "hello@shop.example"), ("EMAIL_CONTINUITY_DELAY_MS", "1500")]);
    TestEdge::start_with(&[SHOP], &vars)
}

async fn reply(edge: &TestEdge, admin: &Session, id: &ConversationId, text: &str) -> Result<()> {
    let path = format!("/api/v1/conversations/{id}/messages");
    let posted = admin.call(edge, Method::POST, &path, Some(&json!({ "text": text }))).await?;
    ensure!(posted.status == 201, "reply: {} {}", posted.status, posted.body);
    Ok(())
}

/// The `List-Unsubscribe` link of an email.
fn unsubscribe_link(email: &Sent) -> String {
    email.header("List-Unsubscribe").unwrap_or_default().trim_matches(['<', '>']).to_owned()
}

async fn email_status(edge: &TestEdge, admin: &Session, address: &str) -> Result<Option<String>> {
    let list: ContactList =
        admin.call(edge, Method::GET, &format!("/api/v1/contacts?q={address}"), None::<&()>).await?.json()?;
    Ok(list
        .contacts
        .iter()
        .find_map(|c| c.attributes.get("email_status").and_then(|v| v.as_str()).map(str::to_owned)))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_typed_address_hears_once_that_a_reply_waits_then_gets_the_replies_once_it_answers() -> Result<()> {
    let postmark = FakePostmark::start().await?;
    let edge = edge_with(&postmark).await?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let form = json!({ "prechat": [{ "name": "email", "label": "Email", "kind": { "type": "email" } }] });
    ensure!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&form)).await?.status == 200);
    let session = new_conversation(&edge, SHOP, None).await?;
    let id = session.conversation_id.clone();
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor
        .send(&ClientFrame::Details { fields: [("email".into(), "ada@example.com".into())].into() })
        .await?;
    visitor.post("v-1", "Does it ship to Germany?").await?;
    admin.contact_when(&edge, &id, |c| c.email.is_some()).await?;
    drop(visitor);

    // Two replies left unread: one email, saying only that a reply waits (the address is typed).
    reply(&edge, &admin, &id, "Yes, in 3 days. Secret tracking 9931").await?;
    reply(&edge, &admin, &id, "Anything else?").await?;
    let sent = postmark.until(Duration::from_secs(15), |sent| !sent.is_empty()).await?;
    let first = sent[0].clone();
    ensure!(first.to == "ada@example.com", "{first:?}");
    ensure!(first.from == "\"Test site\" <hello@shop.example>", "from: {}", first.from);
    ensure!(
        !first.text.contains("9931") && !first.html.clone().unwrap_or_default().contains("9931"),
        "a typed address saw the reply: {first:?}"
    );
    ensure!(first.text.contains("replied"), "{}", first.text);
    ensure!(
        first.reply_to.starts_with("r.") && first.reply_to.ends_with("@reply.shop.example"),
        "{}",
        first.reply_to
    );
    let first_id = first.header("Message-ID").unwrap_or_default().to_owned();
    ensure!(first_id.ends_with("@reply.shop.example>"), "Message-ID: {first_id}");
    ensure!(
        first.header("List-Unsubscribe-Post") == Some("List-Unsubscribe=One-Click"),
        "{:?}",
        first.headers
    );
    ensure!(unsubscribe_link(&first).starts_with(&edge.url(&format!("/api/v1/email/{SITE}/unsubscribe?"))));

    // A third reply: the typed address is not told again.
    reply(&edge, &admin, &id, "Tracking number follows").await?;
    // They answer the email from that address (quoted history below): it joins the
    // conversation with its new words only, and proves the address theirs.
    let raw = fake_postmark::reply_mime(
        "ada@example.com",
        &first.reply_to,
        &first.subject,
        &first_id,
        "Great, thanks! Please send it.",
        &first.text,
    );
    let (status, body) = fake_postmark::post_mime(
        &edge.url(&format!("/api/v1/channels/email/{SITE}/mime")),
        &raw,
        INBOUND_SECRET,
    )
    .await?;
    ensure!(status == 200 && body.contains(id.as_str()), "reply: {status} {body}");

    // The next reply: one email with every reply still unread (the third and this one), their
    // words shown now, threaded after the first.
    reply(&edge, &admin, &id, "Here it is: TRK-4471").await?;
    let sent = postmark.until(Duration::from_secs(15), |sent| sent.len() >= 2).await?;
    let second = &sent[1];
    ensure!(
        second.text.contains("Tracking number follows") && second.text.contains("TRK-4471"),
        "{}",
        second.text
    );
    ensure!(second.header("In-Reply-To") == Some(first_id.as_str()), "{:?}", second.headers);
    ensure!(sent.len() == 2, "one email per batch: {sent:#?}");

    // The unsubscribe link: altered, refused; a mail program's one-click POST works.
    let link = unsubscribe_link(second);
    let altered = format!("{}x", &link[..link.len() - 1]);
    let client = reqwest::Client::new();
    let post = |url: String| client.post(url).body("List-Unsubscribe=One-Click").send();
    ensure!(post(altered).await?.status().as_u16() == 403, "an altered link unsubscribed");
    let page = client.get(&link).send().await?;
    ensure!(page.status().as_u16() == 200 && page.text().await?.contains("ada@example.com"), "the page");
    ensure!(email_status(&edge, &admin, "ada@example.com").await?.is_none(), "opening the link unsubscribed");
    ensure!(post(link).await?.status().as_u16() == 200, "one-click");
    ensure!(email_status(&edge, &admin, "ada@example.com").await?.as_deref() == Some("unsubscribed"));
    reply(&edge, &admin, &id, "One more thing").await?;
    wait::until("the stopped address skipped", Duration::from_secs(15), || async {
        edge.log().contains("ada@example.com is stopped (unsubscribed)").then_some(())
    })
    .await?;
    ensure!(postmark.sent().len() == 2, "an email after unsubscribing: {:#?}", postmark.sent());
    ensure!(postmark.bad_tokens() == 0, "the Email API was called without the server token");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_address_gets_the_replies_and_a_bounce_stops_it() -> Result<()> {
    let postmark = FakePostmark::start().await?;
    let edge = edge_with(&postmark).await?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let session = new_conversation(&edge, SHOP, None).await?;
    let id = session.conversation_id.clone();
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    let claims = json!({ "sub": "customer-9", "name": "Grace", "email": "grace@corp.example",
                         "exp": now_ms() / 1_000 + 600 });
    let token = identity_token(IDENTITY_SECRET, &claims);
    visitor
        .send(&ClientFrame::Identify { identity: Identity { token: Some(token), ..Identity::default() } })
        .await?;
    visitor.post("v-1", "Is my invoice ready?").await?;
    admin.contact_when(&edge, &id, |c| c.identity.is_some()).await?;
    drop(visitor);

    reply(&edge, &admin, &id, "Yes: invoice 2026-118 is attached to your account").await?;
    let sent = postmark.until(Duration::from_secs(15), |sent| !sent.is_empty()).await?;
    ensure!(sent[0].to == "grace@corp.example" && sent[0].text.contains("invoice 2026-118"), "{:?}", sent[0]);
    ensure!(sent[0].html.as_deref().is_some_and(|h| h.contains("invoice 2026-118")), "the HTML part");
    ensure!(sent[0].metadata.get("site").map(String::as_str) == Some(SITE), "{:?}", sent[0].metadata);

    // Postmark reports a hard bounce: a wrong secret is refused; then the address stops.
    let hook = edge.url(&format!("/api/v1/channels/email/{SITE}/postmark"));
    let bounce = fake_postmark::record("Bounce", "HardBounce", &sent[0]);
    ensure!(fake_postmark::post(&hook, &bounce, "guess").await?.0 == 401, "a forged bounce");
    ensure!(email_status(&edge, &admin, "grace@corp.example").await?.is_none());
    let (status, body) = fake_postmark::post(&hook, &bounce, INBOUND_SECRET).await?;
    ensure!(status == 200, "bounce: {status} {body}");
    ensure!(email_status(&edge, &admin, "grace@corp.example").await?.as_deref() == Some("bounced"));
    reply(&edge, &admin, &id, "Did you get it?").await?;
    wait::until("the bounced address skipped", Duration::from_secs(15), || async {
        edge.log().contains("grace@corp.example is stopped (bounced)").then_some(())
    })
    .await?;
    ensure!(postmark.sent().len() == 1, "an email after the bounce: {:#?}", postmark.sent());
    Ok(())
}
