//! Attachments against the real edge and its local R2 bucket: visitors and agents upload
//! files into a conversation; the message carrying one reaches everyone; the link serves the
//! file safely; wrong types, sizes and credentials are refused clearly.

use anyhow::Result;
use reqwest::header::HeaderMap;
use switchboard_protocol::api::create_session;
use switchboard_protocol::attachment::MAX_ATTACHMENT_BYTES;
use switchboard_protocol::{ErrorCode, Message, Seq, ServerFrame};
use switchboard_tests::api::{create_session, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "http://shop.test";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// What an upload answered: status, error code (if any), the stored message (if any).
struct Uploaded {
    status: u16,
    code: Option<ErrorCode>,
    message: Option<Message>,
}

async fn upload(
    edge: &TestEdge,
    conversation: &str,
    auth: &[(&str, &str)],
    client_id: &str,
    (name, content_type, bytes): (&str, &str, Vec<u8>),
) -> Result<Uploaded> {
    let mut request = reqwest::Client::new()
        .post(edge.url(&format!("/api/v1/conversations/{conversation}/attachments")))
        .header("content-type", content_type)
        .header("x-filename", switchboard_tests::percent_encode(name))
        .header("x-client-id", client_id)
        .body(bytes);
    for (name, value) in auth {
        request = request.header(*name, *value);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let code = body["error"]["code"].as_str().and_then(|c| serde_json::from_value(c.into()).ok());
    let message = serde_json::from_value(body["message"].clone()).ok();
    Ok(Uploaded { status, code, message })
}

async fn download(edge: &TestEdge, url: &str) -> Result<(u16, HeaderMap, Vec<u8>)> {
    let response = reqwest::get(edge.url(url)).await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Ok((status, headers, response.bytes().await?.to_vec()))
}

/// A fresh edge with a visitor connected to a new conversation, and that visitor's
/// `Authorization` value.
async fn connected_visitor() -> Result<(TestEdge, create_session::Response, Live, String)> {
    let edge = TestEdge::start(&[SHOP])?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    let bearer = format!("Bearer {}", session.token);
    Ok((edge, session, visitor, bearer))
}

#[tokio::test(flavor = "multi_thread")]
async fn files_go_both_ways_and_are_served_safely() -> Result<()> {
    let (edge, session, mut visitor, bearer) = connected_visitor().await?;
    let conversation = session.conversation_id.to_string();
    let as_visitor = [("authorization", bearer.as_str())];

    // The visitor sends a photo: stored as a message carrying it, relayed on the socket.
    let sent = upload(
        &edge,
        &conversation,
        &as_visitor,
        "f-1",
        ("../photos/Broken lid ✓.png", "image/png", PNG.to_vec()),
    )
    .await?;
    assert_eq!(sent.status, 201);
    let message = sent.message.expect("the stored message");
    let file = message.attachment.clone().expect("its attachment");
    assert_eq!(
        (file.name.as_str(), file.content_type.as_str(), file.size),
        ("Broken lid ✓.png", "image/png", PNG.len() as u64)
    );
    assert_eq!(message.text, "Broken lid ✓.png");
    let relayed = visitor
        .until(|f| match f {
            ServerFrame::Message { message } if message.attachment.is_some() => Some(message.clone()),
            _ => None,
        })
        .await?;
    assert_eq!(relayed, message);

    // The link serves exactly the bytes, as the type checked, inline, never sniffed or run.
    let (status, headers, bytes) = download(&edge, &file.url).await?;
    assert_eq!((status, bytes.as_slice()), (200, PNG));
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(header("content-type"), "image/png");
    assert!(header("content-disposition").starts_with("inline; filename*=UTF-8''Broken%20lid%20"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-security-policy").contains("sandbox"));

    // A resend of the same upload stores nothing new.
    let again =
        upload(&edge, &conversation, &as_visitor, "f-1", ("x.png", "image/png", PNG.to_vec())).await?;
    assert_eq!((again.status, again.message.map(|m| m.seq)), (201, Some(message.seq)));

    // An agent answers with a PDF; it downloads rather than opens.
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let as_agent = [("cookie", admin.cookie.as_str()), ("x-csrf-token", admin.csrf.as_str())];
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let reply =
        upload(&edge, &conversation, &as_agent, "a-1", ("label.pdf", "application/pdf", pdf.clone())).await?;
    assert_eq!(reply.status, 201);
    let reply = reply.message.expect("stored");
    let seen = visitor
        .until(|f| match f {
            ServerFrame::Message { message } if message.seq == reply.seq => Some(message.clone()),
            _ => None,
        })
        .await?;
    assert_eq!(seen.attachment.as_ref().map(|a| a.name.as_str()), Some("label.pdf"));
    let (_, headers, bytes) = download(&edge, &reply.attachment.expect("attachment").url).await?;
    assert_eq!(bytes, pdf);
    assert!(headers["content-disposition"].to_str()?.starts_with("attachment;"));

    // Replayed later with its attachment.
    let mut late = Live::agent(&edge, &admin.cookie, &session.conversation_id).await?;
    let (_, log) = late.hello(Seq(0)).await?;
    assert_eq!(log.iter().filter(|m| m.attachment.is_some()).count(), 2);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_types_sizes_and_credentials_are_refused() -> Result<()> {
    let (edge, session, _visitor, bearer) = connected_visitor().await?;
    let conversation = session.conversation_id.to_string();
    let auth = [("authorization", bearer.as_str())];
    let refused = |u: Uploaded| (u.status, u.code);

    // A page posing as an image, a type not accepted, an empty file, one byte too many.
    let fake = upload(
        &edge,
        &conversation,
        &auth,
        "f-1",
        ("cat.png", "image/png", b"<script>alert(1)</script>".to_vec()),
    )
    .await?;
    assert_eq!(refused(fake), (415, Some(ErrorCode::UnsupportedMediaType)));
    let html =
        upload(&edge, &conversation, &auth, "f-2", ("page.html", "text/html", b"<p>hi</p>".to_vec())).await?;
    assert_eq!(refused(html), (415, Some(ErrorCode::UnsupportedMediaType)));
    let empty = upload(&edge, &conversation, &auth, "f-3", ("empty.txt", "text/plain", Vec::new())).await?;
    assert_eq!(refused(empty), (400, Some(ErrorCode::BadRequest)));
    let huge = upload(
        &edge,
        &conversation,
        &auth,
        "f-4",
        ("big.txt", "text/plain", vec![b'a'; MAX_ATTACHMENT_BYTES + 1]),
    )
    .await?;
    assert_eq!(refused(huge), (413, Some(ErrorCode::BodyTooLarge)));

    // No credentials, another conversation's token, a bad client id.
    let none = upload(&edge, &conversation, &[], "f-5", ("a.txt", "text/plain", b"hi".to_vec())).await?;
    assert_eq!(none.status, 401);
    let other = create_session(&edge, SHOP).await?;
    let other_bearer = format!("Bearer {}", other.token);
    let theirs = upload(
        &edge,
        &conversation,
        &[("authorization", other_bearer.as_str())],
        "f-6",
        ("a.txt", "text/plain", b"hi".to_vec()),
    )
    .await?;
    assert_eq!(refused(theirs), (403, Some(ErrorCode::Forbidden)));
    let bad_id =
        upload(&edge, &conversation, &auth, "no spaces allowed", ("a.txt", "text/plain", b"hi".to_vec()))
            .await?;
    assert_eq!(refused(bad_id), (400, Some(ErrorCode::BadRequest)));

    // Nothing of that was stored; a forged or altered link finds nothing.
    let ok =
        upload(&edge, &conversation, &auth, "f-7", ("note.txt", "text/plain", "héllo".as_bytes().to_vec()))
            .await?;
    let url = ok.message.and_then(|m| m.attachment).expect("stored").url;
    let mut altered = url.clone();
    altered.pop();
    altered.push(if url.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(download(&edge, &altered).await?.0, 404);
    assert_eq!(download(&edge, "/api/v1/attachments/v1.att.e30.AAAA").await?.0, 404);
    let (_, log) = Live::visitor(&edge, &session).await?.hello(Seq(0)).await?;
    assert_eq!(log.iter().filter(|m| m.attachment.is_some()).count(), 1, "{log:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn links_expire_within_a_week_and_every_replay_hands_out_fresh_ones() -> Result<()> {
    use base64::Engine;
    use switchboard_core::attachments::AttachmentClaims;
    use switchboard_core::token::{self, SigningKey};
    let (edge, session, _visitor, bearer) = connected_visitor().await?;
    let as_visitor = [("authorization", bearer.as_str())];
    let sent = upload(
        &edge,
        session.conversation_id.as_str(),
        &as_visitor,
        "f-1",
        ("lid.png", "image/png", PNG.to_vec()),
    )
    .await?;
    let url = sent.message.and_then(|m| m.attachment).expect("the attachment").url;

    // What the link says about its own expiry: at most a week, not a century.
    let token = url.rsplit('/').next().unwrap_or_default();
    let payload = token.rsplit('.').nth(1).unwrap_or_default();
    let claims: AttachmentClaims =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload)?)?;
    let now = switchboard_tests::now_ms();
    let week = 7 * 24 * 3_600_000;
    assert!(claims.exp <= now + week + 60_000, "the link works for {} days", (claims.exp - now) / 86_400_000);
    let (_, headers, _) = download(&edge, &url).await?;
    let max_age: i64 = headers["cache-control"]
        .to_str()?
        .split("max-age=")
        .nth(1)
        .and_then(|v| v.split(',').next())
        .unwrap_or("0")
        .parse()?;
    assert!(max_age <= week / 1_000, "cached for {max_age} s, past the link's life");

    // The same object's link, expired (as one copied out of a page a week ago would be).
    let stale = AttachmentClaims { exp: now - 1_000, ..claims };
    let stale = token::sign(&stale, &SigningKey::new(switchboard_tests::SESSION_SECRET.as_bytes())?);
    assert_eq!(download(&edge, &format!("/api/v1/attachments/{stale}")).await?.0, 404);

    // Whoever loads the conversation again gets a fresh link that works.
    let mut again = Live::visitor(&edge, &session).await?;
    let (_, history) = again.hello(Seq(0)).await?;
    let replayed = history.iter().find_map(|m| m.attachment.clone()).expect("the replayed attachment");
    assert_ne!(replayed.url, url, "a replay signs the link afresh");
    let (status, _, bytes) = download(&edge, &replayed.url).await?;
    assert_eq!((status, bytes.as_slice()), (200, PNG));
    Ok(())
}
