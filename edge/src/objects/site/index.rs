//! The Site object's inbox index: the newest summary of each conversation (kept in the
//! `conversations` table, pushed to every open inbox), the lists read from it, and the
//! response-time bookkeeping a summary carries to the router.

use serde::Deserialize;
use switchboard_core::reports::ConversationFacts;
use switchboard_protocol::inbox::{ConversationSummary, MessagePreview, Priority};
use switchboard_protocol::{AgentId, ConversationId, QueueId, Seq, VisitorId};

use switchboard_core::conversation_list::{self, AssigneeFilter, ListQuery};
use switchboard_protocol::api::conversations_list;
use worker::SqlStorageValue;

use super::calls::VisitorConversations;
use super::{SiteObject, INBOX_LIMIT};
use crate::error::EdgeResult;

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
    state: Option<String>,
    assignee: Option<AgentId>,
    queue: Option<QueueId>,
    waiting_since: Option<i64>,
    contact: Option<String>,
    attributes: Option<String>,
    /// NULL for webchat.
    channel: Option<String>,
    /// NULL until told.
    language: Option<String>,
    /// A JSON array, in the order set.
    labels: Option<String>,
    /// NULL until set.
    priority: Option<String>,
}

/// The columns a [`SummaryRow`] is read from.
const SUMMARY_COLUMNS: &str =
    "id, visitor_id, visitor_name, last_message, last_seq, created_at, updated_at, state, assignee, queue, waiting_since, contact,
     attributes, channel, language, (SELECT json_group_array(label) FROM (SELECT label FROM conversation_labels AS l
                   WHERE l.conversation_id = conversations.id ORDER BY position)) AS labels, priority";

impl SummaryRow {
    fn into_summary(self) -> EdgeResult<ConversationSummary> {
        let last_message: Option<MessagePreview> =
            self.last_message.as_deref().map(serde_json::from_str).transpose()?;
        Ok(ConversationSummary {
            id: self.id,
            visitor_id: self.visitor_id,
            visitor_name: self.visitor_name,
            channel: self
                .channel
                .and_then(|channel| serde_json::from_value(serde_json::Value::String(channel)).ok())
                .unwrap_or_default(),
            last_message,
            last_seq: Seq(self.last_seq),
            created_at: self.created_at,
            updated_at: self.updated_at,
            state: self
                .state
                .and_then(|state| serde_json::from_value(serde_json::Value::String(state)).ok())
                .unwrap_or_default(),
            assignee: self.assignee,
            queue: self.queue,
            waiting_since: self.waiting_since,
            contact: self.contact.as_deref().map(serde_json::from_str).transpose()?,
            labels: self.labels.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default(),
            attributes: self.attributes.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default(),
            language: self.language,
            priority: self.priority.as_deref().and_then(Priority::parse),
        })
    }
}

