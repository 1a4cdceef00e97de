//! A local stand-in for Twilio, speaking its documented wire format and written apart from
//! the edge's code: the Messages API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
//! form body, HTTP basic auth with the account SID and auth token; `201` with the message's
//! JSON, or Twilio's error JSON), and Twilio's side of webhooks — the form fields it posts
//! for an inbound message and a status callback, signed with `X-Twilio-Signature`
//! (HMAC-SHA1 of the URL followed by the sorted fields' names and values, base64).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{anyhow, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::bot_server::read_request;
use crate::local_server::{Connection, LocalServer};

/// The account the fake knows.
pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";

/// Its auth token: the Messages API's password and the webhooks' signing key.
pub const AUTH_TOKEN: &str = "f3d1c0ffee0123456789abcdef012345";

/// How the Messages API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// `201`: queued.
    Accept,
    /// `503`: Twilio is having trouble (a client tries again).
    Unavailable,
    /// `400` with error 21211: not a valid phone number (trying again cannot help).
    InvalidNumber,
}

/// A message the Messages API accepted (or refused), as posted.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The sid it was given (empty when refused).
    pub sid: String,
    /// `To`.
    pub to: String,
    /// `From`.
    pub from: String,
    /// `Body`.
    pub body: String,
    /// `StatusCallback`, if given.
    pub status_callback: Option<String>,
    /// `ContentSid`: a WhatsApp template sent instead of a body.
    pub content_sid: Option<String>,
    /// `ContentVariables`: the template's values, as JSON (`{"1": "…"}`).
    pub content_variables: Option<String>,
    /// `MediaUrl` (repeated): files Twilio is to fetch and send.
    pub media_urls: Vec<String>,
    /// Whether it was accepted.
    pub accepted: bool,
}

#[derive(Default)]
struct State {
    answer: Option<Answer>,
    sent: Vec<Sent>,
    bad_credentials: usize,
    /// Files customers sent, by media sid: type and bytes.
    media: Vec<(String, String, Vec<u8>)>,
}

/// A running fake.
pub struct FakeTwilio {
    server: LocalServer<State>,
}

impl FakeTwilio {
    /// Starts on a free loopback port, accepting messages.
    pub async fn start() -> Result<FakeTwilio> {
        let state = State { answer: Some(Answer::Accept), ..State::default() };
        Ok(FakeTwilio { server: LocalServer::start(state, serve).await? })
    }

    /// The deployment variables that point an edge at it.
    pub fn vars(&self) -> [(&'static str, String); 3] {
        [
            ("TWILIO_API_BASE", format!("http://127.0.0.1:{}", self.server.port())),
            ("TWILIO_ACCOUNT_SID", ACCOUNT_SID.to_owned()),
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN.to_owned()),
        ]
    }

    /// Changes how the Messages API answers.
    pub fn set_answer(&self, answer: Answer) {
        self.server.lock().answer = Some(answer);
    }

    /// Keeps a file a customer sent with message `message_sid`; answers its `MediaUrl`, which
    /// Twilio serves with the account's basic auth as a redirect to the file itself.
    pub fn add_media(&self, message_sid: &str, content_type: &str, bytes: &[u8]) -> String {
        let mut state = self.server.lock();
        let sid = format!("ME{:032x}", state.media.len() + 1);
        state.media.push((sid.clone(), content_type.to_owned(), bytes.to_vec()));
        let port = self.server.port();
        format!(
            "http://127.0.0.1:{port}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message_sid}/Media/{sid}"
        )
    }

    /// Every message posted so far, accepted or not.
    pub fn sent(&self) -> Vec<Sent> {
        self.server.lock().sent.clone()
    }

    /// Requests with wrong or missing credentials.
    pub fn bad_credentials(&self) -> usize {
        self.server.lock().bad_credentials
    }

    /// Waits (up to `within`) until `done` holds for what was posted.
    pub async fn until(&self, within: Duration, done: impl Fn(&[Sent]) -> bool) -> Result<Vec<Sent>> {
        let found = self.server.until(within, "the fake Twilio's condition", |state| {
            done(&state.sent).then(|| state.sent.clone())
        });
        found.await.map_err(|e| anyhow!("{e}; it got {:#?}", self.sent()))
    }
}

