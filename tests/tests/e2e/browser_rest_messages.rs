//! A script's messages reach people live: a CRM posts replies over REST with an API key, and
//! the visitor's widget (on the shop's own origin) and a second agent's console (another
//! teammate, in another browser) show each of them at once, in order, once.

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_demo_site::BoundSite;
use switchboard_protocol::api::invite_create;
use switchboard_tests::api::{call, Session};
use switchboard_tests::browser::{open_widget, send_from_widget, shown_messages, wait_for_message, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const QUESTION: &str = "Where is my order AB-77?";
const REPLIES: [&str; 3] = ["It left our warehouse today.", "Tracking number ZX-1024.", "Anything else?"];

#[tokio::test(flavor = "multi_thread")]
async fn messages_posted_over_rest_show_in_the_widget_and_a_teammates_console() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start(&[&page_origin])?;
    let _site = site.serve(&edge.origin());
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let key = admin.api_key(&edge, "crm", "agent").await?;

    // A teammate, Nia, with her own account.
    let invite = admin
        .call(
            &edge,
            Method::POST,
            "/api/v1/invites",
            Some(&json!({ "email": "nia@example.com", "name": "Nia" })),
        )
        .await?;
    assert_eq!(invite.status, 201, "{}", invite.body);
    let invite: invite_create::Response = invite.json()?;
    let accept = json!({ "token": invite.token, "password": "nia-password-2026" });
    let accepted = call(Method::POST, &edge.url("/api/v1/invites/accept"), None, None, Some(&accept)).await?;
    assert_eq!(accepted.status, 200, "{}", accepted.body);

    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page_origin}/")).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, QUESTION).await?;
    wait_for_message(&visitor, 1, QUESTION).await?;

    let nia = Browser::start().await?;
    nia.client().goto(&edge.url("/console/")).await?;
    nia.find("input[name=email]").await?.send_keys("nia@example.com").await?;
    nia.find("input[name=password]").await?.send_keys("nia-password-2026").await?;
    nia.find("form.sb-login button[type=submit]").await?.click().await?;
    nia.find("li.sb-inbox-item button.sb-inbox-open").await?.click().await?;
    wait_for_message(&nia, 1, QUESTION).await?;

    // The CRM answers over REST, three messages one after the other.
    let list = switchboard_tests::api::call_with::<()>(
        Method::GET,
        &edge.url("/api/v1/conversations"),
        &[("authorization", key.as_str())],
        None,
    )
    .await?;
    let id = list.body["conversations"][0]["id"].as_str().unwrap_or_default().to_owned();
    for (n, text) in REPLIES.iter().enumerate() {
        let posted = switchboard_tests::api::call_with(
            Method::POST,
            &edge.url(&format!("/api/v1/conversations/{id}/messages")),
            &[("authorization", key.as_str()), ("idempotency-key", &format!("crm-reply-{n}"))],
            Some(&json!({ "text": text })),
        )
        .await?;
        assert_eq!(posted.status, 201, "{}", posted.body);
    }

    // Both see each reply, in order, once.
    for browser in [&visitor, &nia] {
        for (n, text) in REPLIES.iter().enumerate() {
            wait_for_message(browser, n + 2, text).await?;
        }
        let shown = shown_messages(browser).await?;
        let texts: Vec<&str> = shown.iter().map(|(_, _, text)| text.as_str()).collect();
        assert_eq!(texts.len(), 4, "each message once: {texts:?}");
        assert!(shown[1..].iter().all(|(_, role, _)| role == "agent"), "{shown:?}");
    }
    visitor.close().await?;
    nia.close().await?;
    Ok(())
}
