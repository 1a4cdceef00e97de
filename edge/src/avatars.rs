//! Agents' photos: `PUT` and `DELETE /api/v1/agents/{id}/avatar` (the agent themself or an
//! admin of their site) and the public `GET /avatars/{site}/{agent}`. The picture lives in the
//! `ATTACHMENTS` bucket under `avatars/`; its version lives in the site's configuration, which
//! turns it into rules of the frame's theme stylesheet (`core::avatar::photo_css`). Checks are
//! in `core::avatar`.

use switchboard_core::token::AgentClaims;
use switchboard_core::{accounts, avatar};
use switchboard_protocol::api::agent_avatar::{self, AVATAR_TYPES, MAX_AVATAR_BYTES};
use switchboard_protocol::{AgentId, ErrorCode, SiteId};
use worker::{Headers, Request, Response};

use crate::auth::authenticate_change;
use crate::env::Ctx;
use crate::env::BUCKET;
use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::directory::calls::ListAgents;
use crate::objects::site::calls::SetAvatar;
use crate::{env, http, site_cache};

/// `PUT /api/v1/agents/{id}/avatar`: stores the picture, then points the site at it.
pub(crate) async fn put(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let (caller, agent) = permitted(&req, env, id).await?;
    let too_large = || {
        EdgeError::refuse(
            ErrorCode::BodyTooLarge,
            format!("photos are limited to {} KiB", MAX_AVATAR_BYTES / 1024),
        )
    };
    let declared = req.headers().get("content-type")?.unwrap_or_default();
    let bytes = http::read_capped(&mut req, MAX_AVATAR_BYTES, too_large).await?;
    let content_type = avatar::check_photo(&declared, &bytes).map_err(EdgeError::Refused)?;
    let http_metadata =
        worker::HttpMetadata { content_type: Some(content_type.into()), ..Default::default() };
    env.bucket(BUCKET)?.put(key(&caller.site, &agent), bytes).http_metadata(http_metadata).execute().await?;
    let version = avatar::new_version(env::random_bytes()?);
    let change =
        SetAvatar { site: caller.site.clone(), agent: agent.clone(), version: Some(version.clone()) };
    site_cache::remember(&objects::send(env, &caller.site, &change).await?, env.now);
    http::json(200, &agent_avatar::Response { url: avatar::photo_url(&caller.site, &agent, &version) })
}

/// `DELETE /api/v1/agents/{id}/avatar`: back to initials.
pub(crate) async fn delete(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let (caller, agent) = permitted(req, env, id).await?;
    forget(env, &caller.site, agent).await?;
    http::no_content()
}

/// Drops `agent`'s photo, if any (also when the account is removed).
pub(crate) async fn forget(env: &Ctx<'_>, site: &SiteId, agent: AgentId) -> EdgeResult<()> {
    env.bucket(BUCKET)?.delete(key(site, &agent)).await?;
    let change = SetAvatar { site: site.clone(), agent, version: None };
    site_cache::remember(&objects::send(env, site, &change).await?, env.now);
    Ok(())
}

/// `GET /avatars/{site}/{agent}`: the picture, public like the names visitors see. Its URLs
/// carry the version, so caches may keep it.
pub(crate) async fn serve(env: &Ctx<'_>, site: &str, agent: &str) -> EdgeResult<Response> {
    let not_found = || EdgeError::refuse(ErrorCode::NotFound, "no such photo");
    let site = SiteId::parse(site).map_err(|_| not_found())?;
    let agent = AgentId::parse(agent).map_err(|_| not_found())?;
    let object = env.bucket(BUCKET)?.get(key(&site, &agent)).execute().await?.ok_or_else(not_found)?;
    let content_type = object.http_metadata().content_type.filter(|t| AVATAR_TYPES.contains(&t.as_str()));
    let bytes = object.body().ok_or_else(not_found)?.bytes().await?;
    let headers = Headers::new();
    headers.set("content-type", content_type.as_deref().unwrap_or("application/octet-stream"))?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("content-security-policy", "default-src 'none'; sandbox")?;
    headers.set("cache-control", "public, max-age=86400")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

/// The caller and the account whose photo they change: their own, or (admins) anyone's on
/// their site.
async fn permitted(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<(AgentClaims, AgentId)> {
    let caller = authenticate_change(req, env).await?;
    let no_such = || EdgeError::refuse(ErrorCode::NotFound, "no such agent on this site");
    let agent = AgentId::parse(id).map_err(|_| no_such())?;
    accounts::require_self_or_admin(&caller, &agent, "photo")?;
    if agent == caller.agent {
        return Ok((caller, agent));
    }
    let team = objects::send(env, &(), &ListAgents { site: caller.site.clone() }).await?;
    if !team.agents.iter().any(|entry| entry.id == agent) {
        return Err(no_such());
    }
    Ok((caller, agent))
}

/// Where `agent`'s photo lives in the bucket (conversations' files live under their ids).
fn key(site: &SiteId, agent: &AgentId) -> String {
    format!("avatars/{site}/{agent}")
}
