//! The edge's HTTP surface against real workerd: health, visitor sessions and their origin
//! checks, console sign-in, error bodies, static assets and the frame's embedding policy.

use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::{agent_me, api_keys, create_session, health};
use switchboard_protocol::ErrorCode;
use switchboard_tests::api::{call, call_with, login, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

fn no_body() -> Option<&'static ()> {
    None
}

#[tokio::test(flavor = "multi_thread")]
async fn health_says_ok_with_version_and_protocol() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let reply = call(Method::GET, &edge.url("/health"), None, None, no_body()).await?;
    assert_eq!(reply.status, 200);
    let body: health::Response = reply.json()?;
    assert_eq!(body.status, "ok");
    assert_eq!(body.protocol, 1);
    assert!(!body.version.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_are_issued_only_to_allowed_origins() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let url = edge.url("/api/v1/sessions");
    let demo = json!({ "site_id": "demo" });

    let reply = call(Method::POST, &url, Some(SHOP), None, Some(&demo)).await?;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let session: create_session::Response = reply.json()?;
    assert!(session.token.starts_with("v2.vis."), "{}", session.token);
    assert_ne!(session.conversation_id.as_str(), session.visitor_id.as_str());

    // Each session is a new conversation.
    let again: create_session::Response =
        call(Method::POST, &url, Some(SHOP), None, Some(&demo)).await?.json()?;
    assert_ne!(again.conversation_id, session.conversation_id);

    let evil = call(Method::POST, &url, Some("https://evil.example"), None, Some(&demo)).await?;
    assert_eq!((evil.status, evil.error_code()?), (403, ErrorCode::OriginNotAllowed));

    // The frame (origin: the edge itself) vouches for the page it is embedded in.
    let framed = json!({ "site_id": "demo", "page_origin": SHOP });
    assert_eq!(call(Method::POST, &url, Some(&edge.origin()), None, Some(&framed)).await?.status, 201);
    let framed_evil = json!({ "site_id": "demo", "page_origin": "https://evil.example" });
    let reply = call(Method::POST, &url, Some(&edge.origin()), None, Some(&framed_evil)).await?;
    assert_eq!((reply.status, reply.error_code()?), (403, ErrorCode::OriginNotAllowed));

    let unknown = call(Method::POST, &url, Some(SHOP), None, Some(&json!({ "site_id": "nosuch" }))).await?;
    assert_eq!((unknown.status, unknown.error_code()?), (404, ErrorCode::NotFound));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_without_origin_is_a_server_and_needs_an_api_key_of_the_site() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let url = edge.url("/api/v1/sessions");
    // A script names the shop's public origin in the body, as anyone can: not a page, refused.
    let claimed = json!({ "site_id": "demo", "page_origin": SHOP });
    let reply = call(Method::POST, &url, None, None, Some(&claimed)).await?;
    assert_eq!((reply.status, reply.error_code()?), (403, ErrorCode::OriginNotAllowed), "{}", reply.body);
    assert!(
        reply.body["error"]["message"].as_str().unwrap_or_default().contains("API key"),
        "{}",
        reply.body
    );
    let bare = call(Method::POST, &url, None, None, Some(&json!({ "site_id": "demo" }))).await?;
    assert_eq!(bare.status, 403);

    // The site's backend, with an API key of the site, starts a session for its app's user.
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let key: api_keys::Created = admin
        .call(
            &edge,
            Method::POST,
            "/api/v1/api-keys",
            Some(&json!({ "name": "app backend", "role": "agent" })),
        )
        .await?
        .json()?;
    let bearer = format!("Bearer {}", key.secret);
    let served = call_with(Method::POST, &url, &[("authorization", bearer.as_str())], Some(&claimed)).await?;
    assert_eq!(served.status, 201, "{}", served.body);
    let forged = format!("Bearer sbk_{}", "A".repeat(43));
    let reply = call_with(Method::POST, &url, &[("authorization", forged.as_str())], Some(&claimed)).await?;
    assert_eq!((reply.status, reply.error_code()?), (401, ErrorCode::Unauthorized), "{}", reply.body);
    // Revoked: refused at once.
    let revoke = format!("/api/v1/api-keys/{}", key.key.id);
    assert_eq!(admin.call(&edge, Method::DELETE, &revoke, None::<&()>).await?.status, 204);
    let reply = call_with(Method::POST, &url, &[("authorization", bearer.as_str())], Some(&claimed)).await?;
    assert_eq!(reply.status, 401, "{}", reply.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_clear_json_errors() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let url = edge.url("/api/v1/sessions");
    let client = reqwest::Client::new();

    let malformed = call(Method::POST, &url, Some(SHOP), None, Some(&json!({ "site": 1 }))).await?;
    assert_eq!((malformed.status, malformed.error_code()?), (400, ErrorCode::BadRequest));

    let bad_id = call(Method::POST, &url, Some(SHOP), None, Some(&json!({ "site_id": "../x" }))).await?;
    assert_eq!((bad_id.status, bad_id.error_code()?), (400, ErrorCode::BadRequest));

    let form = client.post(&url).header("origin", SHOP).body("site_id=demo").send().await?;
    assert_eq!(form.status().as_u16(), 400);

    let huge = json!({ "site_id": "demo", "page_origin": "x".repeat(20_000) });
    let reply = call(Method::POST, &url, Some(SHOP), None, Some(&huge)).await?;
    assert_eq!((reply.status, reply.error_code()?), (413, ErrorCode::BodyTooLarge));

    let missing = call(Method::GET, &edge.url("/api/v1/nothing"), None, None, no_body()).await?;
    assert_eq!((missing.status, missing.error_code()?), (404, ErrorCode::NotFound));
    let wrong_method = call(Method::DELETE, &edge.url("/health"), None, None, no_body()).await?;
    assert_eq!((wrong_method.status, wrong_method.error_code()?), (405, ErrorCode::MethodNotAllowed));
    // A method the runtime's HTTP types do not know is not mistaken for GET.
    let unknown_method =
        call(Method::from_bytes(b"QUERY")?, &edge.url("/health"), None, None, no_body()).await?;
    assert_eq!(unknown_method.status, 405);
    let allow = reqwest::Client::new().get(&url).send().await?;
    assert_eq!((allow.status().as_u16(), allow.headers()["allow"].to_str()?), (405, "POST, OPTIONS"));
    let not_upgraded = call(Method::GET, &edge.url("/api/v1/agent/inbox"), None, None, no_body()).await?;
    assert_eq!(not_upgraded.status, 426);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn agents_sign_in_with_a_password_and_get_a_strict_cookie() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let url = edge.url("/api/v1/agent/login");

    let wrong = call(
        Method::POST,
        &url,
        None,
        None,
        Some(&json!({ "email": ADMIN_EMAIL, "password": "wrong-password" })),
    )
    .await?;
    let unknown = call(
        Method::POST,
        &url,
        None,
        None,
        Some(&json!({ "email": "nobody@example.com", "password": ADMIN_PASSWORD })),
    )
    .await?;
    for reply in [&wrong, &unknown] {
        assert_eq!((reply.status, reply.error_code()?), (401, ErrorCode::Unauthorized));
        assert!(reply.set_cookie.is_none());
    }
    // The same answer for both, so sign-in does not reveal which accounts exist.
    assert_eq!(wrong.body, unknown.body);

    let cross_site = call(
        Method::POST,
        &url,
        Some(SHOP),
        None,
        Some(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD })),
    )
    .await?;
    assert_eq!((cross_site.status, cross_site.error_code()?), (403, ErrorCode::Forbidden));

    let ok = call(
        Method::POST,
        &url,
        None,
        None,
        Some(&json!({ "email": "  Agent@Example.COM ", "password": ADMIN_PASSWORD })),
    )
    .await?;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let cookie_header = ok.set_cookie.clone().unwrap_or_default();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie_header.contains(attribute), "cookie lacks {attribute}: {cookie_header}");
    }

    let cookie = login(&edge).await?;
    let me = call(Method::GET, &edge.url("/api/v1/agent/me"), None, Some(&cookie), no_body()).await?;
    let me: agent_me::Response = me.json()?;
    assert_eq!((me.email.as_str(), me.site_id.as_str()), (ADMIN_EMAIL, "demo"));

    let anonymous = call(Method::GET, &edge.url("/api/v1/agent/me"), None, None, no_body()).await?;
    assert_eq!((anonymous.status, anonymous.error_code()?), (401, ErrorCode::Unauthorized));
    let forged =
        call(Method::GET, &edge.url("/api/v1/agent/me"), None, Some("sb_agent=v1.agt.e30.AAAA"), no_body())
            .await?;
    assert_eq!(forged.status, 401);

    // Without the session's anti-forgery token a state-changing request is refused.
    let forged_logout =
        call(Method::POST, &edge.url("/api/v1/agent/logout"), None, Some(&cookie), no_body()).await?;
    assert_eq!((forged_logout.status, forged_logout.error_code()?), (403, ErrorCode::Forbidden));
    let csrf = me.csrf_token.clone();
    assert!(!csrf.is_empty());
    let headers = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let logout = call_with(Method::POST, &edge.url("/api/v1/agent/logout"), &headers, no_body()).await?;
    assert_eq!(logout.status, 204);
    assert!(logout.set_cookie.unwrap_or_default().contains("Max-Age=0"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn static_assets_and_pages_carry_the_right_headers() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP, "http://localhost:8080"])?;
    let client = reqwest::Client::new();

    let loader = client.get(edge.url("/widget.js")).send().await?;
    assert_eq!(loader.status(), 200);
    let content_type = loader.headers()["content-type"].to_str()?.to_string();
    assert!(content_type.contains("javascript"), "{content_type}");
    assert_eq!(loader.headers()["access-control-allow-origin"], "*");
    assert!(loader.text().await?.contains("Switchboard"));

    let frame = client.get(edge.url("/frame?site=demo")).send().await?;
    assert_eq!(frame.status(), 200);
    let csp = frame.headers()["content-security-policy"].to_str()?.to_string();
    assert!(csp.contains(&format!("frame-ancestors {SHOP} http://localhost:8080")), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{csp}");
    let html = frame.text().await?;

    // Every asset the frame names is served immutable with its proper type; the wasm it loads
    // is application/wasm.
    let boot = between(&html, "<script type=\"module\" src=\"", "\"").expect("boot script");
    let boot_js = client.get(edge.url(boot)).send().await?;
    assert!(boot_js.headers()["cache-control"].to_str()?.contains("immutable"));
    let boot_text = boot_js.text().await?;
    let wasm = between(&boot_text, "new URL(\"./", "\"").expect("wasm name");
    let wasm = client.get(edge.url(&format!("/assets/{wasm}"))).send().await?;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");

    let unknown_site = client.get(edge.url("/frame?site=nosuch")).send().await?;
    assert_eq!(unknown_site.status(), 404);

    let console = client.get(edge.url("/console/")).send().await?;
    assert_eq!(console.status(), 200);
    assert!(console.headers()["content-security-policy"].to_str()?.contains("frame-ancestors 'none'"));
    Ok(())
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_is_served_and_names_only_routes_that_exist() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let reply = call(Method::GET, &edge.url("/api/v1/openapi.json"), None, None, no_body()).await?;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["openapi"], "3.1.0");
    // The served document is the one in docs/.
    let in_docs: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        switchboard_tests::paths::repo_root().join("docs/openapi.json"),
    )?)?;
    assert_eq!(reply.body, in_docs);

    let paths = reply.body["paths"].as_object().expect("paths");
    assert!(paths.len() >= 9, "{paths:?}");
    for (path, operations) in paths {
        let concrete = path
            .replace("{site_id}", "demo")
            .replace("{conversation_id}", "cnv_00000000000000000000000000000000");
        for method in operations.as_object().expect("operations").keys() {
            let method: Method = method.to_uppercase().parse()?;
            // Raw: not every route answers JSON (`/launcher.js`, `/chime.wav`).
            let reply = reqwest::Client::new().request(method.clone(), edge.url(&concrete)).send().await?;
            let status = reply.status().as_u16();
            let body: serde_json::Value = serde_json::from_slice(&reply.bytes().await?).unwrap_or_default();
            // Every documented operation exists: it may refuse (401, 403, 426, or 404 for the
            // placeholder resource, such as an invite `{token}`), never as an unknown route.
            let no_route = body["error"]["message"].as_str().is_some_and(|m| m.starts_with("no route"));
            assert!(!no_route && status != 405, "{method} {concrete} answered {status} {body}");
        }
    }
    Ok(())
}
