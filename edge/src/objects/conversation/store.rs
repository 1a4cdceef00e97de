//! A conversation's SQLite storage, as the core's [`LogStore`].
//!
//! Tables: `meta` (one row: site, visitor, creation time), `messages` (the log, keyed by
//! `seq`, unique per (author, client id) so a resend can never be stored twice; `extra` holds
//! quick replies, events and the internal flag as JSON), `reads` (each participant's read
//! mark), `lifecycle` (one row: where the conversation stands in its flow), `deliveries`
//! (provider statuses of the team's messages on another channel), `line_outbox` (replies
//! on their way to the customer's line) and `continuity` (how far the emails of unread
//! replies came). SQLite calls are synchronous in a Durable Object, so a
//! `handle` call's reads and writes happen with no other event in between.
//! New messages skip the idempotency lookup through an in-memory [`KnownIds`] filter.
//! A widget's new conversation is held in memory until someone writes in it (`held.rs`).

use std::cell::{Cell, RefCell};

use serde::Deserialize;
use switchboard_core::admission::Owner;
use switchboard_core::flow::lifecycle::Lifecycle;
use switchboard_core::known_ids::KnownIds;
use switchboard_protocol::contact::Contact;
use switchboard_protocol::{ConversationId, Message, Seq, SiteId, VisitorId};
use worker::SqlStorage;

use crate::error::{EdgeError, EdgeResult};
use crate::objects::tables::{Schema, Tables};

mod continuity;
pub(super) use continuity::Continuity;
mod deliveries;
mod held;
mod line_outbox;
mod log;

use log::MessageRow;

/// The tables, made with the conversation ([`crate::objects::tables`]): `meta` says it exists.
static SCHEMA: Schema = Schema {
    marker: "meta",
    create: &[
        "CREATE TABLE IF NOT EXISTS meta (
            only INTEGER PRIMARY KEY CHECK (only = 1),
            conversation_id TEXT NOT NULL,
            site_id TEXT NOT NULL,
            visitor_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            visitor_address TEXT,
            visitor_signed_out_at INTEGER,
            thread TEXT,
            customer_wrote_at INTEGER,
            edge_origin TEXT)",
        "CREATE TABLE IF NOT EXISTS messages (
            seq INTEGER PRIMARY KEY,
            author_id TEXT NOT NULL,
            client_id TEXT NOT NULL,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            sent_at INTEGER NOT NULL,
            extra TEXT,
            UNIQUE (author_id, client_id))",
        "CREATE TABLE IF NOT EXISTS reads (
            reader_id TEXT PRIMARY KEY,
            reader TEXT NOT NULL,
            up_to INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS lifecycle (only INTEGER PRIMARY KEY CHECK (only = 1), json TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS contact (only INTEGER PRIMARY KEY CHECK (only = 1), json TEXT NOT NULL)",
        deliveries::SCHEMA,
        line_outbox::SCHEMA,
        continuity::SCHEMA,
    ],
    // Logs stored before messages had `extra` get the column (NULL: plain messages).
    // Conversations from before blocking learn their visitor's address at the next visit.
    added_columns: &[
        ("messages", "extra TEXT"),
        ("meta", "visitor_address TEXT"),
        ("meta", "visitor_signed_out_at INTEGER"),
        ("meta", "thread TEXT"),
        ("meta", "customer_wrote_at INTEGER"),
        ("meta", "edge_origin TEXT"),
    ],
};

