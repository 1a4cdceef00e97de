//! Typed clients for the edge: REST calls with `reqwest`, conversation and inbox sockets with
//! `tokio-tungstenite`, all speaking `switchboard-protocol` types.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_protocol::api::{agent_login, agent_me, create_session};
use switchboard_protocol::inbox::InboxFrame;
use switchboard_protocol::{
    Author, ClientFrame, ClientMessageId, ConversationId, ErrorBody, ErrorCode, Message, Seq, ServerFrame,
    SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::test_edge::TestEdge;
use crate::{ADMIN_EMAIL, ADMIN_PASSWORD, SITE};

/// How long a test waits for one frame before failing.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

/// A status and the JSON body of a REST response.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON (`null` when empty).
    pub body: serde_json::Value,
    /// `set-cookie`, if any.
    pub set_cookie: Option<String>,
}

impl Reply {
    /// The body as `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_value(self.body.clone()).with_context(|| format!("unexpected body: {}", self.body))
    }

    /// The error code of an error body.
    pub fn error_code(&self) -> Result<ErrorCode> {
        Ok(self.json::<ErrorBody>()?.error.code)
    }
}

/// Sends `body` as JSON with `method` to `url`, with optional `Origin` and `Cookie` headers.
pub async fn call<B: Serialize>(
    method: reqwest::Method,
    url: &str,
    origin: Option<&str>,
    cookie: Option<&str>,
    body: Option<&B>,
) -> Result<Reply> {
    let headers: Vec<(&str, &str)> =
        origin.map(|o| ("origin", o)).into_iter().chain(cookie.map(|c| ("cookie", c))).collect();
    call_with(method, url, &headers, body).await
}

/// Sends `body` as JSON with `method` to `url`, with `headers`.
pub async fn call_with<B: Serialize>(
    method: reqwest::Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&B>,
) -> Result<Reply> {
    let mut request = reqwest::Client::new().request(method, url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let set_cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_string);
    let text = response.text().await?;
    let body = if text.is_empty() { serde_json::Value::Null } else { serde_json::from_str(&text)? };
    Ok(Reply { status, body, set_cookie })
}

/// A visitor session for site `demo`, requested from `origin` directly.
pub async fn create_session(edge: &TestEdge, origin: &str) -> Result<create_session::Response> {
    new_conversation(edge, origin, None).await
}

/// A session for a new conversation of the visitor holding `visitor_token` (a new visitor
/// when `None`).
pub async fn new_conversation(
    edge: &TestEdge,
    origin: &str,
    visitor_token: Option<&str>,
) -> Result<create_session::Response> {
    let body = create_session::Request {
        site_id: SITE.parse()?,
        page_origin: None,
        visitor_token: visitor_token.map(str::to_string),
    };
    let reply =
        call(reqwest::Method::POST, &edge.url("/api/v1/sessions"), Some(origin), None, Some(&body)).await?;
    if reply.status != 201 {
        bail!("session refused: {} {}", reply.status, reply.body);
    }
    reply.json()
}

/// Signs the test admin in; returns the `Cookie` header value to send.
pub async fn login(edge: &TestEdge) -> Result<String> {
    login_as(edge, ADMIN_EMAIL, ADMIN_PASSWORD).await
}

/// Signs an agent in; returns the `Cookie` header value to send.
pub async fn login_as(edge: &TestEdge, email: &str, password: &str) -> Result<String> {
    Ok(Session::start(edge, email, password).await?.cookie)
}

/// A console session as a script holds it: the cookie and the anti-forgery token.
#[derive(Debug, Clone)]
pub struct Session {
    /// The `Cookie` header value.
    pub cookie: String,
    /// The `X-CSRF-Token` header value.
    pub csrf: String,
    /// The account.
    pub agent: agent_me::Response,
}

impl Session {
    /// Signs in.
    pub async fn start(edge: &TestEdge, email: &str, password: &str) -> Result<Session> {
        let body = agent_login::Request { email: email.into(), password: password.into(), code: None };
        let reply =
            call(reqwest::Method::POST, &edge.url("/api/v1/agent/login"), None, None, Some(&body)).await?;
        if reply.status != 200 {
            bail!("login refused: {} {}", reply.status, reply.body);
        }
        Session::from_reply(reply)
    }

