//! Flows: what happens to a conversation after the visitor's first message.
//!
//! A site's [`Flow`] (stored in its configuration, written as TOML or JSON) says who answers
//! first — the built-in [`bot`], an external bot webhook, or straight a queue —, when humans are
//! there ([`hours`]), what the visitor is told outside those hours, and the routing queues.
//! [`lifecycle`] runs it for one conversation: given what happened (a visitor message, an
//! agent's action, a routing decision, a timer), it says what to do, as plain data the
//! Conversation object performs.
//!
//! # Layout
//! - this file: the flow's configuration.
//! - [`bot`]: the rule bot (intents, quick replies, collecting fields, handover).
//! - [`hours`]: business hours in a time zone, and when they next open.
//! - [`lifecycle`]: one conversation's state machine (`bot`, `queued`, `assigned`, …).
//! - [`input`]: everything that moves it, and the one entry that runs it.
//! - `handover`: where it goes when humans are to answer: a queue or the offline fallback.
//! - [`outbound`]: a conversation the team starts: a task now, or none until the visitor answers.
//! - [`events`]: how routing events read in the log; checks on an external bot's answers.
//! - [`webhook_bot`]: the external bot: its URL, signing secret and API token.
//! - [`auto_resolve`]: a conversation quiet after the team's last word resolves itself.

pub mod auto_resolve;
pub mod bot;
pub mod events;
mod handover;
pub mod hours;
pub mod input;
pub mod lifecycle;
pub mod outbound;
pub mod webhook_bot;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_protocol::{AgentId, QueueId};

use crate::routing::{QueueConfig, Skill};

pub use bot::{Field, FieldKind, Intent, RuleBot};
pub use hours::{BusinessHours, Zones};
pub use webhook_bot::WebhookBot;

/// One site's flow for its web chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Who answers a new conversation first.
    #[serde(default)]
    pub start: Start,
    /// The first message of every conversation, whoever answers first (the rule bot's own
    /// greeting is replaced by it). Set from the site's appearance by its admins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
    /// The queue handovers go to unless a rule names another.
    #[serde(default = "default_queue")]
    pub queue: QueueId,
    /// The built-in bot (used when `start` is `bot` and no webhook is set).
    #[serde(default)]
    pub bot: RuleBot,
    /// An external bot that answers instead of the rule bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookBot>,
    /// When humans answer; `None` means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<BusinessHours>,
    /// What a visitor handed over outside business hours is told.
    #[serde(default)]
    pub offline: Offline,
    /// The routing queues (teams).
    #[serde(default = "default_queues")]
    pub queues: Vec<QueueConfig>,
    /// Conversations an agent holds at once unless `agents` says otherwise.
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    /// Per agent: capacity and skills.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub agents: BTreeMap<AgentId, AgentRouting>,
    /// Resolve conversations quiet after the team's last word; `None`: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_resolve: Option<auto_resolve::AutoResolve>,
}

/// Who answers first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// The bot, which hands over when it should.
    #[default]
    Bot,
    /// Straight to the flow's queue.
    Queue,
}

/// The offline fallback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offline {
    /// Told to the visitor; `{next_open}` is replaced by when the team is back.
    #[serde(default = "default_offline_message")]
    pub message: String,
    /// Whether to ask for an email address to answer to.
    #[serde(default = "yes")]
    pub ask_email: bool,
}

impl Default for Offline {
    fn default() -> Self {
        Self { message: default_offline_message(), ask_email: true }
    }
}

/// One agent's routing settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentRouting {
    /// Conversations it holds at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// Its skills and teams.
    #[serde(default)]
    pub skills: Vec<Skill>,
}

impl Default for Flow {
    fn default() -> Self {
        Self {
            start: Start::Bot,
            greeting: None,
            queue: default_queue(),
            bot: RuleBot::default(),
            webhook: None,
            hours: None,
            offline: Offline::default(),
            queues: default_queues(),
            capacity: default_capacity(),
            agents: BTreeMap::new(),
            auto_resolve: None,
        }
    }
}

/// Why a flow cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// The flow or a rule names a queue that is not configured.
    #[error("queue {0} is named but not configured in `queues`")]
    UnknownQueue(QueueId),
    /// Business hours name an unknown time zone or have a malformed range.
    #[error("hours: {0}")]
    Hours(String),
    /// The webhook URL is neither `https://` nor plain `http://` to this machine.
    #[error("webhook url must start with https:// (http:// only to localhost, for development)")]
    WebhookUrl,
    /// A webhook secret is too short, or the API token repeats the signing secret.
    #[error("{0}")]
    WebhookSecret(&'static str),
    /// A number is out of range.
    #[error("{0}")]
    Range(&'static str),
    /// The rule bot has no phrase that reaches a person: a visitor could never leave it.
    #[error(
        "bot.handover_phrases must name at least one phrase: visitors must always be able to reach a person"
    )]
    NoWayToAPerson,
    /// An intent's cards do not fit (see [`crate::cards`]).
    #[error("intent {0}: {1}")]
    Cards(String, String),
}

impl Flow {
    /// Checks what serde cannot: names refer to configured things, times parse, the time
    /// zone exists in `zones`.
    pub fn validate(&self, zones: &dyn Zones) -> Result<(), FlowError> {
        let known = |queue: &QueueId| self.queues.iter().any(|q| &q.id == queue);
        let named =
            std::iter::once(&self.queue).chain(self.bot.intents.iter().filter_map(|i| i.handover_queue()));
        if let Some(queue) = named.into_iter().find(|queue| !known(queue)) {
            return Err(FlowError::UnknownQueue(queue.clone()));
        }
        if let Some(hours) = &self.hours {
            hours.validate(zones).map_err(FlowError::Hours)?;
        }
        if !self.bot.handover_phrases.iter().any(|p| !bot::normalise(p).is_empty()) {
            return Err(FlowError::NoWayToAPerson);
        }
        for intent in &self.bot.intents {
            crate::cards::check(&intent.cards).map_err(|e| FlowError::Cards(intent.name.clone(), e))?;
        }
        if let Some(webhook) = &self.webhook {
            webhook.validate()?;
        }
        if self.queues.iter().any(|q| q.offer_timeout_ms < 1_000) {
            return Err(FlowError::Range("offer_timeout_ms must be at least 1000"));
        }
        if !(1..=100).contains(&self.capacity) {
            return Err(FlowError::Range("capacity must be 1 to 100"));
        }
        if let Some(auto) = &self.auto_resolve {
            auto.validate()?;
        }
        Ok(())
    }

    /// An agent's capacity and skills under this flow.
    pub fn agent_routing(&self, agent: &AgentId) -> (u32, std::collections::BTreeSet<Skill>) {
        match self.agents.get(agent) {
            Some(settings) => {
                (settings.capacity.unwrap_or(self.capacity), settings.skills.iter().cloned().collect())
            }
            None => (self.capacity, Default::default()),
        }
    }
}

fn default_queue() -> QueueId {
    QueueId::parse("support").unwrap_or_else(|_| unreachable!("a valid queue id"))
}

fn default_queues() -> Vec<QueueConfig> {
    vec![QueueConfig {
        id: default_queue(),
        skills: Default::default(),
        policy: Default::default(),
        offer_timeout_ms: crate::routing::model::default_offer_timeout_ms(),
        sla: Default::default(),
    }]
}

fn default_capacity() -> u32 {
    5
}

fn default_offline_message() -> String {
    "We're away right now and will be back {next_open}. Leave your message here and we'll answer then.".into()
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod no_trap_tests;
#[cfg(test)]
mod tests;
