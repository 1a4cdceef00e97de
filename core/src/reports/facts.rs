//! One conversation's facts for reports, folded from its log entry by entry
//! ([`ConversationFacts::apply`]): what a report counts of it, kept current as it goes, so a
//! report reads one row a conversation and never its log. Each figure's clocks are written
//! down in `docs/reports.md`; this is where they run.

use serde::{Deserialize, Serialize};
use switchboard_protocol::channels::Channel;
use switchboard_protocol::routing::{ConversationEvent, ConversationState};
use switchboard_protocol::{AgentId, Author, Message, QueueId};

/// What reports know of one conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationFacts {
    /// Where its customer writes from.
    pub channel: Channel,
    /// When its customer first wrote (ms); `None`: they never did (a greeting nobody
    /// answered, an outbound nobody replied to) — such a conversation is not counted.
    pub opened_at: Option<i64>,
    /// The queue it was last handed to.
    pub queue: Option<QueueId>,
    /// The agent who last held it.
    pub agent: Option<AgentId>,
    /// From the customer's first message to the first answer by a person (ms).
    pub first_response_ms: Option<i64>,
    /// Each later wait of the customer for a person's answer (ms), in order.
    pub next_responses_ms: Vec<i64>,
    /// From its first handover to its first assignment (ms).
    pub queue_wait_ms: Option<i64>,
    /// When it was last resolved (ms); `None` while open (a reopening clears it).
    pub resolved_at: Option<i64>,
    /// How many times it was resolved.
    pub resolutions: u32,
    /// It went to the humans (a handover, an agent taking over).
    pub handed_over: bool,
    /// A person answered in it.
    pub human_answered: bool,
    /// Response targets missed.
    pub sla_breaches: u32,
    /// The customer's last rating, 1 to 5.
    pub rating: Option<u8>,
    /// Their last rating's comment.
    pub rating_comment: Option<String>,
    /// The customer wrote and waits for a person's answer since then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<i64>,
    /// When it was first handed over (for the queue wait).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_over_at: Option<i64>,
}

impl ConversationFacts {
    /// The facts of a conversation on `channel` with nothing in its log yet.
    pub fn new(channel: Channel) -> ConversationFacts {
        ConversationFacts { channel, ..ConversationFacts::default() }
    }

    /// The facts once `entry` (the next of its log) is counted.
    pub fn apply(&mut self, entry: &Message) {
        let at = entry.sent_at;
        match (&entry.author, &entry.event) {
            (Author::Visitor { .. }, _) => {
                self.opened_at.get_or_insert(at);
                self.waiting_since.get_or_insert(at);
            }
            // A private note is no answer; nor is what an agent says before the customer
            // ever wrote (a proactive message, the first of a conversation the team started).
            (Author::Agent { id, .. }, _) if !entry.internal && self.opened_at.is_some() => {
                self.human_answered = true;
                self.handed_over = true;
                self.agent = Some(id.clone());
                if let Some(since) = self.waiting_since.take() {
                    match self.first_response_ms {
                        None => self.first_response_ms = Some(at - since),
                        Some(_) => self.next_responses_ms.push(at - since),
                    }
                }
            }
            (_, Some(event)) => self.event(event, at),
            _ => {}
        }
    }

    fn event(&mut self, event: &ConversationEvent, at: i64) {
        match event {
            ConversationEvent::HandedOver { queue, .. } => {
                // A handover after a resolution is a reopening: it is open again.
                self.resolved_at = None;
                self.handed_over = true;
                self.queue = Some(queue.clone());
                self.handed_over_at.get_or_insert(at);
            }
            ConversationEvent::Assigned { agent, .. } => {
                self.agent = Some(agent.clone());
                if let (None, Some(since)) = (self.queue_wait_ms, self.handed_over_at) {
                    self.queue_wait_ms = Some(at - since);
                }
            }
            ConversationEvent::SlaBreached { .. } => self.sla_breaches += 1,
            ConversationEvent::StateChanged { state: ConversationState::Resolved } => {
                self.resolved_at = Some(at);
                self.resolutions += 1;
                // Resolved, nobody waits: the next message starts a new wait.
                self.waiting_since = None;
            }
            ConversationEvent::StateChanged { .. } => self.resolved_at = None,
            ConversationEvent::Rated { score, comment } => {
                self.rating = Some(*score);
                self.rating_comment = comment.clone();
            }
            _ => {}
        }
    }

    /// Whether reports count it: its customer wrote.
    pub fn counted(&self) -> bool {
        self.opened_at.is_some()
    }

    /// Resolved without a person: the bot (or the customer leaving) settled it.
    pub fn bot_contained(&self) -> bool {
        self.resolved_at.is_some() && !self.handed_over
    }

    /// From the customer's first message to the last resolution (ms), once resolved.
    pub fn resolution_ms(&self) -> Option<i64> {
        Some(self.resolved_at? - self.opened_at?)
    }

    /// The facts of a whole log, entry by entry (what [`apply`](Self::apply) keeps current).
    pub fn of_log(channel: Channel, log: &[Message]) -> ConversationFacts {
        let mut facts = ConversationFacts::new(channel);
        for entry in log {
            facts.apply(entry);
        }
        facts
    }
}
