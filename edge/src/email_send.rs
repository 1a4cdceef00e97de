//! Sending email: Postmark's Email API (`core::email::postmark`) at the deployment's
//! `POSTMARK_API_BASE` (default `https://api.postmarkapp.com`) with its `POSTMARK_SERVER_TOKEN`,
//! and what every email of ours carries — a reply address signed for its conversation
//! (`core::email::reply_token`, at the deployment's `EMAIL_REPLY_DOMAIN`, else the sender's
//! domain) and a `Message-ID` on the same domain. Who sends: the site's email address (its
//! email contact identity), else the deployment's `EMAIL_FROM`.

use switchboard_core::email::{postmark, reply_token};
use switchboard_protocol::channels::{Channel, ContactIdentity};
use switchboard_protocol::{ConversationId, SiteId};
use worker::Env;

/// How long Postmark may take to answer.
const TIMEOUT_MS: u32 = 10_000;

/// The most of its answer read.
const MAX_READ_BYTES: usize = 16 * 1024;

/// What became of one attempt to send.
pub(crate) enum Outcome {
    /// Postmark took it: its `MessageID`.
    Sent(String),
    /// Not now (unreachable, rate-limited, its own trouble): try again later.
    Later,
    /// Never: why.
    Never(String),
}

/// Sends `email` through the deployment's Postmark server.
pub(crate) async fn send(env: &Env, email: &postmark::OutboundEmail) -> Outcome {
    let var = |name: &str| env.var(name).map(|v| v.to_string()).ok().filter(|v| !v.is_empty());
    let token = env.secret("POSTMARK_SERVER_TOKEN").map(|s| s.to_string()).ok().filter(|s| !s.is_empty());
    let Some(token) = token else {
        return Outcome::Never("this deployment sends no email (POSTMARK_SERVER_TOKEN)".into());
    };
    let base = var("POSTMARK_API_BASE").unwrap_or_else(|| "https://api.postmarkapp.com".into());
    let request = postmark::send_request(&base, &token, email);
    let headers: Vec<(&str, &str)> = request.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    match crate::bounded_fetch::post(&request.url, &headers, &request.body, TIMEOUT_MS, MAX_READ_BYTES).await
    {
        Err(_) => Outcome::Later,
        Ok((status, answer)) => match postmark::sent(status, &String::from_utf8_lossy(&answer)) {
            Ok(sent) => Outcome::Sent(sent.sid),
            Err(refused) if refused.retry => Outcome::Later,
            Err(refused) => Outcome::Never(match refused.code {
                Some(code) => format!("{} (Postmark error {code})", refused.message),
                None => refused.message,
            }),
        },
    }
}

/// Who a site's emails come from: its email address, else the deployment's `EMAIL_FROM`.
pub(crate) fn sender_address(env: &Env, identities: &[ContactIdentity]) -> Option<String> {
    identities
        .iter()
        .find(|identity| identity.channel == Channel::Email)
        .map(|identity| identity.address.clone())
        .or_else(|| env.var("EMAIL_FROM").map(|v| v.to_string()).ok().filter(|v| v.contains('@')))
}

/// `"Name" <address>`, the name's quotes and line breaks taken out.
pub(crate) fn from_header(name: &str, address: &str) -> String {
    let name: String = name.chars().filter(|c| !matches!(c, '"' | '\\' | '\r' | '\n')).collect();
    format!("\"{}\" <{address}>", name.trim())
}

/// The domain replies and `Message-ID`s use: `EMAIL_REPLY_DOMAIN`, else the sender's.
pub(crate) fn reply_domain(env: &Env, sender: &str) -> String {
    env.var("EMAIL_REPLY_DOMAIN")
        .map(|v| v.to_string())
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| sender.rsplit_once('@').map(|(_, domain)| domain.to_owned()).unwrap_or_default())
}

/// The key reply addresses and unsubscribe links are signed with (from `SESSION_SECRET`).
pub(crate) fn signing_key(env: &Env) -> Option<Vec<u8>> {
    let secret = env.secret("SESSION_SECRET").map(|s| s.to_string()).ok().filter(|s| !s.is_empty())?;
    Some(reply_token::key_from(secret.as_bytes()))
}

/// The signed reply address of `conversation` on `domain`, issued now.
pub(crate) fn reply_address(
    key: &[u8],
    site: &SiteId,
    conversation: &ConversationId,
    domain: &str,
    now: i64,
) -> String {
    format!("{}@{domain}", reply_token::local_part(key, site, conversation, now))
}
