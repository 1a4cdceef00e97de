//! What the load runs against, behind one interface: Switchboard (a conversation, visitors
//! and agents), the reference relay (a room), the relay without storage, and a bare echo.
//!
//! Every message carries `id` (to recognise one's own echo) and `text` = the send time, so a
//! receiver measures latency without any shared state.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use switchboard_protocol::api::create_session;
use switchboard_protocol::{
    Author, ClientFrame, ClientMessageId, Seq, ServerFrame, SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The system under load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// Switchboard: every message stored (SQLite) before its ack, relayed to all.
    Switchboard,
    /// The plain-JS reference relay: one storage.put per message, then broadcast.
    Reference,
    /// The reference relay without storage: broadcast only.
    NoStorage,
    /// A worker echoing each frame back: no Durable Object, no storage.
    Echo,
}

impl Kind {
    /// Its name in tables and plots.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Switchboard => "switchboard",
            Kind::Reference => "reference",
            Kind::NoStorage => "no-storage",
            Kind::Echo => "echo",
        }
    }
}

/// Where a target listens, and what it needs to connect.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Which system.
    pub kind: Kind,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// Switchboard: the agent's session cookie and the allowed page origin.
    pub cookie: String,
    /// Switchboard: an allowed page origin for sessions.
    pub page_origin: String,
    /// The process group of the runtime serving it (to read its CPU time and memory).
    pub group: Option<u32>,
}

/// One conversation or room.
#[derive(Debug, Clone)]
pub(crate) enum Room {
    /// A Switchboard conversation and its visitor session.
    Conversation(create_session::Response),
    /// A reference-relay room.
    Named(String),
    /// The echo route (no room).
    Echo,
}

/// The milliseconds clock every message's send time is written in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock(pub Instant);

impl Clock {
    /// Microseconds since the bench started.
    pub(crate) fn micros(&self) -> u64 {
        self.0.elapsed().as_micros() as u64
    }
}

impl Target {
    /// A fresh room (`n` makes the name unique within a run).
    pub(crate) async fn room(&self, n: usize) -> Result<Room> {
        Ok(match self.kind {
            Kind::Switchboard => Room::Conversation(self.session().await?),
            Kind::Reference | Kind::NoStorage => Room::Named(format!("room-{n}")),
            Kind::Echo => Room::Echo,
        })
    }

    /// A visitor session for a new conversation.
    pub(crate) async fn session(&self) -> Result<create_session::Response> {
        let body = create_session::Request {
            site_id: "demo".parse()?,
            page_origin: None,
            visitor_token: None,
            proactive: None,
        };
        let request = || {
            reqwest::Client::new()
                .post(format!("{}/api/v1/sessions", self.origin))
                .header("origin", &self.page_origin)
                .json(&body)
                .send()
        };
        let mut reply = request().await?;
        // Only when the bench could not find workerd's own port and goes through wrangler
        // dev's proxy: that proxy drops a POST now and then under load with `503 "Your worker
        // restarted mid-request"` and `Retry-After: 0` although workerd never restarted
        // (workers-sdk#14641). A widget retries, and so does the bench, once.
        if reply.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            reply = request().await?;
        }
        if !reply.status().is_success() {
            bail!("session refused: {} {}", reply.status(), reply.text().await.unwrap_or_default());
        }
        Ok(reply.json().await?)
    }

    /// Connects a client to `room`; `agent` picks the agent side of a Switchboard
    /// conversation (ignored elsewhere). Returns once the client is caught up.
    pub(crate) async fn connect(&self, room: &Room, agent: bool) -> Result<Client> {
        let ws_origin = self.origin.replacen("http", "ws", 1);
        let (url, protocols, cookie) = match room {
            Room::Conversation(session) => {
                let url = format!("{ws_origin}/api/v1/conversations/{}/live", session.conversation_id);
                if agent {
                    (url, vec![SUBPROTOCOL.to_string()], Some(self.cookie.as_str()))
                } else {
                    let token = format!("{TOKEN_SUBPROTOCOL_PREFIX}{}", session.token);
                    (url, vec![SUBPROTOCOL.to_string(), token], None)
                }
            }
            Room::Named(name) => {
                let prefix = if self.kind == Kind::Reference { "ref" } else { "floor" };
                (format!("{ws_origin}/{prefix}/{name}"), Vec::new(), None)
            }
            Room::Echo => (format!("{ws_origin}/echo"), Vec::new(), None),
        };
        let mut request = url.as_str().into_client_request()?;
        let headers = request.headers_mut();
        headers.insert("origin", HeaderValue::from_str(&self.origin)?);
        if !protocols.is_empty() {
            headers.insert("sec-websocket-protocol", HeaderValue::from_str(&protocols.join(", "))?);
        }
        if let Some(cookie) = cookie {
            headers.insert("cookie", HeaderValue::from_str(cookie)?);
        }
        let (ws, _) =
            tokio_tungstenite::connect_async(request).await.with_context(|| format!("connecting {url}"))?;
        let mut client = Client { kind: self.kind, ws };
        if self.kind == Kind::Switchboard {
            client.hello().await?;
        }
        Ok(client)
    }
}

