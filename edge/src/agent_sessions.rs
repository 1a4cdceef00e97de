//! Console sign-in: `POST /api/v1/agent/login`, `POST /api/v1/agent/logout`,
//! `GET /api/v1/agent/me`, and the session cookie every agent route checks.
//!
//! The cookie holds a signed, expiring agent token (`switchboard_core::token`): `HttpOnly`
//! (scripts cannot read it), `SameSite=Strict` (other sites' requests do not carry it),
//! `Secure` over https. State-changing requests must come from the console's own origin.

use switchboard_core::token::{self, AgentClaims, AGENT_SESSION_MS};
use switchboard_protocol::api::{agent_login, agent_me};
use switchboard_protocol::ErrorCode;
use worker::{Env, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::{env, http, stubs};

/// Name of the session cookie.
const COOKIE: &str = "sb_agent";

/// Checks email and password with the directory and sets the session cookie.
pub async fn login(mut req: Request, env: &Env) -> EdgeResult<Response> {
    http::require_same_origin(&req)?;
    let body: agent_login::Request = http::read_json(&mut req).await?;
    let agent = stubs::directory_login(env, &body).await?;
    let claims = AgentClaims {
        agent: agent.id.clone(),
        site: agent.site_id.clone(),
        name: agent.name.clone(),
        email: agent.email.clone(),
        exp: env::now() + AGENT_SESSION_MS,
    };
    let value = token::sign(&claims, &env::signing_key(env)?);
    let reply = http::json(200, &agent)?;
    set_cookie(&reply, &req, &value, AGENT_SESSION_MS / 1000)?;
    Ok(reply)
}

/// Clears the session cookie.
pub fn logout(req: &Request) -> EdgeResult<Response> {
    http::require_same_origin(req)?;
    let reply = http::no_content()?;
    set_cookie(&reply, req, "", 0)?;
    Ok(reply)
}

/// Who is signed in.
pub fn me(req: &Request, env: &Env) -> EdgeResult<Response> {
    let claims = authenticate(req, env)?;
    http::json(
        200,
        &agent_me::Response {
            id: claims.agent,
            name: claims.name,
            email: claims.email,
            site_id: claims.site,
        },
    )
}

/// The signed-in agent, from the session cookie; `unauthorized` without a valid one.
pub fn authenticate(req: &Request, env: &Env) -> EdgeResult<AgentClaims> {
    let value = http::cookie(req, COOKIE)?
        .ok_or_else(|| EdgeError::refuse(ErrorCode::Unauthorized, "sign in to the console first"))?;
    token::verify(&value, &env::signing_key(env)?, env::now()).map_err(|e| {
        EdgeError::refuse(
            ErrorCode::Unauthorized,
            format!("the console session is not valid ({e}); sign in again"),
        )
    })
}

fn set_cookie(reply: &Response, req: &Request, value: &str, max_age_s: i64) -> EdgeResult<()> {
    let secure = if http::is_https(req) { "; Secure" } else { "" };
    let cookie = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}");
    reply.headers().set("set-cookie", &cookie)?;
    Ok(())
}
