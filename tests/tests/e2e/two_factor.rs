//! Two-factor sign-in over the API, tried as someone who has an agent's password but not
//! their phone would try it: no code, wrong codes, a used code again, a used recovery code
//! again, guessing codes fast, an API key setting it up, and turning it off with a stolen
//! session; and a site that requires it of everyone.

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_core::two_factor::{TotpSecret, STEP_MS};
use switchboard_protocol::api::two_factor::{ConfirmResponse, SetupResponse};
use switchboard_protocol::ErrorCode;
use switchboard_tests::api::{call_with, Reply, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const SAM: (&str, &str) = ("sam@example.com", "sam-password-123");

/// A sign-in from `address` with `code`: the reply.
async fn sign_in(
    edge: &TestEdge,
    (email, password): (&str, &str),
    code: Option<&str>,
    address: &str,
) -> Result<Reply> {
    let body = json!({ "email": email, "password": password, "code": code });
    let headers = [("origin", edge.origin()), ("cf-connecting-ip", address.to_owned())];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    call_with(Method::POST, &edge.url("/api/v1/agent/login"), &headers, Some(&body)).await
}

/// Sets two-factor sign-in up for the signed-in `session`: the secret, the recovery codes and
/// the session signed in afresh.
async fn set_up(edge: &TestEdge, session: &Session) -> Result<(TotpSecret, Vec<String>, Session)> {
    let setup = session.call(edge, Method::POST, "/api/v1/agent/two-factor/setup", None::<&()>).await?;
    assert_eq!(setup.status, 200, "{}", setup.body);
    let setup: SetupResponse = setup.json()?;
    assert!(setup.otpauth_uri.starts_with("otpauth://totp/"), "{}", setup.otpauth_uri);
    let secret = TotpSecret::from_base32(&setup.secret)?;
    let wrong = json!({ "code": "000000" });
    let refused = session.call(edge, Method::POST, "/api/v1/agent/two-factor/confirm", Some(&wrong)).await?;
    assert_eq!(refused.status, 401, "a wrong first code turns nothing on: {}", refused.body);
    let right = json!({ "code": secret.code_at(now_ms()) });
    let confirmed =
        session.call(edge, Method::POST, "/api/v1/agent/two-factor/confirm", Some(&right)).await?;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let set_cookie = confirmed.set_cookie.clone();
    let ConfirmResponse { recovery_codes, agent } = confirmed.json()?;
    assert!(agent.two_factor && recovery_codes.len() == 10, "{agent:?} {recovery_codes:?}");
    let cookie = set_cookie.unwrap_or_default().split(';').next().unwrap_or_default().to_owned();
    Ok((secret, recovery_codes, Session { cookie, csrf: agent.csrf_token.clone(), agent }))
}

#[tokio::test(flavor = "multi_thread")]
async fn with_two_factor_on_a_password_alone_opens_nothing_and_each_code_works_once() -> Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let sam = Session::start(&edge, SAM.0, SAM.1).await?;
    let (secret, recovery, _) = set_up(&edge, &sam).await?;
    let home = "198.51.100.7";

    // The password alone: told a code is needed, no cookie.
    let bare = sign_in(&edge, SAM, None, home).await?;
    assert_eq!((bare.status, bare.error_code()?), (401, ErrorCode::SecondFactorRequired), "{}", bare.body);
    assert!(bare.set_cookie.is_none());
    // Asking is no failure: the agent's own sign-ins (the console asks first) never lock them.
    for _ in 0..6 {
        assert_eq!(sign_in(&edge, SAM, None, home).await?.status, 401);
    }
    let wrong = sign_in(&edge, SAM, Some("123456"), home).await?;
    assert_eq!((wrong.status, wrong.error_code()?), (401, ErrorCode::Unauthorized), "{}", wrong.body);
    // The right code signs in (the app's next one here: confirming used up this step's, and
    // one step of drift is allowed); the same code again (a replay) does not.
    let code = secret.code_at(now_ms() + STEP_MS);
    let ok = sign_in(&edge, SAM, Some(&code), home).await?;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let replay = sign_in(&edge, SAM, Some(&code), home).await?;
    assert_eq!((replay.status, replay.error_code()?), (401, ErrorCode::Unauthorized), "{}", replay.body);
    // A recovery code works once, written any way.
    let typed = recovery[3].to_uppercase().replace('-', " ");
    assert_eq!(sign_in(&edge, SAM, Some(&typed), home).await?.status, 200);
    assert_eq!(sign_in(&edge, SAM, Some(&recovery[3]), home).await?.status, 401);

    // Whoever has the password and guesses codes is throttled like a password guesser: even
    // the right code is refused once they are.
    let guesser = "203.0.113.99";
    let mut statuses = Vec::new();
    for guess in 0..6 {
        statuses.push(sign_in(&edge, SAM, Some(&format!("{guess:06}")), guesser).await?.status);
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let locked = sign_in(&edge, SAM, Some(&secret.code_at(now_ms() + STEP_MS)), guesser).await?;
    assert_eq!(locked.status, 429, "{}", locked.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stolen_session_or_a_key_cannot_turn_two_factor_off_or_set_it_up() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    // An API key has no second step to set up.
    let key = admin.call(&edge, Method::POST, "/api/v1/api-keys", Some(&json!({ "name": "ci" }))).await?;
    assert_eq!(key.status, 201, "{}", key.body);
    let secret = key.body["secret"].as_str().unwrap_or_default().to_owned();
    let by_key = call_with::<()>(
        Method::POST,
        &edge.url("/api/v1/agent/two-factor/setup"),
        &[("authorization", &format!("Bearer {secret}"))],
        None,
    )
    .await?;
    assert_eq!(by_key.status, 403, "{}", by_key.body);

    let (totp, _, admin) = set_up(&edge, &admin).await?;
    // Turning it off needs a current code: a stolen cookie alone cannot.
    let off = admin
        .call(&edge, Method::POST, "/api/v1/agent/two-factor/disable", Some(&json!({ "code": "999999" })))
        .await?;
    assert_eq!(off.status, 401, "{}", off.body);
    // A site that requires it of admins keeps it on.
    let policy = json!({ "two_factor_policy": "admins" });
    assert_eq!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&policy)).await?.status, 200);
    let code = json!({ "code": totp.code_at(now_ms()) });
    let kept = admin.call(&edge, Method::POST, "/api/v1/agent/two-factor/disable", Some(&code)).await?;
    assert_eq!(kept.status, 403, "{}", kept.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_that_requires_it_lets_a_new_sign_in_do_nothing_but_set_it_up() -> Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let before = Session::start(&edge, SAM.0, SAM.1).await?;
    let policy = json!({ "two_factor_policy": "everyone" });
    let changed = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&policy)).await?;
    assert_eq!((changed.status, changed.body["two_factor_policy"].as_str()), (200, Some("everyone")));

    // A session from before the change goes on; Sam's next sign-in may only set it up.
    let earlier = before.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await?;
    assert_eq!(earlier.status, 200, "{}", earlier.body);
    let sam = Session::start(&edge, SAM.0, SAM.1).await?;
    assert!(sam.agent.must_set_up_two_factor, "{:?}", sam.agent);
    for (method, path) in [(Method::GET, "/api/v1/conversations"), (Method::GET, "/api/v1/agents")] {
        let refused = sam.call(&edge, method, path, None::<&()>).await?;
        assert_eq!(
            (refused.status, refused.error_code()?),
            (403, ErrorCode::Forbidden),
            "{path}: {}",
            refused.body
        );
    }
    let me = sam.call(&edge, Method::GET, "/api/v1/agent/me", None::<&()>).await?;
    assert_eq!((me.status, &me.body["must_set_up_two_factor"]), (200, &json!(true)), "{}", me.body);
    let (_, _, sam) = set_up(&edge, &sam).await?;
    assert!(!sam.agent.must_set_up_two_factor);
    assert_eq!(sam.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await?.status, 200);

    // An admin resets it for a teammate who lost their phone: their sessions end.
    let reset = admin
        .call(&edge, Method::DELETE, &format!("/api/v1/agents/{}/two-factor", sam.agent.id), None::<&()>)
        .await?;
    assert_eq!(reset.status, 204, "{}", reset.body);
    assert_eq!(sam.call(&edge, Method::GET, "/api/v1/conversations", None::<&()>).await?.status, 401);
    let again = Session::start(&edge, SAM.0, SAM.1).await?;
    assert!(again.agent.must_set_up_two_factor && !again.agent.two_factor, "{:?}", again.agent);
    Ok(())
}
