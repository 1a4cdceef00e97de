//! A local stand-in for Meta's Messenger Platform, in its documented wire format and written
//! apart from the edge's code: the User Profile API (`GET /v21.0/{psid}?fields=…`), the Send
//! API (`POST /v21.0/me/messages?access_token=…`, JSON
//! `{"recipient":{"id"},"messaging_type","message":{"text","quick_replies"?} or
//! {"attachment":{"type","payload":{"url"}}}}`, answered
//! `{"recipient_id","message_id"}` or Graph's error JSON), and Meta's side of the webhook —
//! page deliveries (`{"object":"page","entry":[{"id","time","messaging":[…]}]}`) signed with
//! `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body, keyed with the app secret>`.

use std::time::Duration;

use anyhow::{anyhow, Result};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::io::AsyncWriteExt;

use crate::bot_server::read_request;
use crate::local_server::{Connection, LocalServer};

/// The Meta app's secret (signs deliveries).
pub const APP_SECRET: &str = "meta-app-secret-0123456789abcdef";

/// The token the app's webhook settings name (the handshake's `hub.verify_token`).
pub const VERIFY_TOKEN: &str = "verify-me-0123456789";

/// Our page's id and its access token.
pub const PAGE_ID: &str = "1122334455";
/// The page's access token.
pub const PAGE_TOKEN: &str = "EAAGpagetoken0123456789abcdefghijklmnop";

/// The name the User Profile API gives every customer (`GET /v21.0/{psid}?fields=first_name,last_name`).
pub const PROFILE: (&str, &str) = ("Grace", "Hopper");

/// A page-scoped user id: digits.
fn is_psid(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// A message the Send API took.
#[derive(Debug, Clone)]
pub struct Sent {
    /// `recipient.id`.
    pub recipient: String,
    /// `message.text`.
    pub text: String,
    /// The id it was given.
    pub message_id: String,
    /// `message.quick_replies[].title`.
    pub quick_replies: Vec<String>,
    /// `message.attachment`: its `type` and `payload.url` (Meta fetches the file from it).
    pub attachment: Option<(String, String)>,
    /// `tag` (`HUMAN_AGENT` for a person's answer past the 24 hours).
    pub tag: Option<String>,
}

#[derive(Default)]
struct State {
    sent: Vec<Sent>,
    bad_tokens: usize,
}

/// A running fake.
pub struct FakeMeta {
    server: LocalServer<State>,
}

impl FakeMeta {
    /// Starts on a free loopback port.
    pub async fn start() -> Result<FakeMeta> {
        Ok(FakeMeta { server: LocalServer::start(State::default(), serve).await? })
    }

    /// The deployment variables that point an edge at it.
    pub fn vars(&self) -> [(&'static str, String); 3] {
        [
            ("MESSENGER_API_BASE", format!("http://127.0.0.1:{}", self.server.port())),
            ("MESSENGER_APP_SECRET", APP_SECRET.to_owned()),
            ("MESSENGER_VERIFY_TOKEN", VERIFY_TOKEN.to_owned()),
        ]
    }

    /// Everything the Send API took so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.server.lock().sent.clone()
    }

    /// Send API calls with a wrong or missing page token.
    pub fn bad_tokens(&self) -> usize {
        self.server.lock().bad_tokens
    }

    /// Waits (up to `within`) until `done` holds for what was sent.
    pub async fn until(&self, within: Duration, done: impl Fn(&[Sent]) -> bool) -> Result<Vec<Sent>> {
        let found = self.server.until(within, "the fake Meta's condition", |state| {
            done(&state.sent).then(|| state.sent.clone())
        });
        found.await.map_err(|e| anyhow!("{e}; it got {:#?}", self.sent()))
    }
}

async fn serve(Connection { mut stream, state, arrived }: Connection<State>) -> Result<()> {
    let Some(request) = read_request(&mut stream).await? else { return Ok(()) };
    let target = request.line.split(' ').nth(1).unwrap_or_default().to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let token = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "access_token").map(|(_, v)| v);
    let profile = path.strip_prefix("/v21.0/").filter(|id| request.line.starts_with("GET ") && is_psid(id));
    let (status, body) = if let Some(id) = profile {
        // The User Profile API: a customer's public name, for the page's token only.
        if token.as_deref() == Some(PAGE_TOKEN) {
            let (first, last) = PROFILE;
            ("200 OK", json!({ "first_name": first, "last_name": last, "id": id }))
        } else {
            ("400 Bad Request", json!({ "error": { "message": "Invalid OAuth access token.", "code": 190 } }))
        }
    } else if !request.line.starts_with("POST ") || path != "/v21.0/me/messages" {
        ("404 Not Found", json!({ "error": { "message": "Unknown path", "code": 803 } }))
    } else if token.as_deref() != Some(PAGE_TOKEN) {
        state.lock().map_err(|_| anyhow!("poisoned"))?.bad_tokens += 1;
        let error = json!({ "error": { "message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190 } });
        ("400 Bad Request", error)
    } else {
        let sent: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let mut state = state.lock().map_err(|_| anyhow!("poisoned"))?;
        let message_id = format!("m_out_{}", state.sent.len() + 1);
        let recipient = sent["recipient"]["id"].as_str().unwrap_or_default().to_owned();
        state.sent.push(Sent {
            recipient: recipient.clone(),
            text: sent["message"]["text"].as_str().unwrap_or_default().to_owned(),
            message_id: message_id.clone(),
            quick_replies: sent["message"]["quick_replies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|reply| reply["title"].as_str().map(str::to_owned))
                .collect(),
            attachment: sent["message"]["attachment"]["payload"]["url"].as_str().map(|url| {
                let kind = sent["message"]["attachment"]["type"].as_str().unwrap_or_default();
                (kind.to_owned(), url.to_owned())
            }),
            tag: sent["tag"].as_str().map(str::to_owned),
        });
        ("200 OK", json!({ "recipient_id": recipient, "message_id": message_id }))
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

/// A page delivery of `messaging` items for our page.
pub fn delivery(messaging: Vec<Value>) -> String {
    json!({ "object": "page", "entry": [{ "id": PAGE_ID, "time": now_ms(), "messaging": messaging }] })
        .to_string()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// A customer's text message.
pub fn message(customer: &str, mid: &str, text: &str) -> Value {
    json!({ "sender": { "id": customer }, "recipient": { "id": PAGE_ID }, "timestamp": now_ms(),
            "message": { "mid": mid, "text": text } })
}

/// A customer tapping a button.
pub fn postback(customer: &str, mid: &str, title: &str) -> Value {
    json!({ "sender": { "id": customer }, "recipient": { "id": PAGE_ID }, "timestamp": now_ms(),
            "postback": { "mid": mid, "title": title, "payload": title.to_uppercase() } })
}

/// The customer read everything we sent up to now.
pub fn read(customer: &str) -> Value {
    json!({ "sender": { "id": customer }, "recipient": { "id": PAGE_ID }, "timestamp": now_ms(),
            "read": { "watermark": now_ms() } })
}

/// `X-Hub-Signature-256` of `body`.
pub fn signature(body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("any key");
    mac.update(body.as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Posts `body` to `url` as Meta does, with `signature` (`None`: unsigned).
pub async fn post(url: &str, body: &str, signature: Option<&str>) -> Result<(u16, String)> {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", "facebookexternalua")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    let response = request.send().await?;
    Ok((response.status().as_u16(), response.text().await?))
}

/// Posts `body` signed as Meta signs.
pub async fn post_signed(url: &str, body: &str) -> Result<(u16, String)> {
    post(url, body, Some(&signature(body))).await
}