/// Who the conversation is with, written when its visitor first connects.
#[derive(Debug, Clone, Deserialize)]
pub struct Meta {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Its site.
    pub site_id: SiteId,
    /// Its visitor.
    pub visitor_id: VisitorId,
    /// When the visitor first connected.
    pub created_at: i64,
    /// The network address the visitor last came from (for blocking; never shown).
    #[serde(default)]
    pub visitor_address: Option<String>,
    /// When the visitor signed out (`shutdown`): their tokens open it no more.
    #[serde(default)]
    pub visitor_signed_out_at: Option<i64>,
    /// For a conversation on another channel (SMS, WhatsApp): the customer's line, as JSON
    /// (see [`Meta::thread`]); none for webchat.
    #[serde(default)]
    pub thread: Option<String>,
    /// When the customer last wrote on their line before this conversation began (the team
    /// starting one on WhatsApp or Messenger may write freely within that reply window).
    #[serde(default)]
    pub customer_wrote_at: Option<i64>,
    /// The edge's public origin, as the visitor's first socket reached it (email links).
    #[serde(default)]
    pub edge_origin: Option<String>,
}

impl Meta {
    /// The customer's line on another channel, if the conversation is on one.
    pub fn thread(&self) -> Option<switchboard_protocol::channels::Thread> {
        self.thread.as_deref().and_then(|json| serde_json::from_str(json).ok())
    }

    /// The channel it is on.
    pub fn channel(&self) -> switchboard_protocol::channels::Channel {
        self.thread().map(|thread| thread.channel).unwrap_or_default()
    }

    /// Whose the conversation is (who may join it).
    pub fn owner(&self) -> Owner<'_> {
        Owner {
            site: &self.site_id,
            visitor: &self.visitor_id,
            visitor_signed_out: self.visitor_signed_out_at.is_some(),
        }
    }
}

/// The object's storage with its in-memory caches (rebuilt lazily after hibernation).
pub struct ConversationStore {
    sql: SqlStorage,
    /// Made by the first write: reading an invented conversation leaves nothing behind.
    tables: Tables,
    head: Cell<Option<Seq>>,
    meta: RefCell<Option<Meta>>,
    known: RefCell<Known>,
    lifecycle: RefCell<Option<Lifecycle>>,
    /// The contact row, once read (the inbox summary of every message carries it).
    contact: RefCell<Option<Contact>>,
    /// A conversation held in memory, not yet written (see `held.rs`).
    held: RefCell<Option<held::Held>>,
}

/// The in-memory filter of stored `(author, client_id)` pairs, built on the first send after
/// the object wakes.
enum Known {
    NotLoaded,
    Loaded(KnownIds),
    /// Too many messages to keep a filter: every send asks storage.
    TooLong,
}

impl ConversationStore {
    /// Opens the storage; the tables are made before the first write.
    pub fn open(sql: SqlStorage) -> Self {
        Self {
            tables: Tables::open(sql.clone(), &SCHEMA),
            sql,
            head: Cell::new(None),
            meta: RefCell::new(None),
            known: RefCell::new(Known::NotLoaded),
            lifecycle: RefCell::new(None),
            contact: RefCell::new(None),
            held: RefCell::new(None),
        }
    }

    /// Forgets what it remembered of storage that was just deleted.
    pub fn forget_everything(&self) {
        self.tables.forget();
        self.head.set(None);
        self.meta.replace(None);
        self.known.replace(Known::NotLoaded);
        self.lifecycle.replace(None);
        self.contact.replace(None);
        self.held.replace(None);
    }

    /// The meta row, if the conversation exists.
    pub fn meta(&self) -> EdgeResult<Option<Meta>> {
        if let Some(meta) = self.meta.borrow().as_ref() {
            return Ok(Some(meta.clone()));
        }
        if !self.tables.made() {
            return Ok(None);
        }
        let rows: Vec<Meta> = self
            .sql
            .exec("SELECT conversation_id, site_id, visitor_id, created_at, visitor_address, visitor_signed_out_at, thread, customer_wrote_at, edge_origin FROM meta", None)?
            .to_array()?;
        let meta = rows.into_iter().next();
        self.meta.replace(meta.clone());
        Ok(meta)
    }

