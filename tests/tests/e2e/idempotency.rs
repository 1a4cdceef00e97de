//! `Idempotency-Key` as a script that retries meets it: a repeat gets the first answer (the
//! same invite link, not a second one) marked as replayed, for this credential only; the same
//! key with another body is a `422` naming the header; racing repeats create one thing; and
//! errors name the field at fault.

use anyhow::Result;
use serde_json::{json, Value};
use switchboard_tests::api::Session;
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

/// Status, `Idempotent-Replayed` and JSON body of a POST made with `bearer` and `key`.
async fn post(
    edge: &TestEdge,
    bearer: &str,
    path: &str,
    key: Option<&str>,
    body: &Value,
) -> Result<(u16, bool, Value)> {
    let mut request = reqwest::Client::new().post(edge.url(path)).header("authorization", bearer).json(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let replayed = response.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    let text = response.text().await?;
    Ok((status, replayed, if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? }))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_create_answers_the_first_result_and_a_reused_key_is_refused() -> Result<()> {
    let edge = TestEdge::start(&[])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let crm = admin.api_key(&edge, "crm", "admin").await?;
    let invite = json!({ "email": "noor@example.com", "name": "Noor" });

    // Without a key, each call makes a new link; with one, the retry answers the first.
    let (_, _, plain_a) =
        post(&edge, &crm, "/api/v1/invites", None, &json!({ "email": "a@example.com", "name": "A" })).await?;
    let (_, _, plain_b) =
        post(&edge, &crm, "/api/v1/invites", None, &json!({ "email": "a@example.com", "name": "A" })).await?;
    assert_ne!(plain_a["token"], plain_b["token"], "two calls without a key are two invites");
    let (status, replayed, first) =
        post(&edge, &crm, "/api/v1/invites", Some("invite-noor-1"), &invite).await?;
    assert_eq!((status, replayed), (201, false), "{first}");
    let (status, replayed, again) =
        post(&edge, &crm, "/api/v1/invites", Some("invite-noor-1"), &invite).await?;
    assert_eq!((status, replayed), (201, true), "{again}");
    assert_eq!(again, first, "the same link, not a second invite");

    // The same key for something else is the script's bug: 422, naming the header.
    let other = json!({ "email": "zed@example.com", "name": "Zed" });
    let (status, _, refused) = post(&edge, &crm, "/api/v1/invites", Some("invite-noor-1"), &other).await?;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["code"], "unprocessable_entity");
    assert_eq!(refused["error"]["field"], "Idempotency-Key");

    // Keys belong to their credential: another key's same value is a new request.
    let other_script = admin.api_key(&edge, "other script", "admin").await?;
    let (status, replayed, theirs) =
        post(&edge, &other_script, "/api/v1/invites", Some("invite-noor-1"), &invite).await?;
    assert_eq!((status, replayed), (201, false), "{theirs}");
    assert_ne!(theirs["token"], first["token"]);

    // A refusal of the request itself is kept too; a malformed key is refused.
    let bad = json!({ "email": "not an email", "name": "X" });
    let (status, _, _) = post(&edge, &crm, "/api/v1/invites", Some("bad-1"), &bad).await?;
    let (status_again, replayed, _) = post(&edge, &crm, "/api/v1/invites", Some("bad-1"), &bad).await?;
    assert_eq!((status, status_again, replayed), (400, 400, true));
    let (status, _, refused) = post(&edge, &crm, "/api/v1/invites", Some("has space"), &invite).await?;
    assert_eq!((status, &refused["error"]["field"]), (400, &json!("Idempotency-Key")), "{refused}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn racing_retries_create_one_thing() -> Result<()> {
    let edge = TestEdge::start(&[])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let crm = admin.api_key(&edge, "crm", "admin").await?;
    let invite = json!({ "email": "race@example.com", "name": "Race" });
    let attempts = (0..6).map(|_| post(&edge, &crm, "/api/v1/invites", Some("race-1"), &invite));
    let answers = futures_util::future::join_all(attempts).await;
    let mut tokens = Vec::new();
    for answer in answers {
        let (status, _, body) = answer?;
        match status {
            201 => tokens.push(body["token"].clone()),
            409 => assert_eq!(body["error"]["code"], "conflict", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(!tokens.is_empty());
    assert!(tokens.iter().all(|token| *token == tokens[0]), "one invite, answered to each: {tokens:?}");
    // Settled, every retry gets it.
    let (status, replayed, body) = post(&edge, &crm, "/api/v1/invites", Some("race-1"), &invite).await?;
    assert_eq!((status, replayed, &body["token"]), (201, true, &tokens[0]));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_name_the_field_at_fault() -> Result<()> {
    let edge = TestEdge::start(&[])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let crm = admin.api_key(&edge, "crm", "admin").await?;
    for (body, field) in [
        (json!({}), "name"),
        (json!({ "name": "x", "role": "owner" }), "role"),
        (json!({ "name": "x", "colour": "red" }), "colour"),
        (json!({ "name": " " }), "name"),
        (json!({ "name": "x", "expires_in_s": 0 }), "expires_in_s"),
    ] {
        let (status, _, refused) = post(&edge, &crm, "/api/v1/api-keys", None, &body).await?;
        assert_eq!((status, &refused["error"]["field"]), (400, &json!(field)), "{body}: {refused}");
        assert_eq!(refused["error"]["code"], "bad_request");
    }
    Ok(())
}
