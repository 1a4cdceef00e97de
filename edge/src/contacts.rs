//! Contacts over REST (any agent; API keys need the `contacts` scope, or `read` to read):
//! `GET`/`POST /api/v1/contacts`, `GET`/`PATCH /api/v1/contacts/{id}`,
//! `POST /api/v1/contacts/{id}/merge`, and the attribute definitions at
//! `GET`/`PUT /api/v1/contact-attributes` (admins change them). Stored in the site's object
//! ([`crate::objects::site`]); the rules are `core::contacts`'.

use switchboard_core::{contacts, recency_cursor};
use switchboard_protocol::api::audit_log::Action;
use switchboard_protocol::api::contacts::{AttributeDefinitions, CreateRequest, MergeRequest, UpdateRequest};
use switchboard_protocol::{ApiError, ErrorCode};
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::auth::{authenticate, authenticate_admin, authenticate_change};
use crate::env::{self, Ctx};
use crate::error::{EdgeError, EdgeResult};
use crate::objects::site::calls::{
    CreateContact, GetContact, GetContactAttributes, ListContacts, MergeContacts, SetContactAttributes,
    UpdateContact,
};
use crate::{http, objects};

/// Most contacts one page lists.
const MAX_PAGE: u32 = 200;

fn checked_id(id: &str) -> EdgeResult<&str> {
    if contacts::is_id(id) {
        Ok(id)
    } else {
        Err(EdgeError::refuse(ErrorCode::NotFound, "no such contact"))
    }
}

fn bad(field: &str, message: &str) -> EdgeError {
    ApiError::new(ErrorCode::BadRequest, format!("{field}: {message}")).at_field(field).into()
}

/// A page of contacts, optionally matching `q`.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = authenticate(req, env).await?;
    let needle = match http::query(req, "q")? {
        Some(typed) if !typed.trim().is_empty() => {
            Some(contacts::needle(&typed).ok_or_else(|| bad("q", "at most 200 characters"))?)
        }
        _ => None,
    };
    let limit = match http::query(req, "limit")? {
        None => 50,
        Some(text) => text
            .parse()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| bad("limit", "a number from 1 to 200"))?,
    };
    let before = match http::query(req, "cursor")? {
        None => None,
        Some(cursor) => Some(recency_cursor::decode(&cursor)?),
    };
    http::json(200, &objects::send(env, &agent.site, &ListContacts { needle, before, limit }).await?)
}

/// One contact and their conversations.
pub(crate) async fn get(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = authenticate(req, env).await?;
    let call = GetContact { id: checked_id(id)?.to_owned() };
    http::json(200, &objects::send(env, &agent.site, &call).await?)
}

/// Makes a contact.
pub(crate) async fn create(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = authenticate_change(&req, env).await?;
    let request: CreateRequest = http::read_json(&mut req).await?;
    let call = CreateContact { id: contacts::new_id(env::random_bytes()?), request };
    http::json(201, &objects::send(env, &agent.site, &call).await?)
}

/// Changes a contact.
pub(crate) async fn update(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = authenticate_change(&req, env).await?;
    let id = checked_id(id)?.to_owned();
    let change: UpdateRequest = http::read_json(&mut req).await?;
    http::json(200, &objects::send(env, &agent.site, &UpdateContact { id, change }).await?)
}

/// Merges another contact into this one.
pub(crate) async fn merge(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = authenticate_change(&req, env).await?;
    let into = checked_id(id)?.to_owned();
    let request: MergeRequest = http::read_json(&mut req).await?;
    if !contacts::is_id(&request.from) {
        return Err(bad("from", "a contact id (ctc_…)"));
    }
    let call = MergeContacts { into: into.clone(), from: request.from.clone(), by: agent.name.clone() };
    let merged = objects::send(env, &agent.site, &call).await?;
    let done = Done { action: Action::ContactsMerged, target: Some(into), detail: Some(request.from) };
    audit::record(env, &req, &agent.site, &agent, done).await;
    http::json(200, &merged)
}

/// The site's attribute definitions.
pub(crate) async fn attributes(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = authenticate(req, env).await?;
    http::json(200, &objects::send(env, &agent.site, &GetContactAttributes).await?)
}

/// Replaces them (admins).
pub(crate) async fn set_attributes(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let definitions: AttributeDefinitions = http::read_json(&mut req).await?;
    let saved = objects::send(env, &admin.site, &SetContactAttributes { definitions }).await?;
    audit::record(
        env,
        &req,
        &admin.site,
        &admin,
        Done { action: Action::SettingsChanged, target: None, detail: Some("contact attributes".into()) },
    )
    .await;
    http::json(200, &saved)
}
