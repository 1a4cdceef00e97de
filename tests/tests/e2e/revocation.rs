//! What is revoked stops working at once, tried as an attacker holding the old credential
//! would: a removed account's cookie, keys and open sockets; sessions ended by "sign out
//! everywhere" or by an admin; revoked and expired API keys.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::api_keys::{Created, ListResponse as Keys};
use switchboard_protocol::api::invite_create;
use switchboard_protocol::inbox::InboxFrame;
use switchboard_protocol::{ConversationId, ErrorCode, Seq, CLOSE_UNAUTHORIZED, SUBPROTOCOL};
use switchboard_tests::api::{call_with, create_session, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::wait::until;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "http://shop.test";

/// How soon an ended session's sockets must close.
const AT_ONCE: Duration = Duration::from_secs(5);

fn no_body() -> Option<&'static ()> {
    None
}

/// Status of a `GET` of `path` with `headers`.
async fn get_status(edge: &TestEdge, path: &str, headers: &[(&str, &str)]) -> anyhow::Result<u16> {
    Ok(call_with::<()>(Method::GET, &edge.url(path), headers, None).await?.status)
}

/// A new account of the test site, invited by `admin` with `role` and signed in.
async fn invited(edge: &TestEdge, admin: &Session, email: &str, role: &str) -> anyhow::Result<Session> {
    let body = json!({ "email": email, "name": "Ivy", "role": role });
    let invite: invite_create::Response =
        admin.call(edge, Method::POST, "/api/v1/invites", Some(&body)).await?.json()?;
    let accept = edge.url("/api/v1/invites/accept");
    let password = json!({ "token": invite.token, "password": "ivy-password-2026" });
    Session::from_reply(call_with(Method::POST, &accept, &[], Some(&password)).await?)
}

/// A conversation a visitor started (and keeps open).
async fn conversation(edge: &TestEdge) -> anyhow::Result<(ConversationId, Live)> {
    let session = create_session(edge, SHOP).await?;
    let mut visitor = Live::visitor(edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "Hello?").await?;
    Ok((session.conversation_id, visitor))
}

/// A script's socket on `conversation`, opened with an API key.
async fn key_socket(edge: &TestEdge, secret: &str, conversation: &ConversationId) -> anyhow::Result<Live> {
    let url = format!("{}/api/v1/conversations/{conversation}/live", edge.ws_origin());
    let bearer = format!("Bearer {secret}");
    let mut live =
        Live::connect_with(&url, &[SUBPROTOCOL.to_string()], &[("authorization", &bearer)]).await?;
    live.hello(Seq(0)).await?;
    Ok(live)
}

