//! Canned responses: `GET`/`POST /api/v1/canned-responses`,
//! `DELETE /api/v1/canned-responses/{shortcut}`. Any agent reads them; admins change them.
//! Stored in the site's object.

use switchboard_protocol::api::canned_responses::CannedResponse;
use worker::{Request, Response};

use crate::auth::{authenticate, authenticate_admin};
use crate::env::Ctx;
use crate::error::EdgeResult;
use crate::objects::site::calls::{ListCanned, RemoveCanned, SaveCanned};
use crate::{http, objects};

/// The site's canned responses.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = authenticate(req, env).await?;
    http::json(200, &objects::send(env, &agent.site, &ListCanned).await?)
}

/// Adds or replaces one.
pub(crate) async fn save(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let entry: CannedResponse = http::read_json(&mut req).await?;
    let entry = switchboard_core::canned::validate(entry)?;
    objects::send(env, &admin.site, &SaveCanned { entry: entry.clone() }).await?;
    http::json(201, &entry)
}

/// Removes one.
pub(crate) async fn remove(req: &Request, env: &Ctx<'_>, shortcut: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin(req, env).await?;
    objects::send(env, &admin.site, &RemoveCanned { shortcut: shortcut.to_lowercase() }).await?;
    http::no_content()
}