    /// Remembers that the visitor signed out at `now`.
    pub fn note_visitor_signed_out(&self, now: i64) -> EdgeResult<()> {
        let Some(mut meta) = self.meta()? else { return Ok(()) };
        if meta.visitor_signed_out_at.is_some() {
            return Ok(());
        }
        if !self.is_held() {
            self.sql.exec("UPDATE meta SET visitor_signed_out_at = ?", vec![now.into()])?;
        }
        meta.visitor_signed_out_at = Some(now);
        self.meta.replace(Some(meta));
        Ok(())
    }

    /// Remembers the address the visitor came from, when it changed.
    pub fn note_visitor_address(&self, address: Option<&str>) -> EdgeResult<()> {
        let Some(mut meta) = self.meta()? else { return Ok(()) };
        if address.is_none() || meta.visitor_address.as_deref() == address {
            return Ok(());
        }
        if !self.is_held() {
            self.sql.exec("UPDATE meta SET visitor_address = ?", vec![address.into()])?;
        }
        meta.visitor_address = address.map(str::to_owned);
        self.meta.replace(Some(meta));
        Ok(())
    }

    /// The meta row, or `not_found`.
    pub fn existing(&self) -> EdgeResult<Meta> {
        self.meta()?.ok_or_else(|| {
            EdgeError::refuse(switchboard_protocol::ErrorCode::NotFound, "no such conversation")
        })
    }

    /// When the author `author_id` last wrote, if ever (WhatsApp's reply window).
    pub fn last_written_by(&self, author_id: &str) -> EdgeResult<Option<i64>> {
        #[derive(Deserialize)]
        struct Row {
            at: Option<i64>,
        }
        if !self.tables.made() {
            return Ok(None);
        }
        let rows: Vec<Row> = self
            .sql
            .exec("SELECT MAX(sent_at) AS at FROM messages WHERE author_id = ?", vec![author_id.into()])?
            .to_array()?;
        Ok(rows.into_iter().next().and_then(|row| row.at))
    }

    /// The newest message someone wrote (visitor, agent or bot; not a routing event), for
    /// inbox previews.
    pub fn last_spoken(&self) -> EdgeResult<Option<Message>> {
        if !self.tables.made() {
            return Ok(None);
        }
        let rows: Vec<MessageRow> = self
            .sql
            .exec(
                "SELECT seq, client_id, author, text, sent_at, extra FROM messages WHERE author_id != 'system'
                 AND (extra IS NULL OR json_extract(extra, '$.internal') IS NOT 1)
                 ORDER BY seq DESC LIMIT 1",
                None,
            )?
            .to_array()?;
        rows.into_iter().next().map(MessageRow::into_message).transpose()
    }

    /// Where the conversation stands in its flow (a fresh one before anything was stored).
    pub fn lifecycle(&self) -> EdgeResult<Lifecycle> {
        if let Some(lifecycle) = self.lifecycle.borrow().as_ref() {
            return Ok(lifecycle.clone());
        }
        if !self.tables.made() {
            return Ok(Lifecycle::default());
        }
        #[derive(Deserialize)]
        struct Row {
            json: String,
        }
        let rows: Vec<Row> = self.sql.exec("SELECT json FROM lifecycle", None)?.to_array()?;
        let lifecycle = match rows.first() {
            Some(row) => serde_json::from_str(&row.json)?,
            None => Lifecycle::default(),
        };
        self.lifecycle.replace(Some(lifecycle.clone()));
        Ok(lifecycle)
    }

    /// What the widget and the edge reported about the visitor (not what the bot collected,
    /// which lives in the lifecycle).
    pub fn contact(&self) -> EdgeResult<Contact> {
        if let Some(contact) = self.contact.borrow().as_ref() {
            return Ok(contact.clone());
        }
        if !self.tables.made() {
            return Ok(Contact::default());
        }
        #[derive(Deserialize)]
        struct Row {
            json: String,
        }
        let rows: Vec<Row> = self.sql.exec("SELECT json FROM contact", None)?.to_array()?;
        let contact: Contact =
            rows.first().map(|row| serde_json::from_str(&row.json)).transpose()?.unwrap_or_default();
        self.contact.replace(Some(contact.clone()));
        Ok(contact)
    }

