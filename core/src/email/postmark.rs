//! Postmark's wire format (<https://postmarkapp.com/developer>), the one email provider the
//! edge speaks: the Email API (`POST {base}/email` with `X-Postmark-Server-Token`), its answers,
//! the inbound webhook's JSON (an email already parsed by Postmark, turned into the same
//! [`InboundEmail`] raw MIME gives), and the bounce and spam-complaint webhooks that mark an
//! address undeliverable. Only this file knows Postmark; another provider is another file.

use base64::Engine;
use serde::Deserialize;
use switchboard_protocol::channels::DeliveryStatus;
use switchboard_protocol::{ApiError, ErrorCode};

use super::inbound::{EmailFile, InboundEmail};
use crate::channels::twilio::{ProviderRequest, Refused, Sent};

/// One email to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundEmail {
    /// `"Shop Support" <support@shop.example>`.
    pub from: String,
    /// The recipient's address.
    pub to: String,
    /// Where replies go (the signed reply address).
    pub reply_to: String,
    /// The subject.
    pub subject: String,
    /// The plain-text part (always sent).
    pub text: String,
    /// The HTML part, if any.
    pub html: Option<String>,
    /// Extra headers, in order (`Message-ID`, `In-Reply-To`, `References`, `List-Unsubscribe`…).
    pub headers: Vec<(String, String)>,
    /// Files attached (Postmark's `Attachments`, in base64).
    pub files: Vec<EmailFile>,
    /// Said back by Postmark's delivery, bounce and complaint webhooks about this email
    /// (`site`, and `line` for a support inbox's answer): which object to tell.
    pub metadata: Vec<(String, String)>,
}

/// The Email API request sending `email` with the server's token.
pub fn send_request(base_url: &str, server_token: &str, email: &OutboundEmail) -> ProviderRequest {
    let headers: Vec<serde_json::Value> = email
        .headers
        .iter()
        .map(|(name, value)| serde_json::json!({ "Name": name, "Value": value }))
        .collect();
    let mut body = serde_json::json!({
        "From": email.from,
        "To": email.to,
        "ReplyTo": email.reply_to,
        "Subject": email.subject,
        "TextBody": email.text,
        "Headers": headers,
        "MessageStream": "outbound",
    });
    if !email.files.is_empty() {
        let files: Vec<serde_json::Value> = email
            .files
            .iter()
            .map(|file| {
                let content = base64::engine::general_purpose::STANDARD.encode(&file.bytes);
                serde_json::json!({ "Name": file.name, "Content": content, "ContentType": file.content_type })
            })
            .collect();
        body["Attachments"] = files.into();
    }
    if !email.metadata.is_empty() {
        let metadata: serde_json::Map<String, serde_json::Value> =
            email.metadata.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect();
        body["Metadata"] = metadata.into();
    }
    if let Some(html) = &email.html {
        body["HtmlBody"] = html.clone().into();
    }
    ProviderRequest {
        method: "POST",
        url: format!("{}/email", base_url.trim_end_matches('/')),
        headers: vec![
            ("accept", "application/json".to_owned()),
            ("content-type", "application/json".to_owned()),
            ("x-postmark-server-token", server_token.to_owned()),
        ],
        body: body.to_string(),
    }
}

/// What the Email API's answer (`status`, `body`) means: the message's id, or why not and
/// whether trying again may help (`429`, Postmark's own trouble).
pub fn sent(status: u16, body: &str) -> Result<Sent, Refused> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Answer {
        #[serde(default)]
        error_code: u32,
        #[serde(default)]
        message: String,
        #[serde(rename = "MessageID", default)]
        message_id: String,
    }
    let answer: Option<Answer> = serde_json::from_str(body).ok();
    match answer {
        Some(answer) if (200..300).contains(&status) && answer.error_code == 0 => {
            Ok(Sent { sid: answer.message_id, status: DeliveryStatus::Sent })
        }
        answer => {
            let (code, message) = answer.map_or((None, format!("Postmark answered {status}")), |a| {
                (Some(a.error_code).filter(|c| *c != 0), a.message)
            });
            Err(Refused { code, message, retry: status == 429 || status >= 500 })
        }
    }
}

