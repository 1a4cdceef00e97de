//! Facebook Messenger, as Meta's Messenger Platform documents it: the webhook verification
//! handshake (`GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`, answered with the
//! challenge), `X-Hub-Signature-256` on every delivery (`sha256=` and the hex HMAC-SHA256 of
//! the raw body, keyed with the app secret), the events a delivery carries (messages with
//! text, attachments and quick-reply answers, postbacks, delivery and read watermarks), and
//! the Send API request (`POST {base}/me/messages?access_token=…`, JSON) with what its
//! answer means. The base URL is configurable, so the same code talks to Meta's Graph API or
//! to a local server speaking its format.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use switchboard_protocol::{ApiError, ErrorCode};

use super::twilio::{ProviderRequest, Refused, Sent};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// The Graph API version requests are made against.
pub const GRAPH_VERSION: &str = "v21.0";

/// The most quick replies one message carries (Messenger's limit), and their titles' length.
pub const MAX_QUICK_REPLIES: usize = 13;
const MAX_QUICK_REPLY_CHARS: usize = 20;

/// The longest text one Send API message carries.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// The answer to the verification handshake: the challenge when the mode is `subscribe` and
/// the token is ours (compared in constant time); `None` (answer `403`) otherwise.
pub fn challenge<'a>(query: &'a [(String, String)], verify_token: &str) -> Option<&'a str> {
    let field = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let token = field("hub.verify_token")?;
    let ours =
        token.len() == verify_token.len() && bool::from(token.as_bytes().ct_eq(verify_token.as_bytes()));
    (field("hub.mode") == Some("subscribe") && ours && !verify_token.is_empty())
        .then(|| field("hub.challenge"))
        .flatten()
}

