//! `GET /api/v1/site` and `PATCH /api/v1/site`: the signed-in agent's site — name, allowed
//! origins, the widget's colour and greeting. Admins change it; the change is checked in
//! `core::appearance` and stored by the site's object.

use switchboard_core::proactive;
use switchboard_core::site::SiteConfig;
use switchboard_protocol::api::site_settings::{Patch, Response as Settings};
use switchboard_protocol::limits::MAX_SETTINGS_BODY_BYTES;
use switchboard_protocol::AgentId;
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::auth::{authenticate, authenticate_admin};
use crate::env::Ctx;
use crate::error::EdgeResult;
use crate::objects::directory::calls::ListAgents;
use crate::objects::site::calls::UpdateConfig;
use crate::{http, objects, site_cache};

/// The agent's site.
pub(crate) async fn show(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = authenticate(req, env).await?;
    let config = site_cache::config(env, &agent.site, env.now).await?;
    http::json(200, &settings(config.seen_by(agent.role))?)
}

/// An admin changes it.
pub(crate) async fn update(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let patch: Patch = http::read_json_within(&mut req, MAX_SETTINGS_BODY_BYTES).await?;
    // A proactive message speaks for an agent of the site only.
    if let Some(messages) = patch.proactive_messages.as_deref().filter(|m| proactive::names_agents(m)) {
        let team = objects::send(env, &(), &ListAgents { site: admin.site.clone() }).await?;
        let ids: Vec<AgentId> = team.agents.into_iter().map(|agent| agent.id).collect();
        proactive::senders_checked(messages, &ids)?;
    }
    let changes = switchboard_core::audit::settings_changes(&patch);
    let config = objects::send(env, &admin.site, &UpdateConfig { site: admin.site.clone(), patch }).await?;
    site_cache::remember(&config, env.now);
    for (action, detail) in changes {
        audit::record(env, &req, &admin.site, &admin, Done { action, target: None, detail }).await;
    }
    http::json(200, &settings(config)?)
}

/// The settings as answered (`GET`, `PATCH`, and a new site's `POST /api/v1/sites`).
pub(crate) fn settings(config: SiteConfig) -> EdgeResult<Settings> {
    Ok(Settings {
        flow: serde_json::to_value(&config.flow)?,
        id: config.id,
        name: config.name,
        allowed_origins: config.allowed_origins,
        appearance: config.appearance,
        identity_secret: config.identity_secret,
        prechat: serde_json::to_value(&config.prechat)?,
        session_limits: config.session_limits,
        two_factor_policy: config.two_factor_policy,
        retention_days: config.retention_days,
        interceptors: config.interceptors,
        channels: config.channels,
        macros: config.macros,
        automation_rules: config.automation_rules,
        labels: config.labels,
        proactive_messages: config.proactive_messages,
    })
}
