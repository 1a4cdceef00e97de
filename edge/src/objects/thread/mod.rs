//! The thread objects: one per customer line on another channel (a site, a channel, our
//! number and theirs). A line's messages pass through its own object, never a site-wide one,
//! so a busy number spreads over as many objects as it has customers.
//!
//! It remembers the line's visitor id and current conversation, the provider ids of
//! messages that arrived (a provider's retry is recognised and stored once), and our
//! messages to the customer: queued here, sent in order through the provider's API in the
//! object's alarm (retried with backoff while the provider is unreachable; given up, with a
//! note to the team, after `core::channels::thread::MAX_SEND_ATTEMPTS`), and matched to the
//! provider's status reports.

pub(crate) mod calls;
mod email;
mod inbound;
mod media;
mod profile;
mod send;

pub(crate) use email::EmailHeaders;
pub(crate) use send::{messenger_page, reply_window, retry_schedule};

use switchboard_protocol::channels::Thread;
use switchboard_protocol::{ConversationId, SiteId, VisitorId};
use worker::{durable_object, DurableObject, Env, Request, Response, SqlStorage, State};

use self::calls::{Arrived, Deliver, Open, StatusReport, Watermark};
use super::call::{answer, no_such_route, ObjectCall};
use super::respond;
use super::tables::{Schema, Tables};
use crate::env;
use crate::error::EdgeResult;

static SCHEMA: Schema = Schema {
    marker: "line",
    create: &[
        "CREATE TABLE IF NOT EXISTS line (
            only INTEGER PRIMARY KEY CHECK (only = 1),
            site TEXT NOT NULL,
            thread TEXT NOT NULL,
            visitor_id TEXT NOT NULL,
            conversation TEXT,
            status_callback TEXT,
            subject TEXT,
            message_ids TEXT)",
        "CREATE TABLE IF NOT EXISTS arrived (provider_id TEXT PRIMARY KEY, at INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS arrived_by_time ON arrived (at)",
        "CREATE TABLE IF NOT EXISTS outgoing (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation TEXT NOT NULL,
            seq INTEGER NOT NULL,
            part INTEGER NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at INTEGER,
            provider_id TEXT,
            status TEXT,
            content TEXT,
            media TEXT,
            quick_replies TEXT,
            person INTEGER,
            UNIQUE (conversation, seq, part))",
        "CREATE INDEX IF NOT EXISTS outgoing_pending ON outgoing (state, id)",
        "CREATE INDEX IF NOT EXISTS outgoing_by_provider ON outgoing (provider_id)",
        "CREATE INDEX IF NOT EXISTS outgoing_by_time ON outgoing (created_at)",
    ],
    // Files and Messenger's buttons, since replies carry them.
    added_columns: &[
        ("outgoing", "media TEXT"),
        ("outgoing", "quick_replies TEXT"),
        ("outgoing", "person INTEGER"),
        // An email line's thread: its subject and the Message-IDs of its current conversation.
        ("line", "subject TEXT"),
        ("line", "message_ids TEXT"),
    ],
};

/// How long arrived ids and finished outgoing messages are kept (a provider retries for
/// hours at most; statuses come within days).
const KEEP_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// One customer's line.
#[durable_object]
pub struct ThreadObject {
    state: State,
    env: Env,
    sql: SqlStorage,
    tables: Tables,
    /// Arriving messages one at a time: the first may be making the conversation the next
    /// belongs in.
    turns: super::turns::Turns,
}

/// The line as stored.
#[derive(Debug, Clone, serde::Deserialize)]
struct Line {
    site: SiteId,
    thread: String,
    visitor_id: VisitorId,
    conversation: Option<ConversationId>,
    status_callback: Option<String>,
}

impl Line {
    fn thread(&self) -> EdgeResult<Thread> {
        Ok(serde_json::from_str(&self.thread)?)
    }
}

