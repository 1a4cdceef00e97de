//! `GET /api/v1/sites` and `POST /api/v1/sites`: the deployment's sites, for its owners
//! (admins of the bootstrap site). A new site's id is reserved in the directory, then its
//! object stores its configuration (the default flow: straight to the `support` queue).

use switchboard_core::origin::AllowedOrigins;
use switchboard_core::site::SiteConfig;
use switchboard_protocol::api::audit_log::Action;
use switchboard_protocol::api::site_settings::Appearance;
use switchboard_protocol::api::sites::{CreateRequest, SiteEntry};
use switchboard_protocol::interceptors::default_interceptors;
use switchboard_protocol::ErrorCode;
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::auth::{authenticate_owner, authenticate_owner_read};
use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::directory::calls::{ListSites, RegisterSite};
use crate::objects::site::calls::CreateSite;
use crate::{http, known_sites, objects};

/// Every site.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    authenticate_owner_read(req, env).await?;
    http::json(200, &objects::send(env, &(), &ListSites).await?)
}

/// Creates a site.
pub(crate) async fn create(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let owner = authenticate_owner(&req, env).await?;
    let request: CreateRequest = http::read_json(&mut req).await?;
    let name = switchboard_core::accounts::name(&request.name, "the site")?;
    AllowedOrigins::parse(&request.allowed_origins)
        .map_err(|e| EdgeError::refuse(ErrorCode::BadRequest, e.to_string()))?;
    let entry = SiteEntry { id: request.id.clone(), name: name.clone() };
    objects::send(env, &(), &RegisterSite { entry }).await?;
    known_sites::remember(&request.id);
    let config = SiteConfig {
        id: request.id,
        name,
        allowed_origins: request.allowed_origins,
        flow: Default::default(),
        appearance: Appearance::default(),
        flow_edited: false,
        identity_edited: false,
        blocks: Vec::new(),
        identity_secret: None,
        prechat: Vec::new(),
        avatars: Default::default(),
        session_limits: None,
        two_factor_policy: Default::default(),
        retention_days: None,
        interceptors: default_interceptors(),
        channels: Vec::new(),
        macros: Vec::new(),
        automation_rules: Vec::new(),
        labels: Vec::new(),
        proactive_messages: Vec::new(),
    };
    objects::send(env, &config.id, &CreateSite { config: config.clone() }).await?;
    audit::record(env, &req, &config.id, &owner, Done::to(Action::SiteCreated, config.id.as_str())).await;
    http::json(201, &crate::site_settings::settings(config)?)
}
