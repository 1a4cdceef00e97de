//! A local stand-in for Postmark (<https://postmarkapp.com/developer>), in its documented wire
//! format and written apart from the edge's code: the Email API (`POST /email` with
//! `X-Postmark-Server-Token`, JSON `{"From","To","ReplyTo","Subject","TextBody","HtmlBody",
//! "Headers":[{"Name","Value"}],"Metadata","MessageStream"}`, answered
//! `{"To","SubmittedAt","MessageID","ErrorCode":0,"Message":"OK"}`, or `401` with
//! `ErrorCode` 10 for a wrong token, `422` with 406 for an address Postmark marked inactive),
//! and Postmark's side of the webhooks: the inbound JSON, and bounce, spam-complaint and
//! delivery records — posted with Basic auth, as Postmark sends the credentials in the URL.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{anyhow, Result};
use base64::Engine;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::bot_server::read_request;
use crate::local_server::{Connection, LocalServer};

/// The server token the edge must present.
pub const SERVER_TOKEN: &str = "postmark-server-token-0123456789";

/// The secret the edge's inbound routes take (`EMAIL_INBOUND_SECRET`).
pub const INBOUND_SECRET: &str = "email-inbound-secret-0123456789abcdef";

/// An email the Email API took.
#[derive(Debug, Clone)]
pub struct Sent {
    /// `From`.
    pub from: String,
    /// `To`.
    pub to: String,
    /// `ReplyTo`.
    pub reply_to: String,
    /// `Subject`.
    pub subject: String,
    /// `TextBody`.
    pub text: String,
    /// `HtmlBody`.
    pub html: Option<String>,
    /// `Headers`, by name.
    pub headers: BTreeMap<String, String>,
    /// `Metadata`.
    pub metadata: BTreeMap<String, String>,
    /// `Attachments`: each one's name, type and decoded bytes.
    pub files: Vec<(String, String, Vec<u8>)>,
    /// The `MessageID` it was given.
    pub message_id: String,
}

impl Sent {
    /// A header's value (names compared in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    sent: Vec<Sent>,
    bad_tokens: usize,
    inactive: Vec<String>,
}

/// A running fake.
pub struct FakePostmark {
    server: LocalServer<State>,
}

impl FakePostmark {
    /// Starts on a free loopback port.
    pub async fn start() -> Result<FakePostmark> {
        Ok(FakePostmark { server: LocalServer::start(State::default(), serve).await? })
    }

    /// The deployment variables that point an edge at it (and sign reply addresses).
    pub fn vars(&self) -> [(&'static str, String); 4] {
        [
            ("POSTMARK_API_BASE", format!("http://127.0.0.1:{}", self.server.port())),
            ("POSTMARK_SERVER_TOKEN", SERVER_TOKEN.to_owned()),
            ("EMAIL_INBOUND_SECRET", INBOUND_SECRET.to_owned()),
            ("EMAIL_REPLY_DOMAIN", "reply.shop.example".to_owned()),
        ]
    }

    /// Everything the Email API took so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.server.lock().sent.clone()
    }

    /// Email API calls with a wrong or missing server token.
    pub fn bad_tokens(&self) -> usize {
        self.server.lock().bad_tokens
    }

    /// Postmark refuses emails to `address` from now on (its inactive-recipient list).
    pub fn deactivate(&self, address: &str) {
        self.server.lock().inactive.push(address.to_lowercase());
    }

    /// Waits (up to `within`) until `done` holds for what was sent.
    pub async fn until(&self, within: Duration, done: impl Fn(&[Sent]) -> bool) -> Result<Vec<Sent>> {
        let found = self.server.until(within, "the fake Postmark's condition", |state| {
            done(&state.sent).then(|| state.sent.clone())
        });
        found.await.map_err(|e| anyhow!("{e}; it got {:#?}", self.sent()))
    }
}

async fn serve(Connection { mut stream, state, arrived }: Connection<State>) -> Result<()> {
    let Some(request) = read_request(&mut stream).await? else { return Ok(()) };
    let token = request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-postmark-server-token"))
        .map(|(_, value)| value.clone());
    let (status, body) = if !request.line.starts_with("POST /email ") {
        ("404 Not Found", json!({ "ErrorCode": 404, "Message": "Not found" }))
    } else if token.as_deref() != Some(SERVER_TOKEN) {
        state.lock().map_err(|_| anyhow!("poisoned"))?.bad_tokens += 1;
        (
            "401 Unauthorized",
            json!({ "ErrorCode": 10, "Message": "Request does not contain a valid Server token." }),
        )
    } else {
        let email: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let text = |field: &str| email[field].as_str().unwrap_or_default().to_owned();
        let mut state = state.lock().map_err(|_| anyhow!("poisoned"))?;
        if state.inactive.contains(&text("To").to_lowercase()) {
            let message = "You tried to send to recipient(s) that have been marked as inactive.";
            ("422 Unprocessable Entity", json!({ "ErrorCode": 406, "Message": message }))
        } else {
            let message_id = format!("00000000-0000-4000-8000-{:012}", state.sent.len() + 1);
            let pairs = |value: &Value| -> BTreeMap<String, String> {
                match value {
                    Value::Array(headers) => {
                        headers.iter().map(|h| (text_of(&h["Name"]), text_of(&h["Value"]))).collect()
                    }
                    Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), text_of(v))).collect(),
                    _ => BTreeMap::new(),
                }
            };
            state.sent.push(Sent {
                from: text("From"),
                to: text("To"),
                reply_to: text("ReplyTo"),
                subject: text("Subject"),
                text: text("TextBody"),
                html: email["HtmlBody"].as_str().map(str::to_owned),
                headers: pairs(&email["Headers"]),
                metadata: pairs(&email["Metadata"]),
                files: email["Attachments"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|file| {
                        let bytes = base64::engine::general_purpose::STANDARD
                            .decode(file["Content"].as_str().unwrap_or_default())
                            .unwrap_or_default();
                        (text_of(&file["Name"]), text_of(&file["ContentType"]), bytes)
                    })
                    .collect(),
                message_id: message_id.clone(),
            });
            let answer = json!({ "To": text("To"), "SubmittedAt": "2026-12-06T10:00:00Z",
                "MessageID": message_id, "ErrorCode": 0, "Message": "OK" });
            ("200 OK", answer)
        }
    };
    arrived.notify_waiters();
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    Ok(())
}

