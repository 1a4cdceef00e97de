//! Password reset links (`protocol::api::password_reset`): an admin makes one for a teammate
//! (`POST /api/v1/agents/{id}/password-reset`), who looks it up and chooses a new password
//! (`POST /api/v1/password-resets/lookup`, `/accept`) and is signed in, every other session
//! of theirs ended. The link is emailed to the teammate when the deployment sends email
//! ([`crate::team_email`]). The token travels in bodies only; lookups and accepts are limited
//! per address like invite attempts, and a token not shaped like one reaches no object.

use switchboard_core::email;
use switchboard_protocol::api::audit_log::Action;
use switchboard_protocol::api::password_reset::{AcceptRequest, Created, TokenRequest};
use switchboard_protocol::{AgentId, ErrorCode};
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::auth::authenticate_admin;
use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::{AcceptResetLink, CreateResetLink, ShowResetLink};
use crate::{agent_sessions, http, objects, team, team_email};

/// An admin makes a link for a teammate of their site, also emailed to them when the
/// deployment sends email.
pub(crate) async fn create(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin(req, env).await?;
    let agent = AgentId::parse(id).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such agent"))?;
    let call = CreateResetLink { site: admin.site.clone(), by: admin.agent.clone(), agent };
    let made = objects::send(env, &(), &call).await?;
    let done = Done::to(Action::PasswordResetLinkCreated, made.email.clone());
    audit::record(env, req, &admin.site, &admin, done).await;
    let url = format!("{}/console/#reset={}", http::own_origin(req)?, made.token);
    let emailed = team_email::send(env, &admin.site, &made.email, |site_name| {
        email::team::password_reset(site_name, None, &url, made.expires_at)
    })
    .await;
    let (token, email, expires_at) = (made.token, made.email, made.expires_at);
    http::json(201, &Created { token, url, email, expires_at, emailed })
}

/// Whose link it is (public: the token is the credential).
pub(crate) async fn lookup(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let TokenRequest { token } = http::read_json(&mut req).await?;
    team::admit_invite_attempt(&req, env, &token).await?;
    http::json(200, &objects::send(env, &(), &ShowResetLink { token }).await?)
}

/// The new password: set, every other session and socket of the account ended, and this
/// browser signed in.
pub(crate) async fn accept(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    http::require_same_origin(&req)?;
    let AcceptRequest { token, new_password, code } = http::read_json(&mut req).await?;
    team::admit_invite_attempt(&req, env, &token).await?;
    let call = AcceptResetLink { token, new_password, code, address: http::client_address(&req)? };
    let signed_in = objects::send(env, &(), &call).await?;
    let (site, agent) = (signed_in.agent.site_id.clone(), signed_in.agent.id.clone());
    agent_sessions::end_sockets(env, &site, vec![agent]).await?;
    let done = Done::to(Action::PasswordReset, signed_in.agent.email.clone());
    audit::record_as(env, &site, audit::account(&signed_in.agent), Some(http::client_address(&req)?), done)
        .await;
    agent_sessions::start_session(&req, env, signed_in).await
}
