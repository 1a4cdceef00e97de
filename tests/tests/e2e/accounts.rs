//! Console accounts against the real edge: invites, passwords, sign-in throttling, CSRF,
//! roles, removing accounts, canned responses.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::canned_responses::ListResponse;
use switchboard_protocol::api::{agents_list, invite_create, invite_show};
use switchboard_protocol::ErrorCode;
use switchboard_tests::api::{call, call_with, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::wait::until;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "http://shop.test";

fn no_body() -> Option<&'static ()> {
    None
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invited_agent_sets_a_password_signs_in_and_can_be_removed() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    assert_eq!(admin.agent.role, AgentRole::Admin);
    let invite_body = json!({ "email": " Nia@Example.com", "name": "Nia" });

    // The cookie alone does not do: a forged cross-site request carries no CSRF token.
    let headers = [("cookie", admin.cookie.as_str())];
    let forged = call_with(Method::POST, &edge.url("/api/v1/invites"), &headers, Some(&invite_body)).await?;
    assert_eq!((forged.status, forged.error_code()?), (403, ErrorCode::Forbidden));
    assert!(forged.body.to_string().contains("CSRF"), "{}", forged.body);
    let wrong = [("cookie", admin.cookie.as_str()), ("x-csrf-token", "not-the-token")];
    let forged = call_with(Method::POST, &edge.url("/api/v1/invites"), &wrong, Some(&invite_body)).await?;
    assert_eq!(forged.status, 403);

    let reply = admin.call(&edge, Method::POST, "/api/v1/invites", Some(&invite_body)).await?;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let invite: invite_create::Response = reply.json()?;
    assert_eq!(invite.email, "nia@example.com");
    assert_eq!(invite.url, format!("{}/console/#invite={}", edge.origin(), invite.token));

    // A real token in a URL path, where access logs and proxies would keep it, opens nothing.
    let in_path = edge.url(&format!("/api/v1/invites/{}", invite.token));
    let old_form = call::<()>(Method::GET, &in_path, None, None, None).await?;
    assert_eq!(old_form.status, 404, "the token was looked up from the URL: {}", old_form.body);
    let lookup = edge.url("/api/v1/invites/lookup");
    let show = call(Method::POST, &lookup, None, None, Some(&json!({ "token": invite.token }))).await?;
    let shown: invite_show::Response = show.json()?;
    assert_eq!(
        (shown.email.as_str(), shown.name.as_str(), shown.role),
        ("nia@example.com", "Nia", AgentRole::Agent)
    );
    let unknown = call(Method::POST, &lookup, None, None, Some(&json!({ "token": "nonsense" }))).await?;
    assert_eq!((unknown.status, unknown.error_code()?), (404, ErrorCode::NotFound));

    let accept = edge.url("/api/v1/invites/accept");
    let short =
        call(Method::POST, &accept, None, None, Some(&json!({ "token": invite.token, "password": "short" })))
            .await?;
    assert_eq!((short.status, short.error_code()?), (400, ErrorCode::BadRequest));
    let accepted = call(
        Method::POST,
        &accept,
        None,
        None,
        Some(&json!({ "token": invite.token, "password": "nia-password-2026", "name": "Nia K" })),
    )
    .await?;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let nia = Session::from_reply(accepted)?;
    assert_eq!((nia.agent.name.as_str(), nia.agent.role), ("Nia K", AgentRole::Agent));
    // One time only.
    let again = call(
        Method::POST,
        &accept,
        None,
        None,
        Some(&json!({ "token": invite.token, "password": "another-password-1" })),
    )
    .await?;
    assert_eq!((again.status, again.error_code()?), (410, ErrorCode::Gone));

    // The password works from now on; agents may list the team but not invite.
    let nia = Session::start(&edge, "nia@example.com", "nia-password-2026").await?;
    let team: agents_list::Response =
        nia.call(&edge, Method::GET, "/api/v1/agents", no_body()).await?.json()?;
    let names: Vec<_> = team.agents.iter().map(|a| (a.name.as_str(), a.role)).collect();
    assert_eq!(names, [("Dev Agent", AgentRole::Admin), ("Nia K", AgentRole::Agent)]);
    assert_eq!(team.queues.iter().map(|q| q.as_str()).collect::<Vec<_>>(), ["support"]);
    let by_agent = nia
        .call(&edge, Method::POST, "/api/v1/invites", Some(&json!({ "email": "x@example.com", "name": "X" })))
        .await?;
    assert_eq!((by_agent.status, by_agent.error_code()?), (403, ErrorCode::Forbidden));
    // An email with an account cannot be invited again.
    let twice = admin.call(&edge, Method::POST, "/api/v1/invites", Some(&invite_body)).await?;
    assert_eq!((twice.status, twice.error_code()?), (409, ErrorCode::Conflict));

    // Removed: the password no longer signs in. Admins cannot remove themselves.
    let own =
        admin.call(&edge, Method::DELETE, &format!("/api/v1/agents/{}", admin.agent.id), no_body()).await?;
    assert_eq!((own.status, own.error_code()?), (409, ErrorCode::Conflict));
    let removed =
        admin.call(&edge, Method::DELETE, &format!("/api/v1/agents/{}", nia.agent.id), no_body()).await?;
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert!(Session::start(&edge, "nia@example.com", "nia-password-2026").await.is_err());
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_invite_is_refused_with_a_clear_error() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let body = json!({ "email": "late@example.com", "name": "Late", "expires_in_s": 1 });
    let invite: invite_create::Response =
        admin.call(&edge, Method::POST, "/api/v1/invites", Some(&body)).await?.json()?;
    let show = edge.url("/api/v1/invites/lookup");
    let token = json!({ "token": invite.token });
    let expired = until("the invite to expire", Duration::from_secs(10), || async {
        let reply = call(Method::POST, &show, None, None, Some(&token)).await.ok()?;
        (reply.status == 410).then_some(reply)
    })
    .await?;
    assert_eq!(expired.error_code()?, ErrorCode::Gone);
    let accept = edge.url("/api/v1/invites/accept");
    let late = json!({ "token": invite.token, "password": "late-password-123" });
    let refused = call(Method::POST, &accept, None, None, Some(&late)).await?;
    assert_eq!((refused.status, refused.error_code()?), (410, ErrorCode::Gone));
    assert!(refused.body.to_string().contains("expired"), "{}", refused.body);
    assert!(Session::start(&edge, "late@example.com", "late-password-123").await.is_err());

    let too_long = json!({ "email": "x@example.com", "name": "X", "expires_in_s": 31 * 24 * 3600 });
    let refused = admin.call(&edge, Method::POST, "/api/v1/invites", Some(&too_long)).await?;
    assert_eq!(refused.status, 400);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() -> anyhow::Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let login = edge.url("/api/v1/agent/login");
    for attempt in 0..5 {
        let body = json!({ "email": ADMIN_EMAIL, "password": format!("guess-{attempt}") });
        let reply = call(Method::POST, &login, None, None, Some(&body)).await?;
        assert_eq!((reply.status, reply.error_code()?), (401, ErrorCode::Unauthorized), "attempt {attempt}");
    }
    // Now even the right password is refused, with when to try again.
    let body = json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD });
    let locked = call(Method::POST, &login, None, None, Some(&body)).await?;
    assert_eq!((locked.status, locked.error_code()?), (429, ErrorCode::RateLimited));
    assert!(locked.body.to_string().contains("15 minutes"), "{}", locked.body);
    assert!(locked.set_cookie.is_none());
    // Other accounts are not locked by it.
    Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_keep_canned_responses_and_every_agent_reads_them() -> anyhow::Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let sam = Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    let path = "/api/v1/canned-responses";
    let refund = json!({ "shortcut": "/Refund", "text": "Refunds reach your card within 5 working days." });
    let saved = admin.call(&edge, Method::POST, path, Some(&refund)).await?;
    assert_eq!(saved.status, 201, "{}", saved.body);
    assert_eq!(saved.body["shortcut"], "refund");
    admin
        .call(&edge, Method::POST, path, Some(&json!({ "shortcut": "hi", "text": "Hello! How can I help?" })))
        .await?;

    let bad =
        admin.call(&edge, Method::POST, path, Some(&json!({ "shortcut": "two words", "text": "x" }))).await?;
    assert_eq!((bad.status, bad.error_code()?), (400, ErrorCode::BadRequest));
    let by_agent =
        sam.call(&edge, Method::POST, path, Some(&json!({ "shortcut": "mine", "text": "x" }))).await?;
    assert_eq!((by_agent.status, by_agent.error_code()?), (403, ErrorCode::Forbidden));

    let list: ListResponse = sam.call(&edge, Method::GET, path, no_body()).await?.json()?;
    let shortcuts: Vec<_> = list.canned_responses.iter().map(|c| c.shortcut.as_str()).collect();
    assert_eq!(shortcuts, ["hi", "refund"]);

    assert_eq!(admin.call(&edge, Method::DELETE, &format!("{path}/hi"), no_body()).await?.status, 204);
    let missing = admin.call(&edge, Method::DELETE, &format!("{path}/hi"), no_body()).await?;
    assert_eq!((missing.status, missing.error_code()?), (404, ErrorCode::NotFound));
    let list: ListResponse = sam.call(&edge, Method::GET, path, no_body()).await?.json()?;
    assert_eq!(list.canned_responses.len(), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_change_the_site_and_the_frame_theme_follows() -> anyhow::Result<()> {
    use switchboard_protocol::api::site_settings;
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let sam = Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    let site: site_settings::Response =
        sam.call(&edge, Method::GET, "/api/v1/site", no_body()).await?.json()?;
    assert_eq!((site.id.as_str(), site.appearance.color.as_str()), ("demo", "#3d5afe"));

    let change = json!({ "appearance": { "color": "#FFD400", "greeting": "Moin! Wie können wir helfen?" } });
    let by_agent = sam.call(&edge, Method::PATCH, "/api/v1/site", Some(&change)).await?;
    assert_eq!((by_agent.status, by_agent.error_code()?), (403, ErrorCode::Forbidden));
    let bad = json!({ "appearance": { "color": "yellow" } });
    let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&bad)).await?;
    assert_eq!((refused.status, refused.error_code()?), (400, ErrorCode::BadRequest));
    let unknown =
        admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "colour": "#000000" }))).await?;
    assert_eq!(unknown.status, 400, "unknown fields are refused, not ignored");

    let changed = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&change)).await?;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let site: site_settings::Response = changed.json()?;
    assert_eq!(site.appearance.color, "#ffd400");
    assert_eq!(site.allowed_origins, [SHOP]);

    // The frame names its theme stylesheet by content; it carries the colour and dark text
    // (yellow is too light for white), and revalidates with its ETag.
    let client = reqwest::Client::new();
    let frame = client.get(edge.url("/frame?site=demo")).send().await?.text().await?;
    let href = frame
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.starts_with("/frame/theme.css"));
    let href = href.expect("a theme stylesheet in the frame").replace("&amp;", "&");
    let theme = client.get(edge.url(&href)).send().await?;
    assert_eq!(theme.status(), 200);
    let etag = theme.headers()["etag"].to_str()?.to_string();
    let css = theme.text().await?;
    assert!(css.contains("--sb-theme:#ffd400") && css.contains("--sb-on-theme:#000000"), "{css}");
    let again = client.get(edge.url(&href)).header("if-none-match", &etag).send().await?;
    assert_eq!(again.status(), 304);

    // The flow: checked, stored, and routing's queues follow it.
    let wrong = json!({ "flow": { "start": "queue", "queue": "nowhere" } });
    let refused = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&wrong)).await?;
    assert_eq!((refused.status, refused.error_code()?), (400, ErrorCode::BadRequest));
    assert!(refused.body.to_string().contains("nowhere"), "{}", refused.body);
    let flow = json!({ "flow": { "start": "queue", "queue": "sales", "queues": [{ "id": "sales" }, { "id": "billing" }] } });
    let changed = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&flow)).await?;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let team: agents_list::Response =
        sam.call(&edge, Method::GET, "/api/v1/agents", no_body()).await?.json()?;
    assert_eq!(team.queues.iter().map(|q| q.as_str()).collect::<Vec<_>>(), ["sales", "billing"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_sites_agents_see_and_open_only_their_own_conversations() -> anyhow::Result<()> {
    use switchboard_protocol::api::{conversations_list, sites};
    use switchboard_protocol::{ClientFrame, Seq};
    use switchboard_tests::api::{create_session, Live};
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let owner = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let other_site = json!({ "id": "acme", "name": "Acme", "allowed_origins": ["https://acme.example"] });

    // Only owners (admins of the first site) create sites; ids are unique.
    let sam = Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    let by_agent = sam.call(&edge, Method::POST, "/api/v1/sites", Some(&other_site)).await?;
    assert_eq!(by_agent.status, 403);
    let created = owner.call(&edge, Method::POST, "/api/v1/sites", Some(&other_site)).await?;
    assert_eq!(created.status, 201, "{}", created.body);
    let again = owner.call(&edge, Method::POST, "/api/v1/sites", Some(&other_site)).await?;
    assert_eq!((again.status, again.error_code()?), (409, ErrorCode::Conflict));
    let taken = json!({ "id": "demo", "name": "Demo", "allowed_origins": [] });
    assert_eq!(owner.call(&edge, Method::POST, "/api/v1/sites", Some(&taken)).await?.status, 409);
    let list: sites::ListResponse =
        owner.call(&edge, Method::GET, "/api/v1/sites", no_body()).await?.json()?;
    assert_eq!(list.sites.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["acme", "demo"]);

    // Its first admin, invited by the owner.
    let body = json!({ "email": "ada@acme.example", "name": "Ada", "role": "admin", "site_id": "acme" });
    let invite: invite_create::Response =
        owner.call(&edge, Method::POST, "/api/v1/invites", Some(&body)).await?.json()?;
    let accept = edge.url("/api/v1/invites/accept");
    let body = json!({ "token": invite.token, "password": "ada-password-2026" });
    let reply = call(Method::POST, &accept, None, None, Some(&body)).await?;
    let ada = Session::from_reply(reply)?;
    assert_eq!((ada.agent.site_id.as_str(), ada.agent.role), ("acme", AgentRole::Admin));
    // Ada, an admin of another site, cannot invite into the first one.
    let sneaky = json!({ "email": "x@example.com", "name": "X", "site_id": "demo" });
    assert_eq!(ada.call(&edge, Method::POST, "/api/v1/invites", Some(&sneaky)).await?.status, 403);

    // A conversation on the first site: listed for its agents, not for Ada, and Ada's socket
    // to it is refused with a clear reason.
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "my card number is private").await?;
    let mine: conversations_list::Response =
        until("the first site's inbox to list it", Duration::from_secs(10), || async {
            let list: conversations_list::Response =
                sam.call(&edge, Method::GET, "/api/v1/conversations", no_body()).await.ok()?.json().ok()?;
            (!list.conversations.is_empty()).then_some(list)
        })
        .await?;
    assert_eq!(mine.conversations[0].id, session.conversation_id);
    let theirs: conversations_list::Response =
        ada.call(&edge, Method::GET, "/api/v1/conversations", no_body()).await?.json()?;
    assert!(theirs.conversations.is_empty(), "{theirs:?}");
    let mut peek = Live::agent(&edge, &ada.cookie, &session.conversation_id).await?;
    assert_eq!(peek.refusal().await?, (ErrorCode::Forbidden, 4403));
    // Nor can Ada change the first site's settings: a PATCH changes her own.
    let patch = json!({ "appearance": { "color": "#000000" } });
    let changed: switchboard_protocol::api::site_settings::Response =
        ada.call(&edge, Method::PATCH, "/api/v1/site", Some(&patch)).await?.json()?;
    assert_eq!(changed.id.as_str(), "acme");
    let _ = visitor.send(&ClientFrame::Ping).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn scripts_use_api_keys_instead_of_a_session_until_revoked() -> anyhow::Result<()> {
    use switchboard_protocol::api::api_keys::{Created, ListResponse as Keys};
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let sam = Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    let path = "/api/v1/api-keys";
    assert_eq!(sam.call(&edge, Method::POST, path, Some(&json!({ "name": "mine" }))).await?.status, 403);
    let reader: Created =
        admin.call(&edge, Method::POST, path, Some(&json!({ "name": "CRM sync" }))).await?.json()?;
    assert!(reader.secret.starts_with("sbk_") && reader.secret.len() > 40, "{}", reader.secret);
    let writer: Created = admin
        .call(&edge, Method::POST, path, Some(&json!({ "name": "Deploy bot", "role": "admin" })))
        .await?
        .json()?;
    // Reads need the session only, no CSRF token (as a browser's GET sends none).
    let keys: Keys =
        call_with::<()>(Method::GET, &edge.url(path), &[("cookie", admin.cookie.as_str())], None)
            .await?
            .json()?;
    assert_eq!(keys.api_keys.len(), 2);
    assert!(!serde_json::to_string(&keys)?.contains(&reader.secret), "secrets are shown once");

    // A key needs no cookie, Origin or CSRF token; it acts with its role on its site.
    let with = |secret: &str| format!("Bearer {secret}");
    let bearer = with(&reader.secret);
    let list =
        call_with::<()>(Method::GET, &edge.url("/api/v1/conversations"), &[("authorization", &bearer)], None)
            .await?;
    assert_eq!(list.status, 200, "{}", list.body);
    let canned = json!({ "shortcut": "hi", "text": "Hello!" });
    let refused = call_with(
        Method::POST,
        &edge.url("/api/v1/canned-responses"),
        &[("authorization", &bearer)],
        Some(&canned),
    )
    .await?;
    assert_eq!((refused.status, refused.error_code()?), (403, ErrorCode::Forbidden));
    let admin_bearer = with(&writer.secret);
    let saved = call_with(
        Method::POST,
        &edge.url("/api/v1/canned-responses"),
        &[("authorization", &admin_bearer)],
        Some(&canned),
    )
    .await?;
    assert_eq!(saved.status, 201, "{}", saved.body);
    let me = call_with::<()>(Method::GET, &edge.url("/api/v1/agent/me"), &[("authorization", &bearer)], None)
        .await?;
    assert_eq!(me.body["name"], "CRM sync");

    // It opens a conversation's socket too and answers under its name.
    use switchboard_protocol::{Author, Seq, ServerFrame, SUBPROTOCOL};
    use switchboard_tests::api::{create_session, Live};
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "Is my order synced?").await?;
    let url = format!("{}/api/v1/conversations/{}/live", edge.ws_origin(), session.conversation_id);
    let mut script =
        Live::connect_with(&url, &[SUBPROTOCOL.to_string()], &[("authorization", &bearer)]).await?;
    script.hello(Seq(0)).await?;
    let seq = script.post("s-1", "Synced at 10:02.").await?;
    let reply = visitor
        .until(|f| match f {
            ServerFrame::Message { message } if message.seq == seq => Some(message.clone()),
            _ => None,
        })
        .await?;
    assert!(matches!(reply.author, Author::Agent { ref name, .. } if name == "CRM sync"), "{reply:?}");

    // Revoked: refused at once.
    let revoked = admin.call(&edge, Method::DELETE, &format!("{path}/{}", reader.key.id), no_body()).await?;
    assert_eq!(revoked.status, 204);
    let after =
        call_with::<()>(Method::GET, &edge.url("/api/v1/conversations"), &[("authorization", &bearer)], None)
            .await?;
    assert_eq!((after.status, after.error_code()?), (401, ErrorCode::Unauthorized));
    let forged = call_with::<()>(
        Method::GET,
        &edge.url("/api/v1/conversations"),
        &[("authorization", "Bearer sbk_nope")],
        None,
    )
    .await?;
    assert_eq!(forged.status, 401);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn another_admin_of_the_first_site_is_not_the_deployment_owner() -> anyhow::Result<()> {
    use switchboard_protocol::api::agent_me;
    let edge = TestEdge::start(&[SHOP])?;
    let owner = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let body = json!({ "email": "bo@example.com", "name": "Bo", "role": "admin" });
    let invite: invite_create::Response =
        owner.call(&edge, Method::POST, "/api/v1/invites", Some(&body)).await?.json()?;
    let accept = json!({ "token": invite.token, "password": "bo-password-2026" });
    let bo = Session::from_reply(
        call(Method::POST, &edge.url("/api/v1/invites/accept"), None, None, Some(&accept)).await?,
    )?;
    assert_eq!(bo.agent.role, AgentRole::Admin);

    // Bo runs the first site, but does not own the deployment: no sites to see or make.
    let me: agent_me::Response = bo.call(&edge, Method::GET, "/api/v1/agent/me", no_body()).await?.json()?;
    assert!(!me.owner, "an admin of the first site was made an owner silently");
    let listed = bo.call(&edge, Method::GET, "/api/v1/sites", no_body()).await?;
    assert_eq!((listed.status, listed.error_code()?), (403, ErrorCode::Forbidden), "{}", listed.body);
    let site = json!({ "id": "bos-own", "name": "Bo's", "allowed_origins": [] });
    assert_eq!(bo.call(&edge, Method::POST, "/api/v1/sites", Some(&site)).await?.status, 403);
    // The account the deployer named is.
    let me: agent_me::Response =
        owner.call(&edge, Method::GET, "/api/v1/agent/me", no_body()).await?.json()?;
    assert!(me.owner);
    assert_eq!(owner.call(&edge, Method::GET, "/api/v1/sites", no_body()).await?.status, 200);
    Ok(())
}
