//! Secrets stay with admins, tried as an agent (or an agent's script) who wants them would:
//! reading the site's settings, answering as the external bot with the secret its requests
//! are signed with, or an admin's mistake that would make a secret guessable or send it in
//! clear text.

use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::api_keys::Created;
use switchboard_protocol::Seq;
use switchboard_tests::api::{call_with, create_session, Live, Session};
use switchboard_tests::bot_server::{Behaviour, BotServer, BOT_API_TOKEN, BOT_BEARER, BOT_SIGNING_SECRET};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, IDENTITY_SECRET};

const SHOP: &str = "http://shop.test";

#[tokio::test(flavor = "multi_thread")]
async fn agents_and_their_keys_never_read_a_secret_and_the_signing_secret_answers_nothing(
) -> anyhow::Result<()> {
    let bot = BotServer::start(Behaviour::Later).await?;
    let flow = json!({"webhook": {"url": bot.url(), "signing_secret": BOT_SIGNING_SECRET,
        "api_token": BOT_API_TOKEN, "timeout_ms": 5000}});
    let edge = TestEdge::start_with(
        &[SHOP],
        &[("BOOTSTRAP_FLOW", &flow.to_string()), ("BOOTSTRAP_AGENTS", "al@example.com:Al:al-password-123")],
    )?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let agent = Session::start(&edge, "al@example.com", "al-password-123").await?;
    let agent_key: Created = admin
        .call(&edge, Method::POST, "/api/v1/api-keys", Some(&json!({"name": "Al's script", "role": "agent"})))
        .await?
        .json()?;
    let secrets = [BOT_SIGNING_SECRET, BOT_API_TOKEN, IDENTITY_SECRET];

    // The admin reads them (to set the bot and the site's backend up)...
    let seen = admin.call(&edge, Method::GET, "/api/v1/site", None::<&()>).await?;
    assert_eq!(seen.status, 200);
    for secret in secrets {
        assert!(seen.body.to_string().contains(secret), "the admin sees {secret}");
    }
    // ...an agent and an agent's key read the site without any of them.
    let bearer = format!("Bearer {}", agent_key.secret);
    for (who, headers) in [
        ("agent's session", vec![("cookie", agent.cookie.as_str())]),
        ("agent's key", vec![("authorization", bearer.as_str())]),
    ] {
        let seen = call_with::<()>(Method::GET, &edge.url("/api/v1/site"), &headers, None).await?;
        assert_eq!(seen.status, 200, "{who}");
        for secret in secrets {
            assert!(!seen.body.to_string().contains(secret), "the {who} read {secret}: {}", seen.body);
        }
        let site: serde_json::Value = seen.json()?;
        assert_eq!(site["flow"]["webhook"]["url"], bot.url(), "the {who} still sees where the bot is");
    }

    // The bot's requests are signed with one secret; answering takes the other.
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "Hi bot").await?;
    bot.requests(1).await?;
    let answer_url = edge.url(&format!("/api/v1/bot/conversations/{}/answer", session.conversation_id));
    let answer = json!({"messages": [{"text": "Forged"}]});
    let signing_bearer = format!("Bearer {BOT_SIGNING_SECRET}");
    let forged =
        call_with(Method::POST, &answer_url, &[("authorization", &signing_bearer)], Some(&answer)).await?;
    assert_eq!(forged.status, 401, "the signing secret answered as the bot: {}", forged.body);
    let answer = json!({"messages": [{"text": "The real bot"}]});
    let real = call_with(Method::POST, &answer_url, &[("authorization", BOT_BEARER)], Some(&answer)).await?;
    assert_eq!(real.status, 200, "{}", real.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_cannot_set_a_guessable_bot_secret_or_send_it_in_clear_text() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let set = |webhook: serde_json::Value| json!({"flow": {"webhook": webhook}});
    for (why, webhook) in [
        ("a short signing secret", json!({"url": "https://bot.example/hook", "signing_secret": "s3cret"})),
        (
            "a short token",
            json!({"url": "https://bot.example/hook", "signing_secret": BOT_SIGNING_SECRET, "api_token": "t0ken"}),
        ),
        (
            "the signing secret as the token",
            json!({"url": "https://bot.example/hook", "signing_secret": BOT_SIGNING_SECRET,
                "api_token": BOT_SIGNING_SECRET}),
        ),
        (
            "clear text to another host",
            json!({"url": "http://bot.example/hook", "signing_secret": BOT_SIGNING_SECRET}),
        ),
    ] {
        let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&set(webhook))).await?;
        assert_eq!(refused.status, 400, "{why} was accepted: {}", refused.body);
    }
    let fine = set(json!({"url": "https://bot.example/hook", "signing_secret": BOT_SIGNING_SECRET,
        "api_token": BOT_API_TOKEN}));
    let accepted = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&fine)).await?;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    Ok(())
}
