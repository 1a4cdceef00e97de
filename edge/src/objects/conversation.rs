//! The Conversation Durable Object: one conversation's log and sockets.
//!
//! Storage is the object's SQLite database: a `meta` row (site, visitor, creation time) and
//! the `messages` log keyed by `seq`, unique per (author, client id) so a resend can never be
//! stored twice. A message is written before it is acknowledged or relayed; the runtime's
//! output gate holds those frames until the write is durable, so an ack always means stored.
//!
//! Sockets use the hibernation API: the object may be evicted while sockets stay open, and is
//! rebuilt from storage and each socket's attachment (its [`Participant`]) when a frame comes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::Deserialize;
use switchboard_core::ingest::{self, SendDecision};
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{
    Author, ClientFrame, ClientMessageId, ConversationId, ErrorCode, Message, Seq, ServerFrame, SiteId,
    VisitorId,
};
use worker::{
    durable_object, DurableObject, Env, Request, Response, SqlStorage, State, WebSocket,
    WebSocketIncomingMessage,
};

use super::{
    accept_socket, answer_pings_while_hibernating, finish_close, json_header, respond, send_error,
    send_frame, Participant, PARTICIPANT_HEADER,
};
use crate::error::{EdgeError, EdgeResult};
use crate::{env, stubs};

const SCHEMA: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS meta (
        only INTEGER PRIMARY KEY CHECK (only = 1),
        conversation_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        visitor_id TEXT NOT NULL,
        created_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY,
        author_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        UNIQUE (author_id, client_id))",
];

/// Tag of every socket this object holds (all are conversation participants).
const SOCKET_TAG: &str = "participant";

/// Who this conversation is with, written when its visitor first connects.
#[derive(Debug, Clone, Deserialize)]
struct Meta {
    conversation_id: ConversationId,
    site_id: SiteId,
    visitor_id: VisitorId,
    created_at: i64,
}

/// A `messages` row.
#[derive(Deserialize)]
struct MessageRow {
    seq: u64,
    client_id: ClientMessageId,
    author: String,
    text: String,
    sent_at: i64,
}

impl MessageRow {
    fn into_message(self) -> EdgeResult<Message> {
        Ok(Message {
            seq: Seq(self.seq),
            client_id: self.client_id,
            author: serde_json::from_str(&self.author)?,
            text: self.text,
            sent_at: self.sent_at,
        })
    }
}

/// One conversation.
#[durable_object]
pub struct ConversationObject {
    state: State,
    env: Env,
    /// Cached meta and head `seq`; `None` after (re)construction until first needed.
    meta: RefCell<Option<Meta>>,
    head: Cell<Option<Seq>>,
    /// Inbox summaries waiting to go to the site object (see [`SiteFeed`]).
    feed: Rc<SiteFeed>,
}

impl DurableObject for ConversationObject {
    fn new(state: State, env: Env) -> Self {
        answer_pings_while_hibernating(&state);
        let sql = state.storage().sql();
        for statement in SCHEMA {
            if let Err(error) = sql.exec(statement, None) {
                worker::console_error!("conversation schema: {error}");
            }
        }
        Self { state, env, meta: RefCell::new(None), head: Cell::new(None), feed: Rc::default() }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        respond(if req.path().starts_with("/connect/") {
            self.admit(&req)
        } else {
            Err(EdgeError::refuse(ErrorCode::NotFound, "no such object route"))
        })
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        let participant = match ws.deserialize_attachment::<Participant>() {
            Ok(Some(participant)) => participant,
            _ => {
                // Only sockets accepted by `connect` exist here, all with an attachment.
                let _ = ws.close(Some(1011), Some("lost socket identity"));
                return Ok(());
            }
        };
        let text = match message {
            WebSocketIncomingMessage::String(text) => text,
            WebSocketIncomingMessage::Binary(_) => {
                send_error(&ws, ingest::binary_frame_refusal().into(), None);
                return Ok(());
            }
        };
        let outcome = match ingest::decode_client_frame(&text) {
            Err(error) => Err(error.into()),
            Ok(ClientFrame::Hello { last_seq }) => self.hello(&ws, participant, last_seq),
            Ok(ClientFrame::Send { client_id, text }) => {
                let result = self.post(&ws, participant.author, client_id.clone(), text);
                if let Err(error) = result {
                    send_error(&ws, error, Some(client_id));
                }
                Ok(())
            }
            Ok(ClientFrame::Ping) => {
                send_frame(&ws, &ServerFrame::Pong);
                Ok(())
            }
        };
        if let Err(error) = outcome {
            send_error(&ws, error, None);
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _clean: bool,
    ) -> worker::Result<()> {
        finish_close(&ws, code);
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, error: worker::Error) -> worker::Result<()> {
        worker::console_debug!("conversation socket error: {error}");
        Ok(())
    }
}

impl ConversationObject {
    fn sql(&self) -> SqlStorage {
        self.state.storage().sql()
    }

