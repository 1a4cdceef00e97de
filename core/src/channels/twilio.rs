//! SMS and WhatsApp in Twilio's Messaging format, as Twilio documents it: the
//! `X-Twilio-Signature` every webhook carries (HMAC-SHA1, keyed with the account's auth
//! token, over the full URL followed by every form field's name and value sorted by name;
//! base64), the fields of an inbound message and of a status callback, and the Messages API
//! request that sends one (`POST {base}/2010-04-01/Accounts/{sid}/Messages.json`, form body,
//! basic auth) with what its answer means. The base URL is configurable, so the same code
//! talks to Twilio or to a local server speaking its format.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha1::Sha1;
use subtle::ConstantTimeEq;
use switchboard_protocol::channels::{Channel, DeliveryStatus};
use switchboard_protocol::{ApiError, ErrorCode};

use super::form;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";

/// The most media one inbound message carries (Twilio's limit).
pub const MAX_MEDIA: usize = 10;

/// The signature Twilio sends for a request to `url` (exactly as configured, query
/// included) with form `fields`.
pub fn signature(auth_token: &str, url: &str, fields: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = fields.iter().collect();
    // Byte order, by name then value (a name may repeat): Twilio's "Unix-style" sort.
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key"));
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `given` (the header, if any) is Twilio's signature of this request; compared in
/// constant time. No header: not genuine.
pub fn is_genuine(auth_token: &str, url: &str, fields: &[(String, String)], given: Option<&str>) -> bool {
    let Some(given) = given else { return false };
    let expected = signature(auth_token, url, fields);
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// Whether `sid` is shaped like a Twilio message id (`SM`/`MM` and 32 hex digits).
pub fn is_message_sid(sid: &str) -> bool {
    sid.len() == 34
        && (sid.starts_with("SM") || sid.starts_with("MM"))
        && sid[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// An address as Twilio writes it (`+15550142`, `whatsapp:+15550142`): its channel and the
/// phone number in E.164.
pub fn address(written: &str) -> Result<(Channel, String), ApiError> {
    let (channel, number) = match written.strip_prefix("whatsapp:") {
        Some(number) => (Channel::Whatsapp, number),
        None => (Channel::Sms, written),
    };
    let digits = number.strip_prefix('+').unwrap_or_default();
    if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("From", "a phone number in E.164 form (+ and 8 to 15 digits)"));
    }
    Ok((channel, number.to_owned()))
}

/// How `channel`'s address `number` is written in a Messages API request.
pub fn written(channel: Channel, number: &str) -> String {
    match channel {
        Channel::Whatsapp => format!("whatsapp:{number}"),
        _ => number.to_owned(),
    }
}

/// A file an inbound message carries (Twilio keeps it; fetch it with the account's basic auth).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Media {
    /// `MediaUrl{n}`.
    pub url: String,
    /// `MediaContentType{n}`.
    pub content_type: String,
}

/// An inbound message as Twilio posts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// `MessageSid`: the same message posted again has the same one.
    pub sid: String,
    /// SMS or WhatsApp (from the `From` address).
    pub channel: Channel,
    /// The customer's number, E.164.
    pub from: String,
    /// Our number it was sent to, E.164.
    pub to: String,
    /// `Body` (may be empty when it carries media).
    pub body: String,
    /// Its files, in order.
    pub media: Vec<Media>,
    /// WhatsApp's `ProfileName`, the name the customer set.
    pub profile_name: Option<String>,
}

fn bad(field: &str, what: &str) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, format!("{field}: {what}")).at_field(field)
}

fn required<'a>(fields: &'a [(String, String)], name: &str) -> Result<&'a str, ApiError> {
    form::field(fields, name).filter(|v| !v.is_empty()).ok_or_else(|| bad(name, "required"))
}

