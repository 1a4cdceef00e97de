//! Who is calling: the gate every agent route passes. An agent is signed in by the console's
//! session cookie or by an API key (`Authorization: Bearer sbk_…`); changes also need the
//! console's own origin and the session's anti-forgery token (a key needs neither: no other
//! site's page can send it for anyone). Role rules are `core::accounts`'.
//!
//! The cookie holds a signed, expiring agent token (`switchboard_core::token`) naming the
//! account's session version; every request checks it against the account in the
//! directory, so a removed account or one signed out everywhere stops working at once. Keys
//! are looked up on every request too: a revoked key, or one whose account was removed, stops
//! at once. Sockets opened with either close at once as well (`objects::ended`). Only refusals
//! are remembered: a secret not shaped like a key is refused without a lookup, and one the
//! directory did not know is refused by this isolate for [`UNKNOWN_KEY_MS`] without asking
//! again (a secret cannot become valid: new keys are random).

use std::cell::RefCell;
use std::collections::HashMap;

use switchboard_core::accounts::{self, DeploymentOwner};
use switchboard_core::key_scopes;
use switchboard_core::token::{self, AgentClaims};
use switchboard_protocol::api::api_keys::KEY_PREFIX;
use switchboard_protocol::ErrorCode;
use worker::Request;

use crate::env::{self, Ctx};
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::{CheckKey, CheckSession};
use crate::{http, objects};

/// Name of the session cookie for `req`: over https `__Host-sb_agent`, which browsers only
/// accept with `Secure`, `Path=/` and no `Domain` — so a page on a sibling subdomain cannot
/// plant a session of its choosing (cookie tossing). Plain http (local development) cannot
/// carry the prefix and uses `sb_agent`.
pub(crate) fn cookie_name(req: &Request) -> &'static str {
    if http::is_https(req) {
        "__Host-sb_agent"
    } else {
        "sb_agent"
    }
}

/// Header carrying the anti-forgery token.
const CSRF_HEADER: &str = "x-csrf-token";

/// How long an unknown key is refused without asking the directory again.
const UNKNOWN_KEY_MS: i64 = 60_000;

/// At most this many unknown keys are remembered; beyond it the memory starts afresh.
const MAX_UNKNOWN_KEYS: usize = 10_000;

thread_local! {
    /// Digests of secrets the directory did not know, with when it said so.
    static UNKNOWN_KEYS: RefCell<HashMap<String, i64>> = RefCell::new(HashMap::new());
}

/// The signed-in agent, from an API key or the session cookie; `unauthorized` without a
/// valid one. For reads and WebSocket handshakes (which check the origin themselves).
pub(crate) async fn authenticate(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    if let Some(secret) = bearer_key(req)? {
        return key_claims(env, &secret).await;
    }
    session(req, env, Stage::SignedIn).await.map(|session| session.claims)
}

/// How far a session must be: fully signed in, or possibly only allowed to set up two-factor
/// sign-in (a site that requires it, an account that has none yet).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Every route but setting up two-factor sign-in, `/agent/me` and signing out.
    SignedIn,
    /// Also a setup-only session.
    SettingUp,
}

/// The agent an API key acts as, when the request carries one (`unauthorized` for an
/// unknown, revoked or expired key); `None` without one.
pub(crate) async fn api_key(req: &Request, env: &Ctx<'_>) -> EdgeResult<Option<AgentClaims>> {
    match bearer_key(req)? {
        Some(secret) => key_claims(env, &secret).await.map(Some),
        None => Ok(None),
    }
}

/// The signed-in agent, for a request that changes something: with an API key, or from the
/// console's own origin carrying the session's anti-forgery token (`forbidden` otherwise).
pub(crate) async fn authenticate_change(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    if let Some(secret) = bearer_key(req)? {
        return key_claims(env, &secret).await;
    }
    console_change(req, env, Stage::SignedIn).await
}

/// A change made from the console with its session cookie (never an API key: `forbidden`),
/// at `stage`: its own origin, its anti-forgery token.
pub(crate) async fn console_change(req: &Request, env: &Ctx<'_>, stage: Stage) -> EdgeResult<AgentClaims> {
    if bearer_key(req)?.is_some() {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "API keys cannot do this: sign in to the console",
        ));
    }
    http::require_same_origin(req)?;
    let Session { claims, cookie, .. } = session(req, env, stage).await?;
    let given = req.headers().get(CSRF_HEADER)?.unwrap_or_default();
    if !token::csrf_matches(&cookie, &given, &env::signing_key(env)?) {
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

/// Like [`authenticate_admin`], for the deployment's owner.
pub(crate) async fn authenticate_owner(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    let claims = authenticate_admin(req, env).await?;
    require_owner(&claims, env)?;
    Ok(claims)
}

/// Like [`authenticate_owner`], for reads.
pub(crate) async fn authenticate_owner_read(req: &Request, env: &Ctx<'_>) -> EdgeResult<AgentClaims> {
    let claims = authenticate_admin_read(req, env).await?;
    require_owner(&claims, env)?;
    Ok(claims)
}

/// Whether `claims` are the deployment owner's: the account `BOOTSTRAP_ADMIN_EMAIL` names.
pub(crate) fn is_owner(claims: &AgentClaims, env: &Ctx<'_>) -> bool {
    let bootstrap = env::bootstrap(env);
    accounts::is_owner(claims, bootstrap.as_ref().map(owner_of))
}

fn require_owner(claims: &AgentClaims, env: &Ctx<'_>) -> EdgeResult<()> {
    let bootstrap = env::bootstrap(env);
    Ok(accounts::require_owner(claims, bootstrap.as_ref().map(owner_of))?)
}

fn owner_of(bootstrap: &switchboard_core::site::Bootstrap) -> DeploymentOwner<'_> {
    DeploymentOwner { site: &bootstrap.site.id, email: &bootstrap.admin_email }
}

