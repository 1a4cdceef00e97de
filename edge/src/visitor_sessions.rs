//! `POST /api/v1/sessions`: a visitor session for one new conversation.
//!
//! Who may ask: the widget frame (its origin is this edge; it names the embedding page's
//! origin, which it learnt from the browser), or a page of one of the site's allowed origins
//! directly (CORS). Either way the page origin must be allowed for the site.

use switchboard_core::token::{self, VisitorClaims, VISITOR_SESSION_MS};
use switchboard_protocol::api::create_session;
use switchboard_protocol::{ConversationId, ErrorCode, VisitorId};
use worker::{Env, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::{env, http, stubs};

/// Issues a signed token for a new conversation.
pub async fn create(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let body: create_session::Request = http::read_json(&mut req).await?;
    let own = http::own_origin(&req)?;
    let caller = http::origin_header(&req)?;
    let page_origin = match (&caller, body.page_origin) {
        // The frame: trust the page origin it reports (the browser told it, and the frame's
        // CSP frame-ancestors already kept other origins from embedding it).
        (Some(caller), Some(page)) if *caller == own => page,
        (Some(caller), None) if *caller == own => {
            return Err(EdgeError::refuse(ErrorCode::BadRequest, "the frame must send page_origin"))
        }
        (Some(caller), _) => caller.clone(),
        (None, Some(page)) => page,
        (None, None) => {
            return Err(EdgeError::refuse(
                ErrorCode::OriginNotAllowed,
                "send an Origin header (or page_origin) naming an allowed origin of the site",
            ))
        }
    };
    let site = stubs::site_config(env, &body.site_id).await?;
    let origins = site.origins().map_err(|e| worker::Error::RustError(e.to_string()))?;
    if !origins.allows(&page_origin) {
        return Err(EdgeError::refuse(
            ErrorCode::OriginNotAllowed,
            format!("{page_origin} is not an allowed origin of site {}", site.id),
        ));
    }
    let claims = VisitorClaims {
        site: site.id,
        visitor: VisitorId::from_random(env::random_bytes()?),
        conversation: ConversationId::from_random(env::random_bytes()?),
        exp: env::now() + VISITOR_SESSION_MS,
    };
    let response = create_session::Response {
        token: token::sign(&claims, &env::signing_key(env)?),
        conversation_id: claims.conversation,
        visitor_id: claims.visitor,
        expires_at: claims.exp,
    };
    let reply = http::json(201, &response)?;
    if let Some(caller) = caller.filter(|c| *c != own) {
        allow_cross_origin(&reply, &caller)?;
    }
    Ok(reply)
}

/// `OPTIONS /api/v1/sessions`: the CORS preflight. Permissive on purpose: it carries no body,
/// so the site check happens on the real request.
pub fn preflight(req: &Request) -> EdgeResult<Response> {
    let reply = http::no_content()?;
    if let Some(origin) = http::origin_header(req)? {
        allow_cross_origin(&reply, &origin)?;
        reply.headers().set("access-control-allow-methods", "POST")?;
        reply.headers().set("access-control-allow-headers", "content-type")?;
        reply.headers().set("access-control-max-age", "600")?;
    }
    Ok(reply)
}

fn allow_cross_origin(reply: &Response, origin: &str) -> EdgeResult<()> {
    reply.headers().set("access-control-allow-origin", origin)?;
    reply.headers().set("vary", "Origin")?;
    Ok(())
}
