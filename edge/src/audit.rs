//! The audit log: recording what someone did to a site's accounts, keys, settings and
//! visitors ([`record`], called by each route once its change is done), and reading it
//! (`GET /api/v1/audit-log`, admins). Entries live in the site's audit object; the rules
//! (pages, retention, how a settings change reads) are `core::audit`'s.

use switchboard_core::audit;
use switchboard_core::token::AgentClaims;
use switchboard_protocol::api::agent_me;
use switchboard_protocol::api::audit_log::{Action, Actor};
use switchboard_protocol::SiteId;
use worker::{Request, Response};

use crate::auth::{self, authenticate_admin_read};
use crate::env::Ctx;
use crate::error::EdgeResult;
use crate::objects::audit::calls::{List, Record};
use crate::{http, objects};

/// What was done, to whom or what, with more to say.
pub(crate) struct Done {
    /// The action.
    pub action: Action,
    /// Its target (an account's email or id, a key's name, a visitor's id).
    pub target: Option<String>,
    /// Its detail.
    pub detail: Option<String>,
}

impl Done {
    /// `action`, with no target.
    pub(crate) fn new(action: Action) -> Self {
        Done { action, target: None, detail: None }
    }

    /// `action` to `target`.
    pub(crate) fn to(action: Action, target: impl Into<String>) -> Self {
        Done { action, target: Some(target.into()), detail: None }
    }
}

/// Records that `claims` (signed in for `req`: a console session or a key) did `done` on
/// `site`'s log. The change is made already, so a log that cannot be reached is reported
/// in the worker's log rather than turned into an error for the caller.
pub(crate) async fn record(env: &Ctx<'_>, req: &Request, site: &SiteId, claims: &AgentClaims, done: Done) {
    let actor = Actor {
        id: Some(claims.agent.as_str().to_owned()),
        name: claims.name.clone(),
        api_key: auth::uses_api_key(req).unwrap_or(false),
    };
    record_as(env, site, actor, http::client_address(req).ok(), done).await;
}

/// The actor an account is (for what it does while signing in, before it has a session).
pub(crate) fn account(agent: &agent_me::Response) -> Actor {
    Actor { id: Some(agent.id.as_str().to_owned()), name: agent.name.clone(), api_key: false }
}

/// Records `done` by `actor` from `address` on `site`'s log (see [`record`]).
pub(crate) async fn record_as(
    env: &worker::Env,
    site: &SiteId,
    actor: Actor,
    address: Option<String>,
    done: Done,
) {
    let Done { action, target, detail } = done;
    let call = Record { actor, action, target, address, detail };
    if let Err(error) = objects::send(env, site, &call).await {
        worker::console_error!("audit log of {site}: {error:?}");
    }
}

/// `GET /api/v1/audit-log`: a page of the admin's site's log, newest first.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin_read(req, env).await?;
    let limit = audit::page_limit(http::query(req, "limit")?.as_deref())?;
    let before = audit::cursor(http::query(req, "before")?.as_deref())?;
    http::json(200, &objects::send(env, &admin.site, &List { before, limit }).await?)
}
