//! Email arriving, by either route the site's mail can take — raw MIME
//! (`POST /api/v1/channels/email/{site}/mime`: a Cloudflare Email Worker, an MTA) or Postmark's
//! webhooks (`POST /api/v1/channels/email/{site}/postmark`: inbound email, and the delivery,
//! bounce and spam-complaint records of ours) — authenticated with the deployment's
//! `EMAIL_INBOUND_SECRET` (as a bearer token, or Basic auth's password, which is how Postmark
//! sends credentials). An email to a conversation's signed reply address joins it as its
//! visitor's message (`core::email::reply_token`, keyed from `SESSION_SECRET`, the previous
//! one during a rotation); one to the site's support address goes to the customer's line
//! (a thread object) and so to their conversation, new or going on. Files are kept under the
//! widget's rules. What a machine sent is stored nowhere; a bounce or complaint stops the
//! address for the site and ticks the message it was about.

use switchboard_core::attachments;
use switchboard_core::channels::thread;
use switchboard_core::email::inbound::{self, InboundEmail};
use switchboard_core::email::{postmark, reply_token};
use switchboard_core::token::{presented_secret, same_secret};
use switchboard_protocol::api::email_inbound::Accepted;
use switchboard_protocol::attachment::MAX_ATTACHMENT_BYTES;
use switchboard_protocol::channels::{Channel, Thread};
use switchboard_protocol::{Author, ClientMessageId, ConversationId, ErrorCode, Seq, SiteId};
use worker::Request;

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::{Attach, ChannelReceipt, EmailReply};
use crate::objects::site::email::StopEmail;
use crate::objects::thread::calls::{Arrived, StatusReport};
use crate::objects::thread::EmailHeaders;
use crate::objects::{call, Participant};
use crate::{http, known_sites, objects, site_cache};

/// An email forwarded as raw MIME.
pub(crate) async fn mime(mut req: Request, env: &Ctx<'_>, site: &str) -> EdgeResult<worker::Response> {
    let site = authorized(&req, env, site).await?;
    let too_large = || EdgeError::refuse(ErrorCode::BodyTooLarge, "an email is at most 25 MB");
    let raw = http::read_capped(&mut req, inbound::MAX_RAW_BYTES, too_large).await?;
    let email = inbound::parse(&raw)?;
    let origin = http::own_origin(&req)?;
    take(env, &site, email, &raw, &origin).await
}

/// One of Postmark's webhooks.
pub(crate) async fn postmark(mut req: Request, env: &Ctx<'_>, site: &str) -> EdgeResult<worker::Response> {
    let site = authorized(&req, env, site).await?;
    let too_large = || EdgeError::refuse(ErrorCode::BodyTooLarge, "a Postmark webhook is at most 35 MB");
    // Postmark's inbound JSON carries files in base64: a third more than the email's 25 MB.
    let body = http::read_capped(&mut req, inbound::MAX_RAW_BYTES / 3 * 4 + 1024 * 1024, too_large).await?;
    let body = String::from_utf8(body)
        .map_err(|_| EdgeError::refuse(ErrorCode::BadRequest, "a Postmark webhook is JSON (UTF-8)"))?;
    match postmark::event(&body)? {
        postmark::Event::Inbound => {
            let origin = http::own_origin(&req)?;
            take(env, &site, postmark::inbound(&body)?, body.as_bytes(), &origin).await
        }
        postmark::Event::Outcome { message_id, recipient, status, stop, metadata } => {
            // Another site's email (one Postmark server, several sites): not this URL's business.
            if metadata.get("site").is_some_and(|named| named != site.as_str()) {
                return http::json(200, &Accepted::default());
            }
            if let Some(reason) = stop {
                let call =
                    StopEmail { site: site.clone(), address: recipient.clone(), reason: reason.into() };
                objects::send(env, &site, &call).await?;
            }
            if let Some(ours) = metadata.get("line") {
                let line = Thread { channel: Channel::Email, ours: ours.clone(), theirs: recipient };
                let report = StatusReport { provider_id: message_id, status, error_code: None };
                objects::send(env, &(site, line), &report).await?;
            }
            http::json(200, &Accepted::default())
        }
        postmark::Event::Other => http::json(200, &Accepted::default()),
    }
}

/// The site named in the path, once the request shows the deployment's inbound secret.
async fn authorized(req: &Request, env: &Ctx<'_>, site: &str) -> EdgeResult<SiteId> {
    let site = SiteId::parse(site).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such site"))?;
    known_sites::check(env, &site, env.now).await?;
    let secret = env.secret("EMAIL_INBOUND_SECRET").map(|s| s.to_string()).unwrap_or_default();
    if secret.is_empty() {
        return Err(EdgeError::refuse(
            ErrorCode::NotFound,
            "this deployment takes no email (EMAIL_INBOUND_SECRET)",
        ));
    }
    let given = req.headers().get("authorization")?.unwrap_or_default();
    if !same_secret(&secret, &presented_secret(&given)) {
        return Err(EdgeError::refuse(
            ErrorCode::Unauthorized,
            "Authorization: Bearer <EMAIL_INBOUND_SECRET> (or Basic auth with it as the password)",
        ));
    }
    Ok(site)
}

