//! API keys: `GET`/`POST /api/v1/api-keys`, `DELETE /api/v1/api-keys/{id}` (admins), and
//! checking the `Authorization: Bearer sbk_…` a script sends instead of a session cookie.
//!
//! A checked key is remembered by this isolate for [`FRESH_FOR_MS`], so a script's burst of
//! requests costs one directory lookup; a revoked key stops working within that time.

use std::cell::RefCell;
use std::collections::HashMap;

use switchboard_core::token::AgentClaims;
use switchboard_protocol::api::api_keys::{CreateRequest, KEY_PREFIX};
use switchboard_protocol::{AgentId, ErrorCode};
use worker::{Request, Response};

use crate::agent_sessions::{authenticate_admin, authenticate_admin_read};
use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::{CheckKey, CreateKey, KeyHolder, ListKeys, RevokeKey};
use crate::{http, objects};

/// How long a checked key is trusted without asking the directory again.
pub const FRESH_FOR_MS: i64 = 5_000;

/// At most this many keys are remembered; beyond it the memory starts afresh.
const MAX_KEYS: usize = 1_000;

thread_local! {
    static CHECKED: RefCell<HashMap<String, (i64, KeyHolder)>> = RefCell::new(HashMap::new());
}

/// The API key secret in the request's `Authorization` header, if it carries one.
pub fn bearer_key(req: &Request) -> EdgeResult<Option<String>> {
    let header = req.headers().get("authorization")?.unwrap_or_default();
    Ok(header.strip_prefix("Bearer ").filter(|secret| secret.starts_with(KEY_PREFIX)).map(str::to_owned))
}

/// Who the key `secret` acts as (`unauthorized` for an unknown or revoked key).
pub async fn claims(env: &Ctx<'_>, secret: &str) -> EdgeResult<AgentClaims> {
    let now = env.now;
    let remembered = CHECKED.with_borrow(|checked| {
        checked.get(secret).filter(|(at, _)| now - at < FRESH_FOR_MS).map(|(_, holder)| holder.clone())
    });
    let holder = match remembered {
        Some(holder) => holder,
        None => {
            let holder = objects::send(env, &(), &CheckKey { secret: secret.to_owned() }).await?;
            CHECKED.with_borrow_mut(|checked| {
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
        exp: now + FRESH_FOR_MS,
    })
}

/// The site's keys.
pub async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin_read(req, env).await?;
    http::json(200, &objects::send(env, &(), &ListKeys { site: admin.site }).await?)
}

/// Makes a key; its secret is in this answer only.
pub async fn create(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let request: CreateRequest = http::read_json(&mut req).await?;
    http::json(201, &objects::send(env, &(), &CreateKey { site: admin.site, request }).await?)
}

/// Revokes a key.
pub async fn revoke(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin(req, env).await?;
    let id = AgentId::parse(id).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such API key"))?;
    objects::send(env, &(), &RevokeKey { site: admin.site, id }).await?;
    // This isolate forgets it at once; others within FRESH_FOR_MS.
    CHECKED.with_borrow_mut(|checked| checked.clear());
    http::no_content()
}
