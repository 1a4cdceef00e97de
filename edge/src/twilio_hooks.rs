//! Twilio's webhooks (SMS and WhatsApp): `POST /api/v1/channels/twilio/{site}/messages`
//! ("A message comes in", set on each of the site's numbers) and `POST
//! /api/v1/channels/twilio/{site}/status` (the status callback our replies name). Each is
//! verified before anything else happens: an unknown site is `404` (no object starts), a
//! request without Twilio's signature over this exact URL and its fields
//! (`core::channels::twilio::is_genuine`, keyed with `TWILIO_AUTH_TOKEN`) is `403` and
//! stores nothing. A verified message goes to its customer's line (`objects/thread/`), which
//! stores it once in their conversation; Twilio gets an empty TwiML answer (our replies go
//! through the Messages API, not the answer).

use switchboard_core::channels::{form, thread, twilio};
use switchboard_protocol::channels::Thread;
use switchboard_protocol::{ErrorCode, SiteId};
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::thread::calls::{Arrived, StatusReport};
use crate::{http, known_sites, objects, site_cache};

/// Twilio's posts are a few fields; anything this large is not one.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// A customer's message.
pub(crate) async fn message(mut req: Request, env: &Ctx<'_>, site: &str) -> EdgeResult<Response> {
    let (site, fields) = verified(&mut req, env, site).await?;
    let inbound = twilio::inbound(&fields)?;
    let config = site_cache::config(env, &site, env.now).await?;
    let Some(identity) = thread::identity(&config.channels, inbound.channel, &inbound.to) else {
        let error =
            format!("To: {} is not one of this site's numbers (PATCH /api/v1/site channels)", inbound.to);
        return Err(EdgeError::refuse(ErrorCode::NotFound, error));
    };
    let own = req.url()?;
    let status_callback =
        format!("{}/api/v1/channels/twilio/{site}/status", own.origin().ascii_serialization());
    let thread = Thread { channel: inbound.channel, ours: inbound.to, theirs: inbound.from };
    let call = Arrived {
        site: site.clone(),
        thread: thread.clone(),
        provider_id: inbound.sid,
        text: inbound.body,
        media: inbound.media,
        profile_name: inbound.profile_name,
        handler: identity.handler.clone(),
        status_callback,
        email: None,
        original: None,
    };
    objects::send(env, &(site, thread), &call).await?;
    twiml()
}

/// A status report on one of our replies.
pub(crate) async fn status(mut req: Request, env: &Ctx<'_>, site: &str) -> EdgeResult<Response> {
    let (site, fields) = verified(&mut req, env, site).await?;
    let update = twilio::status_update(&fields)?;
    // Ours is `From`, the customer's `To`: the line the reply went along.
    let field = |name: &str| form::field(&fields, name).unwrap_or_default();
    let (channel, ours) = twilio::address(field("From"))?;
    let (_, theirs) = twilio::address(field("To")).map_err(|e| e.at_field("To"))?;
    let call = StatusReport { provider_id: update.sid, status: update.status, error_code: update.error_code };
    objects::send(env, &(site, Thread { channel, ours, theirs }), &call).await?;
    twiml()
}

/// The site and the form fields of a request Twilio signed; refused otherwise.
async fn verified(
    req: &mut Request,
    env: &Ctx<'_>,
    site: &str,
) -> EdgeResult<(SiteId, Vec<(String, String)>)> {
    let site = SiteId::parse(site).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such site"))?;
    known_sites::check(env, &site, env.now).await?;
    let token = env.secret("TWILIO_AUTH_TOKEN").map(|s| s.to_string()).ok().filter(|s| !s.is_empty());
    let Some(token) = token else {
        let error = "this deployment has no Twilio account (TWILIO_AUTH_TOKEN)";
        return Err(EdgeError::refuse(ErrorCode::NotFound, error));
    };
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    if !content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err(EdgeError::refuse(
            ErrorCode::BadRequest,
            "Twilio posts application/x-www-form-urlencoded",
        ));
    }
    let too_large = || {
        EdgeError::refuse(
            ErrorCode::BodyTooLarge,
            format!("Twilio's posts are at most {MAX_FORM_BYTES} bytes"),
        )
    };
    let body = http::read_capped(req, MAX_FORM_BYTES, too_large).await?;
    let fields = form::parse(&String::from_utf8_lossy(&body));
    let signature = req.headers().get(twilio::SIGNATURE_HEADER)?;
    if !twilio::is_genuine(&token, req.url()?.as_ref(), &fields, signature.as_deref()) {
        let error = "X-Twilio-Signature is missing or is not Twilio's signature of this request";
        return Err(EdgeError::refuse(ErrorCode::Forbidden, error));
    }
    Ok((site, fields))
}

/// The answer Twilio expects: TwiML that does nothing more.
fn twiml() -> EdgeResult<Response> {
    let mut response = Response::ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>")?;
    response.headers_mut().set("content-type", "text/xml; charset=utf-8")?;
    Ok(response)
}
