//! Routing on the wire: a conversation's state, agents' presence, and the events routing
//! writes into a conversation's log (so its history explains itself in the console).

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, QueueId};

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationState {
    /// Opened, nothing written yet.
    #[default]
    New,
    /// The bot is answering.
    Bot,
    /// Waiting in a queue for an agent.
    Queued,
    /// An agent holds it.
    Assigned,
    /// Waiting for an answer outside business hours (the visitor was told when to expect one).
    Pending,
    /// Put aside by an agent until a time or the visitor's next message.
    Snoozed,
    /// Done; the visitor's next message reopens it.
    Resolved,
}

/// Whether an agent takes new conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Takes offers.
    Online,
    /// Keeps the conversations it has, takes no new offers.
    Away,
    /// Gone: holds no conversations and no offers.
    Offline,
}

/// Why a conversation left an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Release {
    /// The agent declined the offer.
    Declined,
    /// The offer lapsed unanswered.
    OfferExpired,
    /// The agent went offline.
    AgentOffline,
    /// The agent stayed silent past the queue's response target.
    SlaBreached,
    /// Someone unassigned it or moved it to another agent or queue.
    Moved,
    /// It was resolved, snoozed or closed.
    Closed,
}

/// Which response target was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaKind {
    /// The first reply after entering the queue.
    FirstResponse,
    /// A reply to a later visitor message.
    NextResponse,
}

/// Why a conversation went to the humans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoverReason {
    /// The flow sends conversations straight to a queue.
    Flow,
    /// The visitor asked for a person.
    VisitorAsked,
    /// The bot did not understand several messages in a row.
    BotGaveUp,
    /// The bot (a rule, or an external bot) decided to hand over.
    BotDecided,
    /// The external bot did not answer in time or failed.
    BotFailed,
    /// A resolved or snoozed conversation got a new visitor message.
    Reopened,
    /// An agent or API client moved it.
    Transfer,
    /// An agent wrote while the bot held it: the agent holds it now and the bot is silent.
    AgentTookOver,
}

/// Something that happened to a conversation, stored in its log as a `system` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConversationEvent {
    /// It entered `queue` (and, when `agent` is named, waits for that agent).
    HandedOver {
        /// The queue.
        queue: QueueId,
        /// Why.
        reason: HandoverReason,
        /// The agent it is meant for (targeted handover), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
    },
    /// It was offered to an agent (console timeline only).
    Offered {
        /// The agent.
        agent: AgentId,
    },
    /// An agent took it.
    Assigned {
        /// The agent.
        agent: AgentId,
        /// Its display name (shown to the visitor: "Ada joined").
        name: String,
    },
    /// It left an agent (an offer withdrawn or an assignment ended).
    Released {
        /// The agent.
        agent: AgentId,
        /// Why.
        reason: Release,
    },
    /// The assigned agent missed a response target; routing moves it on.
    SlaBreached {
        /// The agent.
        agent: AgentId,
        /// Which target.
        target: SlaKind,
    },
    /// The bot recorded an answer to one of its questions.
    FieldCollected {
        /// The field (`email`, `order_number`).
        field: String,
        /// The visitor's answer, as validated.
        value: String,
    },
    /// Its state changed (resolved, snoozed, reopened, pending outside business hours).
    StateChanged {
        /// The new state.
        state: ConversationState,
    },
    /// The visitor rated the help they got (CSAT), once per resolution.
    Rated {
        /// 1 (bad) to 5 (great).
        score: u8,
        /// What they added, if anything.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}

impl ConversationEvent {
    /// Whether the visitor sees this event. Routing internals (offers, missed targets,
    /// collected fields) are for agents; the visitor sees who joined and the state.
    pub fn visible_to_visitor(&self) -> bool {
        matches!(
            self,
            ConversationEvent::Assigned { .. }
                | ConversationEvent::StateChanged { .. }
                | ConversationEvent::Rated { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_by_kind() {
        let event = ConversationEvent::HandedOver {
            queue: QueueId::parse("support").unwrap(),
            reason: HandoverReason::VisitorAsked,
            agent: None,
        };
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"kind":"handed_over","queue":"support","reason":"visitor_asked"}"#
        );
        let state: ConversationEvent =
            serde_json::from_str(r#"{"kind":"state_changed","state":"resolved"}"#).unwrap();
        assert_eq!(state, ConversationEvent::StateChanged { state: ConversationState::Resolved });
        assert!(state.visible_to_visitor() && !event.visible_to_visitor());
    }
}
