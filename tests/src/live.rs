//! Conversation and inbox sockets as a client holds them (`tokio-tungstenite`): connecting
//! with the subprotocols and token the edge expects, typed frames both ways, waiting for a
//! frame, an ack, a refusal or the close.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use switchboard_protocol::api::create_session;
use switchboard_protocol::inbox::InboxFrame;
use switchboard_protocol::{
    Author, ClientFrame, ClientMessageId, ConversationId, ErrorCode, Message, Seq, ServerFrame, SUBPROTOCOL,
    TOKEN_SUBPROTOCOL_PREFIX,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::api::FRAME_TIMEOUT;
use crate::test_edge::TestEdge;

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

    /// An agent's inbox socket taking its changes paced, several to an `updated_many` frame,
    /// as the console opens it.
    pub async fn inbox_batched(edge: &TestEdge, cookie: &str) -> Result<Live> {
        let (key, value) = switchboard_protocol::inbox::BATCHED_UPDATES;
        let url = format!("{}/api/v1/agent/inbox?{key}={value}", edge.ws_origin());
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