/// A connected client.
pub(crate) struct Client {
    kind: Kind,
    ws: Ws,
}

/// A message as received: its id and the microsecond clock value it was sent at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Received {
    /// The sender's id for it.
    pub id: String,
    /// When it was sent, in [`Clock`] microseconds.
    pub sent_at: u64,
}

impl Client {
    async fn hello(&mut self) -> Result<()> {
        self.ws
            .send(WsMessage::text(serde_json::to_string(&ClientFrame::Hello { last_seq: Seq(0) })?))
            .await?;
        loop {
            let Some(frame) = self.ws.next().await else { bail!("closed before the replay ended") };
            if let WsMessage::Text(text) = frame? {
                match serde_json::from_str::<ServerFrame>(&text)? {
                    ServerFrame::History { complete: true, .. } => return Ok(()),
                    ServerFrame::Error { code, message, .. } => bail!("refused: {code:?} {message}"),
                    _ => {}
                }
            }
        }
    }

    /// Splits into a sending and a receiving half, to use from two tasks.
    pub(crate) fn split(self) -> (Outgoing, Incoming) {
        let (sink, stream) = self.ws.split();
        (Outgoing { kind: self.kind, sink }, Incoming { kind: self.kind, stream })
    }
}

/// The sending half.
pub(crate) struct Outgoing {
    kind: Kind,
    sink: SplitSink<Ws, WsMessage>,
}

impl Outgoing {
    /// Sends message `id`, stamped with `sent_at`.
    pub(crate) async fn send(&mut self, id: &str, sent_at: u64) -> Result<()> {
        let text = match self.kind {
            Kind::Switchboard => serde_json::to_string(&ClientFrame::Send {
                client_id: ClientMessageId::parse(id)?,
                text: sent_at.to_string(),
                internal: false,
            })?,
            _ => serde_json::json!({ "id": id, "text": sent_at.to_string() }).to_string(),
        };
        self.sink.send(WsMessage::text(text)).await?;
        Ok(())
    }

    /// Closes the socket.
    pub(crate) async fn close(mut self) {
        let _ = self.sink.close().await;
    }
}

/// The receiving half.
pub(crate) struct Incoming {
    kind: Kind,
    stream: SplitStream<Ws>,
}

impl Incoming {
    /// The next relayed message (other frames are skipped); `None` when the socket ends.
    pub(crate) async fn next(&mut self) -> Result<Option<Received>> {
        while let Some(frame) = self.stream.next().await {
            let WsMessage::Text(text) = frame? else { continue };
            let received = match self.kind {
                Kind::Switchboard => match serde_json::from_str::<ServerFrame>(&text)? {
                    // Routing events and bot messages are not the load's messages.
                    ServerFrame::Message { message }
                        if matches!(message.author, Author::Visitor { .. } | Author::Agent { .. }) =>
                    {
                        Some(Received {
                            id: message.client_id.to_string(),
                            sent_at: message.text.parse().unwrap_or(0),
                        })
                    }
                    ServerFrame::Error { code, message, .. } => bail!("refused: {code:?} {message}"),
                    _ => None,
                },
                _ => {
                    let value: serde_json::Value = serde_json::from_str(&text)?;
                    match (value["id"].as_str(), value["text"].as_str()) {
                        (Some(id), Some(sent)) => {
                            Some(Received { id: id.into(), sent_at: sent.parse().unwrap_or(0) })
                        }
                        _ => None,
                    }
                }
            };
            if received.is_some() {
                return Ok(received);
            }
        }
        Ok(None)
    }
}
