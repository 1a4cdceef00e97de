//! The conversation's log in SQLite, as the core's [`LogStore`]: message rows (with their
//! `extra` JSON for quick replies, events, notes, files, cards, language and an email's
//! original) and read marks.

use serde::Deserialize;
use switchboard_core::conversation::LogStore;
use switchboard_protocol::routing::ConversationEvent;
use switchboard_protocol::{Author, ClientMessageId, Message, ReadMark, Seq};

use super::{ConversationStore, Known};
use crate::error::{EdgeError, EdgeResult};

/// What a message row keeps beyond the plain message, as JSON in `extra`.
#[derive(Default, serde::Serialize, Deserialize)]
struct Extra {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    quick_replies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    event: Option<ConversationEvent>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    internal: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attachment: Option<switchboard_protocol::attachment::Attachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    cards: Vec<switchboard_protocol::Card>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    original: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct MessageRow {
    seq: u64,
    client_id: ClientMessageId,
    author: String,
    text: String,
    sent_at: i64,
    extra: Option<String>,
}

impl MessageRow {
    pub(super) fn into_message(self) -> EdgeResult<Message> {
        let extra: Extra = self.extra.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default();
        Ok(Message {
            seq: Seq(self.seq),
            client_id: self.client_id,
            author: serde_json::from_str(&self.author)?,
            text: self.text,
            sent_at: self.sent_at,
            quick_replies: extra.quick_replies,
            event: extra.event,
            internal: extra.internal,
            attachment: extra.attachment,
            cards: extra.cards,
            language: extra.language,
            original: extra.original,
        })
    }
}

#[derive(Deserialize)]
struct ReadRow {
    reader: String,
    up_to: u64,
}

impl LogStore for &ConversationStore {
    type Error = EdgeError;

    fn head(&mut self) -> EdgeResult<Seq> {
        if let Some(head) = self.head.get() {
            return Ok(head);
        }
        if !self.tables.made() {
            return Ok(Seq(0));
        }
        #[derive(Deserialize)]
        struct Head {
            head: Option<u64>,
        }
        let head = self.sql.exec("SELECT MAX(seq) AS head FROM messages", None)?.one::<Head>()?;
        let head = Seq(head.head.unwrap_or(0));
        self.head.set(Some(head));
        Ok(head)
    }

    fn seq_of(&mut self, author: &Author, client_id: &ClientMessageId) -> EdgeResult<Option<Seq>> {
        if !self.may_hold(author.id_str(), client_id.as_str())? {
            return Ok(None);
        }
        #[derive(Deserialize)]
        struct Row {
            seq: u64,
        }
        let rows: Vec<Row> = self
            .sql
            .exec(
                "SELECT seq FROM messages WHERE author_id = ? AND client_id = ?",
                vec![author.id_str().into(), client_id.as_str().into()],
            )?
            .to_array()?;
        Ok(rows.first().map(|row| Seq(row.seq)))
    }

    fn append(&mut self, message: &Message) -> EdgeResult<()> {
        if self.hold_entry(message) {
            self.head.set(Some(message.seq));
            return Ok(());
        }
        self.materialise()?;
        self.insert(message)?;
        self.head.set(Some(message.seq));
        let mut known = self.known.borrow_mut();
        if let Known::Loaded(ids) = &mut *known {
            if !ids.insert(message.author.id_str(), message.client_id.as_str()) {
                *known = Known::TooLong;
            }
        }
        Ok(())
    }

    fn page_after(&mut self, seq: Seq, limit: usize) -> EdgeResult<Vec<Message>> {
        if let Some(held) = self.held_after(seq, limit) {
            return Ok(held);
        }
        if !self.tables.made() {
            return Ok(Vec::new());
        }
        let rows: Vec<MessageRow> = self
            .sql
            .exec(
                "SELECT seq, client_id, author, text, sent_at, extra FROM messages WHERE seq > ? ORDER BY seq LIMIT ?",
                vec![(seq.0 as i64).into(), (limit as i64).into()],
            )?
            .to_array()?;
        rows.into_iter().map(MessageRow::into_message).collect()
    }

    fn reads(&mut self) -> EdgeResult<Vec<ReadMark>> {
        if !self.tables.made() {
            return Ok(Vec::new());
        }
        let rows: Vec<ReadRow> = self.sql.exec("SELECT reader, up_to FROM reads", None)?.to_array()?;
        rows.into_iter()
            .map(|row| Ok(ReadMark { reader: serde_json::from_str(&row.reader)?, up_to: Seq(row.up_to) }))
            .collect()
    }

    fn set_read(&mut self, mark: &ReadMark) -> EdgeResult<()> {
        self.materialise()?;
        self.sql.exec(
            "INSERT INTO reads (reader_id, reader, up_to) VALUES (?, ?, ?)
             ON CONFLICT (reader_id) DO UPDATE SET reader = excluded.reader, up_to = excluded.up_to",
            vec![
                mark.reader.id_str().into(),
                serde_json::to_string(&mark.reader)?.into(),
                (mark.up_to.0 as i64).into(),
            ],
        )?;
        Ok(())
    }
}

impl ConversationStore {
    /// Writes one message row.
    pub(super) fn insert(&self, message: &Message) -> EdgeResult<()> {
        self.sql.exec(
            "INSERT INTO messages (seq, author_id, client_id, author, text, sent_at, extra) VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                (message.seq.0 as i64).into(),
                message.author.id_str().into(),
                message.client_id.as_str().into(),
                serde_json::to_string(&message.author)?.into(),
                message.text.as_str().into(),
                message.sent_at.into(),
                extra_json(message)?.into(),
            ],
        )?;
        Ok(())
    }
}

/// The `extra` column of a message: `NULL` for a plain one (most messages).
fn extra_json(message: &Message) -> EdgeResult<Option<String>> {
    if message.quick_replies.is_empty()
        && message.event.is_none()
        && !message.internal
        && message.attachment.is_none()
        && message.cards.is_empty()
        && message.language.is_none()
        && message.original.is_none()
    {
        return Ok(None);
    }
    let extra = Extra {
        quick_replies: message.quick_replies.clone(),
        event: message.event.clone(),
        internal: message.internal,
        attachment: message.attachment.clone(),
        cards: message.cards.clone(),
        language: message.language.clone(),
        original: message.original.clone(),
    };
    Ok(Some(serde_json::to_string(&extra)?))
}