/// The signed-in agent (also a setup-only session), the cookie's value (its anti-forgery
/// token derives from it) and whether the account has two-factor sign-in; with an API key's
/// holder instead when the request carries a key (then no cookie value).
pub(crate) async fn signed_in(
    req: &Request,
    env: &Ctx<'_>,
) -> EdgeResult<(AgentClaims, Option<String>, bool)> {
    match bearer_key(req)? {
        Some(secret) => Ok((key_claims(env, &secret).await?, None, false)),
        None => session(req, env, Stage::SettingUp)
            .await
            .map(|session| (session.claims, Some(session.cookie), session.two_factor)),
    }
}

/// A console session, checked against its account.
struct Session {
    /// The cookie's claims, with the account's name, role and site as they are now.
    claims: AgentClaims,
    /// The cookie's value.
    cookie: String,
    /// Whether the account has two-factor sign-in on.
    two_factor: bool,
}

/// The session cookie's claims, as the account is now, and its value; `unauthorized`
/// without a valid one, or when the account is gone or signed out everywhere since;
/// `forbidden` for a setup-only session unless `stage` allows it.
async fn session(req: &Request, env: &Ctx<'_>, stage: Stage) -> EdgeResult<Session> {
    let value = http::cookie(req, cookie_name(req))?
        .ok_or_else(|| EdgeError::refuse(ErrorCode::Unauthorized, "sign in to the console first"))?;
    let claims: AgentClaims = token::verify(&value, &env::signing_key(env)?, env.now).map_err(|e| {
        EdgeError::refuse(
            ErrorCode::Unauthorized,
            format!("the console session is not valid ({e}); sign in again"),
        )
    })?;
    let check = CheckSession { agent: claims.agent.clone(), version: claims.ver };
    let account = objects::send(env, &(), &check).await?;
    if claims.setup_only && stage == Stage::SignedIn {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "your team requires two-factor sign-in: set it up first (POST /api/v1/agent/two-factor/setup)",
        ));
    }
    let claims = AgentClaims {
        name: account.name,
        email: account.email,
        role: account.role,
        site: account.site_id,
        ..claims
    };
    env.authenticated_for(&claims.site);
    Ok(Session { claims, cookie: value, two_factor: account.two_factor })
}

/// The API key secret in the request's `Authorization` header, if it carries one.
fn bearer_key(req: &Request) -> EdgeResult<Option<String>> {
    let header = req.headers().get("authorization")?.unwrap_or_default();
    Ok(header.strip_prefix("Bearer ").filter(|secret| secret.starts_with(KEY_PREFIX)).map(str::to_owned))
}

/// The agent credential the request carries — an API key's secret, else the console
/// session cookie's value — unchecked (for keying what belongs to it, as idempotency does).
pub(crate) fn credential(req: &Request) -> EdgeResult<Option<String>> {
    match bearer_key(req)? {
        Some(secret) => Ok(Some(secret)),
        None => http::cookie(req, cookie_name(req)),
    }
}

/// Whether the request is made with an API key rather than a console session.
pub(crate) fn uses_api_key(req: &Request) -> EdgeResult<bool> {
    Ok(bearer_key(req)?.is_some())
}

/// Who the key `secret` acts as (`unauthorized` for an unknown, revoked or expired key).
async fn key_claims(env: &Ctx<'_>, secret: &str) -> EdgeResult<AgentClaims> {
    let unknown = || EdgeError::refuse(ErrorCode::Unauthorized, "unknown, revoked or expired API key");
    if !accounts::is_api_key_shaped(secret) {
        return Err(unknown());
    }
    let digest = accounts::secret_digest(secret);
    let now = env.now;
    if UNKNOWN_KEYS.with_borrow(|keys| keys.get(&digest).is_some_and(|at| now - at < UNKNOWN_KEY_MS)) {
        return Err(unknown());
    }
    let holder = match objects::send(env, &(), &CheckKey { secret: secret.to_owned() }).await {
        Err(EdgeError::Refused(error)) if error.code == ErrorCode::Unauthorized => {
            UNKNOWN_KEYS.with_borrow_mut(|keys| {
                if keys.len() >= MAX_UNKNOWN_KEYS {
                    keys.clear();
                }
                keys.insert(digest, now);
            });
            return Err(error.into());
        }
        other => other?,
    };
    key_scopes::check(&holder.scopes, env.need)?;
    env.authenticated_for(&holder.site);
    Ok(AgentClaims {
        agent: holder.id,
        site: holder.site,
        name: holder.name,
        email: String::new(),
        role: holder.role,
        ver: 0,
        setup_only: false,
        // Sockets opened with the key close when it expires.
        exp: holder.expires_at.unwrap_or(i64::MAX),
    })
}
