//! Agents' photos against real workerd and its local R2 bucket: an agent sets their own, an
//! admin anyone's on the site; only pictures of the type they claim and within the size limit
//! are taken; the photo is served publicly by a versioned URL, listed with the team and put
//! into the frame's theme stylesheet; removing it (or the account) brings the initials back.

use anyhow::Result;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_protocol::api::agent_avatar::MAX_AVATAR_BYTES;
use switchboard_protocol::api::{agent_avatar, agents_list, invite_create};
use switchboard_protocol::{AgentId, ErrorCode};
use switchboard_tests::api::{call, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TINY_PNG};

/// `PUT /api/v1/agents/{agent}/avatar` with `bytes` as `content_type`, as the console sends
/// it: status and JSON body.
async fn put_photo(
    edge: &TestEdge,
    session: &Session,
    agent: impl std::fmt::Display,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<(u16, Value)> {
    session
        .send_bytes(edge, Method::PUT, &format!("/api/v1/agents/{agent}/avatar"), content_type, bytes)
        .await
}

/// `GET path`: status, content type and body.
async fn get(edge: &TestEdge, path: &str) -> Result<(u16, String, Vec<u8>)> {
    let response = reqwest::Client::new().get(edge.url(path)).send().await?;
    let status = response.status().as_u16();
    let kind =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    if status == 200 {
        assert_eq!(
            response.headers().get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
    }
    Ok((status, kind, response.bytes().await?.to_vec()))
}

/// The frame's theme stylesheet, found as a new page load finds it.
async fn theme(edge: &TestEdge) -> Result<String> {
    let frame = reqwest::Client::new().get(edge.url("/frame?site=demo")).send().await?.text().await?;
    let start = frame.find("/frame/theme.css?").expect("the frame links its theme");
    let href = &frame[start..start + frame[start..].find('"').expect("a quoted href")];
    Ok(String::from_utf8(get(edge, &href.replace("&amp;", "&")).await?.2)?)
}

async fn team(edge: &TestEdge, session: &Session) -> Result<agents_list::Response> {
    session.call::<()>(edge, Method::GET, "/api/v1/agents", None).await?.json()
}

/// The admin invites Nia; she accepts and is signed in.
async fn nia(edge: &TestEdge, admin: &Session) -> Result<Session> {
    let body = json!({ "email": "nia@example.com", "name": "Nia Okafor" });
    let invite: invite_create::Response =
        admin.call(edge, Method::POST, "/api/v1/invites", Some(&body)).await?.json()?;
    let accept = edge.url("/api/v1/invites/accept");
    let body = json!({ "token": invite.token, "password": "nia-password-2026" });
    let accepted = call(Method::POST, &accept, None, None, Some(&body)).await?;
    Session::from_reply(accepted)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agents_photo_is_stored_served_listed_and_themed_until_removed() -> Result<()> {
    let edge = TestEdge::start(&["https://shop.example"])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let nia = nia(&edge, &admin).await?;

    // Nia sets her own photo.
    let (status, body) = put_photo(&edge, &nia, &nia.agent.id, "image/png", TINY_PNG.to_vec()).await?;
    assert_eq!(status, 200, "{body}");
    let photo: agent_avatar::Response = serde_json::from_value(body)?;
    assert!(photo.url.starts_with(&format!("/avatars/demo/{}?v=", nia.agent.id)), "{}", photo.url);
    let (status, kind, bytes) = get(&edge, &photo.url).await?;
    assert_eq!((status, kind.as_str(), bytes.as_slice()), (200, "image/png", TINY_PNG));

    // The team lists it (for any agent); the admin still has none.
    let listed = team(&edge, &nia).await?;
    let avatar_of = |id: &AgentId| listed.agents.iter().find(|a| &a.id == id).and_then(|a| a.avatar.clone());
    assert_eq!(avatar_of(&nia.agent.id).as_deref(), Some(photo.url.as_str()));
    assert_eq!(avatar_of(&admin.agent.id), None);

    // New page loads draw it on her avatar, in place of her initials.
    let css = theme(&edge).await?;
    let rule =
        format!(".sb-avatar[data-author=\"{}\"]{{background:#fff url(\"{}\")", nia.agent.id, photo.url);
    assert!(css.contains(&rule) && css.contains("::before{content:none}"), "{css}");

    // The admin replaces it: a new version, a new URL, a new stylesheet.
    let (status, body) = put_photo(&edge, &admin, &nia.agent.id, "image/png", TINY_PNG.to_vec()).await?;
    assert_eq!(status, 200, "{body}");
    let replaced: agent_avatar::Response = serde_json::from_value(body)?;
    assert_ne!(replaced.url, photo.url);
    assert!(theme(&edge).await?.contains(&replaced.url));

    // Nia removes it: gone from the bucket, the list and the theme.
    let reply = nia
        .call::<()>(&edge, Method::DELETE, &format!("/api/v1/agents/{}/avatar", nia.agent.id), None)
        .await?;
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(get(&edge, &replaced.url).await?.0, 404);
    assert!(team(&edge, &admin).await?.agents.iter().all(|a| a.avatar.is_none()));
    assert!(!theme(&edge).await?.contains("data-author"));

    // A photo goes with the account.
    let (status, body) = put_photo(&edge, &nia, &nia.agent.id, "image/png", TINY_PNG.to_vec()).await?;
    assert_eq!(status, 200, "{body}");
    let last: agent_avatar::Response = serde_json::from_value(body)?;
    let reply =
        admin.call::<()>(&edge, Method::DELETE, &format!("/api/v1/agents/{}", nia.agent.id), None).await?;
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(get(&edge, &last.url).await?.0, 404);
    assert!(!theme(&edge).await?.contains("data-author"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn only_real_pictures_within_the_limit_from_permitted_people_are_taken() -> Result<()> {
    let edge = TestEdge::start(&["https://shop.example"])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let nia = nia(&edge, &admin).await?;
    let refused = |(status, body): (u16, Value)| {
        (status, body["error"]["code"].clone(), body["error"]["message"].clone())
    };

    // Not the type claimed, no picture at all, too large, empty.
    let (status, code, message) =
        refused(put_photo(&edge, &nia, &nia.agent.id, "image/png", b"<svg onload=alert(1)>".to_vec()).await?);
    assert_eq!((status, code), (415, json!(ErrorCode::UnsupportedMediaType)));
    assert!(message.as_str().unwrap_or_default().contains("not image/png"), "{message}");
    let (status, _, message) =
        refused(put_photo(&edge, &nia, &nia.agent.id, "text/html", b"<p>hi</p>".to_vec()).await?);
    assert_eq!(status, 415);
    assert!(message.as_str().unwrap_or_default().contains("image/png, image/jpeg"), "{message}");
    let mut big = TINY_PNG.to_vec();
    big.resize(MAX_AVATAR_BYTES + 1, 0);
    let (status, code, _) = refused(put_photo(&edge, &nia, &nia.agent.id, "image/png", big).await?);
    assert_eq!((status, code), (413, json!(ErrorCode::BodyTooLarge)));
    assert_eq!(put_photo(&edge, &nia, &nia.agent.id, "image/png", Vec::new()).await?.0, 400);

    // Someone else's photo: agents may not, admins may only for their own site's accounts.
    let (status, code, _) =
        refused(put_photo(&edge, &nia, &admin.agent.id, "image/png", TINY_PNG.to_vec()).await?);
    assert_eq!((status, code), (403, json!(ErrorCode::Forbidden)));
    let stranger = AgentId::from_random([9; 16]);
    assert_eq!(put_photo(&edge, &admin, &stranger, "image/png", TINY_PNG.to_vec()).await?.0, 404);
    assert_eq!(put_photo(&edge, &admin, "not-an-id", "image/png", TINY_PNG.to_vec()).await?.0, 404);

    // A forged cross-site request (cookie without the token) and no session at all.
    let url = edge.url(&format!("/api/v1/agents/{}/avatar", nia.agent.id));
    let forged = reqwest::Client::new()
        .put(&url)
        .header("cookie", &nia.cookie)
        .header("content-type", "image/png")
        .body(TINY_PNG.to_vec())
        .send()
        .await?;
    assert_eq!(forged.status().as_u16(), 403);
    let anonymous = reqwest::Client::new()
        .put(&url)
        .header("content-type", "image/png")
        .body(TINY_PNG.to_vec())
        .send()
        .await?;
    assert_eq!(anonymous.status().as_u16(), 401);

    // Nothing was stored by any of it.
    assert!(team(&edge, &admin).await?.agents.iter().all(|a| a.avatar.is_none()));
    assert_eq!(get(&edge, &format!("/avatars/demo/{}", nia.agent.id)).await?.0, 404);
    assert_eq!(get(&edge, "/avatars/demo/../x").await?.0, 404);
    let wrong_method = reqwest::Client::new().post(&url).send().await?;
    assert_eq!(wrong_method.status().as_u16(), 405);
    assert_eq!(wrong_method.headers().get("allow").map(|v| v.as_bytes()), Some(&b"PUT, DELETE"[..]));
    Ok(())
}
