//! The agent inbox socket: `GET /api/v1/agent/inbox` (WebSocket, agent session cookie).
//!
//! The console keeps one inbox socket open; the edge sends a snapshot of the site's
//! conversations and then an update whenever one of them changes. Messages themselves travel
//! on each conversation's own socket, never through the inbox.
//!
//! The inbox socket is also the agent's line to routing: an open socket makes the agent
//! online (closing the last one makes it offline after a grace period), offers arrive on it,
//! and the console answers them on it ([`InboxCommand`]).

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{AgentId, ConversationId, QueueId, Seq, VisitorId};
use crate::message::Role;
use crate::routing::{ConversationState, Presence, Release};

/// The query that opens an inbox socket taking its changes paced
/// (`GET /api/v1/agent/inbox?updates=batched`): at most one frame every 250 ms, the changes in
/// between together in one `updated_many`, so a console's frames a second follow the clock,
/// not the site's message rate. Without it every change is its own `updated` frame.
pub const BATCHED_UPDATES: (&str, &str) = ("updates", "batched");

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
    /// Several conversations changed since the last frame, sent instead of their `updated`
    /// frames to a socket opened with [`BATCHED_UPDATES`]: each replaces the console's copy
    /// with the same `id`, in order.
    UpdatedMany {
        /// The new summaries, at most one per conversation.
        conversations: Vec<ConversationSummary>,
    },
    /// A conversation is offered to this agent until `expires_at` (ms since the Unix epoch):
    /// answer `accept` or `decline`; silence lets it pass to the next agent.
    Offer {
        /// The conversation.
        conversation: ConversationSummary,
        /// When the offer lapses.
        expires_at: i64,
    },
    /// An offer to this agent ended without its answer (it lapsed, or went elsewhere).
    OfferWithdrawn {
        /// The conversation.
        conversation_id: ConversationId,
        /// Why.
        reason: Release,
    },
    /// This agent's presence, as routing sees it: sent on connect and on every change (an
    /// agent who lets offers lapse is set away).
    Presence {
        /// The presence.
        presence: Presence,
    },
    /// A command was refused.
    Error {
        /// Machine-readable reason.
        code: ErrorCode,
        /// Human-readable explanation.
        message: String,
    },
    /// Answer to `ping`.
    Pong,
}

impl InboxFrame {
    /// The changed summaries an `updated` or `updated_many` frame carries (none for others).
    pub fn into_changes(self) -> Vec<ConversationSummary> {
        match self {
            InboxFrame::Updated { conversation } => vec![conversation],
            InboxFrame::UpdatedMany { conversations } => conversations,
            _ => Vec::new(),
        }
    }
}

/// A frame from a console to the edge on the inbox socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InboxCommand {
    /// Keeps the socket open through intermediaries; answered with `pong`.
    Ping,
    /// Sets this agent online (takes offers) or away (keeps its conversations, no offers).
    SetPresence {
        /// `online` or `away` (`offline` signs the agent out of routing, releasing all).
        presence: Presence,
    },
    /// Accepts the conversation offered to this agent.
    Accept {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// Declines it: it goes to the next agent.
    Decline {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// Takes a queued conversation without waiting for an offer.
    Take {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// Moves a conversation to another agent or queue (exactly one of the two).
    Transfer {
        /// The conversation.
        conversation_id: ConversationId,
        /// The agent to give it to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
        /// The queue to put it in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        queue: Option<QueueId>,
    },
    /// Puts a conversation back in its queue.
    Unassign {
        /// The conversation.
        conversation_id: ConversationId,
    },
}

/// What the inbox shows of one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    /// The conversation.
    pub id: ConversationId,
    /// Its visitor.
    pub visitor_id: VisitorId,
    /// Where the customer writes from (`webchat` when absent); replies go back there.
    #[serde(default, skip_serializing_if = "crate::channels::Channel::is_webchat")]
    pub channel: crate::channels::Channel,
    /// The language its customer writes in, when the site's `detect_language` step told one
    /// (ISO 639-1, `de`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
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
    /// Where it stands (bot, queued, assigned, …).
    #[serde(default)]
    pub state: ConversationState,
    /// The agent holding it, when assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<AgentId>,
    /// Its queue, once handed over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
    /// Since when the visitor waits for a reply (ms since the Unix epoch), if they do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<i64>,
    /// Who the visitor is and where, as far as known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<crate::contact::Contact>,
    /// Its labels (`api::conversation_labels`), in the order they were set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Its custom attributes (`api::conversation_labels`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub attributes: std::collections::BTreeMap<String, serde_json::Value>,
    /// How urgent the team says it is (`api::conversation_labels`); none until set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

impl ConversationSummary {
    /// The summary of conversation `id` of `visitor_id` with nothing known yet: no message
    /// (`last_seq` 0), `new`, on webchat, made and changed at `at`. The rest are filled in as
    /// the conversation learns them.
    pub fn empty(id: ConversationId, visitor_id: VisitorId, at: i64) -> Self {
        ConversationSummary {
            id,
            visitor_id,
            channel: Default::default(),
            language: None,
            visitor_name: None,
            last_message: None,
            last_seq: Seq(0),
            created_at: at,
            updated_at: at,
            state: ConversationState::default(),
            assignee: None,
            queue: None,
            waiting_since: None,
            contact: None,
            labels: Vec::new(),
            attributes: Default::default(),
            priority: None,
        }
    }
}

/// How urgent a conversation is, lowest first (so they compare as they rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Whenever there is time.
    Low,
    /// As usual.
    Medium,
    /// Before the usual.
    High,
    /// Now.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Medium, Priority::High, Priority::Urgent];

    /// Its name on the wire and in the list's `priority=` filter.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// The priority named `name`.
    pub fn parse(name: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|priority| priority.as_str() == name)
    }
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
