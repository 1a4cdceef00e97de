//! Bodies are bounded before they are read, tried as an attacker would: JSON, a file and a
//! photo sent in chunks without a length and without end; a huge `User-Agent` on a socket.
//! And the largest things clients may send — a maximal message, a maximal contact — travel
//! between the objects whole: the inbox, search and the handover all see them.

use std::time::Duration;

use reqwest::Method;
use switchboard_demo_site::user_hash;
use switchboard_protocol::contact::{Identity, VisitorContext};
use switchboard_protocol::inbox::InboxFrame;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{ClientFrame, Seq, SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX};
use switchboard_tests::api::{create_session, Live, Session};
use switchboard_tests::raw_http::endless_chunked_body;
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD, IDENTITY_SECRET};

const SHOP: &str = "http://shop.test";

/// How soon an endless body must be refused (each limit is passed within a second here).
const REFUSED_WITHIN: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
async fn endless_chunked_bodies_are_refused_at_their_limit_while_still_arriving() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    // Straight to the runtime: `wrangler dev`'s local proxy (not part of a deployment) may
    // hold or fail the requests that follow a refused body it was still forwarding.
    let origin = edge.direct_origin().await.unwrap_or_else(|| edge.origin());
    let every = Duration::from_millis(2);

    // JSON (16 KiB).
    let json_headers = [("content-type", "application/json"), ("origin", SHOP)];
    let status = endless_chunked_body(
        &origin,
        "POST",
        "/api/v1/sessions",
        &json_headers,
        &[b' '; 1024],
        every,
        REFUSED_WITHIN,
    )
    .await?;
    assert_eq!(status, 413, "an endless JSON body");
    still_serving(&origin).await?;

    // A visitor's file (10 MiB).
    let session = create_session(&edge, SHOP).await?;
    let bearer = format!("Bearer {}", session.token);
    let file_headers = [
        ("authorization", bearer.as_str()),
        ("content-type", "image/png"),
        ("x-client-id", "f-1"),
        ("x-filename", "endless.png"),
    ];
    let path = format!("/api/v1/conversations/{}/attachments", session.conversation_id);
    let status =
        endless_chunked_body(&origin, "POST", &path, &file_headers, &[0u8; 64 * 1024], every, REFUSED_WITHIN)
            .await?;
    assert_eq!(status, 413, "an endless file");
    still_serving(&origin).await?;

    // An agent's photo (512 KiB).
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let photo_headers = [
        ("cookie", admin.cookie.as_str()),
        ("x-csrf-token", admin.csrf.as_str()),
        ("origin", origin.as_str()),
        ("content-type", "image/png"),
    ];
    let path = format!("/api/v1/agents/{}/avatar", admin.agent.id);
    let status =
        endless_chunked_body(&origin, "PUT", &path, &photo_headers, &[0u8; 16 * 1024], every, REFUSED_WITHIN)
            .await?;
    assert_eq!(status, 413, "an endless photo");
    still_serving(&origin).await
}

/// The edge answers the next request.
async fn still_serving(origin: &str) -> anyhow::Result<()> {
    let health =
        tokio::time::timeout(Duration::from_secs(10), reqwest::get(format!("{origin}/health"))).await??;
    anyhow::ensure!(health.status() == 200, "the edge stopped serving: {}", health.status());
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_maximal_message_and_contact_reach_the_inbox_search_and_a_human() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let mut inbox = Live::inbox(&edge, &admin.cookie).await?;
    inbox.until_inbox(|frame| matches!(frame, InboxFrame::Snapshot { .. }).then_some(())).await?;

    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    // A contact as large as a frame carries: forty long attributes in two-byte characters.
    let attributes = (0..40)
        .map(|n| (format!("attribute_{n:02}"), "é".repeat(170)))
        .collect::<std::collections::BTreeMap<_, _>>();
    let identity = Identity {
        user_id: "customer-max".into(),
        user_hash: user_hash(IDENTITY_SECRET, "customer-max"),
        email: Some("max@example.com".into()),
        name: Some("Max Imal".into()),
        attributes,
        ..Identity::default()
    };
    visitor.send(&ClientFrame::Identify { identity }).await?;
    let contact = admin
        .contact_when(&edge, &session.conversation_id, |c| c.verified() && c.attributes.len() >= 40)
        .await?;
    assert_eq!(contact.attributes.get("attribute_39").map(|v| v.chars().count()), Some(170));
    // A message as long as messages go, in four-byte characters, with a word to find.
    let text = format!("zebraneedle {}", "🦓".repeat(3_500));
    visitor.post("max-1", &text).await?;

    let id = session.conversation_id.clone();
    let preview = inbox
        .until_inbox(|frame| match frame {
            InboxFrame::Updated { conversation } if conversation.id == id => {
                conversation.last_message.as_ref().filter(|m| m.text.starts_with("zebraneedle")).cloned()
            }
            _ => None,
        })
        .await?;
    assert!(preview.text.starts_with("zebraneedle"));
    let found = wait::until("the maximal message indexed", Duration::from_secs(15), || async {
        let reply =
            admin.call(&edge, Method::GET, "/api/v1/conversations?q=zebraneedle", None::<&()>).await.ok()?;
        let ids: Vec<String> = reply.body["conversations"]
            .as_array()?
            .iter()
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect();
        (!ids.is_empty()).then_some(ids)
    })
    .await?;
    assert_eq!(found, [session.conversation_id.to_string()]);
    // Asking for a person hands the conversation over, maximal contact and all.
    visitor.post("max-2", "human please").await?;
    inbox
        .until_inbox(|frame| match frame {
            InboxFrame::Updated { conversation }
                if conversation.id == id && conversation.state == ConversationState::Queued =>
            {
                Some(())
            }
            _ => None,
        })
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_user_agent_neither_breaks_the_socket_nor_is_kept_whole() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let session = create_session(&edge, SHOP).await?;
    let url = format!("{}/api/v1/conversations/{}/live", edge.ws_origin(), session.conversation_id);
    let protocols = [SUBPROTOCOL.to_string(), format!("{TOKEN_SUBPROTOCOL_PREFIX}{}", session.token)];
    let huge = format!("Mozilla/5.0 {}", "(KHTML, like Gecko) ".repeat(400));
    let own_origin = edge.origin();
    let headers = [("user-agent", huge.as_str()), ("origin", own_origin.as_str())];
    let mut visitor = Live::connect_with(&url, &protocols, &headers).await?;
    visitor.hello(Seq(0)).await?;
    // As the widget does after every hello: where the visitor is (the edge adds the browser).
    let context = VisitorContext { page_url: Some(format!("{SHOP}/strange")), ..VisitorContext::default() };
    visitor.send(&ClientFrame::Context { context }).await?;
    visitor.post("ua-1", "Hello from a strange browser").await?;
    let contact = admin.contact_when(&edge, &session.conversation_id, |c| c.browser.is_some()).await?;
    let kept = contact.browser.unwrap_or_default();
    assert!(
        huge.starts_with(&kept) && kept.chars().count() <= 500,
        "kept {} characters",
        kept.chars().count()
    );
    Ok(())
}