/// Where an inbound email goes: a reply to its conversation, or a new email to the support
/// inbox; a machine's email nowhere.
async fn take(
    env: &Ctx<'_>,
    site: &SiteId,
    email: InboundEmail,
    raw: &[u8],
    origin: &str,
) -> EdgeResult<worker::Response> {
    let identities = site_cache::part(env, site, env.now, |config| config.channels.clone()).await?;
    // What a machine sent, or one of our own emails come back: never stored, never answered.
    let own: Vec<String> = identities
        .iter()
        .filter(|identity| identity.channel == Channel::Email)
        .map(|identity| identity.address.clone())
        .chain(env.var("EMAIL_FROM").ok().map(|v| v.to_string()))
        .collect();
    let own: Vec<&str> = own.iter().map(String::as_str).collect();
    let reply_domain = env.var("EMAIL_REPLY_DOMAIN").ok().map(|v| v.to_string());
    if email.automatic || inbound::from_ourselves(&email, &own, reply_domain.as_deref()) {
        return http::json(200, &Accepted { conversation_id: None, automatic: true });
    }
    let client_id = inbound::client_id(&email, raw);
    let (conversation, customer) = match addressed(env, site, &email.to) {
        Ok(conversation) => {
            let call = EmailReply {
                site: site.clone(),
                from_name: email.from_name.clone(),
                from: Some(email.from.clone()),
                client_id: client_id.clone(),
                text: email.text.clone(),
                original: inbound::original(&email),
            };
            let posted = objects::send(env, &conversation, &call).await?;
            (conversation, posted.message.author)
        }
        Err(EdgeError::Refused(refused)) if refused.code == ErrorCode::NotFound => {
            let inbox = email.to.iter().find_map(|to| thread::identity(&identities, Channel::Email, to));
            let Some(inbox) = inbox else { return Err(EdgeError::Refused(refused)) };
            let line =
                Thread { channel: Channel::Email, ours: inbox.address.clone(), theirs: email.from.clone() };
            let call = Arrived {
                site: site.clone(),
                thread: line.clone(),
                provider_id: client_id.as_str().to_owned(),
                text: email.text.clone(),
                original: inbound::original(&email),
                media: Vec::new(),
                profile_name: email.from_name.clone(),
                handler: inbox.handler.clone(),
                status_callback: format!("{origin}/api/v1/channels/email/{site}/postmark"),
                email: Some(EmailHeaders {
                    subject: email.subject.clone(),
                    message_id: email.message_id.clone(),
                    thread_ids: email.thread_ids.clone(),
                }),
            };
            let took = objects::send(env, &(site.clone(), line), &call).await?;
            (took.conversation, took.customer)
        }
        Err(error) => return Err(error),
    };
    keep_files(env, site, &conversation, &customer, &client_id, &email).await?;
    http::json(200, &Accepted { conversation_id: Some(conversation), automatic: false })
}

/// Each file of the email as the customer's upload (checked as the widget's are); one that
/// cannot be kept becomes a note to the team saying why.
async fn keep_files(
    env: &Ctx<'_>,
    site: &SiteId,
    conversation: &ConversationId,
    customer: &Author,
    client_id: &ClientMessageId,
    email: &InboundEmail,
) -> EdgeResult<()> {
    for (n, file) in email.files.iter().enumerate() {
        let kept = async {
            if file.bytes.len() > MAX_ATTACHMENT_BYTES {
                return Err(format!(
                    "{} is larger than {} MB",
                    file.name,
                    MAX_ATTACHMENT_BYTES / 1024 / 1024
                ));
            }
            let content_type = attachments::check(&file.content_type, &file.bytes)
                .map_err(|e| format!("{}: {}", file.name, e.message))?;
            let participant = Participant {
                site: site.clone(),
                author: customer.clone(),
                client: Default::default(),
                expires_at: None,
                born: None,
            };
            let upload = Attach {
                participant,
                client_id: ClientMessageId::parse(format!("{client_id}-{n}")).map_err(|e| e.to_string())?,
                name: file.name.clone(),
                content_type: content_type.to_owned(),
            };
            call::send_bytes(env, conversation, &upload, &file.bytes).await.map_err(|e| format!("{e:?}"))?;
            Ok::<(), String>(())
        };
        if let Err(why) = kept.await {
            let note = ChannelReceipt::note(Seq(0), thread::file_not_kept(Channel::Email, &why));
            objects::send(env, conversation, &note).await?;
        }
    }
    Ok(())
}

/// The conversation a recipient's reply address names for `site`: refused (`403`) when the
/// only reply addresses there are forged, altered, expired or another site's; `404` when there
/// is none.
fn addressed(env: &Ctx<'_>, site: &SiteId, recipients: &[String]) -> EdgeResult<ConversationId> {
    let secret = |name: &str| env.secret(name).map(|s| s.to_string()).unwrap_or_default();
    let keys: Vec<Vec<u8>> = [secret("SESSION_SECRET"), secret("SESSION_SECRET_PREVIOUS")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| reply_token::key_from(s.as_bytes()))
        .collect();
    let mut refused = None;
    for local in recipients.iter().filter_map(|address| reply_token::local_part_of(address)) {
        for key in &keys {
            match reply_token::verify(key, site, local, env.now) {
                Ok(conversation) => return Ok(conversation),
                Err(reply_token::ReplyTokenError::Malformed) => {}
                Err(why) => refused = Some(why),
            }
        }
    }
    Err(match refused {
        Some(why) => EdgeError::refuse(ErrorCode::Forbidden, why.to_string()),
        None => EdgeError::refuse(
            ErrorCode::NotFound,
            "no reply address of this site, nor its email address, among the recipients",
        ),
    })
}
