//! The team's own emails, against a local Postmark (`switchboard_tests::fake_postmark`): an
//! admin's invite and a password reset link reach the person by email (from the site's name at
//! the deployment's `EMAIL_FROM`), the answer says `"emailed": true` and still carries the
//! link, and the emailed link is the one that works — the invite is accepted with its token,
//! the new password set with the reset link's. An edge that sends no email answers
//! `"emailed": false`, and its links work as before.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::invite_create;
use switchboard_protocol::api::password_reset::Created;
use switchboard_tests::api::{call, call_with, Session};
use switchboard_tests::fake_postmark::{FakePostmark, Sent};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, SITE};

const SHOP: &str = "https://shop.example";
const FROM: &str = "hello@shop.example";
const NIA: &str = "nia@example.com";

/// The token of the link in `text` (`…/console/#<kind>=<token>`).
fn token_in(text: &str, kind: &str) -> Option<String> {
    let marker = format!("#{kind}=");
    let at = text.find(&marker)? + marker.len();
    let token: String =
        text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    (!token.is_empty()).then_some(token)
}

/// Admin invites Nia; answers the invite.
async fn invite_nia(edge: &TestEdge, admin: &Session) -> Result<invite_create::Response> {
    let body = json!({ "email": NIA, "name": "Nia" });
    let invite = admin.call(edge, Method::POST, "/api/v1/invites", Some(&body)).await?;
    ensure!(invite.status == 201, "the invite: {} {}", invite.status, invite.body);
    invite.json()
}

/// Accepts an invite with `token`, choosing `password`.
async fn accept_invite(edge: &TestEdge, token: &str, password: &str) -> Result<()> {
    let accept = json!({ "token": token, "password": password });
    let accepted = call(Method::POST, &edge.url("/api/v1/invites/accept"), None, None, Some(&accept)).await?;
    ensure!(accepted.status == 200, "accepting the invite: {} {}", accepted.status, accepted.body);
    Ok(())
}

/// The one email to `to` whose subject contains `words`, once the fake got it.
async fn email_to(postmark: &FakePostmark, to: &str, words: &str) -> Result<Sent> {
    let found = |sent: &[Sent]| sent.iter().filter(|s| s.to == to && s.subject.contains(words)).count() == 1;
    let sent = postmark.until(Duration::from_secs(10), found).await?;
    sent.into_iter().find(|s| s.to == to && s.subject.contains(words)).context("the email")
}

#[tokio::test(flavor = "multi_thread")]
async fn invites_and_reset_links_go_by_email_and_the_emailed_links_work() -> Result<()> {
    let postmark = FakePostmark::start().await?;
    let vars = postmark.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.push(("EMAIL_FROM", FROM));
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // The invite: answered with its link, and emailed to Nia from the site.
    let invite = invite_nia(&edge, &admin).await?;
    ensure!(invite.emailed, "the answer says the invite was emailed");
    let email = email_to(&postmark, NIA, "invited you").await?;
    ensure!(
        email.subject.contains(ADMIN_NAME) && !email.subject.contains(['\r', '\n']),
        "the subject names who invited: {:?}",
        email.subject
    );
    ensure!(email.from.contains(FROM) && email.reply_to == FROM, "from the site: {email:#?}");
    ensure!(email.text.contains(&invite.url), "the text carries the link {}: {}", invite.url, email.text);
    let html = email.html.as_deref().unwrap_or_default();
    ensure!(html.contains(&invite.url), "the HTML part carries the link too: {html}");
    ensure!(email.metadata.get("site").map(String::as_str) == Some(SITE), "{:?}", email.metadata);
    ensure!(postmark.bad_tokens() == 0, "the edge presented its server token");

    // The emailed link is the one that works.
    let token = token_in(&email.text, "invite").context("a token in the invite email")?;
    ensure!(token == invite.token, "the emailed token is the answered one");
    accept_invite(&edge, &token, "nia-password-2026").await?;
    let nia = Session::start(&edge, NIA, "nia-password-2026").await?;

    // A reset link for Nia goes to her the same way, and sets her new password once.
    let path = format!("/api/v1/agents/{}/password-reset", nia.agent.id);
    let made = admin.call(&edge, Method::POST, &path, None::<&()>).await?;
    ensure!(made.status == 201, "the reset link: {} {}", made.status, made.body);
    let link: Created = made.json()?;
    ensure!(link.emailed, "the answer says the reset link was emailed");
    let email = email_to(&postmark, NIA, "new password").await?;
    ensure!(email.text.contains(&link.url), "the text carries the link {}: {}", link.url, email.text);
    ensure!(email.text.contains("24 hours"), "it says how long it works: {}", email.text);
    let token = token_in(&email.text, "reset").context("a token in the reset email")?;
    ensure!(token == link.token, "the emailed token is the answered one");
    let url = edge.url("/api/v1/password-resets/accept");
    let body = json!({ "token": token, "new_password": "nia-new-password-2026" });
    let accepted = call_with(Method::POST, &url, &[("origin", &edge.origin())], Some(&body)).await?;
    ensure!(accepted.status == 200, "the emailed reset link: {} {}", accepted.status, accepted.body);
    Session::start(&edge, NIA, "nia-new-password-2026").await?;
    ensure!(postmark.sent().len() == 2, "one email each: {:#?}", postmark.sent());
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn without_email_the_link_is_only_answered_and_still_works() -> Result<()> {
    // A sender address, but no Postmark server: nothing can be sent.
    let edge = TestEdge::start_with(&[SHOP], &[("EMAIL_FROM", FROM)])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let invite = invite_nia(&edge, &admin).await?;
    ensure!(!invite.emailed, "nothing was emailed");
    accept_invite(&edge, &invite.token, "nia-password-2026").await?;
    let nia = Session::start(&edge, NIA, "nia-password-2026").await?;

    let path = format!("/api/v1/agents/{}/password-reset", nia.agent.id);
    let made = admin.call(&edge, Method::POST, &path, None::<&()>).await?;
    ensure!(made.status == 201, "the reset link: {} {}", made.status, made.body);
    ensure!(made.body["emailed"] == json!(false), "nothing was emailed: {}", made.body);
    Ok(())
}