impl SiteObject {
    /// Keeps the newest summary of a conversation and pushes it to every open inbox.
    pub(super) fn record(
        &self,
        summary: ConversationSummary,
        facts: Option<&ConversationFacts>,
        now: i64,
    ) -> EdgeResult<()> {
        let last_message = summary.last_message.as_ref().map(serde_json::to_string).transpose()?;
        // Summaries may arrive out of order; an older one never overwrites a newer one.
        let state = serde_json::to_value(summary.state)?.as_str().map(String::from);
        let contact = summary.contact.as_ref().map(serde_json::to_string).transpose()?;
        let channel = (!summary.channel.is_webchat())
            .then(|| serde_json::to_value(summary.channel))
            .transpose()?
            .and_then(|value| value.as_str().map(String::from));
        let cursor = self.sql().exec(
            "INSERT INTO conversations (id, visitor_id, visitor_name, last_message, last_seq, created_at, updated_at,
               state, assignee, queue, waiting_since, contact, channel, language, facts, opened_at, resolved_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET
               visitor_name = excluded.visitor_name, contact = COALESCE(excluded.contact, conversations.contact),
               last_message = COALESCE(excluded.last_message, conversations.last_message),
               last_seq = excluded.last_seq, updated_at = excluded.updated_at, state = excluded.state,
               assignee = excluded.assignee, queue = excluded.queue, waiting_since = excluded.waiting_since,
               language = excluded.language, facts = COALESCE(excluded.facts, conversations.facts),
               opened_at = COALESCE(excluded.opened_at, conversations.opened_at),
               resolved_at = CASE WHEN excluded.facts IS NULL THEN conversations.resolved_at ELSE excluded.resolved_at END
             WHERE excluded.last_seq > conversations.last_seq",
            vec![
                summary.id.as_str().into(),
                summary.visitor_id.as_str().into(),
                summary.visitor_name.clone().into(),
                last_message.into(),
                (summary.last_seq.0 as i64).into(),
                summary.created_at.into(),
                summary.updated_at.into(),
                state.into(),
                summary.assignee.as_ref().map(|a| a.as_str().to_string()).into(),
                summary.queue.as_ref().map(|q| q.as_str().to_string()).into(),
                summary.waiting_since.into(),
                contact.clone().into(),
                channel.into(),
                summary.language.clone().into(),
                facts.map(serde_json::to_string).transpose()?.into(),
                facts.and_then(|f| f.opened_at).into(),
                facts.and_then(|f| f.resolved_at).into(),
            ],
        )?;
        self.link_contact(&summary, now)?;
        if cursor.rows_written() == 0 && contact.is_some() {
            return self.record_contact(&summary, contact, now);
        }
        if cursor.rows_written() > 0 {
            // Response targets run while the visitor waits for a reply. Most summaries change
            // nothing there (the same side wrote again): the router is only rewritten when the
            // turn passes.
            let flow = self.flow();
            let owed = self.with_router(&flow, now, |router| {
                Ok(router.routed(&summary.id)?.map(|r| r.waiting_since.is_some()))
            })?;
            if owed.is_some_and(|owed| owed != summary.waiting_since.is_some()) {
                let (id, since) = (summary.id.clone(), summary.waiting_since);
                self.route(&flow, now, |router, _| match since {
                    Some(since) => router.visitor_wrote(&id, since),
                    None => router.agent_replied(&id),
                })?;
            }
            self.push_stored(&summary.id, now)?;
        }
        Ok(())
    }

    /// Sends conversation `id`'s summary as stored — with the labels and attributes kept here,
    /// which the conversation's own summary does not carry — to the open inboxes; read only
    /// when one is open.
    fn push_stored(&self, id: &ConversationId, now: i64) -> EdgeResult<()> {
        if !self.inbox_pushes.anyone_listening(&self.state) {
            return Ok(());
        }
        match self.summary(id)? {
            Some(stored) => self.push_to_inboxes(stored, now),
            None => Ok(()),
        }
    }

    /// Sends a conversation's new summary to every open inbox (paced for consoles that
    /// take batches: `inbox_push`).
    pub(super) fn push_to_inboxes(&self, conversation: ConversationSummary, now: i64) -> EdgeResult<()> {
        self.inbox_pushes.push(&self.state, conversation, now)
    }

    /// Same log, new visitor details (they opened another page): stored and pushed without
    /// moving the conversation in the list.
    fn record_contact(
        &self,
        summary: &ConversationSummary,
        contact: Option<String>,
        now: i64,
    ) -> EdgeResult<()> {
        let cursor = self.sql().exec(
            "UPDATE conversations SET contact = ?, visitor_name = ? WHERE id = ? AND last_seq = ? AND contact IS NOT ?",
            vec![
                contact.clone().into(),
                summary.visitor_name.clone().into(),
                summary.id.as_str().into(),
                (summary.last_seq.0 as i64).into(),
                contact.into(),
            ],
        )?;
        if cursor.rows_written() > 0 {
            self.push_stored(&summary.id, now)?;
        }
        Ok(())
    }