impl DurableObject for ThreadObject {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        Self { tables: Tables::open(sql.clone(), &SCHEMA), sql, state, env, turns: Default::default() }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let (req, now) = (&mut req, env::now());
        respond(match req.path().as_str() {
            Arrived::ROUTE => {
                let ticket = self.turns.ticket();
                answer(req, |call: Arrived| async move {
                    let _turn = self.turns.turn(ticket).await;
                    self.arrived(call, now).await
                })
                .await
            }
            Deliver::ROUTE => answer(req, |call: Deliver| self.deliver(call, now)).await,
            Open::ROUTE => {
                // In line with arriving messages: either may be making the current conversation.
                let ticket = self.turns.ticket();
                answer(req, |call: Open| async move {
                    let _turn = self.turns.turn(ticket).await;
                    self.open(call).await
                })
                .await
            }
            StatusReport::ROUTE => answer(req, |call: StatusReport| self.status_report(call)).await,
            Watermark::ROUTE => answer(req, |call: Watermark| self.watermark(call)).await,
            _ => Err(no_such_route()),
        })
    }

    async fn alarm(&self) -> worker::Result<Response> {
        if let Err(error) = self.send_due().await {
            worker::console_error!("thread sends: {error:?}");
        }
        Response::ok("")
    }
}

impl ThreadObject {
    /// The line, if anything ever arrived on it.
    fn line(&self) -> EdgeResult<Option<Line>> {
        if !self.tables.made() {
            return Ok(None);
        }
        let rows: Vec<Line> = self
            .sql
            .exec("SELECT site, thread, visitor_id, conversation, status_callback FROM line", None)?
            .to_array()?;
        Ok(rows.into_iter().next())
    }

    /// The deployment's Twilio account: API base URL, account SID, auth token.
    fn account(&self) -> Option<(String, String, String)> {
        let secret = |name: &str| self.env.secret(name).map(|s| s.to_string()).ok().filter(|s| !s.is_empty());
        let base_url = self
            .env
            .var("TWILIO_API_BASE")
            .map(|v| v.to_string())
            .unwrap_or_else(|_| "https://api.twilio.com".into());
        Some((base_url, secret("TWILIO_ACCOUNT_SID")?, secret("TWILIO_AUTH_TOKEN")?))
    }

    /// Asks for an alarm at `at` (or sooner, if one is set sooner).
    async fn wake_at(&self, at: i64) -> EdgeResult<()> {
        super::wake_at(&self.state, at).await
    }

    /// Queues the entry's texts for the customer, in order, and starts sending.
    async fn deliver(&self, call: Deliver, now: i64) -> EdgeResult<()> {
        if self.line()?.is_none() {
            // No customer ever wrote on this line: nothing to answer.
            return Ok(());
        }
        // A template is one message (its text is our copy; the provider sends its own).
        let content = call.content.as_ref().map(serde_json::to_string).transpose()?;
        let media = call.file.as_ref().map(serde_json::to_string).transpose()?;
        // A file is a message of its own (its text is only its name).
        let texts = if call.texts.is_empty() && media.is_some() { vec![String::new()] } else { call.texts };
        let last = texts.len().saturating_sub(1);
        for (part, body) in texts.iter().enumerate() {
            let quick_replies = (part == last && !call.quick_replies.is_empty())
                .then(|| serde_json::to_string(&call.quick_replies))
                .transpose()?;
            // A repeated hand-over (the conversation's outbox retried) queues nothing twice.
            self.sql.exec(
                "INSERT OR IGNORE INTO outgoing (conversation, seq, part, body, created_at, state, next_at, content,
                   media, quick_replies, person)
                 VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
                vec![
                    call.conversation.as_str().into(),
                    (call.seq.0 as i64).into(),
                    (part as i64).into(),
                    body.as_str().into(),
                    now.into(),
                    now.into(),
                    content.clone().into(),
                    if part == 0 { media.clone() } else { None }.into(),
                    quick_replies.into(),
                    i64::from(call.by_person).into(),
                ],
            )?;
        }
        self.wake_at(now).await
    }
}
