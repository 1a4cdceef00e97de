//! WebSocket routes. The worker decides who may connect (token or cookie, origin, protocol
//! version), then hands the handshake to the Durable Object that will own the socket.
//!
//! - `GET /api/v1/conversations/{id}/live`: a visitor (token offered as the subprotocol
//!   `sb-token.<token>`) or an agent of the conversation's site (session cookie). A visitor's
//!   token may name the proactive message they answered, which a new conversation opens with.
//! - `GET /api/v1/agent/inbox`: an agent's inbox (session cookie).

use switchboard_core::blocks;
use switchboard_core::contact::ClientInfo;
use switchboard_core::token::{self, AgentClaims, VisitorClaims};
use switchboard_protocol::inbox::BATCHED_UPDATES;
use switchboard_protocol::{
    ApiError, Author, ConversationId, ErrorCode, ServerFrame, SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX,
};
use worker::{Request, Response, WebSocketPair};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::Connect;
use crate::objects::site::calls::OpenInbox;
use crate::objects::{call, Participant};
use crate::{auth, env, http, site_cache};

/// The subprotocols a handshake offers, in order.
pub(crate) fn offered_subprotocols(req: &Request) -> Vec<String> {
    req.headers()
        .get("sec-websocket-protocol")
        .ok()
        .flatten()
        .map(|list| list.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
        .unwrap_or_default()
}

/// Joins a conversation's socket.
pub(crate) async fn conversation(req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let offered = admit_handshake(&req)?;
    let conversation = ConversationId::parse(id)
        .map_err(|e| EdgeError::refuse(ErrorCode::NotFound, format!("no such conversation: {e}")))?;
    let token = offered.iter().find_map(|p| p.strip_prefix(TOKEN_SUBPROTOCOL_PREFIX));
    let mut proactive = None;
    let participant = match token {
        Some(token) => {
            let claims: VisitorClaims =
                token::verify(token, &env::signing_key(env)?, env.now).map_err(|e| {
                    EdgeError::refuse(
                        ErrorCode::Unauthorized,
                        format!("the session token is not valid ({e})"),
                    )
                })?;
            if claims.conversation != conversation {
                return Err(EdgeError::refuse(
                    ErrorCode::Forbidden,
                    "this session token belongs to another conversation",
                ));
            }
            // A blocked visitor (or address) is refused here, every isolate checking its copy
            // of the site's configuration.
            let address = http::client_address(&req)?;
            let site = site_cache::config(env, &claims.site, env.now).await?;
            blocks::check(&site.blocks, Some(&claims.visitor), Some(&address), env.now)?;
            // The proactive message the visitor answered, which a new conversation opens with.
            proactive = claims.proactive.clone();
            let client = ClientInfo::from_headers(
                req.headers().get("user-agent")?,
                req.headers().get("cf-ipcountry")?,
                Some(address),
            );
            Participant {
                born: Some(claims.born()),
                site: claims.site,
                author: Author::Visitor { id: claims.visitor, name: None },
                client,
                expires_at: None,
            }
        }
        None => {
            http::require_same_origin(&req)?;
            agent_participant(auth::authenticate(&req, env).await?)
        }
    };
    let edge_origin = http::own_origin(&req).ok();
    let connect = Connect { conversation, participant, edge_origin, proactive };
    call::upgrade(env, &connect.conversation.clone(), &connect).await
}

/// Opens an agent's inbox socket.
pub(crate) async fn inbox(req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    admit_handshake(&req)?;
    http::require_same_origin(&req)?;
    let participant = agent_participant(auth::authenticate(&req, env).await?);
    let edge_origin = http::own_origin(&req).ok();
    let (key, value) = BATCHED_UPDATES;
    let batched = req.url()?.query_pairs().any(|(k, v)| k == key && v == value);
    call::upgrade(env, &participant.site.clone(), &OpenInbox { participant, edge_origin, batched }).await
}

/// An agent's socket, open until the agent's session (or API key) ends.
fn agent_participant(agent: AgentClaims) -> Participant {
    let author = Author::Agent { id: agent.agent, name: agent.name };
    let expires_at = Some(agent.exp).filter(|at| *at != i64::MAX);
    Participant { site: agent.site, author, client: ClientInfo::default(), expires_at, born: None }
}

/// Checks the parts of a handshake common to all socket routes; returns the offered
/// subprotocols.
fn admit_handshake(req: &Request) -> EdgeResult<Vec<String>> {
    if !http::is_websocket_upgrade(req) {
        return Err(EdgeError::refuse(ErrorCode::UpgradeRequired, "this route only speaks WebSocket"));
    }
    let offered = offered_subprotocols(req);
    if !offered.iter().any(|p| p == SUBPROTOCOL) {
        return Err(EdgeError::refuse(
            ErrorCode::UnsupportedProtocol,
            format!("offer the WebSocket subprotocol {SUBPROTOCOL}"),
        ));
    }
    Ok(offered)
}

/// Refuses a handshake in a way browsers can see: accept it, send one `error` frame, and
/// close with code 4000 + the error's HTTP status (4401 unauthorized, 4403 forbidden, …).
/// The first offered subprotocol is echoed, since a browser fails a handshake that offered
/// subprotocols and got none back, and would then never read the error.
pub(crate) fn refuse(offered: &[String], error: ApiError) -> worker::Result<Response> {
    let pair = WebSocketPair::new()?;
    pair.server.accept()?;
    let close_code = 4000 + error.code.http_status();
    let reason = format!("{:?}", error.code);
    let frame = ServerFrame::Error {
        code: error.code,
        message: error.message,
        client_id: None,
        retry_after_ms: None,
    };
    pair.server.send(&frame)?;
    pair.server.close(Some(close_code), Some(reason))?;
    let response = Response::from_websocket(pair.client)?;
    if let Some(first) = offered.first() {
        response.headers().set("sec-websocket-protocol", first)?;
    }
    Ok(response)
}
