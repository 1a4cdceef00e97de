//! The fetch handler: a table of routes, and the one place errors become responses.

use switchboard_protocol::api::health;
use switchboard_protocol::{ConversationId, ErrorCode, SiteId, PROTOCOL_VERSION};
use worker::{Headers, Request, Response};

use crate::env::{self, Ctx};
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::BotAnswer;
use crate::{
    agent_sessions, api_keys, attachments, audit, avatars, blocks, canned, contacts, conversation_actions,
    conversations, data_rights, email_digest, email_hooks, email_unsubscribe, http, idempotency, macros,
    messenger_hooks, objects, pages, password_resets, reports, scopes, site_cache, site_settings, sites,
    sockets, team, twilio_hooks, two_factor, visitor_sessions, webhooks,
};

/// Routes one request. Never fails: every error becomes a JSON error response, or, for a
/// WebSocket handshake, an accepted socket that carries an error frame and closes (browsers
/// cannot read the status of a refused handshake).
pub(crate) async fn handle(req: Request, env: worker::Env) -> worker::Result<Response> {
    let upgrade = http::is_websocket_upgrade(&req);
    let offered = sockets::offered_subprotocols(&req);
    // The clock is read here, once per request, and handed down (`Ctx::now`).
    let need = scopes::need(req.inner().method().as_str(), &segments(&req.path()));
    let env = &Ctx::new(&env, env::now()).needing(need);
    match idempotency::guarded(req, env, |req| route(req, env)).await {
        Ok(response) => Ok(response),
        Err(error) if upgrade => sockets::refuse(&offered, error.into_api_error()),
        Err(error) => http::error_response(error.into_api_error()),
    }
}

