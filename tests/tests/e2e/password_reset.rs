//! Password reset links over the API, tried as whoever gets hold of one would: it works once
//! and for its owner only, it ends the account's other sessions, an account with two-factor
//! sign-in still needs its code, and only an admin of the account's site makes one.

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_core::two_factor::TotpSecret;
use switchboard_protocol::api::password_reset::Created;
use switchboard_protocol::api::two_factor::SetupResponse;
use switchboard_protocol::ErrorCode;
use switchboard_tests::api::{call_with, Reply, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const SAM: (&str, &str) = ("sam@example.com", "sam-password-123");

/// A public reset route (`lookup`, `accept`) with `body`, from the console's origin.
async fn public(edge: &TestEdge, route: &str, body: serde_json::Value) -> Result<Reply> {
    let url = edge.url(&format!("/api/v1/password-resets/{route}"));
    call_with(Method::POST, &url, &[("origin", &edge.origin())], Some(&body)).await
}

/// A link for `agent`, made by `admin`.
async fn link_for(edge: &TestEdge, admin: &Session, agent: &str) -> Result<Created> {
    let made = admin
        .call(edge, Method::POST, &format!("/api/v1/agents/{agent}/password-reset"), None::<&()>)
        .await?;
    assert_eq!(made.status, 201, "{}", made.body);
    made.json()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_link_sets_a_new_password_once_and_ends_the_old_sessions() -> Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let sam = Session::start(&edge, SAM.0, SAM.1).await?;
    // An agent cannot make one, not even for themselves.
    let by_agent = sam
        .call(&edge, Method::POST, &format!("/api/v1/agents/{}/password-reset", admin.agent.id), None::<&()>)
        .await?;
    assert_eq!(by_agent.status, 403, "{}", by_agent.body);
    let unknown = admin
        .call(
            &edge,
            Method::POST,
            "/api/v1/agents/agt_00000000000000000000000000000000/password-reset",
            None::<&()>,
        )
        .await?;
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    let first = link_for(&edge, &admin, sam.agent.id.as_str()).await?;
    let link = link_for(&edge, &admin, sam.agent.id.as_str()).await?;
    assert!(
        link.url.ends_with(&format!("/console/#reset={}", link.token)),
        "the token is in the fragment: {}",
        link.url
    );
    assert_eq!(link.email, SAM.0);
    // The newer link voids the older.
    let old = public(&edge, "lookup", json!({ "token": first.token })).await?;
    assert_eq!(old.status, 404, "{}", old.body);
    let shown = public(&edge, "lookup", json!({ "token": link.token })).await?;
    assert_eq!(
        (shown.status, shown.body["email"].as_str(), &shown.body["two_factor"]),
        (200, Some(SAM.0), &json!(false))
    );
    let made_up = public(&edge, "lookup", json!({ "token": "x".repeat(43) })).await?;
    assert_eq!(made_up.status, 404);

    let short = public(&edge, "accept", json!({ "token": link.token, "new_password": "short" })).await?;
    assert_eq!(short.status, 400, "{}", short.body);
    let accepted =
        public(&edge, "accept", json!({ "token": link.token, "new_password": "a-brand-new-password" }))
            .await?;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert!(accepted.set_cookie.is_some(), "signed in");
    // Sam's old session has ended; the old password no longer works, the new one does.
    assert_eq!(sam.call(&edge, Method::GET, "/api/v1/agent/me", None::<&()>).await?.status, 401);
    assert!(Session::start(&edge, SAM.0, SAM.1).await.is_err());
    Session::start(&edge, SAM.0, "a-brand-new-password").await?;
    // Once only.
    let again =
        public(&edge, "accept", json!({ "token": link.token, "new_password": "another-new-password" }))
            .await?;
    assert_eq!((again.status, again.error_code()?), (410, ErrorCode::Gone), "{}", again.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_link_does_not_skip_two_factor_sign_in() -> Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let sam = Session::start(&edge, SAM.0, SAM.1).await?;
    let setup: SetupResponse =
        sam.call(&edge, Method::POST, "/api/v1/agent/two-factor/setup", None::<&()>).await?.json()?;
    let secret = TotpSecret::from_base32(&setup.secret)?;
    let confirm = json!({ "code": secret.code_at(now_ms()) });
    assert_eq!(
        sam.call(&edge, Method::POST, "/api/v1/agent/two-factor/confirm", Some(&confirm)).await?.status,
        200
    );

    let link = link_for(&edge, &admin, sam.agent.id.as_str()).await?;
    let shown = public(&edge, "lookup", json!({ "token": link.token })).await?;
    assert_eq!(shown.body["two_factor"], json!(true));
    let bare =
        public(&edge, "accept", json!({ "token": link.token, "new_password": "a-brand-new-password" }))
            .await?;
    assert_eq!((bare.status, bare.error_code()?), (401, ErrorCode::SecondFactorRequired), "{}", bare.body);
    let wrong = public(
        &edge,
        "accept",
        json!({ "token": link.token, "new_password": "a-brand-new-password", "code": "000000" }),
    )
    .await?;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    // The app's next code (this step's was used to turn it on).
    let code = secret.code_at(now_ms() + switchboard_core::two_factor::STEP_MS);
    let body = json!({ "token": link.token, "new_password": "a-brand-new-password", "code": code });
    let accepted = public(&edge, "accept", body).await?;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    Ok(())
}