/// The message in an inbound webhook's `fields` (already verified as Twilio's).
pub fn inbound(fields: &[(String, String)]) -> Result<Inbound, ApiError> {
    let sid = required(fields, "MessageSid")?;
    if !is_message_sid(sid) {
        return Err(bad("MessageSid", "SM or MM and 32 hex digits"));
    }
    let (channel, from) = address(required(fields, "From")?)?;
    let (to_channel, to) =
        address(required(fields, "To")?).map_err(|_| bad("To", "a phone number in E.164 form"))?;
    if to_channel != channel {
        return Err(bad("To", "the same channel as From"));
    }
    let count: usize = match form::field(fields, "NumMedia") {
        None | Some("") => 0,
        Some(n) => n.parse().ok().filter(|n| *n <= MAX_MEDIA).ok_or_else(|| bad("NumMedia", "0 to 10"))?,
    };
    let mut media = Vec::with_capacity(count);
    for n in 0..count {
        let url = required(fields, &format!("MediaUrl{n}"))?;
        if !url.starts_with("https://") && !url.starts_with("http://") {
            return Err(bad(&format!("MediaUrl{n}"), "an http(s) URL"));
        }
        let content_type = form::field(fields, &format!("MediaContentType{n}")).unwrap_or_default();
        media.push(Media { url: url.to_owned(), content_type: content_type.to_owned() });
    }
    let body = form::field(fields, "Body").unwrap_or_default().to_owned();
    if body.trim().is_empty() && media.is_empty() {
        return Err(bad("Body", "a message says something or carries a file"));
    }
    let profile_name = form::field(fields, "ProfileName").filter(|n| !n.trim().is_empty()).map(str::to_owned);
    Ok(Inbound { sid: sid.to_owned(), channel, from, to, body, media, profile_name })
}

/// Our status for Twilio's `MessageStatus`; `None` for an inbound message's own statuses.
pub fn delivery_status(status: &str) -> Option<DeliveryStatus> {
    Some(match status {
        "accepted" | "scheduled" | "queued" | "sending" => DeliveryStatus::Queued,
        "sent" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "read" => DeliveryStatus::Read,
        "failed" | "undelivered" | "canceled" => DeliveryStatus::Failed,
        _ => return None,
    })
}

/// What a status callback says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// The message it is about.
    pub sid: String,
    /// Its new status.
    pub status: DeliveryStatus,
    /// Twilio's `ErrorCode` for a failure, when given.
    pub error_code: Option<u32>,
}

/// The update in a status callback's `fields` (already verified).
pub fn status_update(fields: &[(String, String)]) -> Result<StatusUpdate, ApiError> {
    let sid = required(fields, "MessageSid")?;
    if !is_message_sid(sid) {
        return Err(bad("MessageSid", "SM or MM and 32 hex digits"));
    }
    let status = delivery_status(required(fields, "MessageStatus")?)
        .ok_or_else(|| bad("MessageStatus", "a status of an outbound message"))?;
    let error_code = form::field(fields, "ErrorCode").and_then(|code| code.parse().ok());
    Ok(StatusUpdate { sid: sid.to_owned(), status, error_code })
}

/// The account a site's number belongs to (credentials from the deployment's secrets).
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    /// `https://api.twilio.com`, or a local server speaking the same format.
    pub base_url: &'a str,
    /// `AC…`.
    pub account_sid: &'a str,
    /// The account's auth token (basic auth's password; the webhooks' signing key).
    pub auth_token: &'a str,
}

/// An HTTP request to perform, as the edge will send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRequest {
    /// The method.
    pub method: &'static str,
    /// The full URL.
    pub url: String,
    /// Its headers.
    pub headers: Vec<(&'static str, String)>,
    /// Its body.
    pub body: String,
}

/// One outbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound<'a> {
    /// SMS or WhatsApp.
    pub channel: Channel,
    /// Our number, E.164.
    pub from: &'a str,
    /// The customer's, E.164.
    pub to: &'a str,
    /// The text (at most [`super::sms::MAX_BODY_CHARS`]; see [`super::sms::split`]).
    pub body: &'a str,
    /// Public URLs of files to send along.
    pub media_urls: &'a [String],
    /// Where Twilio posts this message's statuses.
    pub status_callback: Option<&'a str>,
    /// A WhatsApp template: its Content SID and variables (`{"1": "…"}`), sent instead of
    /// the body (which stays our copy of its text).
    pub content: Option<(&'a str, &'a [String])>,
}

