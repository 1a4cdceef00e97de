//! A full-text index of conversations' messages (SQLite FTS5), fed with the texts each
//! conversation's inbox updates carry. Each inbox feed shard keeps one for the conversations
//! it carries (`objects/inbox_feed`), so indexing follows the shards and not the site object;
//! the site object keeps one too, for a deployment without shards and for texts indexed
//! before the shards held them. A search asks them all (`edge/src/search.rs`).
//!
//! Texts are indexed in batches, about a second after they arrive (see [`INDEX_DELAY`]); a
//! search first indexes whatever waits. Best effort: an inbox update that is lost (or an
//! object that dies before its batch is written) loses its texts from the index; the
//! conversation itself is unaffected.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use serde::Deserialize;
use switchboard_core::search_text::indexable_text;
use switchboard_protocol::ConversationId;
use worker::{SqlStorage, State};

use super::site::calls::IndexedText;
use crate::error::EdgeResult;

/// The index's table, created with the object's other tables.
pub(crate) const SCHEMA: &str =
    "CREATE VIRTUAL TABLE IF NOT EXISTS message_search USING fts5(conversation_id UNINDEXED, seq UNINDEXED, text)";

/// Most conversations one index answers for a search.
pub(crate) const SEARCH_LIMIT: i64 = 100;

/// How long texts wait to be indexed together: each flush writes one FTS5 segment, where an
/// insert per inbox update wrote (and later merged) one each — about 15 % of the edge's CPU
/// per message with 50 busy conversations (bench scenario (c)).
const INDEX_DELAY: Duration = Duration::from_secs(1);

/// Most texts waiting: more are indexed at once.
const MAX_WAITING: usize = 2_000;

/// Texts received but not yet indexed, and whether a flush is on its way.
#[derive(Default)]
pub(crate) struct SearchIndex {
    texts: RefCell<Vec<(ConversationId, IndexedText)>>,
    scheduled: Cell<bool>,
}

impl SearchIndex {
    /// Queues `texts` of `conversation`, written within [`INDEX_DELAY`] (`state` stays alive
    /// for it) or before the next search. The index's table must exist.
    pub(crate) fn add(
        self: &Rc<Self>,
        state: &State,
        conversation: &ConversationId,
        texts: impl IntoIterator<Item = IndexedText>,
    ) {
        self.texts.borrow_mut().extend(texts.into_iter().map(|text| (conversation.clone(), text)));
        let sql = state.storage().sql();
        if self.texts.borrow().len() >= MAX_WAITING {
            self.flush(&sql);
        } else if !self.texts.borrow().is_empty() && !self.scheduled.replace(true) {
            let index = Rc::clone(self);
            state.wait_until(async move {
                worker::Delay::from(INDEX_DELAY).await;
                index.flush(&sql);
            });
        }
    }

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

    /// The conversations (at most [`SEARCH_LIMIT`], those of the newest matching texts first)
    /// with a message matching `query`, an FTS5 query (`core::search_text::full_text_query`);
    /// what arrived in the last second included.
    pub(crate) fn matches(&self, sql: &SqlStorage, query: &str) -> EdgeResult<Vec<ConversationId>> {
        self.flush(sql);
        #[derive(Deserialize)]
        struct Hit {
            conversation_id: ConversationId,
        }
        let hits: Vec<Hit> = sql
            .exec(
                "SELECT conversation_id FROM message_search WHERE message_search MATCH ?
                 GROUP BY conversation_id ORDER BY max(rowid) DESC LIMIT ?",
                vec![query.into(), SEARCH_LIMIT.into()],
            )?
            .to_array()?;
        Ok(hits.into_iter().map(|hit| hit.conversation_id).collect())
    }

    /// Forgets every text of `conversations` (erased), waiting or indexed.
    pub(crate) fn forget(&self, sql: &SqlStorage, conversations: &[ConversationId]) -> EdgeResult<()> {
        self.texts.borrow_mut().retain(|(conversation, _)| !conversations.contains(conversation));
        for conversation in conversations {
            sql.exec(
                "DELETE FROM message_search WHERE conversation_id = ?",
                vec![conversation.as_str().into()],
            )?;
        }
        Ok(())
    }
}