    /// Stores the visitor's contact details (kept in memory while the conversation is held:
    /// the page context a widget sends is not a reason to write).
    pub fn set_contact(&self, contact: &Contact) -> EdgeResult<()> {
        if self.hold_contact() {
            self.contact.replace(Some(contact.clone()));
            return Ok(());
        }
        self.materialise()?;
        self.write_contact(contact)?;
        self.contact.replace(Some(contact.clone()));
        Ok(())
    }

    fn write_contact(&self, contact: &Contact) -> EdgeResult<()> {
        self.sql.exec(
            "INSERT INTO contact (only, json) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET json = excluded.json",
            vec![serde_json::to_string(contact)?.into()],
        )?;
        Ok(())
    }

    /// Stores `lifecycle` when it changed.
    pub fn set_lifecycle(&self, lifecycle: &Lifecycle) -> EdgeResult<()> {
        if self.lifecycle.borrow().as_ref() == Some(lifecycle) {
            return Ok(());
        }
        if self.greeting() {
            self.lifecycle.replace(Some(lifecycle.clone()));
            return Ok(());
        }
        self.materialise()?;
        self.write_lifecycle(lifecycle)?;
        self.lifecycle.replace(Some(lifecycle.clone()));
        Ok(())
    }

    fn write_lifecycle(&self, lifecycle: &Lifecycle) -> EdgeResult<()> {
        self.sql.exec(
            "INSERT INTO lifecycle (only, json) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET json = excluded.json",
            vec![serde_json::to_string(lifecycle)?.into()],
        )?;
        Ok(())
    }

    /// Whether `(author_id, client_id)` may be stored already; `false` is certain.
    fn may_hold(&self, author_id: &str, client_id: &str) -> EdgeResult<bool> {
        if !self.tables.made() {
            return Ok(false);
        }
        if matches!(*self.known.borrow(), Known::NotLoaded) {
            #[derive(Deserialize)]
            struct Pair {
                author_id: String,
                client_id: String,
            }
            let limit = KnownIds::MAX as i64 + 1;
            let pairs: Vec<Pair> = self
                .sql
                .exec("SELECT author_id, client_id FROM messages LIMIT ?", vec![limit.into()])?
                .to_array()?;
            let known = KnownIds::from_pairs(pairs.iter().map(|p| (&p.author_id, &p.client_id)));
            self.known.replace(known.map_or(Known::TooLong, Known::Loaded));
        }
        Ok(match &*self.known.borrow() {
            Known::Loaded(ids) => ids.may_contain(author_id, client_id),
            Known::NotLoaded | Known::TooLong => true,
        })
    }

    /// Creates the conversation and writes it at once (one started by the team, or on
    /// another channel: a message follows).
    pub fn create(&self, meta: &Meta) -> EdgeResult<()> {
        self.tables.make();
        self.write_meta(meta)?;
        self.meta.replace(Some(meta.clone()));
        Ok(())
    }

    fn write_meta(&self, meta: &Meta) -> EdgeResult<()> {
        self.sql.exec(
            "INSERT INTO meta (only, conversation_id, site_id, visitor_id, created_at, visitor_address, thread,
               customer_wrote_at, edge_origin, visitor_signed_out_at)
             VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                meta.conversation_id.as_str().into(),
                meta.site_id.as_str().into(),
                meta.visitor_id.as_str().into(),
                meta.created_at.into(),
                meta.visitor_address.as_deref().into(),
                meta.thread.as_deref().into(),
                meta.customer_wrote_at.into(),
                meta.edge_origin.as_deref().into(),
                // A sign-out noted while the conversation was held.
                meta.visitor_signed_out_at.into(),
            ],
        )?;
        Ok(())
    }
}
