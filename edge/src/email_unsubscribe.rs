//! One-click unsubscribe from a site's continuity emails (`protocol::api::email_unsubscribe`):
//! the `List-Unsubscribe` link, signed for one address of one site
//! (`core::email::unsubscribe`). A mail program's one-click `POST` (RFC 8058) stops the address
//! at once; a person opening the link gets a page with a button that does the same `POST` —
//! never a `GET` that stops it, since mail scanners open links.

use switchboard_core::channels::form;
use switchboard_core::email::unsubscribe;
use switchboard_protocol::api::email_unsubscribe::Unsubscribed;
use switchboard_protocol::{ErrorCode, SiteId};
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::site::email::StopEmail;
use crate::{email_send, http, known_sites, objects};

/// The address and its token, checked for `site`.
async fn checked(req: &Request, env: &Ctx<'_>, site: &str) -> EdgeResult<(SiteId, String, String)> {
    let not_found = || EdgeError::refuse(ErrorCode::NotFound, "no such site");
    let site = SiteId::parse(site).map_err(|_| not_found())?;
    known_sites::check(env, &site, env.now).await?;
    let url = req.url()?;
    let query = form::parse(url.query().unwrap_or_default());
    let address = form::field(&query, "address").unwrap_or_default().trim().to_lowercase();
    let token = form::field(&query, "token").unwrap_or_default().to_owned();
    let key = email_send::signing_key(env).ok_or_else(not_found)?;
    if address.is_empty() || !unsubscribe::verify(&key, &site, &address, &token) {
        return Err(EdgeError::refuse(ErrorCode::Forbidden, "this unsubscribe link is not valid"));
    }
    Ok((site, address, token))
}

/// `POST`: the address gets no more of the site's emails.
pub(crate) async fn stop(req: Request, env: &Ctx<'_>, site: &str) -> EdgeResult<Response> {
    let (site, address, _) = checked(&req, env, site).await?;
    let call = StopEmail { site: site.clone(), address: address.clone(), reason: "unsubscribed".into() };
    objects::send(env, &site, &call).await?;
    http::json(200, &Unsubscribed { address })
}

/// `GET`: a page asking to confirm (its button posts back here).
pub(crate) async fn page(req: Request, env: &Ctx<'_>, site: &str) -> EdgeResult<Response> {
    let (_, address, _) = checked(&req, env, site).await?;
    let escape = switchboard_core::email::continuity::escape;
    let action = escape(req.url()?.as_ref());
    let html = format!(
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
         <title>Unsubscribe</title><body style=\"font-family:system-ui;max-width:32rem;margin:3rem auto\">\
         <h1>Unsubscribe</h1><p>Stop emails about your conversations to <strong>{}</strong>?</p>\
         <form method=post action=\"{action}\"><button>Unsubscribe</button></form>",
        escape(&address)
    );
    let mut response = Response::from_html(html)?;
    response.headers_mut().set("cache-control", "no-store")?;
    Ok(response)
}
