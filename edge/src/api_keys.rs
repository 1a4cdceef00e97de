//! API keys: `GET`/`POST /api/v1/api-keys`, `DELETE /api/v1/api-keys/{id}` (admins). Keys
//! are checked, like sessions, in [`crate::auth`].

use switchboard_protocol::api::api_keys::CreateRequest;
use switchboard_protocol::api::audit_log::Action;
use switchboard_protocol::{AgentId, ErrorCode};
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::auth::{authenticate_admin, authenticate_admin_read};
use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::{CreateKey, ListKeys, RevokeKey};
use crate::{agent_sessions, http, objects};

/// The site's keys.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin_read(req, env).await?;
    http::json(200, &objects::send(env, &(), &ListKeys { site: admin.site }).await?)
}

/// Makes a key; its secret is in this answer only.
pub(crate) async fn create(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let request: CreateRequest = http::read_json(&mut req).await?;
    let call = CreateKey { site: admin.site.clone(), by: admin.agent.clone(), request };
    let created = objects::send(env, &(), &call).await?;
    let done = Done::to(Action::ApiKeyCreated, created.key.name.clone());
    audit::record(env, &req, &admin.site, &admin, done).await;
    http::json(201, &created)
}

/// Revokes a key.
pub(crate) async fn revoke(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin(req, env).await?;
    let id = AgentId::parse(id).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such API key"))?;
    objects::send(env, &(), &RevokeKey { site: admin.site.clone(), id: id.clone() }).await?;
    // Requests with it fail from now on; sockets opened with it close now.
    agent_sessions::end_sockets(env, &admin.site, vec![id.clone()]).await?;
    audit::record(env, req, &admin.site, &admin, Done::to(Action::ApiKeyRevoked, id.as_str())).await;
    http::no_content()
}
