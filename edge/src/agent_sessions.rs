//! Console sessions: `POST /api/v1/agent/login`, `POST /api/v1/agent/logout`,
//! `GET /api/v1/agent/me`, and ending them all — `DELETE /api/v1/agents/{id}/sessions`
//! ("sign out everywhere", or an admin ending a teammate's). (The checks every agent route
//! makes are in [`crate::auth`].)
//!
//! The cookie holds a signed, expiring agent token (`switchboard_core::token`): `HttpOnly`
//! (scripts cannot read it), `SameSite=Strict` (other sites' requests do not carry it),
//! `Secure` over https. State-changing requests must also come from the console's own origin
//! and carry the session's anti-forgery token in `X-CSRF-Token` (read from `/agent/me`).

use switchboard_core::accounts;
use switchboard_core::token::{self, AgentClaims, AGENT_SESSION_MS};
use switchboard_core::two_factor::{self, SecondStep};
use switchboard_protocol::api::agent_login;
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::audit_log::Action;
use switchboard_protocol::api::{agent_me, agent_password};
use switchboard_protocol::{AgentId, ErrorCode, SiteId};
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::{ChangePassword, EndSessions, Login, SignedIn};
use crate::objects::site::calls::EndAgents;
use crate::{auth, env, http, objects, site_cache};

/// Checks email and password with the directory (which throttles failures) and sets the
/// session cookie.
pub(crate) async fn login(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    http::require_same_origin(&req)?;
    let body: agent_login::Request = http::read_json(&mut req).await?;
    let address = http::client_address(&req)?;
    let call =
        Login { email: body.email, password: body.password, address: address.clone(), code: body.code };
    let signed_in = objects::send(env, &(), &call).await?;
    let actor = audit::account(&signed_in.agent);
    audit::record_as(env, &signed_in.agent.site_id, actor, Some(address), Done::new(Action::SignedIn)).await;
    start_session(&req, env, signed_in).await
}

/// `POST /api/v1/agent/password`: the signed-in agent's new password (`agent_password`); the
/// answer signs this browser in afresh, every other session having ended.
pub(crate) async fn change_password(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    if auth::uses_api_key(&req)? {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "API keys have no password: sign in to the console",
        ));
    }
    let claims = auth::authenticate_change(&req, env).await?;
    let body: agent_password::Request = http::read_json(&mut req).await?;
    let call = ChangePassword {
        agent: claims.agent.clone(),
        current_password: body.current_password,
        new_password: body.new_password,
        address: http::client_address(&req)?,
    };
    let signed_in = objects::send(env, &(), &call).await?;
    // Other browsers' sockets close at once; this one's reconnect under the new cookie.
    end_sockets(env, &claims.site, vec![claims.agent.clone()]).await?;
    audit::record(env, &req, &claims.site, &claims, Done::new(Action::PasswordChanged)).await;
    start_session(&req, env, signed_in).await
}

/// Signs an account in: the session cookie (carrying the account's session version), and
/// the account with its anti-forgery token. An account the site requires two-factor sign-in
/// of, without one, gets a session that can only set it up.
pub(crate) async fn start_session(req: &Request, env: &Ctx<'_>, signed_in: SignedIn) -> EdgeResult<Response> {
    let (agent, cookie) = new_session(env, signed_in).await?;
    let reply = http::json(200, &agent)?;
    set_cookie(&reply, req, &cookie, AGENT_SESSION_MS / 1000)?;
    Ok(reply)
}

/// A new session for an account: the account as `/agent/me` shows it, and the cookie's value.
pub(crate) async fn new_session(
    env: &Ctx<'_>,
    signed_in: SignedIn,
) -> EdgeResult<(agent_me::Response, String)> {
    let SignedIn { mut agent, session_version } = signed_in;
    let policy = site_cache::config(env, &agent.site_id, env.now).await?.two_factor_policy;
    let is_admin = agent.role == AgentRole::Admin;
    let setup_only = two_factor::after_password(agent.two_factor, policy, is_admin) == SecondStep::Enrol;
    let claims = AgentClaims {
        agent: agent.id.clone(),
        site: agent.site_id.clone(),
        name: agent.name.clone(),
        email: agent.email.clone(),
        role: agent.role,
        ver: session_version,
        setup_only,
        exp: env.now + AGENT_SESSION_MS,
    };
    let key = env::signing_key(env)?;
    let value = token::sign(&claims, &key);
    agent.csrf_token = token::csrf_token(&value, &key);
    agent.owner = auth::is_owner(&claims, env);
    agent.must_set_up_two_factor = setup_only;
    Ok((agent, value))
}

/// Sets the session cookie `value` on `reply`.
pub(crate) fn set_session_cookie(reply: &Response, req: &Request, value: &str) -> EdgeResult<()> {
    set_cookie(reply, req, value, AGENT_SESSION_MS / 1000)
}

/// Clears the session cookie.
pub(crate) async fn logout(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    if auth::uses_api_key(req)? {
        auth::authenticate_change(req, env).await?;
    } else {
        auth::console_change(req, env, auth::Stage::SettingUp).await?;
    }
    signed_out(req)
}

/// A `204` that clears the session cookie.
pub(crate) fn signed_out(req: &Request) -> EdgeResult<Response> {
    let reply = http::no_content()?;
    set_cookie(&reply, req, "", 0)?;
    Ok(reply)
}

/// Ends every session of an account — the caller's own ("sign out everywhere", which also
/// clears this browser's cookie) or, for an admin, a teammate's: requests with them fail from
/// now on and their sockets close now.
pub(crate) async fn end_all(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let caller = auth::authenticate_change(req, env).await?;
    let agent = AgentId::parse(id).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such agent"))?;
    accounts::require_self_or_admin(&caller, &agent, "sessions")?;
    objects::send(env, &(), &EndSessions { site: caller.site.clone(), agent: agent.clone() }).await?;
    end_sockets(env, &caller.site, vec![agent.clone()]).await?;
    audit::record(env, req, &caller.site, &caller, Done::to(Action::SessionsEnded, agent.as_str())).await;
    if agent == caller.agent {
        signed_out(req)
    } else {
        http::no_content()
    }
}

/// Closes every socket of these accounts or keys, whose sessions just ended, across `site`.
pub(crate) async fn end_sockets(env: &Ctx<'_>, site: &SiteId, agents: Vec<AgentId>) -> EdgeResult<()> {
    objects::send(env, site, &EndAgents { agents }).await
}

/// Who is signed in, with the session's anti-forgery token (none for an API key).
pub(crate) async fn me(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let (claims, session, two_factor) = auth::signed_in(req, env).await?;
    let csrf_token = match session {
        Some(session) => token::csrf_token(&session, &env::signing_key(env)?),
        None => String::new(),
    };
    let owner = auth::is_owner(&claims, env);
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
            two_factor,
            must_set_up_two_factor: claims.setup_only,
        },
    )
}

fn set_cookie(reply: &Response, req: &Request, value: &str, max_age_s: i64) -> EdgeResult<()> {
    let secure = if http::is_https(req) { "; Secure" } else { "" };
    let name = auth::cookie_name(req);
    let cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}");
    reply.headers().set("set-cookie", &cookie)?;
    Ok(())
}