async fn route(req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let path = req.path();
    let segments = segments(&path);
    // The raw method: workers-rs reads any method it does not know (QUERY, FOO) as GET.
    let method = req.inner().method();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["health"]) => http::json(
            200,
            &health::Response {
                status: "ok".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                protocol: PROTOCOL_VERSION,
            },
        ),
        ("GET", [""]) | ("GET", ["console"]) => redirect(&req, "/console/"),
        ("GET", ["api", "v1", "openapi.json"]) => openapi(),
        ("GET", ["console", ""]) => pages::console(&req),
        ("GET", ["frame"]) => pages::frame(&req, env).await,
        ("GET", ["frame", "theme.css"]) => pages::theme(&req, env).await,
        ("GET", ["launcher.js"]) => pages::launcher(&req, env).await,
        ("GET", ["chime.wav"]) => pages::chime(),
        ("GET", ["favicon.ico" | "favicon.svg"]) => pages::favicon(),
        ("GET", ["api", "v1", "site"]) => site_settings::show(&req, env).await,
        ("GET", ["api", "v1", "sites"]) => sites::list(&req, env).await,
        ("GET", ["api", "v1", "api-keys"]) => api_keys::list(&req, env).await,
        ("POST", ["api", "v1", "api-keys"]) => api_keys::create(req, env).await,
        ("DELETE", ["api", "v1", "api-keys", id]) => api_keys::revoke(&req, env, id).await,
        ("POST", ["api", "v1", "sites"]) => sites::create(req, env).await,
        ("PATCH", ["api", "v1", "site"]) => site_settings::update(req, env).await,
        ("POST", ["api", "v1", "sessions"]) => visitor_sessions::create(req, env).await,
        ("OPTIONS", ["api", "v1", "sessions"]) => visitor_sessions::preflight(&req),
        ("GET", ["api", "v1", "visitor", "conversations"]) => visitor_sessions::history(&req, env).await,
        ("POST", ["api", "v1", "visitor", "sign-out"]) => visitor_sessions::sign_out(&req, env).await,
        ("GET", ["api", "v1", "sites", site, "presence"]) => presence(env, site).await,
        ("POST", ["api", "v1", "channels", "twilio", site, "messages"]) => {
            twilio_hooks::message(req, env, site).await
        }
        ("POST", ["api", "v1", "channels", "twilio", site, "status"]) => {
            twilio_hooks::status(req, env, site).await
        }
        ("POST", ["api", "v1", "channels", "email", site, "mime"]) => email_hooks::mime(req, env, site).await,
        ("POST", ["api", "v1", "channels", "email", site, "postmark"]) => {
            email_hooks::postmark(req, env, site).await
        }
        ("POST", ["api", "v1", "email", site, "unsubscribe"]) => {
            email_unsubscribe::stop(req, env, site).await
        }
        ("GET", ["api", "v1", "email", site, "unsubscribe"]) => email_unsubscribe::page(req, env, site).await,
        ("GET", ["api", "v1", "channels", "messenger", site]) => {
            messenger_hooks::verify(&req, env, site).await
        }
        ("POST", ["api", "v1", "channels", "messenger", site]) => {
            messenger_hooks::deliver(req, env, site).await
        }
        ("POST", ["api", "v1", "agent", "login"]) => agent_sessions::login(req, env).await,
        ("POST", ["api", "v1", "agent", "logout"]) => agent_sessions::logout(&req, env).await,
        ("POST", ["api", "v1", "invites"]) => team::invite(req, env).await,
        ("POST", ["api", "v1", "invites", "lookup"]) => team::show(req, env).await,
        ("POST", ["api", "v1", "invites", "accept"]) => team::accept(req, env).await,
        ("GET", ["api", "v1", "agents"]) => team::list(&req, env).await,
        ("DELETE", ["api", "v1", "agents", id]) => team::remove(&req, env, id).await,
        ("DELETE", ["api", "v1", "agents", id, "sessions"]) => agent_sessions::end_all(&req, env, id).await,
        ("PUT", ["api", "v1", "agents", id, "avatar"]) => avatars::put(req, env, id).await,
        ("DELETE", ["api", "v1", "agents", id, "avatar"]) => avatars::delete(&req, env, id).await,
        ("GET", ["avatars", site, agent]) => avatars::serve(env, site, agent).await,
        ("GET", ["api", "v1", "blocks"]) => blocks::list(&req, env).await,
        ("POST", ["api", "v1", "blocks"]) => blocks::create(req, env).await,
        ("DELETE", ["api", "v1", "blocks", id]) => blocks::lift(&req, env, id).await,
        ("GET", ["api", "v1", "canned-responses"]) => canned::list(&req, env).await,
        ("POST", ["api", "v1", "canned-responses"]) => canned::save(req, env).await,
        ("DELETE", ["api", "v1", "canned-responses", shortcut]) => canned::remove(&req, env, shortcut).await,
        ("GET", ["api", "v1", "agent", "me"]) => agent_sessions::me(&req, env).await,
        ("POST", ["api", "v1", "agent", "password"]) => agent_sessions::change_password(req, env).await,
        ("GET", ["api", "v1", "agent", "email-digest"]) => email_digest::get(&req, env).await,
        ("PUT", ["api", "v1", "agent", "email-digest"]) => email_digest::put(req, env).await,
        ("POST", ["api", "v1", "agent", "two-factor", "setup"]) => two_factor::setup(&req, env).await,
        ("POST", ["api", "v1", "agent", "two-factor", "confirm"]) => two_factor::confirm(req, env).await,
        ("POST", ["api", "v1", "agent", "two-factor", "recovery-codes"]) => {
            two_factor::recovery_codes(req, env).await
        }
        ("POST", ["api", "v1", "agent", "two-factor", "disable"]) => two_factor::disable(req, env).await,
        ("DELETE", ["api", "v1", "agents", id, "two-factor"]) => two_factor::reset(&req, env, id).await,
        ("POST", ["api", "v1", "agents", id, "password-reset"]) => {
            password_resets::create(&req, env, id).await
        }
        ("POST", ["api", "v1", "password-resets", "lookup"]) => password_resets::lookup(req, env).await,
        ("POST", ["api", "v1", "password-resets", "accept"]) => password_resets::accept(req, env).await,
        ("GET", ["api", "v1", "audit-log"]) => audit::list(&req, env).await,
        ("GET", ["api", "v1", "reports"]) => reports::get(&req, env).await,
        ("GET", ["api", "v1", "agent", "inbox"]) => sockets::inbox(req, env).await,
        ("GET", ["api", "v1", "conversations"]) => conversations::list(&req, env).await,
        ("POST", ["api", "v1", "conversations"]) => conversations::create(req, env).await,
        ("GET", ["api", "v1", "conversations", id]) => conversations::get(&req, env, id).await,
        ("GET", ["api", "v1", "conversations", id, "messages"]) => {
            conversations::messages(&req, env, id).await
        }
        ("POST", ["api", "v1", "conversations", id, "messages"]) => conversations::post(req, env, id).await,
        (
            "POST",
            ["api", "v1", "conversations", id, what @ ("take" | "transfer" | "unassign" | "resolve" | "reopen" | "snooze")],
        ) => conversation_actions::act(req, env, id, what).await,
        ("POST", ["api", "v1", "conversations", id, "macros", shortcut]) => {
            macros::run(req, env, id, shortcut).await
        }
        ("PUT", ["api", "v1", "conversations", id, "labels"]) => {
            conversation_actions::labels(req, env, id).await
        }
        ("PUT", ["api", "v1", "conversations", id, "priority"]) => {
            conversation_actions::priority(req, env, id).await
        }
        ("PATCH", ["api", "v1", "conversations", id, "attributes"]) => {
            conversation_actions::attributes(req, env, id).await
        }
        ("GET", ["api", "v1", "conversations", id, "live"]) => sockets::conversation(req, env, id).await,
        ("POST", ["api", "v1", "conversations", id, "attachments"]) => {
            attachments::upload(req, env, id).await
        }
        ("GET", ["api", "v1", "attachments", link]) => attachments::download(env, link).await,
        ("GET", ["api", "v1", "contacts"]) => contacts::list(&req, env).await,
        ("POST", ["api", "v1", "contacts"]) => contacts::create(req, env).await,
        ("GET", ["api", "v1", "contacts", id]) => contacts::get(&req, env, id).await,
        ("PATCH", ["api", "v1", "contacts", id]) => contacts::update(req, env, id).await,
        ("DELETE", ["api", "v1", "contacts", id]) => data_rights::erase(&req, env, id).await,
        ("GET", ["api", "v1", "contacts", id, "export"]) => data_rights::export(&req, env, id).await,
        ("POST", ["api", "v1", "contacts", id, "merge"]) => contacts::merge(req, env, id).await,
        ("GET", ["api", "v1", "contact-attributes"]) => contacts::attributes(&req, env).await,
        ("PUT", ["api", "v1", "contact-attributes"]) => contacts::set_attributes(req, env).await,
        ("GET", ["api", "v1", "webhooks"]) => webhooks::list(&req, env).await,
        ("POST", ["api", "v1", "webhooks"]) => webhooks::create(req, env).await,
        ("PATCH", ["api", "v1", "webhooks", id]) => webhooks::update(req, env, id).await,
        ("DELETE", ["api", "v1", "webhooks", id]) => webhooks::remove(&req, env, id).await,
        ("GET", ["api", "v1", "webhooks", id, "deliveries"]) => webhooks::deliveries(&req, env, id).await,
        ("POST", ["api", "v1", "webhooks", id, "deliveries", delivery, "redeliver"]) => {
            webhooks::redeliver(&req, env, id, delivery).await
        }
        ("POST", ["api", "v1", "bot", "conversations", id, "answer"]) => bot_answer(req, env, id).await,
        (method, segments) => match allowed_methods(segments) {
            Some(allowed) => {
                let error = EdgeError::refuse(
                    ErrorCode::MethodNotAllowed,
                    format!("{method} is not supported on {path}"),
                );
                let reply = http::error_response(error.into_api_error())?;
                reply.headers().set("allow", allowed)?;
                Ok(reply)
            }
            None => Err(EdgeError::refuse(ErrorCode::NotFound, format!("no route for {path}"))),
        },
    }
}

