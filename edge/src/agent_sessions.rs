//! Console sign-in: `POST /api/v1/agent/login`, `POST /api/v1/agent/logout`,
//! `GET /api/v1/agent/me`, and the session checks every agent route makes.
//!
//! The cookie holds a signed, expiring agent token (`switchboard_core::token`): `HttpOnly`
//! (scripts cannot read it), `SameSite=Strict` (other sites' requests do not carry it),
//! `Secure` over https. State-changing requests must also come from the console's own origin
//! and carry the session's anti-forgery token in `X-CSRF-Token` (read from `/agent/me`).

use switchboard_core::token::{self, AgentClaims, AGENT_SESSION_MS};
use switchboard_protocol::api::agent_login;
use switchboard_protocol::api::agent_me::{self, AgentRole};
use switchboard_protocol::ErrorCode;
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::Login;
use crate::{api_keys, env, http, objects};

/// Name of the session cookie.
const COOKIE: &str = "sb_agent";

/// Header carrying the anti-forgery token.
const CSRF_HEADER: &str = "x-csrf-token";

/// Checks email and password with the directory (which throttles failures) and sets the
/// session cookie.
pub async fn login(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    http::require_same_origin(&req)?;
    let body: agent_login::Request = http::read_json(&mut req).await?;
    let address = req.headers().get("cf-connecting-ip")?.unwrap_or_else(|| "unknown".into());
    let call = Login { email: body.email, password: body.password, address };
    let agent = objects::send(env, &(), &call).await?;
    start_session(&req, env, agent)
}

/// Signs `agent` in: the session cookie, and the account with its anti-forgery token.
pub fn start_session(req: &Request, env: &Ctx<'_>, mut agent: agent_me::Response) -> EdgeResult<Response> {
    let claims = AgentClaims {
        agent: agent.id.clone(),
        site: agent.site_id.clone(),
        name: agent.name.clone(),
        email: agent.email.clone(),
        role: agent.role,
        exp: env.now + AGENT_SESSION_MS,
    };
    let key = env::signing_key(env)?;
    let value = token::sign(&claims, &key);
    agent.csrf_token = token::csrf_token(&value, &key);
    agent.owner = is_owner(&claims, env);
    let reply = http::json(200, &agent)?;
    set_cookie(&reply, req, &value, AGENT_SESSION_MS / 1000)?;
    Ok(reply)
}

/// Clears the session cookie.
pub async fn logout(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    authenticate_change(req, env).await?;
    let reply = http::no_content()?;
    set_cookie(&reply, req, "", 0)?;
    Ok(reply)
}

/// Who is signed in, with the session's anti-forgery token (none for an API key).
pub async fn me(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let (claims, session) = match api_keys::bearer_key(req)? {
        Some(secret) => (api_keys::claims(env, &secret).await?, None),
        None => session(req, env).map(|(claims, session)| (claims, Some(session)))?,
    };
    let csrf_token = match session {
        Some(session) => token::csrf_token(&session, &env::signing_key(env)?),
        None => String::new(),
    };
    let owner = is_owner(&claims, env);
    http::json(
        200,
        &agent_me::Response {
            id: claims.agent,
            name: claims.name,
            email: claims.email,
            site_id: claims.site,
            role: claims.role,
            owner,
            csrf_token,
        },
    )
}

/// The signed-in agent, from an API key or the session cookie; `unauthorized` without a
/// valid one. For reads and WebSocket handshakes (which check the origin themselves).
pub async fn authenticate(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    if let Some(secret) = api_keys::bearer_key(req)? {
        return api_keys::claims(env, &secret).await;
    }
    session(req, env).map(|(claims, _)| claims)
}

/// The signed-in agent, for a request that changes something: with an API key (which no
/// other site's page can send for anyone), or from the console's own origin carrying the
/// session's anti-forgery token (`forbidden` otherwise).
pub async fn authenticate_change(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    if let Some(secret) = api_keys::bearer_key(req)? {
        return api_keys::claims(env, &secret).await;
    }
    http::require_same_origin(req)?;
    let (claims, session) = session(req, env)?;
    let given = req.headers().get(CSRF_HEADER)?.unwrap_or_default();
    if !token::csrf_matches(&session, &given, &env::signing_key(env)?) {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "missing or wrong X-CSRF-Token header; send the csrf_token from /api/v1/agent/me",
        ));
    }
    Ok(claims)
}

/// Like [`authenticate_change`], for admins only.
pub async fn authenticate_admin(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    admin_only(authenticate_change(req, env).await?)
}

/// Like [`authenticate`] (a read: no CSRF token needed), for admins only.
pub async fn authenticate_admin_read(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    admin_only(authenticate(req, env).await?)
}

fn admin_only(claims: AgentClaims) -> EdgeResult<AgentClaims> {
    if claims.role != AgentRole::Admin {
        return Err(EdgeError::refuse(ErrorCode::Forbidden, "only admins may do this"));
    }
    Ok(claims)
}

/// Like [`authenticate_admin`], for owners: admins of the deployment's first (bootstrap)
/// site, who may create sites and invite their first admins.
pub async fn authenticate_owner(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    owner_only(authenticate_admin(req, env).await?, env)
}

/// Like [`authenticate_owner`], for reads (no CSRF token needed).
pub async fn authenticate_owner_read(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    owner_only(authenticate_admin_read(req, env).await?, env)
}

fn owner_only(claims: AgentClaims, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    if !is_owner(&claims, env) {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "only admins of the deployment's first site may manage sites",
        ));
    }
    Ok(claims)
}

/// Whether `claims` are an owner's.
pub fn is_owner(claims: &AgentClaims, env: &Ctx<'_>) -> bool {
    claims.role == AgentRole::Admin && env::bootstrap(env).is_some_and(|b| b.site.id == claims.site)
}

fn session(req: &Request, env: &Ctx<'_>) -> EdgeResult<(AgentClaims, String)> {
    let value = http::cookie(req, COOKIE)?
        .ok_or_else(|| EdgeError::refuse(ErrorCode::Unauthorized, "sign in to the console first"))?;
    let claims = token::verify(&value, &env::signing_key(env)?, env.now).map_err(|e| {
        EdgeError::refuse(
            ErrorCode::Unauthorized,
            format!("the console session is not valid ({e}); sign in again"),
        )
    })?;
    Ok((claims, value))
}

fn set_cookie(reply: &Response, req: &Request, value: &str, max_age_s: i64) -> EdgeResult<()> {
    let secure = if http::is_https(req) { "; Secure" } else { "" };
    let cookie = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}");
    reply.headers().set("set-cookie", &cookie)?;
    Ok(())
}
