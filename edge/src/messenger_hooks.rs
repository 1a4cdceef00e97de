//! Facebook Messenger's webhook, `…/api/v1/channels/messenger/{site}` (the Meta app's
//! callback URL): `GET` is the verification handshake (the challenge echoed when
//! `hub.verify_token` is the deployment's `MESSENGER_VERIFY_TOKEN`, else `403`); `POST` is a
//! delivery, verified before anything else against `X-Hub-Signature-256` keyed with
//! `MESSENGER_APP_SECRET` (`403`, nothing stored). Each event for one of the site's pages goes
//! to its customer's line (`objects/thread/`): messages and buttons are stored once by their
//! `mid`, delivery and read watermarks move our messages' statuses. Events for pages the site
//! does not list are skipped (Meta retries whatever is not answered `200`).

use switchboard_core::channels::messenger::{self, What};
use switchboard_core::channels::{thread, twilio};
use switchboard_protocol::channels::{Channel, Thread};
use switchboard_protocol::{ErrorCode, SiteId};
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::thread::calls::{Arrived, Watermark};
use crate::{http, known_sites, objects, site_cache};

/// A delivery batches a few events; anything this large is not one.
const MAX_BODY_BYTES: usize = 256 * 1024;

fn secret(env: &Ctx<'_>, name: &str) -> Option<String> {
    env.secret(name).map(|s| s.to_string()).ok().filter(|s| !s.is_empty())
}

async fn site(env: &Ctx<'_>, site: &str) -> EdgeResult<SiteId> {
    let site = SiteId::parse(site).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such site"))?;
    known_sites::check(env, &site, env.now).await?;
    Ok(site)
}

/// The verification handshake.
pub(crate) async fn verify(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    site(env, id).await?;
    let token = secret(env, "MESSENGER_VERIFY_TOKEN").unwrap_or_default();
    let url = req.url()?;
    let query: Vec<(String, String)> =
        url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    match messenger::challenge(&query, &token) {
        Some(challenge) => Ok(Response::ok(challenge)?),
        None => Err(EdgeError::refuse(ErrorCode::Forbidden, "hub.verify_token is not this deployment's")),
    }
}

/// A delivery of events.
pub(crate) async fn deliver(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let site = site(env, id).await?;
    let Some(app_secret) = secret(env, "MESSENGER_APP_SECRET") else {
        let error = "this deployment has no Messenger app (MESSENGER_APP_SECRET)";
        return Err(EdgeError::refuse(ErrorCode::NotFound, error));
    };
    let too_large = || {
        EdgeError::refuse(ErrorCode::BodyTooLarge, format!("deliveries are at most {MAX_BODY_BYTES} bytes"))
    };
    let body = http::read_capped(&mut req, MAX_BODY_BYTES, too_large).await?;
    let signature = req.headers().get(messenger::SIGNATURE_HEADER)?;
    if !messenger::is_genuine(&app_secret, &body, signature.as_deref()) {
        let error = "X-Hub-Signature-256 is missing or is not Meta's signature of this body";
        return Err(EdgeError::refuse(ErrorCode::Forbidden, error));
    }
    let events = messenger::events(&body)?;
    // Where Meta posts this line's deliveries and reads: the edge's own address, from which
    // the line also links the files it sends.
    let own = format!("{}/api/v1/channels/messenger/{site}", req.url()?.origin().ascii_serialization());
    let identities = site_cache::part(env, &site, env.now, |config| config.channels.clone()).await?;
    for event in events {
        let Some(identity) = thread::identity(&identities, Channel::Messenger, &event.page) else { continue };
        let line = Thread { channel: Channel::Messenger, ours: event.page, theirs: event.customer };
        let key = (site.clone(), line.clone());
        let taken = match event.what {
            What::Message { id, text, files } => {
                let media = files
                    .into_iter()
                    .map(|(url, _)| twilio::Media { url, content_type: String::new() })
                    .collect();
                let call = Arrived {
                    site: site.clone(),
                    thread: line,
                    provider_id: messenger::message_key(&id),
                    text,
                    media,
                    profile_name: None,
                    handler: identity.handler.clone(),
                    status_callback: own.clone(),
                    email: None,
                    original: None,
                };
                objects::send(env, &key, &call).await.map(drop)
            }
            What::Delivered { watermark } => {
                objects::send(env, &key, &Watermark { at: watermark, read: false }).await
            }
            What::Read { watermark } => {
                objects::send(env, &key, &Watermark { at: watermark, read: true }).await
            }
        };
        match taken {
            // One event refused (a text over the conversation's limit): the others still
            // count, and Meta would only deliver the same again.
            Err(EdgeError::Refused(refused)) => {
                worker::console_log!("messenger event refused: {}", refused.message)
            }
            other => other?,
        }
    }
    Ok(Response::ok("EVENT_RECEIVED")?)
}
