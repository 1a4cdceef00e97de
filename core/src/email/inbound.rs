//! An inbound email, from its raw MIME (`mail-parser`: header encodings, charsets,
//! quoted-printable and base64, multipart, HTML-only mail converted to text), as the
//! conversation takes it: sender, recipients, subject, the thread it answers, its new words
//! (`super::quoting`) with the whole text kept for the details, its files, and whether a
//! machine sent it — auto-replies, bounces and bulk mail are recognised so they are never
//! answered (RFC 3834 `Auto-Submitted`, `Precedence: bulk|junk|list`, `X-Autoreply`, an
//! empty return path).

use mail_parser::{MessageParser, MimeHeaders};
use switchboard_protocol::{ApiError, ErrorCode};

/// The largest raw email taken, in bytes (25 MB: what mail providers send).
pub const MAX_RAW_BYTES: usize = 25 * 1024 * 1024;

/// What the conversation takes of an inbound email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundEmail {
    /// The sender's address, lowercased.
    pub from: String,
    /// The sender's name, if given.
    pub from_name: Option<String>,
    /// Every `To` and `Cc` address, lowercased.
    pub to: Vec<String>,
    /// The subject (empty when none).
    pub subject: String,
    /// Its `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// The ids it answers: `In-Reply-To`, then `References` (newest last), without brackets.
    pub thread_ids: Vec<String>,
    /// The new words of the reply.
    pub text: String,
    /// The whole text as sent (quoted history and signature included).
    pub full_text: String,
    /// Its files.
    pub files: Vec<EmailFile>,
    /// A machine sent it (an auto-reply, a bounce, bulk mail): stored, never answered.
    pub automatic: bool,
}

/// A file attached to an email (one that came in, or one we send).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailFile {
    /// Its name (`attachment-1` when it has none).
    pub name: String,
    /// Its MIME type, lowercased (`application/octet-stream` when none is given).
    pub content_type: String,
    /// Its bytes, decoded.
    pub bytes: Vec<u8>,
}

/// Whether the email is one of ours come back — sent from one of the site's own addresses, or
/// from the reply domain — which answering would turn into a loop between two mailboxes.
pub fn from_ourselves(email: &InboundEmail, own_addresses: &[&str], reply_domain: Option<&str>) -> bool {
    let from = email.from.trim().to_ascii_lowercase();
    let domain = from.rsplit_once('@').map(|(_, domain)| domain).unwrap_or_default();
    own_addresses.iter().any(|own| own.eq_ignore_ascii_case(&from))
        || reply_domain.is_some_and(|reply| !reply.is_empty() && reply.eq_ignore_ascii_case(domain))
}

/// The whole text to keep beside the new words, when cutting took something off (the quoted
/// history, a signature); `None` when the new words are all of it.
pub fn original(email: &InboundEmail) -> Option<String> {
    let whole = email.full_text.trim();
    (whole != email.text.trim() && !whole.is_empty()).then(|| whole.to_owned())
}

/// The id an email's message is stored under: from its `Message-ID` (else its bytes), so the
/// same email delivered twice is stored once.
pub fn client_id(email: &InboundEmail, raw: &[u8]) -> switchboard_protocol::ClientMessageId {
    use sha2::Digest;
    let digest = match &email.message_id {
        Some(id) => sha2::Sha256::digest(id.as_bytes()),
        None => sha2::Sha256::digest(raw),
    };
    let hex: String = digest.iter().take(20).map(|b| format!("{b:02x}")).collect();
    switchboard_protocol::ClientMessageId::parse(format!("em-{hex}"))
        .unwrap_or_else(|_| unreachable!("em- and 40 hex digits is a client id"))
}

/// `raw` as an email, or why it is not one we can take.
pub fn parse(raw: &[u8]) -> Result<InboundEmail, ApiError> {
    let refuse = |why: &str| ApiError::new(ErrorCode::BadRequest, why.to_owned());
    if raw.len() > MAX_RAW_BYTES {
        return Err(ApiError::new(ErrorCode::BodyTooLarge, "an email is at most 25 MB"));
    }
    let message = MessageParser::default().parse(raw).ok_or_else(|| refuse("not an email (RFC 5322)"))?;
    let sender =
        message.from().and_then(|from| from.first()).ok_or_else(|| refuse("the email has no From"))?;
    let from = sender.address().map(str::to_lowercase).filter(|a| a.contains('@'));
    let from = from.ok_or_else(|| refuse("the email's From has no address"))?;
    let from_name = sender.name().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    let to = [message.to(), message.cc()]
        .into_iter()
        .flatten()
        .flat_map(|list| list.iter())
        .filter_map(|addr| addr.address().map(str::to_lowercase))
        .collect();
    let full_text = message.body_text(0).map(|text| text.replace("\r\n", "\n")).unwrap_or_default();
    let files = message
        .attachments()
        .enumerate()
        .map(|(n, part)| EmailFile {
            name: part
                .attachment_name()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("attachment-{}", n + 1)),
            content_type: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub).to_lowercase(),
                    None => ct.ctype().to_lowercase(),
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            bytes: part.contents().to_vec(),
        })
        .collect();
    let ids = |value: &mail_parser::HeaderValue| -> Vec<String> {
        match value {
            mail_parser::HeaderValue::Text(id) => vec![id.to_string()],
            mail_parser::HeaderValue::TextList(ids) => ids.iter().map(|id| id.to_string()).collect(),
            _ => Vec::new(),
        }
    };
    let mut thread_ids = ids(message.in_reply_to());
    thread_ids.extend(ids(message.references()).into_iter().rev());
    thread_ids.dedup();
    Ok(InboundEmail {
        from,
        from_name,
        to,
        subject: message.subject().unwrap_or_default().trim().to_owned(),
        message_id: message.message_id().map(str::to_owned),
        thread_ids,
        text: super::quoting::new_text(&full_text),
        full_text,
        files,
        automatic: automatic(&message),
    })
}

/// Whether a machine sent `message` (RFC 3834 and the headers auto-responders set).
fn automatic(message: &mail_parser::Message) -> bool {
    automatic_by(|name| message.header_raw(name).map(str::to_owned))
}

/// Whether the headers `header` reads (by name) say a machine sent the email.
pub fn automatic_by(header: impl Fn(&str) -> Option<String>) -> bool {
    let header = |name: &str| header(name).map(|v| v.trim().to_ascii_lowercase());
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| !v.starts_with("no"));
    let bulk =
        header("Precedence").is_some_and(|v| ["bulk", "junk", "list", "auto_reply"].contains(&v.as_str()));
    let flagged = ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"]
        .iter()
        .any(|name| header(name).is_some_and(|v| !v.is_empty() && v != "no"));
    let null_sender = header("Return-Path").is_some_and(|v| v == "<>");
    auto_submitted || bulk || flagged || null_sender
}

#[cfg(test)]
mod tests;