/// An agent's inbox, past its snapshot.
async fn inbox(edge: &TestEdge, session: &Session) -> anyhow::Result<Live> {
    let mut inbox = Live::inbox(edge, &session.cookie).await?;
    inbox.until_inbox(|frame| matches!(frame, InboxFrame::Snapshot { .. }).then_some(())).await?;
    Ok(inbox)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_removed_account_is_refused_everywhere_and_its_sockets_and_keys_close_at_once() -> anyhow::Result<()>
{
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let ivy = invited(&edge, &admin, "ivy@example.com", "admin").await?;
    // Ivy makes a key for her script, and has her inbox, a conversation and the script open.
    let key: Created = ivy
        .call(&edge, Method::POST, "/api/v1/api-keys", Some(&json!({ "name": "Ivy's sync" })))
        .await?
        .json()?;
    let mut ivy_inbox = inbox(&edge, &ivy).await?;
    let (conversation, mut visitor) = conversation(&edge).await?;
    let mut ivy_chat = Live::agent(&edge, &ivy.cookie, &conversation).await?;
    ivy_chat.hello(Seq(0)).await?;
    let mut script = key_socket(&edge, &key.secret, &conversation).await?;

    let removed =
        admin.call(&edge, Method::DELETE, &format!("/api/v1/agents/{}", ivy.agent.id), no_body()).await?;
    assert_eq!(removed.status, 204, "{}", removed.body);

    // The cookie she still holds, and her key, are refused on every route from now on.
    let cookie = [("cookie", ivy.cookie.as_str())];
    let bearer = format!("Bearer {}", key.secret);
    let with_key = [("authorization", bearer.as_str())];
    for path in ["/api/v1/agent/me", "/api/v1/conversations", "/api/v1/agents", "/api/v1/site"] {
        assert_eq!(get_status(&edge, path, &cookie).await?, 401, "{path} with the removed account's cookie");
        assert_eq!(get_status(&edge, path, &with_key).await?, 401, "{path} with the removed account's key");
    }
    let invite = json!({ "email": "mallory@example.com", "name": "Mallory", "role": "admin" });
    let refused = ivy.call(&edge, Method::POST, "/api/v1/invites", Some(&invite)).await?;
    assert_eq!((refused.status, refused.error_code()?), (401, ErrorCode::Unauthorized));
    let refused =
        ivy.call(&edge, Method::POST, "/api/v1/api-keys", Some(&json!({ "name": "backdoor" }))).await?;
    assert_eq!(refused.status, 401);
    // What she had open closes now, not when it next tries something.
    for (what, socket) in
        [("inbox", &mut ivy_inbox), ("conversation", &mut ivy_chat), ("key's socket", &mut script)]
    {
        let (code, _) = socket.closed_within(AT_ONCE).await.map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
        assert_eq!(code, CLOSE_UNAUTHORIZED, "{what}");
    }
    // She cannot come back through the sockets either.
    let mut again = Live::inbox(&edge, &ivy.cookie).await?;
    assert_eq!(again.refusal().await?, (ErrorCode::Unauthorized, CLOSE_UNAUTHORIZED));
    // The visitor's conversation goes on.
    visitor.post("v-2", "Anyone?").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_everywhere_ends_every_session_of_the_account_at_once() -> anyhow::Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let laptop = Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    let phone = Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    let mut phone_inbox = inbox(&edge, &phone).await?;

    // Only admins end someone else's sessions.
    let path = |session: &Session| format!("/api/v1/agents/{}/sessions", session.agent.id);
    let refused = laptop.call(&edge, Method::DELETE, &path(&admin), no_body()).await?;
    assert_eq!((refused.status, refused.error_code()?), (403, ErrorCode::Forbidden));
    // Like every change, it needs the anti-forgery token: a forged request does nothing.
    let forged = call_with::<()>(
        Method::DELETE,
        &edge.url(&path(&laptop)),
        &[("cookie", phone.cookie.as_str())],
        None,
    )
    .await?;
    assert_eq!(forged.status, 403);
    assert_eq!(get_status(&edge, "/api/v1/agent/me", &[("cookie", phone.cookie.as_str())]).await?, 200);

    // Sam, on the laptop, signs out everywhere: this browser's cookie is cleared, the phone's
    // session is refused and its inbox closes.
    let ended = laptop.call(&edge, Method::DELETE, &path(&laptop), no_body()).await?;
    assert_eq!(ended.status, 204, "{}", ended.body);
    assert!(ended.set_cookie.as_deref().is_some_and(|c| c.contains("Max-Age=0")), "{:?}", ended.set_cookie);
    for session in [&laptop, &phone] {
        assert_eq!(get_status(&edge, "/api/v1/agent/me", &[("cookie", session.cookie.as_str())]).await?, 401);
    }
    assert_eq!(phone_inbox.closed_within(AT_ONCE).await?.0, CLOSE_UNAUTHORIZED);

    // Signing in again works; an admin can end that session too, keeping their own.
    let again = Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    let mut again_inbox = inbox(&edge, &again).await?;
    let ended = admin.call(&edge, Method::DELETE, &path(&again), no_body()).await?;
    assert_eq!((ended.status, ended.set_cookie.is_none()), (204, true), "{}", ended.body);
    assert_eq!(get_status(&edge, "/api/v1/agent/me", &[("cookie", again.cookie.as_str())]).await?, 401);
    assert_eq!(again_inbox.closed_within(AT_ONCE).await?.0, CLOSE_UNAUTHORIZED);
    assert_eq!(get_status(&edge, "/api/v1/agent/me", &[("cookie", admin.cookie.as_str())]).await?, 200);
    // An id that is no account of this site reads as missing.
    let unknown = admin.call(&edge, Method::DELETE, "/api/v1/agents/agt_nobody/sessions", no_body()).await?;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_and_expired_api_keys_stop_and_their_sockets_close() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let make = |body: serde_json::Value| {
        let admin = admin.clone();
        let edge = &edge;
        async move { admin.call(edge, Method::POST, "/api/v1/api-keys", Some(&body)).await }
    };
    let too_long = make(json!({ "name": "forever", "expires_in_s": 3 * 365 * 24 * 3600 })).await?;
    assert_eq!((too_long.status, too_long.error_code()?), (400, ErrorCode::BadRequest));
    let sync: Created = make(json!({ "name": "sync" })).await?.json()?;
    let brief: Created = make(json!({ "name": "brief", "expires_in_s": 3 })).await?.json()?;
    let keys: Keys = admin.call(&edge, Method::GET, "/api/v1/api-keys", no_body()).await?.json()?;
    let expiry = |name: &str| keys.api_keys.iter().find(|k| k.name == name).map(|k| k.expires_at);
    assert_eq!(expiry("sync"), Some(None));
    assert!(expiry("brief").flatten().is_some(), "{keys:?}");

    let (conversation, mut visitor) = conversation(&edge).await?;
    let mut synced = key_socket(&edge, &sync.secret, &conversation).await?;
    let mut briefly = key_socket(&edge, &brief.secret, &conversation).await?;

    // Revoked: its socket closes at once, its next request is refused.
    let revoked =
        admin.call(&edge, Method::DELETE, &format!("/api/v1/api-keys/{}", sync.key.id), no_body()).await?;
    assert_eq!(revoked.status, 204);
    assert_eq!(synced.closed_within(AT_ONCE).await?.0, CLOSE_UNAUTHORIZED);
    let bearer = format!("Bearer {}", sync.secret);
    assert_eq!(get_status(&edge, "/api/v1/conversations", &[("authorization", &bearer)]).await?, 401);

    // Expired: refused, and its socket closes before it sees anything said after.
    let bearer = format!("Bearer {}", brief.secret);
    until("the brief key to expire", Duration::from_secs(15), || async {
        let status = get_status(&edge, "/api/v1/conversations", &[("authorization", &bearer)]).await.ok()?;
        (status == 401).then_some(())
    })
    .await?;
    visitor.post("v-2", "A secret after the key expired").await?;
    let (code, seen) = briefly.closed_within(AT_ONCE).await?;
    assert_eq!(code, CLOSE_UNAUTHORIZED);
    assert!(!seen.iter().any(|frame| frame.contains("A secret after")), "{seen:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_ones_password_needs_the_current_one_and_ends_every_other_session() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let here = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let elsewhere = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let path = "/api/v1/agent/password";

    // Someone at an unlocked desk, without the current password, gets nowhere.
    let guess = json!({ "current_password": "not-the-password", "new_password": "taken-over-2026" });
    let refused = here.call(&edge, Method::POST, path, Some(&guess)).await?;
    assert_eq!((refused.status, refused.error_code()?), (401, ErrorCode::Unauthorized), "{}", refused.body);
    let short = json!({ "current_password": ADMIN_PASSWORD, "new_password": "short" });
    assert_eq!(here.call(&edge, Method::POST, path, Some(&short)).await?.status, 400);
    // An API key has no password to change.
    let key: Created = here
        .call(&edge, Method::POST, "/api/v1/api-keys", Some(&json!({ "name": "ci", "role": "admin" })))
        .await?
        .json()?;
    let bearer = format!("Bearer {}", key.secret);
    let by_key = json!({ "current_password": ADMIN_PASSWORD, "new_password": "by-a-key-2026" });
    let by_key =
        call_with(Method::POST, &edge.url(path), &[("authorization", bearer.as_str())], Some(&by_key))
            .await?;
    assert_eq!(by_key.status, 403, "{}", by_key.body);

    let mut open_elsewhere = Live::inbox(&edge, &elsewhere.cookie).await?;
    open_elsewhere.until_inbox(|frame| matches!(frame, InboxFrame::Snapshot { .. }).then_some(())).await?;
    let change = json!({ "current_password": ADMIN_PASSWORD, "new_password": "a-new-password-2026" });
    let changed = here.call(&edge, Method::POST, path, Some(&change)).await?;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let renewed = Session::from_reply(changed)?;
    // This browser goes on with its new session; every other one ends at once.
    assert_eq!(renewed.call(&edge, Method::GET, "/api/v1/agent/me", None::<&()>).await?.status, 200);
    assert_eq!(elsewhere.call(&edge, Method::GET, "/api/v1/agent/me", None::<&()>).await?.status, 401);
    assert_eq!(open_elsewhere.closed_within(Duration::from_secs(5)).await?.0, CLOSE_UNAUTHORIZED);
    assert_eq!(here.call(&edge, Method::GET, "/api/v1/agent/me", None::<&()>).await?.status, 401);
    assert!(
        Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await.is_err(),
        "the old password still works"
    );
    Session::start(&edge, ADMIN_EMAIL, "a-new-password-2026").await?;
    Ok(())
}
