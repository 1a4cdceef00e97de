//! Email replies, `POST /api/v1/channels/email/{site}/mime` (`protocol::api::email_inbound`):
//! raw MIME a mail route forwards (a Cloudflare Email Worker, an MTA, a provider's raw
//! inbound), authenticated with the deployment's `EMAIL_INBOUND_SECRET`. The reply's new words
//! go to the conversation one of its recipients' signed reply address names
//! (`core::email::reply_token`, keyed from `SESSION_SECRET`, the previous one during a
//! rotation), as its visitor's message. What a machine sent is stored nowhere.

use switchboard_core::email::{inbound, reply_token};
use switchboard_core::token::same_secret;
use switchboard_protocol::api::email_inbound::Accepted;
use switchboard_protocol::{ConversationId, ErrorCode, SiteId};
use worker::Request;

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::EmailReply;
use crate::{http, known_sites, objects};

/// An email forwarded to the site's reply route.
pub(crate) async fn mime(mut req: Request, env: &Ctx<'_>, site: &str) -> EdgeResult<worker::Response> {
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
    if !same_secret(&secret, given.strip_prefix("Bearer ").unwrap_or_default()) {
        return Err(EdgeError::refuse(
            ErrorCode::Unauthorized,
            "Authorization: Bearer <EMAIL_INBOUND_SECRET>",
        ));
    }
    let too_large = || EdgeError::refuse(ErrorCode::BodyTooLarge, "an email is at most 25 MB");
    let raw = http::read_capped(&mut req, inbound::MAX_RAW_BYTES, too_large).await?;
    let email = inbound::parse(&raw)?;
    if email.automatic {
        return http::json(200, &Accepted { conversation_id: None, automatic: true });
    }
    let conversation = addressed(env, &site, &email.to)?;
    let call = EmailReply {
        site,
        from_name: email.from_name.clone(),
        client_id: inbound::client_id(&email, &raw),
        text: email.text.clone(),
    };
    objects::send(env, &conversation, &call).await?;
    http::json(200, &Accepted { conversation_id: Some(conversation), automatic: false })
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
        None => EdgeError::refuse(ErrorCode::NotFound, "no reply address of this site among the recipients"),
    })
}