    pub(super) fn summaries(&self) -> EdgeResult<Vec<ConversationSummary>> {
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                &format!("SELECT {SUMMARY_COLUMNS} FROM conversations ORDER BY updated_at DESC LIMIT ?"),
                vec![INBOX_LIMIT.into()],
            )?
            .to_array()?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// A page of the list (`core::conversation_list`): the filters as SQL conditions, newest
    /// first by `(updated_at, id)` after the cursor, one row more than the page to know
    /// whether another follows.
    pub(super) fn list(&self, query: &ListQuery) -> EdgeResult<conversations_list::Response> {
        let mut conditions: Vec<&str> = Vec::new();
        let mut values: Vec<SqlStorageValue> = Vec::new();
        if let Some(state) = query.state {
            conditions.push("state = ?");
            values.push(serde_json::to_value(state)?.as_str().unwrap_or_default().into());
        }
        if let Some(queue) = &query.queue {
            conditions.push("queue = ?");
            values.push(queue.as_str().into());
        }
        match &query.assignee {
            Some(AssigneeFilter::Nobody) => conditions.push("assignee IS NULL"),
            Some(AssigneeFilter::Agent(agent)) => {
                conditions.push("assignee = ?");
                values.push(agent.as_str().into());
            }
            None => {}
        }
        if let Some(visitor) = &query.visitor {
            conditions.push("visitor_id = ?");
            values.push(visitor.as_str().into());
        }
        if let Some(contact) = &query.contact {
            conditions.push("visitor_id IN (SELECT visitor_id FROM contact_visitors WHERE contact_id = ?)");
            values.push(contact.as_str().into());
        }
        if let Some(label) = &query.label {
            conditions.push("id IN (SELECT conversation_id FROM conversation_labels WHERE label = ?)");
            values.push(label.as_str().into());
        }
        if let Some(priority) = query.priority {
            conditions.push("priority = ?");
            values.push(priority.as_str().into());
        }
        if let Some(since) = query.updated_since {
            conditions.push("updated_at >= ?");
            values.push(since.into());
        }
        if let Some(cursor) = &query.cursor {
            conditions.push("(updated_at < ? OR (updated_at = ? AND id < ?))");
            values.extend([cursor.updated_at.into(), cursor.updated_at.into(), cursor.id.as_str().into()]);
        }
        let filter =
            if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        values.push((i64::from(query.limit) + 1).into());
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                &format!("SELECT {SUMMARY_COLUMNS} FROM conversations {filter} ORDER BY updated_at DESC, id DESC LIMIT ?"),
                values,
            )?
            .to_array()?;
        let rows = rows.into_iter().map(SummaryRow::into_summary).collect::<EdgeResult<Vec<_>>>()?;
        let (conversations, next_cursor) = conversation_list::page(rows, query.limit);
        Ok(conversations_list::Response { conversations, next_cursor })
    }

    /// The summaries of `ids` (those the index has), newest activity first, at most `limit`:
    /// one statement, however many ids.
    pub(super) fn summaries_of(
        &self,
        ids: &[ConversationId],
        limit: i64,
    ) -> EdgeResult<Vec<ConversationSummary>> {
        let ids = serde_json::to_string(ids)?;
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                &format!(
                    "SELECT {SUMMARY_COLUMNS} FROM conversations WHERE id IN (SELECT value FROM json_each(?))
                     ORDER BY updated_at DESC, id DESC LIMIT ?"
                ),
                vec![ids.into(), limit.into()],
            )?
            .to_array()?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// One conversation's summary.
    pub(super) fn summary(&self, id: &ConversationId) -> EdgeResult<Option<ConversationSummary>> {
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                &format!("SELECT {SUMMARY_COLUMNS} FROM conversations WHERE id = ?"),
                vec![id.as_str().into()],
            )?
            .to_array()?;
        rows.into_iter().next().map(SummaryRow::into_summary).transpose()
    }

    /// One visitor's conversations, newest activity first.
    pub(super) fn visitor_conversations(
        &self,
        VisitorConversations { visitor, by_visitor }: &VisitorConversations,
    ) -> EdgeResult<Vec<ConversationSummary>> {
        if *by_visitor {
            self.refuse_signed_out(visitor)?;
        }
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                &format!(
                    "SELECT {SUMMARY_COLUMNS} FROM conversations WHERE visitor_id = ? ORDER BY updated_at DESC LIMIT ?"
                ),
                vec![visitor.as_str().into(), INBOX_LIMIT.into()],
            )?
            .to_array()?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// Whether any conversation of the contact `contact` is still indexed (one row looked at).
    pub(super) fn contact_has_conversations(&self, contact: &str) -> EdgeResult<bool> {
        #[derive(serde::Deserialize)]
        struct Row {
            any: i64,
        }
        let rows: Vec<Row> = self
            .sql()
            .exec(
                "SELECT EXISTS (SELECT 1 FROM conversations
                   WHERE visitor_id IN (SELECT visitor_id FROM contact_visitors WHERE contact_id = ?)) AS any",
                vec![contact.into()],
            )?
            .to_array()?;
        Ok(rows.first().is_some_and(|row| row.any != 0))
    }

    /// A contact's conversations, newest activity first (at most 100).
    pub(super) fn contact_conversations(&self, contact: &str) -> EdgeResult<Vec<ConversationSummary>> {
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                &format!(
                    "SELECT {SUMMARY_COLUMNS} FROM conversations
                     WHERE visitor_id IN (SELECT visitor_id FROM contact_visitors WHERE contact_id = ?)
                     ORDER BY updated_at DESC LIMIT 100"
                ),
                vec![contact.into()],
            )?
            .to_array()?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }
}