async fn serve(Connection { mut stream, state, arrived }: Connection<State>) -> Result<()> {
    let Some(request) = read_request(&mut stream).await? else { return Ok(()) };
    if request.line.starts_with("GET ") {
        return serve_media(stream, &request, &state).await;
    }
    let expected_path = format!("POST /2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json ");
    let credentials = format!("Basic {}", STANDARD.encode(format!("{ACCOUNT_SID}:{AUTH_TOKEN}")));
    let (status, body) = if !request.line.starts_with(&expected_path) {
        ("404 Not Found", error_json(20404, "The requested resource was not found", 404))
    } else if request.headers.get("authorization") != Some(&credentials) {
        state.lock().map_err(|_| anyhow!("poisoned"))?.bad_credentials += 1;
        ("401 Unauthorized", error_json(20003, "Authenticate", 401))
    } else {
        let fields: Vec<(String, String)> =
            form_urlencoded::parse(&request.body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let mut state = state.lock().map_err(|_| anyhow!("poisoned"))?;
        let answer = state.answer.unwrap_or(Answer::Accept);
        let mut sent = Sent {
            sid: String::new(),
            to: field("To").unwrap_or_default(),
            from: field("From").unwrap_or_default(),
            body: field("Body").unwrap_or_default(),
            status_callback: field("StatusCallback"),
            content_sid: field("ContentSid"),
            content_variables: field("ContentVariables"),
            media_urls: fields.iter().filter(|(k, _)| k == "MediaUrl").map(|(_, v)| v.clone()).collect(),
            accepted: answer == Answer::Accept,
        };
        let reply = match answer {
            Answer::Accept => {
                sent.sid = message_sid(state.sent.len() as u64 + 0x1000);
                let json = serde_json::json!({
                    "account_sid": ACCOUNT_SID, "api_version": "2010-04-01", "body": sent.body,
                    "direction": "outbound-api", "from": sent.from, "to": sent.to, "sid": sent.sid,
                    "status": "queued", "num_media": "0", "num_segments": "1", "error_code": null,
                    "uri": format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{}.json", sent.sid),
                });
                ("201 Created", json.to_string())
            }
            Answer::Unavailable => {
                ("503 Service Unavailable", error_json(20500, "Internal Server Error", 503))
            }
            Answer::InvalidNumber => (
                "400 Bad Request",
                error_json(21211, &format!("The 'To' number {} is not a valid phone number.", sent.to), 400),
            ),
        };
        state.sent.push(sent);
        reply
    };
    arrived.notify_waiters();
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    Ok(())
}

/// `GET …/Media/{sid}` (basic auth) → `307` to `/files/{sid}`; `GET /files/{sid}` → the bytes.
async fn serve_media(
    mut stream: TcpStream,
    request: &crate::bot_server::Received,
    state: &Arc<Mutex<State>>,
) -> Result<()> {
    let path = request.line.split(' ').nth(1).unwrap_or_default().to_owned();
    let sid = path.rsplit('/').next().unwrap_or_default().to_owned();
    let credentials = format!("Basic {}", STANDARD.encode(format!("{ACCOUNT_SID}:{AUTH_TOKEN}")));
    let file = state.lock().map_err(|_| anyhow!("poisoned"))?.media.iter().find(|m| m.0 == sid).cloned();
    let head = |status: &str, extra: &str, length: usize| {
        format!("HTTP/1.1 {status}\r\n{extra}content-length: {length}\r\nconnection: close\r\n\r\n")
    };
    match file {
        Some(_) if path.contains("/Media/") && request.headers.get("authorization") != Some(&credentials) => {
            state.lock().map_err(|_| anyhow!("poisoned"))?.bad_credentials += 1;
            stream.write_all(head("401 Unauthorized", "", 0).as_bytes()).await?;
        }
        Some(_) if path.contains("/Media/") => {
            let location = format!("location: /files/{sid}\r\n");
            stream.write_all(head("307 Temporary Redirect", &location, 0).as_bytes()).await?;
        }
        Some((_, content_type, bytes)) if path.starts_with("/files/") => {
            let extra = format!("content-type: {content_type}\r\n");
            stream.write_all(head("200 OK", &extra, bytes.len()).as_bytes()).await?;
            stream.write_all(&bytes).await?;
        }
        _ => stream.write_all(head("404 Not Found", "", 0).as_bytes()).await?,
    }
    Ok(())
}

fn error_json(code: u32, message: &str, status: u16) -> String {
    serde_json::json!({
        "code": code, "message": message, "status": status,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
    })
    .to_string()
}

/// A message sid: `SM` and 32 hex digits.
pub fn message_sid(n: u64) -> String {
    format!("SM{n:032x}")
}

/// `X-Twilio-Signature` for a post of `fields` to `url`.
pub fn signature(url: &str, fields: &[(String, String)]) -> String {
    let mut sorted = fields.to_vec();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(AUTH_TOKEN.as_bytes()).expect("any key");
    mac.update(url.as_bytes());
    for (name, value) in &sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// `fields` of an inbound message with files (`NumMedia`, `MediaUrl{n}`, `MediaContentType{n}`).
pub fn with_media(mut fields: Vec<(String, String)>, files: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.retain(|(name, _)| name != "NumMedia");
    fields.push(("NumMedia".into(), files.len().to_string()));
    for (n, (url, content_type)) in files.iter().enumerate() {
        fields.push((format!("MediaUrl{n}"), url.to_string()));
        fields.push((format!("MediaContentType{n}"), content_type.to_string()));
    }
    fields
}

/// The fields Twilio posts for an SMS from `from` to `to` (`whatsapp:`-prefixed addresses
/// for WhatsApp, with the sender's profile name).
pub fn inbound(sid: &str, from: &str, to: &str, body: &str) -> Vec<(String, String)> {
    let mut fields = owned(&[
        ("ToCountry", "US"),
        ("ToState", "CA"),
        ("SmsMessageSid", sid),
        ("NumMedia", "0"),
        ("ToCity", ""),
        ("FromZip", ""),
        ("SmsSid", sid),
        ("FromState", ""),
        ("SmsStatus", "received"),
        ("FromCity", ""),
        ("Body", body),
        ("FromCountry", "US"),
        ("To", to),
        ("ToZip", ""),
        ("NumSegments", "1"),
        ("MessageSid", sid),
        ("AccountSid", ACCOUNT_SID),
        ("From", from),
        ("ApiVersion", "2010-04-01"),
    ]);
    if let Some(number) = from.strip_prefix("whatsapp:") {
        fields.push(("ProfileName".into(), "Grace".into()));
        fields.push(("WaId".into(), number.trim_start_matches('+').into()));
    }
    fields
}

/// The fields of a status callback for our message `sid` (`from` is our number).
pub fn status(
    sid: &str,
    status: &str,
    from: &str,
    to: &str,
    error_code: Option<u32>,
) -> Vec<(String, String)> {
    let mut fields = owned(&[
        ("SmsSid", sid),
        ("SmsStatus", status),
        ("MessageStatus", status),
        ("To", to),
        ("MessageSid", sid),
        ("AccountSid", ACCOUNT_SID),
        ("From", from),
        ("ApiVersion", "2010-04-01"),
    ]);
    if let Some(code) = error_code {
        fields.push(("ErrorCode".into(), code.to_string()));
    }
    fields
}

/// Posts `fields` to `url` as Twilio does, with `signature` (`None`: unsigned); the status
/// and body of the answer.
pub async fn post(url: &str, fields: &[(String, String)], signature: Option<&str>) -> Result<(u16, String)> {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", "TwilioProxy/1.1")
        .body(body);
    if let Some(signature) = signature {
        request = request.header("x-twilio-signature", signature);
    }
    let response = request.send().await?;
    Ok((response.status().as_u16(), response.text().await?))
}

/// Posts `fields` to `url` signed as Twilio signs.
pub async fn post_signed(url: &str, fields: &[(String, String)]) -> Result<(u16, String)> {
    post(url, fields, Some(&signature(url, fields))).await
}