    /// Admits a participant the worker authenticated. The visitor's first connection creates
    /// the conversation; agents may only join existing conversations of their own site.
    fn admit(&self, req: &Request) -> EdgeResult<Response> {
        let participant: Participant = json_header(req, PARTICIPANT_HEADER)?;
        let conversation_id = self.conversation_id(req)?;
        match (self.meta()?, &participant.author) {
            (None, Author::Visitor { id, .. }) => {
                self.sql().exec(
                    "INSERT INTO meta (only, conversation_id, site_id, visitor_id, created_at) VALUES (1, ?, ?, ?, ?)",
                    vec![
                        conversation_id.as_str().into(),
                        participant.site.as_str().into(),
                        id.as_str().into(),
                        env::now().into(),
                    ],
                )?;
                self.meta.replace(None);
            }
            (None, Author::Agent { .. }) => {
                return Err(EdgeError::refuse(ErrorCode::NotFound, "no such conversation"));
            }
            (Some(meta), author) => {
                let visitor_matches = match author {
                    Author::Visitor { id, .. } => *id == meta.visitor_id,
                    Author::Agent { .. } => true,
                };
                if meta.site_id != participant.site || !visitor_matches {
                    return Err(EdgeError::refuse(
                        ErrorCode::Forbidden,
                        "this conversation belongs to another site",
                    ));
                }
            }
        }
        let (_socket, response) = accept_socket(&self.state, &participant, SOCKET_TAG)?;
        Ok(response)
    }

    /// The conversation id, from the object path `/connect/{id}` (the id the object is named by).
    fn conversation_id(&self, req: &Request) -> EdgeResult<ConversationId> {
        let path = req.path();
        let id = path.strip_prefix("/connect/").unwrap_or_default();
        ConversationId::parse(id).map_err(|e| EdgeError::refuse(ErrorCode::BadRequest, e.to_string()))
    }

    fn meta(&self) -> EdgeResult<Option<Meta>> {
        if let Some(meta) = self.meta.borrow().as_ref() {
            return Ok(Some(meta.clone()));
        }
        let rows: Vec<Meta> = self
            .sql()
            .exec("SELECT conversation_id, site_id, visitor_id, created_at FROM meta", None)?
            .to_array()?;
        let meta = rows.into_iter().next();
        self.meta.replace(meta.clone());
        Ok(meta)
    }

    fn head(&self) -> EdgeResult<Seq> {
        if let Some(head) = self.head.get() {
            return Ok(head);
        }
        #[derive(Deserialize)]
        struct Head {
            head: Option<u64>,
        }
        let head = self.sql().exec("SELECT MAX(seq) AS head FROM messages", None)?.one::<Head>()?;
        let head = Seq(head.head.unwrap_or(0));
        self.head.set(Some(head));
        Ok(head)
    }