/// The route's path segments (`/api/v1/site` → `["api", "v1", "site"]`).
fn segments(path: &str) -> Vec<&str> {
    path.trim_start_matches('/').split('/').collect()
}

/// The methods a route supports, for the `Allow` header of a 405; `None` when there is no
/// such route (404).
fn allowed_methods(segments: &[&str]) -> Option<&'static str> {
    Some(match segments {
        ["api", "v1", "sessions"] => "POST, OPTIONS",
        ["api", "v1", "agent", "login" | "logout" | "password"] => "POST",
        ["api", "v1", "agent", "two-factor", "setup" | "confirm" | "recovery-codes" | "disable"] => "POST",
        ["api", "v1", "agents", _, "two-factor"] => "DELETE",
        ["api", "v1", "agents", _, "password-reset"]
        | ["api", "v1", "password-resets", "lookup" | "accept"] => "POST",
        ["api", "v1", "invites"] | ["api", "v1", "invites", "lookup" | "accept"] => "POST",
        ["api", "v1", "agents"] => "GET",
        ["api", "v1", "agents", _] | ["api", "v1", "canned-responses", _] => "DELETE",
        ["api", "v1", "agents", _, "avatar"] => "PUT, DELETE",
        ["api", "v1", "agents", _, "sessions"] => "DELETE",
        ["api", "v1", "canned-responses"] | ["api", "v1", "blocks"] => "GET, POST",
        ["api", "v1", "blocks", _] => "DELETE",
        ["api", "v1", "site"] => "GET, PATCH",
        ["api", "v1", "channels", "twilio", _, "messages" | "status"] => "POST",
        ["api", "v1", "channels", "messenger", _] => "GET, POST",
        ["api", "v1", "sites"] | ["api", "v1", "api-keys"] => "GET, POST",
        ["api", "v1", "api-keys", _] => "DELETE",
        ["health"]
        | ["frame"]
        | ["frame", "theme.css"]
        | ["launcher.js"]
        | ["chime.wav"]
        | ["favicon.ico" | "favicon.svg"]
        | ["avatars", _, _]
        | ["console", ""]
        | ["api", "v1", "openapi.json"]
        | ["api", "v1", "visitor", "conversations"]
        | ["api", "v1", "sites", _, "presence"]
        | ["api", "v1", "agent", "me" | "inbox"]
        | ["api", "v1", "conversations", _]
        | ["api", "v1", "audit-log"]
        | ["api", "v1", "reports"]
        | ["api", "v1", "conversations", _, "live"] => "GET",
        ["api", "v1", "bot", "conversations", _, "answer"] | ["api", "v1", "visitor", "sign-out"] => "POST",
        ["api", "v1", "conversations", _, "attachments"] | ["api", "v1", "conversations", _, "macros", _] => {
            "POST"
        }
        ["api", "v1", "conversations", _, "take" | "transfer" | "unassign" | "resolve" | "reopen" | "snooze"] => {
            "POST"
        }
        ["api", "v1", "conversations"] | ["api", "v1", "conversations", _, "messages"] => "GET, POST",
        ["api", "v1", "conversations", _, "labels"] | ["api", "v1", "conversations", _, "priority"] => "PUT",
        ["api", "v1", "conversations", _, "attributes"] => "PATCH",
        ["api", "v1", "attachments", _] => "GET",
        ["api", "v1", "contacts"] => "GET, POST",
        ["api", "v1", "contacts", _] => "GET, PATCH, DELETE",
        ["api", "v1", "contacts", _, "export"] => "GET",
        ["api", "v1", "contacts", _, "merge"] => "POST",
        ["api", "v1", "contact-attributes"] => "GET, PUT",
        ["api", "v1", "agent", "email-digest"] => "GET, PUT",
        ["api", "v1", "email", _, "unsubscribe"] => "GET, POST",
        ["api", "v1", "webhooks"] => "GET, POST",
        ["api", "v1", "webhooks", _] => "PATCH, DELETE",
        ["api", "v1", "webhooks", _, "deliveries"] => "GET",
        ["api", "v1", "webhooks", _, "deliveries", _, "redeliver"] => "POST",
        _ => return None,
    })
}