    /// The session a sign-in (or an accepted invite) answered with.
    pub fn from_reply(reply: Reply) -> Result<Session> {
        let set_cookie = reply.set_cookie.clone().ok_or_else(|| anyhow!("no session cookie was set"))?;
        let agent: agent_me::Response = reply.json()?;
        Ok(Session {
            cookie: set_cookie.split(';').next().unwrap_or_default().to_string(),
            csrf: agent.csrf_token.clone(),
            agent,
        })
    }

    /// A request with the cookie and the anti-forgery token, as the console sends it.
    pub async fn call<B: Serialize>(
        &self,
        edge: &TestEdge,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Reply> {
        let headers = [("cookie", self.cookie.as_str()), ("x-csrf-token", self.csrf.as_str())];
        call_with(method, &edge.url(path), &headers, body).await
    }

    /// Makes an API key of the session's site named `name` with `role` (`agent` or `admin`);
    /// answers its bearer header value (`Bearer sbk_…`).
    pub async fn api_key(&self, edge: &TestEdge, name: &str, role: &str) -> Result<String> {
        let body = serde_json::json!({ "name": name, "role": role });
        let reply = self.call(edge, reqwest::Method::POST, "/api/v1/api-keys", Some(&body)).await?;
        if reply.status != 201 {
            bail!("no API key: {} {}", reply.status, reply.body);
        }
        Ok(format!("Bearer {}", reply.body["secret"].as_str().unwrap_or_default()))
    }

    /// `bytes` as the raw body of a `method` request to `path` with `content_type` (a file
    /// upload), with the cookie and the anti-forgery token: status and JSON body (`null` when
    /// there is none).
    pub async fn send_bytes(
        &self,
        edge: &TestEdge,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<(u16, serde_json::Value)> {
        let response = reqwest::Client::new()
            .request(method, edge.url(path))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok((status, serde_json::from_str(&response.text().await?).unwrap_or_default()))
    }
}

impl Session {
    /// The contact the inbox lists for `conversation`, once `ready` holds for it (waits up
    /// to [`FRAME_TIMEOUT`]: contacts reach the inbox asynchronously).
    pub async fn contact_when(
        &self,
        edge: &TestEdge,
        conversation: &switchboard_protocol::ConversationId,
        ready: impl Fn(&switchboard_protocol::contact::Contact) -> bool,
    ) -> Result<switchboard_protocol::contact::Contact> {
        let ready = &ready;
        crate::wait::until("the inbox to show the contact", FRAME_TIMEOUT, || async move {
            let list: switchboard_protocol::api::conversations_list::Response = self
                .call::<()>(edge, reqwest::Method::GET, "/api/v1/conversations", None)
                .await
                .ok()?
                .json()
                .ok()?;
            let contact =
                list.conversations.into_iter().find(|c| &c.id == conversation)?.contact.unwrap_or_default();
            ready(&contact).then_some(contact)
        })
        .await
    }
}

/// A conversation or inbox socket.
pub struct Live {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Live {
    /// Opens `url` offering `protocols`, with optional `Origin` and `Cookie` headers.
    pub async fn connect(
        url: &str,
        protocols: &[String],
        origin: Option<&str>,
        cookie: Option<&str>,
    ) -> Result<Live> {
        let headers: Vec<(&str, &str)> =
            origin.map(|o| ("origin", o)).into_iter().chain(cookie.map(|c| ("cookie", c))).collect();
        Live::connect_with(url, protocols, &headers).await
    }

    /// Opens `url` offering `protocols`, with `headers` (an API key's `authorization`).
    pub async fn connect_with(url: &str, protocols: &[String], extra: &[(&str, &str)]) -> Result<Live> {
        let mut request = url.into_client_request()?;
        let headers = request.headers_mut();
        if !protocols.is_empty() {
            headers.insert("sec-websocket-protocol", HeaderValue::from_str(&protocols.join(", "))?);
        }
        for (name, value) in extra {
            let name = tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())?;
            headers.insert(name, HeaderValue::from_str(value)?);
        }
        let (ws, _response) =
            tokio_tungstenite::connect_async(request).await.with_context(|| format!("connecting {url}"))?;
        Ok(Live { ws })
    }

    /// A visitor's socket to its conversation.
    pub async fn visitor(edge: &TestEdge, session: &create_session::Response) -> Result<Live> {
        let url = format!("{}/api/v1/conversations/{}/live", edge.ws_origin(), session.conversation_id);
        let protocols = [SUBPROTOCOL.to_string(), format!("{TOKEN_SUBPROTOCOL_PREFIX}{}", session.token)];
        Live::connect(&url, &protocols, Some(&edge.origin()), None).await
    }

    /// An agent's socket to `conversation` (the console's origin and cookie).
    pub async fn agent(edge: &TestEdge, cookie: &str, conversation: &ConversationId) -> Result<Live> {
        let url = format!("{}/api/v1/conversations/{conversation}/live", edge.ws_origin());
        Live::connect(&url, &[SUBPROTOCOL.to_string()], Some(&edge.origin()), Some(cookie)).await
    }

    /// An agent's inbox socket.
    pub async fn inbox(edge: &TestEdge, cookie: &str) -> Result<Live> {
        let url = format!("{}/api/v1/agent/inbox", edge.ws_origin());
        Live::connect(&url, &[SUBPROTOCOL.to_string()], Some(&edge.origin()), Some(cookie)).await
    }

    /// Sends a frame.
    pub async fn send(&mut self, frame: &ClientFrame) -> Result<()> {
        self.send_raw(serde_json::to_string(frame)?).await
    }

    /// Sends arbitrary text (for malformed-input tests).
    pub async fn send_raw(&mut self, text: String) -> Result<()> {
        Ok(self.ws.send(WsMessage::text(text)).await?)
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) -> Result<()> {
        Ok(self.ws.send(WsMessage::binary(bytes)).await?)
    }

    /// The next frame, parsed as `T` (pings and pongs of the WebSocket layer are skipped).
    pub async fn next_as<T: DeserializeOwned>(&mut self) -> Result<T> {
        loop {
            let message = tokio::time::timeout(FRAME_TIMEOUT, self.ws.next())
                .await
                .map_err(|_| anyhow!("no frame within {FRAME_TIMEOUT:?}"))?
                .ok_or_else(|| anyhow!("socket ended"))??;
            match message {
                WsMessage::Text(text) => {
                    return serde_json::from_str(&text).with_context(|| format!("unexpected frame {text}"))
                }
                WsMessage::Close(frame) => bail!("socket closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// The next conversation frame if one comes within `wait`; `Ok(None)` when none does.
    pub async fn next_within(&mut self, wait: Duration) -> Result<Option<ServerFrame>> {
        loop {
            let message = match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) => return Ok(None),
                Ok(None) => bail!("socket ended"),
                Ok(Some(message)) => message?,
            };
            match message {
                WsMessage::Text(text) => return Ok(Some(serde_json::from_str(&text)?)),
                WsMessage::Close(frame) => bail!("socket closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// The next conversation frame.
    pub async fn next(&mut self) -> Result<ServerFrame> {
        self.next_as().await
    }

    /// Reads frames until `pick` returns `Some`.
    pub async fn until<T>(&mut self, mut pick: impl FnMut(&ServerFrame) -> Option<T>) -> Result<T> {
        loop {
            let frame = self.next().await?;
            if let Some(value) = pick(&frame) {
                return Ok(value);
            }
        }
    }

    /// Says hello after `last_seq`; returns who the edge says we are and the replayed messages.
    pub async fn hello(&mut self, last_seq: Seq) -> Result<(Author, Vec<Message>)> {
        self.send(&ClientFrame::Hello { last_seq }).await?;
        let you = self
            .until(|f| match f {
                ServerFrame::Welcome { you, .. } => Some(you.clone()),
                _ => None,
            })
            .await?;
        let mut replayed = Vec::new();
        loop {
            if let ServerFrame::History { messages, complete } = self.next().await? {
                replayed.extend(messages);
                if complete {
                    return Ok((you, replayed));
                }
            }
        }
    }

    /// Sends a routing command on an inbox socket.
    pub async fn command(&mut self, command: &switchboard_protocol::inbox::InboxCommand) -> Result<()> {
        self.send_raw(serde_json::to_string(command)?).await
    }

    /// Reads inbox frames until `pick` returns `Some`.
    pub async fn until_inbox<T>(&mut self, mut pick: impl FnMut(&InboxFrame) -> Option<T>) -> Result<T> {
        loop {
            let frame: InboxFrame = self.next_as().await?;
            if let Some(value) = pick(&frame) {
                return Ok(value);
            }
        }
    }

    /// Sends a message and waits for its ack; returns its `seq`.
    pub async fn post(&mut self, client_id: &str, text: &str) -> Result<Seq> {
        let client_id = ClientMessageId::parse(client_id)?;
        self.send(&ClientFrame::Send { client_id: client_id.clone(), text: text.into(), internal: false })
            .await?;
        self.until(|f| match f {
            ServerFrame::Ack { client_id: acked, seq } if *acked == client_id => Some(Ok(*seq)),
            ServerFrame::Error { client_id: Some(refused), code, message, .. } if *refused == client_id => {
                Some(Err(anyhow!("message {client_id} refused: {code:?} {message}")))
            }
            _ => None,
        })
        .await?
    }

    /// The next refusal of something that is not a message (an `error` frame without a
    /// `client_id`: a rating, an identity, pre-chat answers), skipping other frames.
    pub async fn refused(&mut self) -> Result<(ErrorCode, String)> {
        self.until(|frame| match frame {
            ServerFrame::Error { code, message, client_id: None, .. } => Some((*code, message.clone())),
            _ => None,
        })
        .await
    }

    /// Expects the refusal of a handshake: an `error` frame, then a close. Returns both codes.
    pub async fn refusal(&mut self) -> Result<(ErrorCode, u16)> {
        let code = match self.next().await? {
            ServerFrame::Error { code, .. } => code,
            other => bail!("expected an error frame, got {other:?}"),
        };
        let close = tokio::time::timeout(FRAME_TIMEOUT, self.ws.next())
            .await
            .map_err(|_| anyhow!("the socket was not closed"))?;
        match close {
            Some(Ok(WsMessage::Close(Some(frame)))) => Ok((code, u16::from(frame.code))),
            other => bail!("expected a close frame, got {other:?}"),
        }
    }

    /// Waits, for at most `wait`, for the edge to close the socket: its close code, and the
    /// frames that came before the close.
    pub async fn closed_within(&mut self, wait: Duration) -> Result<(u16, Vec<String>)> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut before = Vec::new();
        loop {
            let message = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .map_err(|_| anyhow!("the socket was still open after {wait:?}"))?;
            match message {
                Some(Ok(WsMessage::Close(frame))) => {
                    return Ok((frame.map_or(1005, |frame| u16::from(frame.code)), before))
                }
                Some(Ok(WsMessage::Text(text))) => before.push(text.to_string()),
                Some(Ok(_)) => continue,
                Some(Err(error)) => bail!("the socket failed instead of closing: {error}"),
                None => bail!("the socket ended without a close frame"),
            }
        }
    }

    /// Closes the socket.
    pub async fn close(mut self) -> Result<()> {
        self.ws
            .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: CloseCode::Normal,
                reason: "done".into(),
            }))
            .await?;
        Ok(())
    }
}

/// Who a session cookie belongs to (`GET /api/v1/agent/me`).
pub async fn me(edge: &TestEdge, cookie: &str) -> Result<agent_me::Response> {
    let reply =
        call::<()>(reqwest::Method::GET, &edge.url("/api/v1/agent/me"), None, Some(cookie), None).await?;
    reply.json()
}

/// The messages people wrote (visitors and agents), without routing events and bot turns,
/// which a flow may add to any log.
pub fn chat(log: &[Message]) -> Vec<&Message> {
    log.iter().filter(|m| matches!(m.author, Author::Visitor { .. } | Author::Agent { .. })).collect()
}
