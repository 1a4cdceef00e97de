//! Scoped API keys as a script's author meets them: a read-only key reads everything and is
//! refused on every route that changes something (every write in `docs/openapi.json` that
//! keys may call, so a new route is covered the day it is documented); an area's key works in
//! its area only; scoped keys cannot manage keys; sockets need the conversations scope.

use anyhow::Result;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_protocol::api::api_keys::{Created, ListResponse, Scope};
use switchboard_protocol::{ErrorCode, Seq, ServerFrame, SUBPROTOCOL};
use switchboard_tests::api::{call_with, new_conversation, Live, Reply, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

/// Makes an admin key limited to `scopes`; answers its bearer header value.
async fn key(edge: &TestEdge, admin: &Session, name: &str, scopes: &[Scope]) -> Result<String> {
    let body = json!({ "name": name, "role": "admin", "scopes": scopes });
    let reply = admin.call(edge, Method::POST, "/api/v1/api-keys", Some(&body)).await?;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: Created = reply.json()?;
    assert_eq!(created.key.scopes, scopes);
    Ok(format!("Bearer {}", created.secret))
}

async fn with_key(
    edge: &TestEdge,
    bearer: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Result<Reply> {
    call_with(method, &edge.url(path), &[("authorization", bearer)], body).await
}

/// Whether `reply` is the refusal of a key whose scopes do not cover the route.
fn refused_by_scope(reply: &Reply) -> bool {
    reply.status == 403
        && reply.body["error"]["code"] == "forbidden"
        && reply.body["error"]["message"].as_str().is_some_and(|m| m.contains("API key is limited to"))
}

/// Every documented operation keys may call: method, path.
fn key_operations() -> Vec<(Method, String)> {
    let document: Value =
        serde_json::from_str(include_str!("../../../docs/openapi.json")).expect("openapi.json");
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Ok(method) = method.to_uppercase().parse::<Method>() else { continue };
            let takes_key = operation["security"]
                .as_array()
                .is_some_and(|options| options.iter().any(|option| option.get("apiKey").is_some()));
            if takes_key {
                operations.push((method, path.clone()));
            }
        }
    }
    operations
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_key_reads_everything_and_changes_nothing() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    let conversation = session.conversation_id.to_string();
    let me = admin.call(&edge, Method::GET, "/api/v1/agent/me", None::<&()>).await?;
    let agent_id = me.body["id"].as_str().unwrap_or_default().to_owned();
    let reader = key(&edge, &admin, "dashboards", &[Scope::Read]).await?;

    let operations = key_operations();
    assert!(operations.len() >= 30, "the document lists the key routes: {}", operations.len());
    let mut writes = 0;
    for (method, template) in operations {
        let path = template
            .replace("{conversation_id}", &conversation)
            .replace("{agent_id}", &agent_id)
            .replace("{key_id}", &agent_id)
            .replace("{block_id}", "b-1")
            .replace("{shortcut}", "hello");
        let reply = if method == Method::GET {
            with_key(&edge, &reader, method.clone(), &path, None).await?
        } else {
            writes += 1;
            // Bodies that would work, so only the scope stands in the way.
            let body = json!({ "text": "written with a read key", "name": "Renamed with a read key" });
            with_key(&edge, &reader, method.clone(), &path, Some(&body)).await?
        };
        let managing_keys = template.starts_with("/api/v1/api-keys");
        let expect_refusal = method != Method::GET || managing_keys;
        assert_eq!(
            refused_by_scope(&reply),
            expect_refusal,
            "{method} {path} with a read-only key: {} {}",
            reply.status,
            reply.body
        );
    }
    assert!(writes >= 20, "every write was tried: {writes}");

    // Nothing changed: the site's name, the conversation's log.
    let site = with_key(&edge, &reader, Method::GET, "/api/v1/site", None).await?;
    assert_eq!(site.status, 200, "{}", site.body);
    assert_ne!(site.body["name"], "Renamed with a read key");
    let path = format!("/api/v1/conversations/{conversation}/messages");
    let log = with_key(&edge, &reader, Method::GET, &path, None).await?;
    assert_eq!(log.status, 200, "{}", log.body);
    assert!(!log.body.to_string().contains("written with a read key"), "{}", log.body);

    // Its socket would let it type: refused, with the reason.
    let url = format!("{}/api/v1/agent/inbox", edge.ws_origin());
    let mut inbox =
        Live::connect_with(&url, &[SUBPROTOCOL.to_string()], &[("authorization", &reader)]).await?;
    assert_eq!(inbox.refused().await?.0, ErrorCode::Forbidden);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_area_key_works_in_its_area_only_and_cannot_widen_itself() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    let id = &session.conversation_id;
    let bot = key(&edge, &admin, "helpdesk bot", &[Scope::Conversations]).await?;

    // In its area: it reads, posts (the visitor sees it) and opens the conversation's socket.
    let posted = with_key(
        &edge,
        &bot,
        Method::POST,
        &format!("/api/v1/conversations/{id}/messages"),
        Some(&json!({ "text": "Your parcel left today." })),
    )
    .await?;
    assert_eq!(posted.status, 201, "{}", posted.body);
    visitor
        .until(|frame| match frame {
            ServerFrame::Message { message } if message.text == "Your parcel left today." => Some(()),
            _ => None,
        })
        .await?;
    let url = format!("{}/api/v1/conversations/{id}/live", edge.ws_origin());
    let mut live = Live::connect_with(&url, &[SUBPROTOCOL.to_string()], &[("authorization", &bot)]).await?;
    live.hello(Seq(0)).await?;

    // Outside it: settings, the team, the audit log — read or written — and keys.
    for (method, path) in [
        (Method::GET, "/api/v1/site"),
        (Method::PATCH, "/api/v1/site"),
        (Method::GET, "/api/v1/agents"),
        (Method::GET, "/api/v1/audit-log"),
        (Method::POST, "/api/v1/canned-responses"),
        (Method::GET, "/api/v1/api-keys"),
        (Method::POST, "/api/v1/api-keys"),
    ] {
        let reply = with_key(&edge, &bot, method.clone(), path, Some(&json!({ "name": "wider" }))).await?;
        assert!(refused_by_scope(&reply), "{method} {path}: {} {}", reply.status, reply.body);
    }

    // A settings key changes settings; it reads conversations only with `read` too.
    let settings = key(&edge, &admin, "site sync", &[Scope::Settings]).await?;
    let renamed =
        with_key(&edge, &settings, Method::PATCH, "/api/v1/site", Some(&json!({ "name": "Shop" }))).await?;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let listed = with_key(&edge, &settings, Method::GET, "/api/v1/conversations", None).await?;
    assert!(refused_by_scope(&listed), "{}", listed.body);

    // The team sees what each key may do.
    let keys: ListResponse = admin.call(&edge, Method::GET, "/api/v1/api-keys", None::<&()>).await?.json()?;
    let scopes: Vec<(&str, &[Scope])> =
        keys.api_keys.iter().map(|k| (k.name.as_str(), k.scopes.as_slice())).collect();
    assert!(scopes.contains(&("helpdesk bot", &[Scope::Conversations][..])), "{scopes:?}");
    assert!(scopes.contains(&("site sync", &[Scope::Settings][..])), "{scopes:?}");
    Ok(())
}