/// Postmark's inbound webhook: an email it received for one of our addresses.
pub fn inbound(body: &str) -> Result<InboundEmail, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Person {
        email: String,
        #[serde(default)]
        name: String,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Header {
        name: String,
        value: String,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct File {
        name: String,
        content: String,
        content_type: String,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Email {
        from_full: Person,
        #[serde(default)]
        to_full: Vec<Person>,
        #[serde(default)]
        cc_full: Vec<Person>,
        #[serde(default)]
        subject: String,
        #[serde(rename = "MessageID", default)]
        message_id: String,
        #[serde(default)]
        text_body: String,
        #[serde(default)]
        headers: Vec<Header>,
        #[serde(default)]
        attachments: Vec<File>,
    }
    let email: Email = serde_json::from_str(body)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("not Postmark's inbound JSON: {e}")))?;
    let header = |name: &str| {
        email.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.trim().to_owned())
    };
    let bracketed = |value: String| -> Vec<String> {
        value
            .split_whitespace()
            .map(|id| id.trim_matches(['<', '>']).to_owned())
            .filter(|id| !id.is_empty())
            .collect()
    };
    let mut thread_ids = header("In-Reply-To").map(bracketed).unwrap_or_default();
    thread_ids.extend(header("References").map(bracketed).unwrap_or_default().into_iter().rev());
    thread_ids.dedup();
    let files = email
        .attachments
        .into_iter()
        .map(|file| {
            let bytes =
                base64::engine::general_purpose::STANDARD.decode(file.content.as_bytes()).map_err(|_| {
                    ApiError::new(ErrorCode::BadRequest, format!("attachment {} is not base64", file.name))
                })?;
            Ok(EmailFile { name: file.name, content_type: file.content_type.to_lowercase(), bytes })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let message_id = header("Message-ID").map(|id| id.trim_matches(['<', '>']).to_owned());
    let automatic = super::inbound::automatic_by(|name| header(name));
    Ok(InboundEmail {
        from: email.from_full.email.to_lowercase(),
        from_name: Some(email.from_full.name.trim().to_owned()).filter(|n| !n.is_empty()),
        to: email.to_full.iter().chain(&email.cc_full).map(|p| p.email.to_lowercase()).collect(),
        subject: email.subject.trim().to_owned(),
        message_id: message_id.or(Some(email.message_id).filter(|id| !id.is_empty())),
        thread_ids,
        text: super::quoting::new_text(&email.text_body),
        full_text: email.text_body,
        files,
        automatic,
    })
}

/// What one of Postmark's webhooks posted (they share one URL; `RecordType` tells them apart,
/// and the inbound webhook has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An email to one of our addresses ([`inbound`] reads it).
    Inbound,
    /// One of our emails reached (or failed to reach) its recipient.
    Outcome {
        /// Postmark's id of our email (its answer's `MessageID`).
        message_id: String,
        /// The recipient's address, lowercased.
        recipient: String,
        /// How far it came.
        status: DeliveryStatus,
        /// The address is not to be written to again (a hard bounce or a spam complaint):
        /// `"bounced"` or `"complained"`.
        stop: Option<&'static str>,
        /// What we sent along (`Metadata`).
        metadata: std::collections::BTreeMap<String, String>,
    },
    /// Anything else (opens, clicks, subscription changes): nothing to do.
    Other,
}

/// Which webhook posted `body`.
pub fn event(body: &str) -> Result<Event, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Record {
        #[serde(default)]
        record_type: Option<String>,
        #[serde(rename = "Type", default)]
        kind: String,
        #[serde(rename = "MessageID", default)]
        message_id: String,
        #[serde(default)]
        email: String,
        #[serde(default)]
        recipient: String,
        #[serde(default)]
        metadata: std::collections::BTreeMap<String, String>,
    }
    let record: Record = serde_json::from_str(body)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("not a Postmark webhook: {e}")))?;
    let (status, stop) = match record.record_type.as_deref() {
        None | Some("Inbound") => return Ok(Event::Inbound),
        Some("Delivery") => (DeliveryStatus::Delivered, None),
        Some("SpamComplaint") => (DeliveryStatus::Failed, Some("complained")),
        Some("Bounce") => match record.kind.as_str() {
            "HardBounce" | "BadEmailAddress" | "ManuallyDeactivated" => {
                (DeliveryStatus::Failed, Some("bounced"))
            }
            // A full mailbox or a greylisting server: the email may still arrive.
            _ => return Ok(Event::Other),
        },
        Some(_) => return Ok(Event::Other),
    };
    let recipient = if record.email.is_empty() { record.recipient } else { record.email };
    if !recipient.contains('@') {
        return Err(ApiError::new(ErrorCode::BadRequest, "a Postmark record names its recipient (Email)"));
    }
    Ok(Event::Outcome {
        message_id: record.message_id,
        recipient: recipient.trim().to_lowercase(),
        status,
        stop,
        metadata: record.metadata,
    })
}

#[cfg(test)]
mod tests;