/// The Messages API request sending `message` from `account`.
pub fn send_request(account: Account<'_>, message: &Outbound<'_>) -> ProviderRequest {
    let (from, to) = (written(message.channel, message.from), written(message.channel, message.to));
    let variables = message.content.map(|(_, values)| {
        let numbered: serde_json::Map<String, serde_json::Value> =
            values.iter().enumerate().map(|(n, v)| ((n + 1).to_string(), v.trim().into())).collect();
        serde_json::Value::Object(numbered).to_string()
    });
    let mut fields: Vec<(&str, &str)> = vec![("To", &to), ("From", &from)];
    match (message.content, &variables) {
        (Some((sid, _)), Some(variables)) => {
            fields.extend([("ContentSid", sid), ("ContentVariables", variables.as_str())])
        }
        _ => fields.push(("Body", message.body)),
    }
    fields.extend(message.media_urls.iter().map(|url| ("MediaUrl", url.as_str())));
    fields.extend(message.status_callback.map(|url| ("StatusCallback", url)));
    let credentials = STANDARD.encode(format!("{}:{}", account.account_sid, account.auth_token));
    ProviderRequest {
        method: "POST",
        url: format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            account.base_url.trim_end_matches('/'),
            account.account_sid
        ),
        headers: vec![
            ("authorization", format!("Basic {credentials}")),
            ("content-type", "application/x-www-form-urlencoded".to_owned()),
        ],
        body: form::encode(fields),
    }
}

/// The request fetching an inbound message's file: a `GET` of its `MediaUrl`, with the
/// account's basic auth only when the URL is the account's API (Twilio answers with a
/// redirect to the file); never the credentials to anywhere else.
pub fn media_request(account: Account<'_>, media: &Media) -> ProviderRequest {
    let base = account.base_url.trim_end_matches('/');
    let ours = media.url.strip_prefix(base).is_some_and(|rest| rest.starts_with('/'));
    let credentials = STANDARD.encode(format!("{}:{}", account.account_sid, account.auth_token));
    ProviderRequest {
        method: "GET",
        url: media.url.clone(),
        headers: if ours { vec![("authorization", format!("Basic {credentials}"))] } else { Vec::new() },
        body: String::new(),
    }
}

/// The name an inbound file is shown under: what it is, its place in the message, and the
/// extension of its type (`photo-1.jpg`, `document-2.pdf`).
pub fn media_name(n: usize, content_type: &str) -> String {
    let kind = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let (what, extension) = match kind.as_str() {
        "image/jpeg" => ("photo", "jpg"),
        "image/png" => ("photo", "png"),
        "image/gif" => ("image", "gif"),
        "image/webp" => ("sticker", "webp"),
        "application/pdf" => ("document", "pdf"),
        "text/plain" => ("text", "txt"),
        "text/vcard" | "text/x-vcard" => ("contact", "vcf"),
        _ if kind.starts_with("audio/") => ("voice", "audio"),
        _ if kind.starts_with("video/") => ("video", "video"),
        _ => ("file", "bin"),
    };
    format!("{what}-{}.{extension}", n + 1)
}

/// What Twilio accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The new message's `sid` (its status callbacks name it).
    pub sid: String,
    /// Its status now.
    pub status: DeliveryStatus,
}

/// Why Twilio refused, and whether trying again later may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Twilio's error code (`21211`: not a valid number…), when it gave one.
    pub code: Option<u32>,
    /// Its message.
    pub message: String,
    /// `true` for rate limiting and Twilio's own trouble; `false` for a request it will never take.
    pub retry: bool,
}

/// What the Messages API's answer (`status`, `body`) means.
pub fn sent(status: u16, body: &str) -> Result<Sent, Refused> {
    #[derive(Deserialize)]
    struct Accepted {
        sid: String,
        status: String,
    }
    #[derive(Deserialize)]
    struct Error {
        code: Option<u32>,
        message: Option<String>,
    }
    if (200..300).contains(&status) {
        let accepted: Accepted = serde_json::from_str(body).map_err(|_| Refused {
            code: None,
            message: "Twilio's answer had no message sid".into(),
            retry: true,
        })?;
        let status = delivery_status(&accepted.status).unwrap_or(DeliveryStatus::Queued);
        return Ok(Sent { sid: accepted.sid, status });
    }
    let error: Option<Error> = serde_json::from_str(body).ok();
    let (code, message) = error.map_or((None, None), |e| (e.code, e.message));
    Err(Refused {
        code,
        message: message.unwrap_or_else(|| format!("Twilio answered {status}")),
        retry: status == 429 || status >= 500,
    })
}

#[cfg(test)]
mod tests;
