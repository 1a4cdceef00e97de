//! Two-factor sign-in's routes (`protocol::api::two_factor`): an agent sets it up, confirms
//! it, gets new recovery codes or turns it off; an admin resets a teammate's. Only a console
//! session does these (an API key has no second step: `403`); setting it up and confirming
//! also work in the setup-only session a site requiring it gives an account without one.
//! The codes are checked, throttled and stored by the Directory; whether the site allows
//! turning it off is `core::two_factor`'s.

use switchboard_core::accounts;
use switchboard_core::two_factor;
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::audit_log::Action;
use switchboard_protocol::api::two_factor::{CodeRequest, ConfirmResponse, RecoveryCodesResponse};
use switchboard_protocol::{AgentId, ErrorCode};
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::auth::{self, Stage};
use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::{
    ConfirmTwoFactor, DisableTwoFactor, NewRecoveryCodes, ResetTwoFactor, StartTwoFactor, TwoFactorCode,
};
use crate::{agent_sessions, http, objects, site_cache};

/// `POST /api/v1/agent/two-factor/setup`: a new secret to put in an authenticator app.
pub(crate) async fn setup(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let claims = auth::console_change(req, env, Stage::SettingUp).await?;
    let answer = objects::send(env, &(), &StartTwoFactor { agent: claims.agent }).await?;
    http::json(200, &answer)
}

/// `POST /api/v1/agent/two-factor/confirm`: the app's first code; on from now, and this
/// browser is signed in afresh (a setup-only session becomes a full one).
pub(crate) async fn confirm(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let claims = auth::console_change(&req, env, Stage::SettingUp).await?;
    let call = ConfirmTwoFactor(code_call(&mut req, claims.agent.clone()).await?);
    let confirmed = objects::send(env, &(), &call).await?;
    audit::record(env, &req, &claims.site, &claims, Done::new(Action::TwoFactorOn)).await;
    let (agent, cookie) = agent_sessions::new_session(env, confirmed.signed_in).await?;
    let reply = http::json(200, &ConfirmResponse { recovery_codes: confirmed.recovery_codes, agent })?;
    agent_sessions::set_session_cookie(&reply, &req, &cookie)?;
    Ok(reply)
}

/// `POST /api/v1/agent/two-factor/recovery-codes`: a new set, after a current code.
pub(crate) async fn recovery_codes(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let claims = auth::console_change(&req, env, Stage::SignedIn).await?;
    let call = NewRecoveryCodes(code_call(&mut req, claims.agent.clone()).await?);
    let recovery_codes = objects::send(env, &(), &call).await?;
    audit::record(env, &req, &claims.site, &claims, Done::new(Action::RecoveryCodesRenewed)).await;
    http::json(200, &RecoveryCodesResponse { recovery_codes })
}

/// `POST /api/v1/agent/two-factor/disable`: off, after a current code, unless the site
/// requires it of this account.
pub(crate) async fn disable(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let claims = auth::console_change(&req, env, Stage::SignedIn).await?;
    let policy = site_cache::config(env, &claims.site, env.now).await?.two_factor_policy;
    two_factor::may_turn_off(policy, claims.role == AgentRole::Admin)?;
    let call = DisableTwoFactor(code_call(&mut req, claims.agent.clone()).await?);
    objects::send(env, &(), &call).await?;
    audit::record(env, &req, &claims.site, &claims, Done::new(Action::TwoFactorOff)).await;
    http::no_content()
}

/// `DELETE /api/v1/agents/{id}/two-factor`: an admin turns a teammate's off; their sessions
/// and sockets end, and they sign in with their password again.
pub(crate) async fn reset(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = auth::authenticate_admin(req, env).await?;
    let agent = AgentId::parse(id).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such agent"))?;
    accounts::require_admin(&admin)?;
    objects::send(env, &(), &ResetTwoFactor { site: admin.site.clone(), agent: agent.clone() }).await?;
    agent_sessions::end_sockets(env, &admin.site, vec![agent.clone()]).await?;
    audit::record(env, req, &admin.site, &admin, Done::to(Action::TwoFactorReset, agent.as_str())).await;
    http::no_content()
}

/// The body's code, for the signed-in `agent`, with the client's address (throttling).
async fn code_call(req: &mut Request, agent: AgentId) -> EdgeResult<TwoFactorCode> {
    let body: CodeRequest = http::read_json(req).await?;
    Ok(TwoFactorCode { agent, code: body.code, address: http::client_address(req)? })
}
