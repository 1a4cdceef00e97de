//! What the router knows: queues and their rules, agents and their load, and where each
//! conversation it routes stands.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
pub use switchboard_protocol::routing::{Presence, Release, SlaKind};
use switchboard_protocol::{AgentId, ConversationId, QueueId};

/// A skill or team name (`billing`, `de`). Agents have some; queues and conversations need
/// some; an agent may take a conversation only when it has every skill it needs.
pub type Skill = String;

/// How a queue picks among the agents who could take a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// The agent who was offered a conversation least recently goes first.
    #[default]
    RoundRobin,
    /// The agent with the fewest conversations goes first (ties: least recently offered).
    LeastBusy,
}

/// Response-time targets of a queue (service level agreement), in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sla {
    /// From entering the queue to the assigned agent's first reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response_ms: Option<i64>,
    /// From a visitor's message (once answered before) to the agent's next reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_response_ms: Option<i64>,
}

/// One queue (a team) and its rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueConfig {
    /// The queue's name in config, the API and handover targets.
    pub id: QueueId,
    /// Skills every conversation of this queue needs (often just the team's name).
    #[serde(default)]
    pub skills: BTreeSet<Skill>,
    /// How an agent is chosen.
    #[serde(default)]
    pub policy: Policy,
    /// How long an agent has to accept an offer before it goes to the next one.
    #[serde(default = "default_offer_timeout_ms")]
    pub offer_timeout_ms: i64,
    /// Response-time targets; an assigned agent silent past one loses the conversation.
    #[serde(default)]
    pub sla: Sla,
}

/// Thirty seconds: long enough to notice a notification, short enough for a waiting visitor.
pub fn default_offer_timeout_ms() -> i64 {
    30_000
}

/// One agent as the router sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentState {
    /// The agent.
    pub id: AgentId,
    /// Whether it takes offers.
    pub presence: Presence,
    /// When the agent's last console closed: it goes offline at this time unless a console
    /// reconnects first (a page reload must not cost it its conversations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaving_at: Option<i64>,
    /// Most conversations it holds at once (assigned plus offered).
    pub capacity: u32,
    /// Its skills and teams.
    pub skills: BTreeSet<Skill>,
    /// When it was last offered or given a conversation (round robin order); 0 = never.
    #[serde(default)]
    pub last_offered_at: i64,
    /// Offers in a row it let lapse; at [`MISSED_OFFERS_BEFORE_AWAY`] it is set away.
    #[serde(default)]
    pub missed_offers: u32,
}

/// An agent who lets this many offers in a row lapse is not at the console: it is set away,
/// so visitors stop waiting on it (and conversations that only it can take do not queue
/// behind others it keeps being offered). It comes back by switching to online.
pub const MISSED_OFFERS_BEFORE_AWAY: u32 = 2;

/// Where a routed conversation stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// Waiting in its queue for an agent.
    Waiting {
        /// Agents who declined it or let an offer lapse since it last entered the queue; it
        /// goes to others first.
        #[serde(default)]
        passed: BTreeSet<AgentId>,
        /// When it was passed on: when those agents may be offered it again (the queue's
        /// offer timeout later, so a decline is not answered by the same offer at once).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_at: Option<i64>,
    },
    /// Offered to one agent until `expires_at`.
    Offered {
        /// The agent.
        agent: AgentId,
        /// When the offer lapses.
        expires_at: i64,
        /// As in `Waiting`.
        #[serde(default)]
        passed: BTreeSet<AgentId>,
    },
    /// Held by an agent.
    Assigned {
        /// The agent.
        agent: AgentId,
        /// When the agent must have replied (SLA), if a target applies and a reply is owed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_due: Option<i64>,
        /// Whether the agent has replied at least once (the next-response target applies).
        #[serde(default)]
        answered: bool,
    },
}

