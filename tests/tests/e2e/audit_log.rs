//! The audit log over the API, read as an admin investigating an incident would: a failed
//! sign-in with where it came from, keys made and revoked, settings and flow changes, an
//! invite — newest first, paged without gaps or repeats; only admins read it, and nothing
//! edits or deletes an entry.

use anyhow::Result;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_tests::api::{call_with, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const ATTACKER: &str = "203.0.113.5";

/// The actions of `entries`, in order.
fn actions(entries: &Value) -> Vec<String> {
    entries.as_array().into_iter().flatten().map(|e| e["action"].as_str().unwrap_or("").to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_to_accounts_keys_and_settings_are_logged_with_who_and_where() -> Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    // Someone tries the admin's password from elsewhere.
    let body = json!({ "email": ADMIN_EMAIL, "password": "guess-1234567" });
    let headers = [("origin", edge.origin()), ("cf-connecting-ip", ATTACKER.to_owned())];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let failed = call_with(Method::POST, &edge.url("/api/v1/agent/login"), &headers, Some(&body)).await?;
    assert_eq!(failed.status, 401);

    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let key = admin
        .call(&edge, Method::POST, "/api/v1/api-keys", Some(&json!({ "name": "ci", "role": "admin" })))
        .await?;
    assert_eq!(key.status, 201, "{}", key.body);
    let key_id = key.body["key"]["id"].as_str().unwrap_or_default().to_owned();
    let secret = key.body["secret"].as_str().unwrap_or_default().to_owned();
    let patch = json!({ "name": "Shop", "identity_secret": "0123456789abcdef0123456789abcdef-secret" });
    assert_eq!(admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&patch)).await?.status, 200);
    let invite = json!({ "email": "kim@example.com", "name": "Kim" });
    assert_eq!(admin.call(&edge, Method::POST, "/api/v1/invites", Some(&invite)).await?.status, 201);
    let revoked =
        admin.call(&edge, Method::DELETE, &format!("/api/v1/api-keys/{key_id}"), None::<&()>).await?;
    assert_eq!(revoked.status, 204);

    let log = admin.call(&edge, Method::GET, "/api/v1/audit-log", None::<&()>).await?;
    assert_eq!(log.status, 200, "{}", log.body);
    let entries = &log.body["entries"];
    assert_eq!(
        actions(entries),
        ["api_key_revoked", "invited", "settings_changed", "api_key_created", "signed_in", "sign_in_failed"],
        "{entries}"
    );
    let failure = &entries[5];
    assert_eq!(
        (failure["address"].as_str(), failure["target"].as_str()),
        (Some(ATTACKER), Some(ADMIN_EMAIL)),
        "{failure}"
    );
    let settings = &entries[2];
    assert_eq!(settings["detail"], "name, identity secret");
    assert!(!log.body.to_string().contains("0123456789abcdef0123456789abcdef"), "a secret never shows");
    assert_eq!(
        (entries[3]["actor"]["name"].as_str(), entries[3]["target"].as_str()),
        (Some(ADMIN_NAME), Some("ci"))
    );
    assert_eq!(entries[1]["target"], "kim@example.com");

    // Pages: two at a time, newest first, each entry once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/audit-log?limit=2".to_owned();
    loop {
        let page = admin.call(&edge, Method::GET, &path, None::<&()>).await?;
        seen.extend(actions(&page.body["entries"]));
        match page.body["next_before"].as_i64() {
            Some(before) => path = format!("/api/v1/audit-log?limit=2&before={before}"),
            None => break,
        }
    }
    assert_eq!(seen, actions(entries));
    let bad = admin.call(&edge, Method::GET, "/api/v1/audit-log?limit=5000", None::<&()>).await?;
    assert_eq!(bad.status, 400, "{}", bad.body);

    // Only admins read it; nobody edits it.
    let sam = Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    assert_eq!(sam.call(&edge, Method::GET, "/api/v1/audit-log", None::<&()>).await?.status, 403);
    for method in [Method::DELETE, Method::PATCH, Method::POST, Method::PUT] {
        let reply = admin.call(&edge, method.clone(), "/api/v1/audit-log", Some(&json!({}))).await?;
        assert_eq!(reply.status, 405, "{method}: {}", reply.body);
    }
    // A revoked key reads nothing either.
    let by_key = call_with::<()>(
        Method::GET,
        &edge.url("/api/v1/audit-log"),
        &[("authorization", &format!("Bearer {secret}"))],
        None,
    )
    .await?;
    assert_eq!(by_key.status, 401, "{}", by_key.body);
    Ok(())
}
