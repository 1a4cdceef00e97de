//! The Site object's full-text index of its conversations' messages (SQLite FTS5), fed with
//! the texts each conversation's inbox updates carry, and searched by agents.
//!
//! Texts are indexed in batches, about a second after they arrive (see [`INDEX_DELAY`]); a
//! search first indexes whatever waits. Best effort: an inbox update that is lost (or an
//! object that dies before its batch is written) loses its texts from the index (its summary
//! is repaired by the next update, its texts are not); the conversation itself is unaffected.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use serde::Deserialize;
use switchboard_core::search_text::{full_text_query, indexable_text};
use switchboard_protocol::api::conversations_list;
use switchboard_protocol::ConversationId;

use super::calls::IndexedText;

use super::SiteObject;
use worker::SqlStorage;

use crate::error::EdgeResult;

/// The index, created with the object's other tables.
pub(super) const SCHEMA: &str =
    "CREATE VIRTUAL TABLE IF NOT EXISTS message_search USING fts5(conversation_id UNINDEXED, seq UNINDEXED, text)";

/// Most conversations one search returns.
const SEARCH_LIMIT: i64 = 100;

/// How long texts wait to be indexed together: each flush writes one FTS5 segment, where an
/// insert per inbox update wrote (and later merged) one each — about 15 % of the edge's CPU
/// per message with 50 busy conversations (bench scenario (c)).
const INDEX_DELAY: Duration = Duration::from_secs(1);

/// Most texts waiting: more are indexed at once.
const MAX_WAITING: usize = 2_000;

/// Texts received but not yet indexed, and whether a flush is on its way.
#[derive(Default)]
pub(super) struct WaitingTexts {
    texts: RefCell<Vec<(ConversationId, IndexedText)>>,
    scheduled: Cell<bool>,
}

impl WaitingTexts {
    /// Indexes every waiting text (one transaction: they are written in one go).
    fn flush(&self, sql: &SqlStorage) {
        self.scheduled.set(false);
        for (conversation, text) in self.texts.take() {
            let indexed = indexable_text(&text.text).into_owned();
            let row = vec![conversation.as_str().into(), (text.seq.0 as i64).into(), indexed.into()];
            if let Err(error) =
                sql.exec("INSERT INTO message_search (conversation_id, seq, text) VALUES (?, ?, ?)", row)
            {
                worker::console_error!("search index: {error}");
            }
        }
    }
}

impl SiteObject {
    /// Queues `texts` of `conversation` for the index, written within [`INDEX_DELAY`] (the
    /// object stays alive for it) or before the next search.
    pub(super) fn index(&self, conversation: &ConversationId, texts: &[IndexedText]) -> EdgeResult<()> {
        let waiting = &self.waiting_texts;
        waiting.texts.borrow_mut().extend(texts.iter().map(|text| (conversation.clone(), text.clone())));
        if waiting.texts.borrow().len() >= MAX_WAITING {
            waiting.flush(&self.sql());
        } else if !waiting.scheduled.replace(true) {
            let (waiting, sql) = (Rc::clone(waiting), self.sql());
            self.state.wait_until(async move {
                worker::Delay::from(INDEX_DELAY).await;
                waiting.flush(&sql);
            });
        }
        Ok(())
    }

    /// Conversations with a message matching what the agent typed (every word, as a prefix;
    /// `core::search_text`), newest activity first.
    pub(super) fn search(&self, typed: &str) -> EdgeResult<conversations_list::Response> {
        let Some(query) = full_text_query(typed) else {
            return Ok(conversations_list::Response { conversations: Vec::new(), next_cursor: None });
        };
        // What arrived in the last second is searchable too.
        self.waiting_texts.flush(&self.sql());
        #[derive(Deserialize)]
        struct Hit {
            conversation_id: ConversationId,
        }
        let hits: Vec<Hit> = self
            .sql()
            .exec(
                "SELECT DISTINCT conversation_id FROM message_search WHERE message_search MATCH ? LIMIT ?",
                vec![query.into(), SEARCH_LIMIT.into()],
            )?
            .to_array()?;
        let mut found = Vec::new();
        for hit in hits {
            if let Some(summary) = self.summary(&hit.conversation_id)? {
                found.push(summary);
            }
        }
        found.sort_by_key(|s| std::cmp::Reverse(s.updated_at));
        Ok(conversations_list::Response { conversations: found, next_cursor: None })
    }
}
