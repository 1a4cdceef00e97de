//! The signed-in agent's email digest setting (`protocol::api::agent_email_digest`), kept by
//! their site's object, which sends the digests (`objects::site::digest`).

use switchboard_protocol::api::agent_email_digest::Setting;
use worker::{Request, Response};

use crate::auth;
use crate::env::Ctx;
use crate::error::EdgeResult;
use crate::objects::site::digest::DigestSetting;
use crate::{http, objects};

/// `GET`: the setting.
pub(crate) async fn get(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let claims = auth::authenticate(req, env).await?;
    let call = DigestSetting { agent: claims.agent, enabled: None };
    http::json(200, &Setting { enabled: objects::send(env, &claims.site, &call).await? })
}

/// `PUT`: changes it.
pub(crate) async fn put(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let claims = auth::authenticate_change(&req, env).await?;
    let Setting { enabled } = http::read_json(&mut req).await?;
    let call = DigestSetting { agent: claims.agent, enabled: Some(enabled) };
    http::json(200, &Setting { enabled: objects::send(env, &claims.site, &call).await? })
}
