//! The Site Durable Object: one site's configuration, its inbox index, and the inbox sockets
//! of its agents' consoles.
//!
//! Conversation objects send a summary after their messages (coalesced); this object keeps the
//! newest per conversation and pushes it to every open inbox. Messages themselves never pass
//! through here, so one site object is far from the ~1,000 requests/s an object can serve.

use serde::Deserialize;
use switchboard_core::ingest;
use switchboard_core::site::SiteConfig;
use switchboard_protocol::api::{conversations_list, site_presence};
use switchboard_protocol::inbox::{ConversationSummary, InboxFrame, MessagePreview};
use switchboard_protocol::{ClientFrame, ConversationId, ErrorCode, Seq, ServerFrame, SiteId, VisitorId};
use worker::{
    durable_object, DurableObject, Env, Method, Request, Response, SqlStorage, State, WebSocket,
    WebSocketIncomingMessage,
};

use super::{
    accept_socket, answer_pings_while_hibernating, finish_close, json_header, respond, send_frame,
    Participant, PARTICIPANT_HEADER,
};
use crate::error::{EdgeError, EdgeResult};
use crate::{env, http};

const SCHEMA: [&str; 3] = [
    "CREATE TABLE IF NOT EXISTS config (only INTEGER PRIMARY KEY CHECK (only = 1), json TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY,
        visitor_id TEXT NOT NULL,
        visitor_name TEXT,
        last_message TEXT,
        last_seq INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS conversations_by_visitor ON conversations (visitor_id, updated_at)",
];

/// How many conversations the inbox snapshot and list carry (newest activity first).
const INBOX_LIMIT: i64 = 500;

/// Tag of inbox sockets.
const INBOX_TAG: &str = "inbox";

/// A `conversations` row.
#[derive(Deserialize)]
struct SummaryRow {
    id: ConversationId,
    visitor_id: VisitorId,
    visitor_name: Option<String>,
    last_message: Option<String>,
    last_seq: u64,
    created_at: i64,
    updated_at: i64,
}