/// The signature Meta sends with `body`: `sha256=` and the hex HMAC.
pub fn signature(app_secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key"));
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Whether `given` (the header, if any) is Meta's signature of `body`; constant time.
pub fn is_genuine(app_secret: &str, body: &[u8], given: Option<&str>) -> bool {
    let Some(given) = given else { return false };
    let expected = signature(app_secret, body);
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// One thing a delivery tells, for one customer (a page-scoped id) and one of our pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Our page.
    pub page: String,
    /// The customer's page-scoped id (PSID).
    pub customer: String,
    /// When Meta says it happened, ms since the Unix epoch.
    pub at: i64,
    /// What happened.
    pub what: What,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// The customer wrote (or tapped a quick reply, or a button: its title is the text).
    Message {
        /// Meta's message id (`mid`): the same message delivered again has the same one.
        id: String,
        /// Its text (may be empty when it carries files).
        text: String,
        /// Its files' URLs and kinds (`image`, `video`, `audio`, `file`).
        files: Vec<(String, String)>,
    },
    /// Our messages sent before `watermark` reached the customer.
    Delivered {
        /// ms since the Unix epoch.
        watermark: i64,
    },
    /// The customer read our messages sent before `watermark`.
    Read {
        /// ms since the Unix epoch.
        watermark: i64,
    },
}

#[derive(Deserialize)]
struct Delivery {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    id: String,
    #[serde(default)]
    messaging: Vec<Messaging>,
}

#[derive(Deserialize)]
struct Messaging {
    sender: Id,
    recipient: Id,
    #[serde(default)]
    timestamp: i64,
    message: Option<IncomingMessage>,
    postback: Option<Postback>,
    delivery: Option<Watermark>,
    read: Option<Watermark>,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

#[derive(Deserialize)]
struct IncomingMessage {
    mid: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    is_echo: bool,
    #[serde(default)]
    attachments: Vec<IncomingAttachment>,
}

#[derive(Deserialize)]
struct IncomingAttachment {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Option<AttachmentPayload>,
}

#[derive(Deserialize)]
struct AttachmentPayload {
    url: Option<String>,
}

#[derive(Deserialize)]
struct Postback {
    #[serde(default)]
    mid: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    payload: Option<String>,
}

#[derive(Deserialize)]
struct Watermark {
    watermark: i64,
}

/// The events of a delivery's body (already verified), in order. Our own messages echoed
/// back (`is_echo`) and events of kinds not handled here (reactions, referrals, handover)
/// are skipped; a body that is not a page delivery is refused.
pub fn events(body: &[u8]) -> Result<Vec<Event>, ApiError> {
    let delivery: Delivery = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(ErrorCode::BadRequest, format!("not a Messenger webhook delivery: {e}"))
    })?;
    if delivery.object != "page" {
        return Err(
            ApiError::new(ErrorCode::BadRequest, "object: only page deliveries are taken").at_field("object")
        );
    }
    let mut found = Vec::new();
    for entry in delivery.entry {
        for item in entry.messaging {
            // Our page is the recipient of what the customer does.
            if item.recipient.id != entry.id {
                continue;
            }
            let what = match (item.message, item.postback, item.delivery, item.read) {
                (Some(message), ..) if !message.is_echo => {
                    let files = message
                        .attachments
                        .into_iter()
                        .filter_map(|a| Some((a.payload?.url?, a.kind)))
                        .filter(|(url, _)| url.starts_with("https://") || url.starts_with("http://"))
                        .collect::<Vec<_>>();
                    let text = message.text.unwrap_or_default();
                    if text.trim().is_empty() && files.is_empty() {
                        continue;
                    }
                    What::Message { id: message.mid, text, files }
                }
                (_, Some(postback), ..) => {
                    // A button tapped: its title is what the customer "said".
                    let text = postback.title.or(postback.payload).unwrap_or_default();
                    let id =
                        postback.mid.unwrap_or_else(|| format!("pb-{}-{}", item.sender.id, item.timestamp));
                    if text.trim().is_empty() {
                        continue;
                    }
                    What::Message { id, text, files: Vec::new() }
                }
                (_, _, Some(delivery), _) => What::Delivered { watermark: delivery.watermark },
                (_, _, _, Some(read)) => What::Read { watermark: read.watermark },
                _ => continue,
            };
            found.push(Event { page: entry.id.clone(), customer: item.sender.id, at: item.timestamp, what });
        }
    }
    Ok(found)
}