/// An external bot answers later (after `202` to the webhook); the conversation's object
/// checks the bearer token against its site's flow (`webhook.api_token`).
async fn bot_answer(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let id = ConversationId::parse(id).map_err(|e| EdgeError::refuse(ErrorCode::NotFound, e.to_string()))?;
    let authorization = req.headers().get("authorization")?.unwrap_or_default();
    if !authorization.starts_with("Bearer ") {
        return Err(EdgeError::refuse(
            ErrorCode::Unauthorized,
            "send Authorization: Bearer <the webhook's api_token>",
        ));
    }
    let answer: switchboard_protocol::api::bot_answer::Request = http::read_json(&mut req).await?;
    switchboard_core::flow::events::check_answer(&answer)?;
    objects::send(env, &id, &BotAnswer { authorization, answer }).await?;
    http::json(200, &serde_json::json!({}))
}

/// `GET /api/v1/sites/{id}/presence`: public, like the site id; browsers and caches may keep
/// it a few seconds.
async fn presence(env: &Ctx<'_>, site: &str) -> EdgeResult<Response> {
    let site = SiteId::parse(site)
        .map_err(|e| EdgeError::refuse(ErrorCode::NotFound, format!("no such site: {e}")))?;
    // Unknown sites are 404, like everywhere else (the cache checks).
    let reply = http::json(200, &site_cache::presence(env, &site, env.now).await?)?;
    reply.headers().set("cache-control", "public, max-age=10")?;
    reply.headers().set("access-control-allow-origin", "*")?;
    Ok(reply)
}

/// The OpenAPI 3.1 description of the REST API (`docs/openapi.json`, compiled in).
fn openapi() -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "public, max-age=300")?;
    headers.set("access-control-allow-origin", "*")?;
    Ok(Response::ok(include_str!("../../docs/openapi.json"))?.with_headers(headers))
}

fn redirect(req: &Request, path: &str) -> EdgeResult<Response> {
    let url = req.url()?.join(path).map_err(|e| worker::Error::RustError(e.to_string()))?;
    Ok(Response::redirect(url)?)
}