impl SummaryRow {
    fn into_summary(self) -> EdgeResult<ConversationSummary> {
        let last_message: Option<MessagePreview> =
            self.last_message.as_deref().map(serde_json::from_str).transpose()?;
        Ok(ConversationSummary {
            id: self.id,
            visitor_id: self.visitor_id,
            visitor_name: self.visitor_name,
            last_message,
            last_seq: Seq(self.last_seq),
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// One site.
#[durable_object]
pub struct SiteObject {
    state: State,
    env: Env,
}

impl DurableObject for SiteObject {
    fn new(state: State, env: Env) -> Self {
        answer_pings_while_hibernating(&state);
        let sql = state.storage().sql();
        for statement in SCHEMA {
            if let Err(error) = sql.exec(statement, None) {
                worker::console_error!("site schema: {error}");
            }
        }
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match (req.method(), req.path().as_str()) {
            (Method::Get, "/config") => self.config(&req).and_then(|config| http::json(200, &config)),
            (Method::Post, "/activity") => match http::read_json(&mut req).await {
                Ok(summary) => self.record(summary).and_then(|()| http::json(200, &())),
                Err(error) => Err(error),
            },
            (Method::Get, "/conversations") => self
                .summaries()
                .and_then(|conversations| http::json(200, &conversations_list::Response { conversations })),
            (Method::Get, "/inbox") => self.open_inbox(&req),
            (Method::Get, "/presence") => {
                http::json(200, &site_presence::Response { agents_online: self.agents_online() })
            }
            (Method::Get, "/visitor") => {
                self.visitor_conversations(&req).and_then(|list| http::json(200, &list))
            }
            _ => Err(EdgeError::refuse(ErrorCode::NotFound, "no such object route")),
        };
        respond(result)
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        // The inbox socket is push-only; a console may only ping it. Anything else is ignored.
        if let WebSocketIncomingMessage::String(text) = message {
            if let Ok(ClientFrame::Ping) = ingest::decode_client_frame(&text) {
                send_frame(&ws, &ServerFrame::Pong);
            }
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
        worker::console_debug!("inbox socket error: {error}");
        Ok(())
    }
}

impl SiteObject {
    fn sql(&self) -> SqlStorage {
        self.state.storage().sql()
    }

    /// The stored configuration; on first use of the bootstrap site, the bootstrap one.
    fn config(&self, req: &Request) -> EdgeResult<SiteConfig> {
        #[derive(Deserialize)]
        struct Row {
            json: String,
        }
        let rows: Vec<Row> = self.sql().exec("SELECT json FROM config", None)?.to_array()?;
        if let Some(row) = rows.first() {
            return Ok(serde_json::from_str(&row.json)?);
        }
        let requested = req
            .url()?
            .query_pairs()
            .find_map(|(key, value)| (key == "site").then(|| value.into_owned()))
            .and_then(|id| SiteId::parse(id).ok());
        match env::bootstrap(&self.env) {
            Some(bootstrap) if Some(&bootstrap.site.id) == requested.as_ref() => {
                let json = serde_json::to_string(&bootstrap.site)?;
                self.sql().exec("INSERT INTO config (only, json) VALUES (1, ?)", vec![json.into()])?;
                Ok(bootstrap.site)
            }
            _ => Err(EdgeError::refuse(ErrorCode::NotFound, "no such site")),
        }
    }

    /// Keeps the newest summary of a conversation and pushes it to every open inbox.
    fn record(&self, summary: ConversationSummary) -> EdgeResult<()> {
        let last_message = summary.last_message.as_ref().map(serde_json::to_string).transpose()?;
        // Summaries may arrive out of order; an older one never overwrites a newer one.
        let cursor = self.sql().exec(
            "INSERT INTO conversations (id, visitor_id, visitor_name, last_message, last_seq, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET
               visitor_name = excluded.visitor_name, last_message = excluded.last_message,
               last_seq = excluded.last_seq, updated_at = excluded.updated_at
             WHERE excluded.last_seq > conversations.last_seq",
            vec![
                summary.id.as_str().into(),
                summary.visitor_id.as_str().into(),
                summary.visitor_name.clone().into(),
                last_message.into(),
                (summary.last_seq.0 as i64).into(),
                summary.created_at.into(),
                summary.updated_at.into(),
            ],
        )?;
        if cursor.rows_written() > 0 {
            let frame = serde_json::to_string(&InboxFrame::Updated { conversation: summary })?;
            for socket in self.state.get_websockets_with_tag(INBOX_TAG) {
                let _ = socket.send_with_str(&frame);
            }
        }
        Ok(())
    }

    fn summaries(&self) -> EdgeResult<Vec<ConversationSummary>> {
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                "SELECT id, visitor_id, visitor_name, last_message, last_seq, created_at, updated_at
                 FROM conversations ORDER BY updated_at DESC LIMIT ?",
                vec![INBOX_LIMIT.into()],
            )?
            .to_array()?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    fn open_inbox(&self, req: &Request) -> EdgeResult<Response> {
        let agent: Participant = json_header(req, PARTICIPANT_HEADER)?;
        let conversations = self.summaries()?;
        let (socket, response) = accept_socket(&self.state, &(), &[INBOX_TAG, agent.author.id_str()])?;
        send_frame(&socket, &InboxFrame::Snapshot { conversations });
        Ok(response)
    }

    /// Distinct agents with an inbox socket open (one agent may have several tabs).
    fn agents_online(&self) -> u32 {
        let agents: std::collections::HashSet<String> = self
            .state
            .get_websockets_with_tag(INBOX_TAG)
            .iter()
            .flat_map(|socket| self.state.get_tags(socket))
            .filter(|tag| tag != INBOX_TAG)
            .collect();
        agents.len() as u32
    }

    /// One visitor's conversations, newest activity first.
    fn visitor_conversations(&self, req: &Request) -> EdgeResult<Vec<ConversationSummary>> {
        let visitor = req
            .url()?
            .query_pairs()
            .find_map(|(key, value)| (key == "id").then(|| value.into_owned()))
            .and_then(|id| VisitorId::parse(id).ok())
            .ok_or_else(|| EdgeError::refuse(ErrorCode::BadRequest, "missing visitor id"))?;
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                "SELECT id, visitor_id, visitor_name, last_message, last_seq, created_at, updated_at
                 FROM conversations WHERE visitor_id = ? ORDER BY updated_at DESC LIMIT ?",
                vec![visitor.as_str().into(), INBOX_LIMIT.into()],
            )?
            .to_array()?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }
}
