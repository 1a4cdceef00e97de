//! Guessing is stopped without letting a stranger lock a real agent out, tried as attackers
//! would: one address guessing one account's password, many addresses guessing it together
//! (while the agent signs in from their own address and from a new one), and one address
//! trying made-up invite links.

use reqwest::Method;
use serde_json::json;
use switchboard_protocol::ErrorCode;
use switchboard_tests::api::{call_with, Reply};
use switchboard_tests::test_edge::TestEdge;

const SAM: &str = "sam@example.com";
const SAMS_PASSWORD: &str = "sam-password-123";

async fn sign_in(edge: &TestEdge, address: &str, password: &str) -> anyhow::Result<Reply> {
    let body = json!({ "email": SAM, "password": password });
    call_with(Method::POST, &edge.url("/api/v1/agent/login"), &[("cf-connecting-ip", address)], Some(&body))
        .await
}

fn edge() -> anyhow::Result<TestEdge> {
    TestEdge::start_with(
        &["http://shop.test"],
        &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")],
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_guessing_locks_only_themselves_out() -> anyhow::Result<()> {
    let edge = edge()?;
    let stranger = "203.0.113.66";
    for attempt in 0..5 {
        let reply = sign_in(&edge, stranger, &format!("guess-{attempt}")).await?;
        assert_eq!((reply.status, reply.error_code()?), (401, ErrorCode::Unauthorized), "attempt {attempt}");
    }
    // The stranger is locked out, even with the right password...
    let locked = sign_in(&edge, stranger, SAMS_PASSWORD).await?;
    assert_eq!((locked.status, locked.error_code()?), (429, ErrorCode::RateLimited));
    assert!(locked.body["error"]["retry_after_ms"].as_u64().is_some_and(|ms| ms > 60_000), "{}", locked.body);
    // ...while Sam, from an address never seen before, signs in.
    let sam = sign_in(&edge, "198.51.100.7", SAMS_PASSWORD).await?;
    assert_eq!(sam.status, 200, "a stranger's guesses locked the account: {}", sam.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn many_addresses_guessing_lock_new_addresses_out_but_not_the_agents_own() -> anyhow::Result<()> {
    let edge = edge()?;
    let home = "198.51.100.10";
    assert_eq!(sign_in(&edge, home, SAMS_PASSWORD).await?.status, 200);
    // Twenty addresses, one guess each: no single address is locked, the account is guessed.
    for n in 0..20 {
        let reply = sign_in(&edge, &format!("192.0.2.{n}"), "guess").await?;
        assert_eq!(reply.status, 401, "guess from address {n}");
    }
    // A twenty-first address is refused even with the right password: brute force stays out.
    let new_place = sign_in(&edge, "192.0.2.200", SAMS_PASSWORD).await?;
    assert_eq!((new_place.status, new_place.error_code()?), (429, ErrorCode::RateLimited));
    // Sam's own address still signs in.
    let sam = sign_in(&edge, home, SAMS_PASSWORD).await?;
    assert_eq!(sam.status, 200, "the guessing kept Sam out of their own address: {}", sam.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn made_up_invite_links_get_429_after_a_few_tries_from_one_address() -> anyhow::Result<()> {
    let edge = edge()?;
    let guesser = [("cf-connecting-ip", "203.0.113.77")];
    let own_origin = edge.origin();
    let limit = switchboard_core::accounts::INVITE_ATTEMPTS_PER_ADDRESS_PER_MINUTE;
    let mut statuses = Vec::new();
    for n in 0..limit + 5 {
        // Shaped like real tokens (43 URL-safe characters), alternating looking up and accepting.
        let token = format!("{n:0>43}");
        let reply = if n % 2 == 0 {
            let url = edge.url("/api/v1/invites/lookup");
            call_with(Method::POST, &url, &guesser, Some(&json!({ "token": token }))).await?
        } else {
            let url = edge.url("/api/v1/invites/accept");
            let origin = [guesser[0], ("origin", own_origin.as_str())];
            let body = json!({ "token": token, "password": "guessed-password-1" });
            call_with(Method::POST, &url, &origin, Some(&body)).await?
        };
        statuses.push(reply.status);
        if reply.status == 429 {
            assert_eq!(reply.error_code()?, ErrorCode::RateLimited);
            assert!(reply.body["error"]["retry_after_ms"].as_u64().is_some(), "{}", reply.body);
        }
    }
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    assert!(refused >= 5, "made-up invite links were all looked up: {statuses:?}");
    assert!(statuses[..limit as usize].iter().all(|&s| s == 404), "{statuses:?}");
    // Another address opening its real link is not held back.
    let other = [("cf-connecting-ip", "198.51.100.30")];
    let lookup = edge.url("/api/v1/invites/lookup");
    let not_found =
        call_with(Method::POST, &lookup, &other, Some(&json!({ "token": "x".repeat(43) }))).await?;
    assert_eq!(not_found.status, 404);
    // The old forms with the token in the URL path (which access logs keep) are gone.
    let old =
        call_with::<()>(Method::GET, &edge.url(&format!("/api/v1/invites/{}", "x".repeat(43))), &other, None)
            .await?;
    assert_eq!(old.status, 404, "{}", old.body);
    let old_accept = edge.url(&format!("/api/v1/invites/{}/accept", "x".repeat(43)));
    let old =
        call_with(Method::POST, &old_accept, &other, Some(&json!({ "password": "guessed-password-1" })))
            .await?;
    assert_eq!(old.status, 404, "{}", old.body);
    Ok(())
}
