//! Team routes: invites (`POST /api/v1/invites`, the link also emailed when the deployment
//! sends email ([`crate::team_email`]), `GET /api/v1/invites/{token}`,
//! `POST /api/v1/invites/{token}/accept`) and accounts (`GET /api/v1/agents`,
//! `DELETE /api/v1/agents/{id}`, which also drops their photo).

use switchboard_core::avatar::photo_url;
use switchboard_core::{accounts, email, session_limits};
use switchboard_protocol::api::audit_log::Action;
use switchboard_protocol::api::{invite_accept, invite_create, invite_show};
use switchboard_protocol::{AgentId, ErrorCode};
use worker::{Request, Response};

use crate::agent_sessions;
use crate::audit::{self, Done};
use crate::auth::{self, authenticate, authenticate_admin};
use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::{AcceptInvite, Invite, ListAgents, RemoveAgent, ShowInvite};
use crate::objects::limiter::calls::AdmitInviteAttempt;
use crate::{avatars, http, objects, site_cache, team_email};

/// An admin invites someone; the answer carries the one-time link, also emailed to them when
/// the deployment sends email.
pub(crate) async fn invite(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let request: invite_create::Request = http::read_json(&mut req).await?;
    let site = match &request.site_id {
        Some(site) if *site != admin.site => {
            if !auth::is_owner(&admin, env) {
                return Err(EdgeError::refuse(ErrorCode::Forbidden, "admins invite only to their own site"));
            }
            // The site must exist (`not_found` otherwise).
            site_cache::config(env, site, env.now).await?;
            site.clone()
        }
        _ => admin.site.clone(),
    };
    let invitee = request.name.clone();
    let invited =
        objects::send(env, &(), &Invite { site: site.clone(), by: admin.agent.clone(), request }).await?;
    audit::record(env, &req, &site, &admin, Done::to(Action::Invited, invited.email.clone())).await;
    let url = format!("{}/console/#invite={}", http::own_origin(&req)?, invited.token);
    let emailed = team_email::send(env, &site, &invited.email, |site_name| {
        email::team::invite(site_name, &admin.name, &invitee, &url, invited.expires_at)
    })
    .await;
    let body = invite_create::Response {
        token: invited.token,
        url,
        email: invited.email,
        expires_at: invited.expires_at,
        emailed,
    };
    http::json(201, &body)
}

/// What an invite is for (public: the token is the credential).
pub(crate) async fn show(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let invite_show::Request { token } = http::read_json(&mut req).await?;
    admit_invite_attempt(&req, env, &token).await?;
    http::json(200, &objects::send(env, &(), &ShowInvite { token }).await?)
}

/// The invited person chooses a password and is signed in.
pub(crate) async fn accept(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    http::require_same_origin(&req)?;
    let request: invite_accept::Request = http::read_json(&mut req).await?;
    admit_invite_attempt(&req, env, &request.token).await?;
    let signed_in = objects::send(env, &(), &AcceptInvite { request }).await?;
    let done = Done::to(Action::InviteAccepted, signed_in.agent.email.clone());
    audit::record_as(
        env,
        &signed_in.agent.site_id,
        audit::account(&signed_in.agent),
        Some(http::client_address(&req)?),
        done,
    )
    .await;
    agent_sessions::start_session(&req, env, signed_in).await
}

/// Public invite (and password reset) routes reach the one directory object: a token that
/// cannot be one is `not_found` here, and each address gets a few tries a minute (counted by
/// the limiter shard of its address), so made-up tokens cannot keep the directory busy.
pub(crate) async fn admit_invite_attempt(req: &Request, env: &Ctx<'_>, token: &str) -> EdgeResult<()> {
    if !accounts::is_invite_token_shaped(token) {
        return Err(EdgeError::refuse(ErrorCode::NotFound, "no such invite"));
    }
    let address = http::client_address(req)?;
    objects::send(env, &session_limits::shard_of(&address), &AdmitInviteAttempt { address }).await
}

/// The accounts of the caller's site.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = authenticate(req, env).await?;
    let mut team = objects::send(env, &(), &ListAgents { site: agent.site.clone() }).await?;
    let config = site_cache::config(env, &agent.site, env.now).await?;
    for entry in &mut team.agents {
        entry.avatar = config.avatars.get(&entry.id).map(|version| photo_url(&config.id, &entry.id, version));
    }
    team.queues = config.flow.queues.into_iter().map(|q| q.id).collect();
    http::json(200, &team)
}

/// An admin removes an account of their site.
pub(crate) async fn remove(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin(req, env).await?;
    let agent = AgentId::parse(id).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such agent"))?;
    let call = RemoveAgent { site: admin.site.clone(), by: admin.agent.clone(), agent };
    let mut ended = objects::send(env, &(), &call).await?;
    // Its sessions and the keys it made already fail every request; their sockets close now.
    ended.push(call.agent.clone());
    agent_sessions::end_sockets(env, &call.site, ended).await?;
    // Their photo goes with them (visitors' old conversations show initials again).
    let done = Done::to(Action::AccountRemoved, call.agent.as_str());
    avatars::forget(env, &call.site, call.agent).await?;
    audit::record(env, req, &call.site, &admin, done).await;
    http::no_content()
}
