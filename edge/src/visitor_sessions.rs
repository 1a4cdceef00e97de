//! Visitor sessions: `POST /api/v1/sessions` (a session for one new conversation) and
//! `GET /api/v1/visitor/conversations` (the visitor's history, each with a session), and
//! `POST /api/v1/visitor/sign-out` (the host page's `shutdown`: the visitor's tokens end).
//!
//! Who may ask (`core::session_caller`): the widget frame (its origin is this edge; it names
//! the embedding page's origin, which it learnt from the browser) or a page of one of the
//! site's allowed origins directly (CORS) — either way the page origin must be allowed for the
//! site — or, without `Origin`, a server with an API key of the site.

use switchboard_core::blocks;
use switchboard_core::proactive;
use switchboard_core::session_caller;
use switchboard_core::session_limits;
use switchboard_core::token::{self, VisitorClaims};
use switchboard_protocol::api::{create_session, visitor_conversations};
use switchboard_protocol::{ApiError, ConversationId, ErrorCode, VisitorId};
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::EndVisitor;
use crate::objects::limiter::calls::AdmitSession;
use crate::objects::site::calls::{SignOutVisitor, VisitorConversations};
use crate::{auth, env, http, objects, site_cache};

/// Issues a signed token for a new conversation.
pub(crate) async fn create(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let body: create_session::Request = http::read_json(&mut req).await?;
    let own = http::own_origin(&req)?;
    let caller = http::origin_header(&req)?;
    // Only a caller without `Origin` needs a key: pages are never asked for one.
    let key = if caller.is_none() { auth::api_key(&req, env).await? } else { None };
    let site = site_cache::config(env, &body.site_id, env.now).await?;
    let who = session_caller::classify(&own, caller.as_deref(), body.page_origin.as_deref(), key.is_some())
        .map_err(|(code, message)| EdgeError::refuse(code, message))?;
    let origins = site.origins().map_err(|e| worker::Error::RustError(e.to_string()))?;
    session_caller::admit(&who, &origins, &site.id, key.as_ref().map(|agent| &agent.site))?;
    // Counted only once the request is otherwise good, by the limiter shard of its address.
    let address = http::client_address(&req)?;
    blocks::check(&site.blocks, None, Some(&address), env.now)?;
    let limits = site.session_limits.unwrap_or_else(|| env::session_limits(env));
    let admit = AdmitSession { site: site.id.clone(), limits, address };
    objects::send(env, &session_limits::shard_of(&admit.address), &admit).await?;
    // A visitor who already has a session keeps its identity: the new conversation joins its
    // history, within the cap on open ones. A token that does not verify is refused, not
    // silently replaced.
    let (visitor, born) = match body.visitor_token {
        Some(token) => {
            let claims = verify(&token, env)?;
            if claims.site != site.id {
                return Err(EdgeError::refuse(
                    ErrorCode::Forbidden,
                    "that visitor token is for another site",
                ));
            }
            blocks::check(&site.blocks, Some(&claims.visitor), None, env.now)?;
            let theirs = objects::send(
                env,
                &site.id,
                &VisitorConversations { visitor: claims.visitor.clone(), by_visitor: true },
            )
            .await?;
            session_limits::may_open_another(theirs.iter().map(|summary| summary.state))?;
            (claims.visitor.clone(), claims.born())
        }
        None => (VisitorId::from_random(env::random_bytes()?), env.now),
    };
    let proactive = body
        .proactive
        .map(|name| proactive::name_checked(&name).map_err(|why| ApiError::bad_field("proactive", why)))
        .transpose()?;
    let conversation = ConversationId::from_random(env::random_bytes()?);
    let session = issue(
        env,
        VisitorClaims { proactive, ..VisitorClaims::issue(site.id, visitor, conversation, born, env.now) },
    )?;
    let reply = http::json(201, &session)?;
    if let Some(caller) = caller.filter(|c| *c != own) {
        allow_cross_origin(&reply, &caller)?;
    }
    Ok(reply)
}

/// `GET /api/v1/visitor/conversations`: the conversations of the visitor whose token is the
/// bearer, each with a fresh session.
pub(crate) async fn history(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let claims = verify(&bearer(req)?, env)?;
    let site = site_cache::config(env, &claims.site, env.now).await?;
    blocks::check(&site.blocks, Some(&claims.visitor), None, env.now)?;
    let summaries = objects::send(
        env,
        &claims.site,
        &VisitorConversations { visitor: claims.visitor.clone(), by_visitor: true },
    )
    .await?;
    let conversations = summaries
        .into_iter()
        .map(|summary| {
            Ok(visitor_conversations::VisitorConversation {
                session: issue(
                    env,
                    VisitorClaims::issue(
                        claims.site.clone(),
                        claims.visitor.clone(),
                        summary.id,
                        claims.born(),
                        env.now,
                    ),
                )?,
                last_message: summary.last_message,
                updated_at: summary.updated_at,
            })
        })
        .collect::<EdgeResult<Vec<_>>>()?;
    http::json(200, &visitor_conversations::Response { conversations })
}

/// `POST /api/v1/visitor/sign-out`: the visitor whose token is the bearer signed out. The
/// site remembers it (their tokens are refused from then on) and each of their conversations
/// closes their sockets.
pub(crate) async fn sign_out(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let claims = verify(&bearer(req)?, env)?;
    let call = SignOutVisitor { visitor: claims.visitor.clone(), until: claims.visitor_ends() };
    let theirs = objects::send(env, &claims.site, &call).await?;
    let end = EndVisitor { site: claims.site, visitor: claims.visitor };
    for conversation in theirs.iter().chain(std::iter::once(&claims.conversation)) {
        if let Err(error) = objects::send(env, conversation, &end).await {
            worker::console_error!("sign-out in {conversation}: {error:?}");
        }
    }
    http::no_content()
}

/// The visitor token of `Authorization: Bearer <token>`.
fn bearer(req: &Request) -> EdgeResult<String> {
    let header = req.headers().get("authorization")?.unwrap_or_default();
    let token = header.strip_prefix("Bearer ").ok_or_else(|| {
        EdgeError::refuse(ErrorCode::Unauthorized, "send Authorization: Bearer <session token>")
    })?;
    Ok(token.trim().to_owned())
}

fn verify(token: &str, env: &Ctx<'_>) -> EdgeResult<VisitorClaims> {
    token::verify(token, &env::signing_key(env)?, env.now).map_err(|e| {
        EdgeError::refuse(ErrorCode::Unauthorized, format!("the session token is not valid ({e})"))
    })
}

/// The signed session of `claims` (made with [`VisitorClaims::issue`]: valid for
/// `VISITOR_SESSION_MS`, never past the lifetime of the visitor).
pub(crate) fn issue(env: &worker::Env, claims: VisitorClaims) -> EdgeResult<create_session::Response> {
    Ok(create_session::Response {
        token: token::sign(&claims, &env::signing_key(env)?),
        conversation_id: claims.conversation,
        visitor_id: claims.visitor,
        expires_at: claims.exp,
    })
}

/// `OPTIONS /api/v1/sessions`: the CORS preflight. Permissive on purpose: it carries no body,
/// so the site check happens on the real request.
pub(crate) fn preflight(req: &Request) -> EdgeResult<Response> {
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