fn text_of(value: &Value) -> String {
    value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string())
}

/// Postmark's inbound webhook JSON for an email from `from` to `to`.
pub fn inbound(from: (&str, &str), to: &str, subject: &str, text: &str, headers: &[(&str, &str)]) -> String {
    inbound_with_files(from, to, subject, text, headers, &[])
}

/// [`inbound`] with files attached: name, type, bytes.
pub fn inbound_with_files(
    from: (&str, &str),
    to: &str,
    subject: &str,
    text: &str,
    headers: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> String {
    let headers: Vec<Value> = headers.iter().map(|(n, v)| json!({ "Name": n, "Value": v })).collect();
    let files: Vec<Value> = files
        .iter()
        .map(|(name, kind, bytes)| {
            let content = base64::engine::general_purpose::STANDARD.encode(bytes);
            json!({ "Name": name, "Content": content, "ContentType": kind, "ContentLength": bytes.len() })
        })
        .collect();
    json!({
        "FromName": from.0, "From": from.1, "FromFull": { "Email": from.1, "Name": from.0, "MailboxHash": "" },
        "To": to, "ToFull": [{ "Email": to, "Name": "", "MailboxHash": "" }], "CcFull": [],
        "Subject": subject, "MessageID": format!("{:x}", md5_like(text)), "Date": "Sun, 6 Dec 2026 10:00:00 +0000",
        "TextBody": text, "HtmlBody": "", "StrippedTextReply": "", "Tag": "", "Headers": headers, "Attachments": files,
    })
    .to_string()
}

/// A bounce (`HardBounce`, `SoftBounce`…) or spam complaint record about our email.
pub fn record(record_type: &str, kind: &str, sent: &Sent) -> String {
    let metadata: serde_json::Map<String, Value> =
        sent.metadata.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    json!({
        "RecordType": record_type, "Type": kind, "TypeCode": 1, "ID": 4323372036854775807u64,
        "MessageID": sent.message_id, "Email": sent.to, "Recipient": sent.to, "From": sent.from,
        "BouncedAt": "2026-12-06T10:00:00Z", "DeliveredAt": "2026-12-06T10:00:00Z", "Inactive": kind == "HardBounce",
        "Metadata": metadata, "MessageStream": "outbound", "Tag": "", "Description": "", "Details": "",
    })
    .to_string()
}

fn md5_like(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Posts `body` to `url` as Postmark does: JSON, with the inbound secret as Basic auth.
pub async fn post(url: &str, body: &str, secret: &str) -> Result<(u16, String)> {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", "Postmark")
        .basic_auth("postmark", Some(secret))
        .body(body.to_owned())
        .send()
        .await?;
    Ok((response.status().as_u16(), response.text().await?))
}

/// Posts raw MIME to the edge's MIME route, as a mail route forwards it.
pub async fn post_mime(url: &str, raw: &str, secret: &str) -> Result<(u16, String)> {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "message/rfc822")
        .bearer_auth(secret)
        .body(raw.to_owned())
        .send()
        .await?;
    Ok((response.status().as_u16(), response.text().await?))
}

/// A reply as a mail program writes it: new words over the quoted email.
pub fn reply_mime(
    from: &str,
    to: &str,
    subject: &str,
    in_reply_to: &str,
    new_text: &str,
    quoted: &str,
) -> String {
    let quoted: String = quoted.lines().map(|line| format!("> {line}\r\n")).collect();
    format!(
        "From: Ada Visitor <{from}>\r\nTo: {to}\r\nSubject: Re: {subject}\r\nMessage-ID: <reply-{}@mail.example>\r\n\
         In-Reply-To: {in_reply_to}\r\nReferences: {in_reply_to}\r\nDate: Sun, 6 Dec 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{new_text}\r\n\r\n\
         On Sun, 6 Dec 2026 at 10:00, Shop <support@shop.example> wrote:\r\n{quoted}",
        md5_like(new_text)
    )
}
