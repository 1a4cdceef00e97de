//! Who is calling: the gate every agent route passes. An agent is signed in by the console's
//! session cookie or by an API key (`Authorization: Bearer sbk_…`); changes also need the
//! console's own origin and the session's anti-forgery token (a key needs neither: no other
//! site's page can send it for anyone). Role rules are `core::accounts`'.
//!
//! The cookie holds a signed, expiring agent token (`switchboard_core::token`). A checked key
//! is remembered by this isolate for [`KEY_FRESH_FOR_MS`], so a script's burst of requests
//! costs one directory lookup; a revoked key stops working within that time.

use std::cell::RefCell;
use std::collections::HashMap;

use switchboard_core::accounts;
use switchboard_core::token::{self, AgentClaims};
use switchboard_protocol::api::api_keys::KEY_PREFIX;
use switchboard_protocol::ErrorCode;
use worker::Request;

use crate::env::{self, Ctx};
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::{CheckKey, KeyHolder};
use crate::{http, objects};

/// Name of the session cookie.
pub(crate) const COOKIE: &str = "sb_agent";

/// Header carrying the anti-forgery token.
const CSRF_HEADER: &str = "x-csrf-token";

/// How long a checked key is trusted without asking the directory again.
pub(crate) const KEY_FRESH_FOR_MS: i64 = 5_000;

/// At most this many keys are remembered; beyond it the memory starts afresh.
const MAX_KEYS: usize = 1_000;

thread_local! {
    static CHECKED_KEYS: RefCell<HashMap<String, (i64, KeyHolder)>> = RefCell::new(HashMap::new());
}

/// The signed-in agent, from an API key or the session cookie; `unauthorized` without a
/// valid one. For reads and WebSocket handshakes (which check the origin themselves).
pub(crate) async fn authenticate(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    if let Some(secret) = bearer_key(req)? {
        return key_claims(env, &secret).await;
    }
    session(req, env).map(|(claims, _)| claims)
}

/// The signed-in agent, for a request that changes something: with an API key, or from the
/// console's own origin carrying the session's anti-forgery token (`forbidden` otherwise).
pub(crate) async fn authenticate_change(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    if let Some(secret) = bearer_key(req)? {
        return key_claims(env, &secret).await;
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
pub(crate) async fn authenticate_admin(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    let claims = authenticate_change(req, env).await?;
    accounts::require_admin(&claims)?;
    Ok(claims)
}

/// Like [`authenticate`] (a read: no anti-forgery token needed), for admins only.
pub(crate) async fn authenticate_admin_read(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    let claims = authenticate(req, env).await?;
    accounts::require_admin(&claims)?;
    Ok(claims)
}

/// Like [`authenticate_admin`], for owners of the deployment.
pub(crate) async fn authenticate_owner(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    let claims = authenticate_admin(req, env).await?;
    accounts::require_owner(&claims, bootstrap_site(env).as_ref())?;
    Ok(claims)
}

/// Like [`authenticate_owner`], for reads.
pub(crate) async fn authenticate_owner_read(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    let claims = authenticate_admin_read(req, env).await?;
    accounts::require_owner(&claims, bootstrap_site(env).as_ref())?;
    Ok(claims)
}

/// Whether `claims` are an owner's.
pub(crate) fn is_owner(claims: &AgentClaims, env: &Ctx<'_>) -> bool {
    accounts::is_owner(claims, bootstrap_site(env).as_ref())
}

fn bootstrap_site(env: &Ctx<'_>) -> Option<switchboard_protocol::SiteId> {
    env::bootstrap(env).map(|bootstrap| bootstrap.site.id)
}

/// The signed-in agent and the cookie's value (its anti-forgery token derives from it), with
/// an API key's holder instead when the request carries a key (then no cookie value).
pub(crate) async fn signed_in(req: &Request, env: &Ctx<'_>) -> EdgeResult<(AgentClaims, Option<String>)> {
    match bearer_key(req)? {
        Some(secret) => Ok((key_claims(env, &secret).await?, None)),
        None => session(req, env).map(|(claims, value)| (claims, Some(value))),
    }
}

/// The session cookie's claims and value; `unauthorized` without a valid one.
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

/// The API key secret in the request's `Authorization` header, if it carries one.
fn bearer_key(req: &Request) -> EdgeResult<Option<String>> {
    let header = req.headers().get("authorization")?.unwrap_or_default();
    Ok(header.strip_prefix("Bearer ").filter(|secret| secret.starts_with(KEY_PREFIX)).map(str::to_owned))
}

/// Who the key `secret` acts as (`unauthorized` for an unknown or revoked key).
async fn key_claims(env: &Ctx<'_>, secret: &str) -> EdgeResult<AgentClaims> {
    let now = env.now;
    let remembered = CHECKED_KEYS.with_borrow(|checked| {
        checked.get(secret).filter(|(at, _)| now - at < KEY_FRESH_FOR_MS).map(|(_, holder)| holder.clone())
    });
    let holder = match remembered {
        Some(holder) => holder,
        None => {
            let holder = objects::send(env, &(), &CheckKey { secret: secret.to_owned() }).await?;
            CHECKED_KEYS.with_borrow_mut(|checked| {
                if checked.len() >= MAX_KEYS {
                    checked.clear();
                }
                checked.insert(secret.to_owned(), (now, holder.clone()));
            });
            holder
        }
    };
    Ok(AgentClaims {
        agent: holder.id,
        site: holder.site,
        name: holder.name,
        email: String::new(),
        role: holder.role,
        exp: now + KEY_FRESH_FOR_MS,
    })
}

/// Forgets every key this isolate checked (one was revoked here; others within
/// [`KEY_FRESH_FOR_MS`]).
pub(crate) fn forget_checked_keys() {
    CHECKED_KEYS.with_borrow_mut(|checked| checked.clear());
}