    /// `hello`: welcome, then replay everything after `last_seq`.
    fn hello(&self, ws: &WebSocket, participant: Participant, last_seq: Seq) -> EdgeResult<()> {
        let meta =
            self.meta()?.ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
        let rows: Vec<MessageRow> = self
            .sql()
            .exec(
                "SELECT seq, client_id, author, text, sent_at FROM messages WHERE seq > ? ORDER BY seq",
                vec![(last_seq.0 as i64).into()],
            )?
            .to_array()?;
        let messages = rows.into_iter().map(MessageRow::into_message).collect::<EdgeResult<Vec<_>>>()?;
        send_frame(
            ws,
            &ServerFrame::Welcome {
                conversation_id: meta.conversation_id,
                you: participant.author,
                head_seq: self.head()?,
            },
        );
        for frame in ingest::history_frames(messages) {
            send_frame(ws, &frame);
        }
        Ok(())
    }

    /// `send`: store (then relay and ack), re-ack a resend, or refuse.
    fn post(
        &self,
        ws: &WebSocket,
        author: Author,
        client_id: ClientMessageId,
        text: String,
    ) -> EdgeResult<()> {
        #[derive(Deserialize)]
        struct Stored {
            seq: u64,
        }
        let sql = self.sql();
        let already: Vec<Stored> = sql
            .exec(
                "SELECT seq FROM messages WHERE author_id = ? AND client_id = ?",
                vec![author.id_str().into(), client_id.as_str().into()],
            )?
            .to_array()?;
        let already = already.first().map(|row| Seq(row.seq));
        let decision =
            ingest::decide_send(author, client_id.clone(), text, already, self.head()?, env::now());
        match decision {
            SendDecision::Store(message) => {
                sql.exec(
                    "INSERT INTO messages (seq, author_id, client_id, author, text, sent_at) VALUES (?, ?, ?, ?, ?, ?)",
                    vec![
                        (message.seq.0 as i64).into(),
                        message.author.id_str().into(),
                        message.client_id.as_str().into(),
                        serde_json::to_string(&message.author)?.into(),
                        message.text.as_str().into(),
                        message.sent_at.into(),
                    ],
                )?;
                self.head.set(Some(message.seq));
                let seq = message.seq;
                self.tell_site(&message)?;
                let relay = serde_json::to_string(&ServerFrame::Message { message })?;
                for socket in self.state.get_websockets() {
                    let _ = socket.send_with_str(&relay);
                }
                send_frame(ws, &ServerFrame::Ack { client_id, seq });
            }
            SendDecision::Reack(seq) => send_frame(ws, &ServerFrame::Ack { client_id, seq }),
            SendDecision::Refuse(error) => return Err(error.into()),
        }
        Ok(())
    }

    /// Queues this message's conversation summary for the site's inbox.
    fn tell_site(&self, message: &Message) -> EdgeResult<()> {
        let meta =
            self.meta()?.ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
        let summary = ConversationSummary {
            id: meta.conversation_id,
            visitor_id: meta.visitor_id,
            visitor_name: None,
            last_message: Some(ingest::preview(message)),
            last_seq: message.seq,
            created_at: meta.created_at,
            updated_at: message.sent_at,
        };
        self.feed.push(&self.state, &self.env, meta.site_id, summary);
        Ok(())
    }
}

/// Inbox summaries on their way to the site object, coalesced: while one is in flight, newer
/// ones replace each other, so a burst of messages costs the site one or two updates rather
/// than one each. The summary is idempotent (the site keeps the highest `last_seq`), so a
/// lost update is repaired by the next message.
#[derive(Default)]
struct SiteFeed {
    latest: RefCell<Option<(SiteId, ConversationSummary)>>,
    draining: Cell<bool>,
}

impl SiteFeed {
    fn push(self: &Rc<Self>, state: &State, env: &Env, site: SiteId, summary: ConversationSummary) {
        self.latest.replace(Some((site, summary)));
        if self.draining.replace(true) {
            return;
        }
        let feed = Rc::clone(self);
        let env = env.clone();
        state.wait_until(async move {
            loop {
                let next = feed.latest.borrow_mut().take();
                let Some((site, summary)) = next else { break };
                if let Err(error) = stubs::post_activity(&env, &site, &summary).await {
                    worker::console_error!("inbox update for {} failed: {:?}", summary.id, error);
                }
            }
            feed.draining.set(false);
        });
    }
}
