//! The Site object's full-text index of its conversations' messages (SQLite FTS5), fed with
//! the texts each conversation's inbox updates carry, and searched by agents.
//!
//! Best effort: an inbox update that is lost loses its texts from the index (its summary is
//! repaired by the next update, its texts are not); the conversation itself is unaffected.

use serde::{Deserialize, Serialize};
use switchboard_core::inbox_view::full_text_query;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{ConversationId, Seq};

use super::SiteObject;
use crate::error::EdgeResult;

/// The index, created with the object's other tables.
pub(super) const SCHEMA: &str =
    "CREATE VIRTUAL TABLE IF NOT EXISTS message_search USING fts5(conversation_id UNINDEXED, seq UNINDEXED, text)";

/// Most conversations one search returns.
const SEARCH_LIMIT: i64 = 100;

/// One message's text, for the index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexedText {
    /// Where it is in its conversation.
    pub seq: Seq,
    /// What it says.
    pub text: String,
}

/// What a conversation tells its site after storing messages: its summary, and the texts
/// stored since its last update.
#[derive(Debug, Serialize, Deserialize)]
pub struct Activity {
    /// The conversation's newest summary.
    pub summary: ConversationSummary,
    /// Texts to index.
    #[serde(default)]
    pub texts: Vec<IndexedText>,
}

impl SiteObject {
    /// Adds `texts` of `conversation` to the index.
    pub(super) fn index(&self, conversation: &ConversationId, texts: &[IndexedText]) -> EdgeResult<()> {
        for text in texts {
            self.sql().exec(
                "INSERT INTO message_search (conversation_id, seq, text) VALUES (?, ?, ?)",
                vec![conversation.as_str().into(), (text.seq.0 as i64).into(), text.text.as_str().into()],
            )?;
        }
        Ok(())
    }

    /// Conversations with a message matching what the agent typed (every word, as a prefix),
    /// newest activity first.
    pub(super) fn search(&self, typed: &str) -> EdgeResult<Vec<ConversationSummary>> {
        let Some(query) = full_text_query(typed) else { return Ok(Vec::new()) };
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
        Ok(found)
    }
}
