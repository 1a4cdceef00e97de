//! The agent inbox socket: `GET /api/v1/agent/inbox` (WebSocket, agent session cookie).
//!
//! The console keeps one inbox socket open; the edge sends a snapshot of the site's
//! conversations and then an update whenever one of them changes. Messages themselves travel
//! on each conversation's own socket, never through the inbox.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, Seq, VisitorId};
use crate::message::Role;

/// A frame from the edge to a console on the inbox socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InboxFrame {
    /// Sent once on connect: the site's conversations, most recently active first.
    Snapshot {
        /// Summaries, newest activity first.
        conversations: Vec<ConversationSummary>,
    },
    /// One conversation is new or changed; replaces the console's copy with the same `id`.
    Updated {
        /// The new summary.
        conversation: ConversationSummary,
    },
}

/// What the inbox shows of one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    /// The conversation.
    pub id: ConversationId,
    /// Its visitor.
    pub visitor_id: VisitorId,
    /// The visitor's name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_name: Option<String>,
    /// The newest message, for the preview line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<MessagePreview>,
    /// The highest `seq` in the conversation's log; grows with every message.
    pub last_seq: Seq,
    /// When the conversation was first written to, ms since the Unix epoch.
    pub created_at: i64,
    /// When it last changed, ms since the Unix epoch; the inbox sorts by it.
    pub updated_at: i64,
}

/// The start of a message, for inbox previews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePreview {
    /// Who wrote it.
    pub role: Role,
    /// Its first characters (at most [`PREVIEW_CHARS`]).
    pub text: String,
    /// When it was stored, ms since the Unix epoch.
    pub sent_at: i64,
}

/// How many characters of a message an inbox preview carries.
pub const PREVIEW_CHARS: usize = 140;