/// The id a customer's message is stored under (a client message id): Meta's `mid`s are long
/// and may hold characters ids may not, so a digest of it (the same `mid` again: the same key).
pub fn message_key(mid: &str) -> String {
    use sha2::Digest;
    let digest = Sha256::digest(mid.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("fb-{hex}")
}

/// Whether `id` looks like a page or page-scoped user id (digits).
pub fn is_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

/// The Send API request sending `text` (with quick replies, cut to Messenger's limits) from
/// `page` to `customer`; `tag` `HUMAN_AGENT` lets a person answer up to 7 days after the
/// customer's last message (a permission the page must have).
pub fn send_request(
    base_url: &str,
    page_token: &str,
    customer: &str,
    text: &str,
    quick_replies: &[String],
    human_agent_tag: bool,
) -> ProviderRequest {
    let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
    let mut message = serde_json::json!({ "text": text });
    if !quick_replies.is_empty() {
        let replies: Vec<_> = quick_replies
            .iter()
            .take(MAX_QUICK_REPLIES)
            .map(|title| {
                let short: String = title.chars().take(MAX_QUICK_REPLY_CHARS).collect();
                serde_json::json!({ "content_type": "text", "title": short, "payload": title })
            })
            .collect();
        message["quick_replies"] = serde_json::Value::Array(replies);
    }
    let mut body = serde_json::json!({
        "recipient": { "id": customer },
        "messaging_type": if human_agent_tag { "MESSAGE_TAG" } else { "RESPONSE" },
        "message": message,
    });
    if human_agent_tag {
        body["tag"] = "HUMAN_AGENT".into();
    }
    let token: String = form_urlencoded::byte_serialize(page_token.as_bytes()).collect();
    ProviderRequest {
        method: "POST",
        url: format!("{}/{GRAPH_VERSION}/me/messages?access_token={token}", base_url.trim_end_matches('/')),
        headers: vec![("content-type", "application/json".to_owned())],
        body: body.to_string(),
    }
}

/// The Send API request sending the file at `url` (absolute, fetched by Meta) from `page` to
/// `customer`: an image as an image, anything else as a file.
pub fn file_request(
    base_url: &str,
    page_token: &str,
    customer: &str,
    url: &str,
    image: bool,
) -> ProviderRequest {
    let kind = if image { "image" } else { "file" };
    let attachment = serde_json::json!({ "type": kind, "payload": { "url": url, "is_reusable": false } });
    let mut request = send_request(base_url, page_token, customer, "", &[], false);
    let body = serde_json::json!({
        "recipient": { "id": customer },
        "messaging_type": "RESPONSE",
        "message": { "attachment": attachment },
    });
    request.body = body.to_string();
    request
}

/// The User Profile API's address for a customer's public name, with the page's token.
pub fn profile_url(base_url: &str, page_token: &str, customer: &str) -> String {
    let token: String = form_urlencoded::byte_serialize(page_token.as_bytes()).collect();
    let base = base_url.trim_end_matches('/');
    format!("{base}/{GRAPH_VERSION}/{customer}?fields=first_name,last_name&access_token={token}")
}

/// The longest name kept from a profile, in characters.
const MAX_PROFILE_NAME_CHARS: usize = 100;

/// The customer's name in the User Profile API's answer (`status`, `body`): first and last
/// name, control characters dropped; `None` when it gives none (an error, no permission).
pub fn profile_name(status: u16, body: &[u8]) -> Option<String> {
    if status != 200 {
        return None;
    }
    let profile: serde_json::Value = serde_json::from_slice(body).ok()?;
    let parts = [&profile["first_name"], &profile["last_name"]];
    let name = parts.iter().filter_map(|part| part.as_str()).map(str::trim).filter(|part| !part.is_empty());
    let name: String = name.collect::<Vec<_>>().join(" ").chars().filter(|c| !c.is_control()).collect();
    let name: String = name.chars().take(MAX_PROFILE_NAME_CHARS).collect();
    (!name.trim().is_empty()).then(|| name.trim().to_owned())
}

/// What the Send API's answer (`status`, `body`) means: the message id, or why not and
/// whether trying again may help (rate limits and Meta's own trouble).
pub fn sent(status: u16, body: &str) -> Result<Sent, Refused> {
    #[derive(Deserialize)]
    struct Accepted {
        message_id: String,
    }
    #[derive(Deserialize)]
    struct Failure {
        error: Detail,
    }
    #[derive(Deserialize)]
    struct Detail {
        message: Option<String>,
        code: Option<u32>,
    }
    if (200..300).contains(&status) {
        return serde_json::from_str::<Accepted>(body)
            .map(|accepted| Sent {
                sid: accepted.message_id,
                status: switchboard_protocol::channels::DeliveryStatus::Sent,
            })
            .map_err(|_| Refused {
                code: None,
                message: "Meta's answer had no message id".into(),
                retry: true,
            });
    }
    let detail = serde_json::from_str::<Failure>(body).ok().map(|f| f.error);
    let (code, message) = detail.map_or((None, None), |d| (d.code, d.message));
    // 4, 17, 32, 613: rate limits; 1, 2: Meta's own trouble.
    let retry = status == 429 || status >= 500 || matches!(code, Some(1 | 2 | 4 | 17 | 32 | 613));
    Err(Refused { code, message: message.unwrap_or_else(|| format!("Meta answered {status}")), retry })
}

#[cfg(test)]
#[path = "messenger_tests.rs"]
mod tests;
