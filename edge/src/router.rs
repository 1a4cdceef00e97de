//! The fetch handler: a table of routes, and the one place errors become responses.

use switchboard_protocol::api::health;
use switchboard_protocol::{ErrorCode, SiteId, PROTOCOL_VERSION};
use worker::{Env, Method, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::{agent_sessions, http, live, pages, stubs, visitor_sessions};

/// Routes one request. Never fails: every error becomes a JSON error response, or, for a
/// WebSocket handshake, an accepted socket that carries an error frame and closes (browsers
/// cannot read the status of a refused handshake).
pub async fn handle(req: Request, env: Env) -> worker::Result<Response> {
    let upgrade = http::is_websocket_upgrade(&req);
    let offered = live::offered_subprotocols(&req);
    match route(req, &env).await {
        Ok(response) => Ok(response),
        Err(error) if upgrade => live::refuse(&offered, error.into_api_error()),
        Err(error) => http::error_response(error.into_api_error()),
    }
}

async fn route(req: Request, env: &Env) -> EdgeResult<Response> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["health"]) => http::json(
            200,
            &health::Response {
                status: "ok".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                protocol: PROTOCOL_VERSION,
            },
        ),
        (Method::Get, [""]) | (Method::Get, ["console"]) => redirect(&req, "/console/"),
        (Method::Get, ["console", ""]) => pages::console(&req),
        (Method::Get, ["frame"]) => pages::frame(&req, env).await,
        (Method::Post, ["api", "v1", "sessions"]) => visitor_sessions::create(req, env).await,
        (Method::Options, ["api", "v1", "sessions"]) => visitor_sessions::preflight(&req),
        (Method::Get, ["api", "v1", "visitor", "conversations"]) => {
            visitor_sessions::history(&req, env).await
        }
        (Method::Get, ["api", "v1", "sites", site, "presence"]) => presence(env, site).await,
        (Method::Post, ["api", "v1", "agent", "login"]) => agent_sessions::login(req, env).await,
        (Method::Post, ["api", "v1", "agent", "logout"]) => agent_sessions::logout(&req),
        (Method::Get, ["api", "v1", "agent", "me"]) => agent_sessions::me(&req, env),
        (Method::Get, ["api", "v1", "agent", "inbox"]) => live::inbox(req, env).await,
        (Method::Get, ["api", "v1", "conversations"]) => {
            let agent = agent_sessions::authenticate(&req, env)?;
            http::json(200, &stubs::site_conversations(env, &agent.site).await?)
        }
        (Method::Get, ["api", "v1", "conversations", id, "live"]) => live::conversation(req, env, id).await,
        (_, segments) if is_known(segments) => Err(EdgeError::refuse(
            ErrorCode::MethodNotAllowed,
            format!("{} is not supported on {path}", req.method()),
        )),
        _ => Err(EdgeError::refuse(ErrorCode::NotFound, format!("no route for {path}"))),
    }
}

/// Whether `segments` name a route that exists with some other method (405 rather than 404).
fn is_known(segments: &[&str]) -> bool {
    matches!(
        segments,
        ["health"]
            | ["frame"]
            | ["console", ""]
            | ["api", "v1", "sessions"]
            | ["api", "v1", "visitor", "conversations"]
            | ["api", "v1", "sites", _, "presence"]
            | ["api", "v1", "agent", "login" | "logout" | "me" | "inbox"]
            | ["api", "v1", "conversations"]
            | ["api", "v1", "conversations", _, "live"]
    )
}

/// `GET /api/v1/sites/{id}/presence`: public, like the site id; browsers and caches may keep
/// it a few seconds.
async fn presence(env: &Env, site: &str) -> EdgeResult<Response> {
    let site = SiteId::parse(site)
        .map_err(|e| EdgeError::refuse(ErrorCode::NotFound, format!("no such site: {e}")))?;
    // Unknown sites are 404, like everywhere else.
    stubs::site_config(env, &site).await?;
    let reply = http::json(200, &stubs::site_presence(env, &site).await?)?;
    reply.headers().set("cache-control", "public, max-age=10")?;
    reply.headers().set("access-control-allow-origin", "*")?;
    Ok(reply)
}

fn redirect(req: &Request, path: &str) -> EdgeResult<Response> {
    let url = req.url()?.join(path).map_err(|e| worker::Error::RustError(e.to_string()))?;
    Ok(Response::redirect(url)?)
}