/// One conversation the router is responsible for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routed {
    /// The conversation.
    pub id: ConversationId,
    /// Its queue.
    pub queue: QueueId,
    /// Skills it needs beyond its queue's (a language, a product).
    #[serde(default)]
    pub skills: BTreeSet<Skill>,
    /// Only this agent may be offered it (targeted handover), while that agent is online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<AgentId>,
    /// Order of offering: its priority, then its arrival (`priority.rs`); the lower, the
    /// sooner it is offered.
    pub ticket: u64,
    /// The team's priority for it, which orders it before (or after) others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<switchboard_protocol::inbox::Priority>,
    /// When it (last) entered the queue, ms since the Unix epoch.
    pub queued_at: i64,
    /// When a visitor message still awaits an agent's reply, the time it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<i64>,
    /// The queue position the visitor was last told (0: not told, or not waiting).
    #[serde(default)]
    pub told_position: u32,
    /// Where it stands.
    pub stage: Stage,
}

impl Routed {
    /// The agent holding it or offered it, if any.
    pub fn agent(&self) -> Option<&AgentId> {
        match &self.stage {
            Stage::Waiting { .. } => None,
            Stage::Offered { agent, .. } | Stage::Assigned { agent, .. } => Some(agent),
        }
    }
}

/// What the router decided; the adapter tells consoles and visitors, and logs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Offer `conversation` to `agent` until `expires_at`.
    Offered {
        /// The conversation.
        conversation: ConversationId,
        /// The agent offered it.
        agent: AgentId,
        /// When the offer lapses, ms since the Unix epoch.
        expires_at: i64,
    },
    /// `agent` holds `conversation` now.
    Assigned {
        /// The conversation.
        conversation: ConversationId,
        /// The agent.
        agent: AgentId,
    },
    /// `conversation` left `agent` (an offer withdrawn or an assignment ended).
    Released {
        /// The conversation.
        conversation: ConversationId,
        /// The agent it left.
        agent: AgentId,
        /// Why.
        reason: Release,
    },
    /// `conversation` waits in `queue` at `position` (1 = next), about `wait_ms` more.
    Waiting {
        /// The conversation.
        conversation: ConversationId,
        /// Its queue.
        queue: QueueId,
        /// Its place in line, 1 = next.
        position: u32,
        /// The estimated wait, ms.
        wait_ms: i64,
    },
    /// `agent` missed a response target on `conversation`.
    SlaBreached {
        /// The conversation.
        conversation: ConversationId,
        /// The agent.
        agent: AgentId,
        /// Which target.
        kind: SlaKind,
    },
    /// `agent`'s presence changed.
    PresenceChanged {
        /// The agent.
        agent: AgentId,
        /// Their presence now.
        presence: Presence,
    },
}

/// Why a routing command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    /// The queue is not configured.
    #[error("no queue named {0}")]
    NoSuchQueue(QueueId),
    /// The agent has never connected.
    #[error("agent {0} is not known to routing")]
    NoSuchAgent(AgentId),
    /// The conversation is not being routed (resolved, or with the bot).
    #[error("conversation {0} is not queued or assigned")]
    NotRouted(ConversationId),
    /// Another agent holds the conversation; transfer it instead.
    #[error("another agent holds this conversation")]
    TakenByOther,
    /// The conversation is not offered to this agent (the offer lapsed or went elsewhere).
    #[error("this conversation is not offered to you")]
    NotOffered,
    /// The agent already holds as many conversations as it may.
    #[error("agent is at capacity ({0} conversations)")]
    AtCapacity(u32),
    /// The agent is offline.
    #[error("agent is offline")]
    Offline,
    /// The agent lacks a skill the conversation needs.
    #[error("agent lacks the skill {0}")]
    MissingSkill(Skill),
    /// A transfer must name exactly one of an agent or a queue.
    #[error("transfer to exactly one of agent or queue")]
    TransferTarget,
    /// The routing tables could not be read or written.
    #[error("routing storage: {0}")]
    Storage(String),
}
