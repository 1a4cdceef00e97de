//! One conversation's way through its flow: `new` → `bot` → `queued` → `assigned` →
//! `resolved` (or `pending` outside business hours, `snoozed` by an agent), reopening on the
//! visitor's next message.
//!
//! The Conversation object keeps a [`Lifecycle`] in storage, calls one of its methods for
//! each thing that happens, and performs the [`Effect`]s it returns in order: store a bot
//! message or an event, ask the external bot, tell the site's router, set its alarm.

use serde::{Deserialize, Serialize};
use switchboard_protocol::api::bot_webhook::BotAnswer;
use switchboard_protocol::routing::{ConversationEvent, ConversationState, HandoverReason, Release};
use switchboard_protocol::{AgentId, QueueId, ServerFrame};

use super::bot::{BotMemory, Handover, Say};
use super::{Flow, Start, Zones};
use crate::conversation::AgentAction;

/// Where one conversation stands in its flow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// Its state.
    pub state: ConversationState,
    /// The rule bot's memory.
    #[serde(default)]
    pub bot: BotMemory,
    /// The queue it was last handed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
    /// The agent holding it, or who last held it (a reopened conversation goes back to them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentId>,
    /// When to look again: the end of a snooze, business hours opening, or the external
    /// bot's deadline for an answer it promised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wake_at: Option<i64>,
    /// When the conversation resolves itself unless someone writes (the site's auto-resolve,
    /// see [`super::auto_resolve`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_until: Option<i64>,
    /// Since when the visitor waits for a reply (their first unanswered message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<i64>,
    /// While queued: the visitor's place in line and the estimated wait (ms), as routing
    /// last said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<(u32, i64)>,
    /// The visitor rated it since it was last resolved (see [`crate::csat`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rated: bool,
    /// The team started it (`on_reply`) and waits for the visitor's answer: listed, but
    /// nobody's task, and the team's messages meanwhile take nothing over.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub awaiting_reply: bool,
    /// The language of the customer's first message that told one (a site's
    /// `detect_language` step tags messages): shown with it, and routed by when the step says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The queue an automation rule chose before anyone handed it over: its handover goes
    /// there unless the bot names another (see [`Lifecycle::steer`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steered: Option<QueueId>,
    /// Its automation rules' memory ([`crate::automation::Budget`]).
    #[serde(default, skip_serializing_if = "is_default")]
    pub rules: crate::automation::Budget,
    /// The agent whose proactive message opened it (`crate::proactive`): its first handover
    /// goes to them while they are online (to the queue otherwise), as the visitor answered
    /// them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_by: Option<AgentId>,
}

fn is_default(budget: &crate::automation::Budget) -> bool {
    *budget == crate::automation::Budget::default()
}

/// A site's flow with the zone database its business hours are read with.
#[derive(Clone, Copy)]
pub struct FlowIn<'a> {
    /// The flow.
    pub flow: &'a Flow,
    /// Time zones (the edge's runtime knows them).
    pub zones: &'a dyn Zones,
}

impl std::ops::Deref for FlowIn<'_> {
    type Target = Flow;

    fn deref(&self) -> &Flow {
        self.flow
    }
}

/// What the Conversation object does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Store and relay a message from the bot.
    Say(Say),
    /// Store and relay a system entry (internal unless the visitor may see the event).
    Record(ConversationEvent),
    /// Send the visitor's message to the external bot; its answer or failure comes back
    /// through [`Lifecycle::bot_answered`] / [`Lifecycle::bot_failed`].
    AskWebhook,
    /// Put the conversation in the site's routing.
    Route {
        /// The queue.
        queue: QueueId,
        /// The one agent it is for, if any.
        agent: Option<AgentId>,
        /// That agent already answered it (took it over from the bot): they hold it at once
        /// when they can, without an offer.
        taken_over: bool,
    },
    /// Take it out of routing (resolved, snoozed).
    Unroute,
    /// Tell connected clients the state changed.
    Status,
    /// Set the object's alarm to this time (or clear it).
    Wake(Option<i64>),
}

/// What routing decided about this conversation (sent by the Site object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum RoutingNotice {
    /// Offered to an agent.
    Offered {
        /// The agent.
        agent: AgentId,
    },
    /// An agent holds it.
    Assigned {
        /// The agent.
        agent: AgentId,
        /// Their name, for the log's "… joined".
        name: String,
    },
    /// It left an agent.
    Released {
        /// The agent.
        agent: AgentId,
        /// Why.
        reason: Release,
    },
    /// An agent missed a response target.
    SlaBreached {
        /// The agent.
        agent: AgentId,
        /// Which target.
        target: switchboard_protocol::routing::SlaKind,
    },
}

impl Lifecycle {
    /// A new conversation: the bot greets when it answers first (with the site's greeting
    /// when it has one); otherwise the site's greeting alone, if it has one.
    pub fn start(&mut self, flow: &FlowIn<'_>) -> Vec<Effect> {
        if self.state != ConversationState::New {
            return Vec::new();
        }
        let greeting = flow.greeting.clone();
        if uses_rule_bot(flow) {
            let mut say = flow.bot.greet();
            say.text = greeting.unwrap_or(say.text);
            return vec![Effect::Say(say)];
        }
        greeting.map(|text| vec![Effect::Say(Say::text(text))]).unwrap_or_default()
    }

    /// The `status` frame saying where the conversation stands (and, while queued, the
    /// visitor's place in line).
    pub fn status(&self) -> ServerFrame {
        ServerFrame::Status {
            state: self.state,
            position: self.position.map(|(position, _)| position),
            wait_ms: self.position.map(|(_, wait_ms)| wait_ms),
        }
    }

    /// Whether the site's inbox lists the conversation: not before the visitor wrote (the
    /// bot's greeting opens every widget's conversation; else every page view would be one),
    /// unless the team started it.
    pub fn shows_in_inbox(&self) -> bool {
        self.state != ConversationState::New || self.awaiting_reply
    }

    /// The visitor wrote while humans have the conversation: only notes that a reply is
    /// owed, and says `true`. Otherwise changes nothing and says `false`: then call
    /// [`Lifecycle::visitor_wrote`] with the site's flow. (Spares the busiest path — chat
    /// with an agent — from looking up the flow.)
    pub fn visitor_wrote_to_humans(&mut self, now: i64) -> bool {
        // A reply is owed, whoever gives it: auto-resolve's idle clock stops.
        self.idle_until = None;
        let to_humans = matches!(self.state, ConversationState::Queued | ConversationState::Assigned);
        if to_humans {
            self.waiting_since.get_or_insert(now);
        }
        to_humans
    }

    /// Since when its customer waits for a person's answer, while the conversation is open
    /// (a resolved or snoozed one keeps no one waiting): what `no_reply` rules count from.
    pub fn awaiting_person_since(&self) -> Option<i64> {
        let closed = matches!(self.state, ConversationState::Resolved | ConversationState::Snoozed);
        self.waiting_since.filter(|_| !closed)
    }

    /// The customer wrote a message in `language` (if told): the conversation's language is
    /// its customer's first message that told one.
    pub fn customer_wrote_in(&mut self, language: Option<&str>) {
        if self.language.is_none() {
            self.language = language.map(str::to_owned);
        }
    }

    /// The visitor's message `text` was stored.
    pub fn visitor_wrote(&mut self, flow: &FlowIn<'_>, text: &str, now: i64) -> Vec<Effect> {
        self.waiting_since.get_or_insert(now);
        self.idle_until = None;
        // The answer to an outbound conversation: from here the site's flow has it.
        self.awaiting_reply = false;
        match self.state {
            ConversationState::New | ConversationState::Bot
                if flow.start == Start::Bot && flow.webhook.is_some() =>
            {
                self.enter(ConversationState::Bot, vec![Effect::AskWebhook])
            }
            ConversationState::New | ConversationState::Bot if uses_rule_bot(flow) => {
                let turn = flow.bot.respond(&mut self.bot, text);
                let mut steps = self.enter(ConversationState::Bot, Vec::new());
                steps.extend(turn.collected.map(|(field, value)| {
                    Effect::Record(ConversationEvent::FieldCollected { field, value })
                }));
                steps.extend(turn.say.into_iter().map(Effect::Say));
                if let Some((handover, reason)) = turn.handover {
                    steps.extend(self.hand_over(flow, handover, reason, now));
                }
                steps
            }
            ConversationState::New | ConversationState::Bot => {
                self.hand_over(flow, Handover::default(), HandoverReason::Flow, now)
            }
            ConversationState::Queued | ConversationState::Assigned => Vec::new(),
            ConversationState::Pending => self.collect_contact(text),
            ConversationState::Snoozed | ConversationState::Resolved => {
                let back = self.back_to_last();
                self.hand_over(flow, back, HandoverReason::Reopened, now)
            }
        }
    }

    /// An agent's message (not a private note) was stored. Says whether it takes the
    /// conversation over from the bot (or the offline fallback): then call
    /// [`Lifecycle::agent_took_over`] with the site's flow.
    pub fn agent_wrote(&mut self) -> bool {
        self.waiting_since = None;
        self.bot_holds_it() && !self.awaiting_reply
    }

    /// An agent wrote while no human held the conversation: it is theirs from now on and the
    /// bot says nothing more (as Intercom and Chatwoot users expect), with an event in the log.
    pub fn agent_took_over(&mut self, flow: &FlowIn<'_>, agent: AgentId) -> Vec<Effect> {
        if !self.bot_holds_it() {
            return Vec::new();
        }
        // Questions the bot was asking are moot now.
        self.bot.asking = None;
        let handover = Handover { queue: self.queue.clone(), agent: Some(agent) };
        self.route(flow, handover, HandoverReason::AgentTookOver)
    }

    /// Whether the bot or the offline fallback (not a human) has the conversation.
    fn bot_holds_it(&self) -> bool {
        matches!(self.state, ConversationState::New | ConversationState::Bot | ConversationState::Pending)
    }

    /// An agent resolved, snoozed or reopened the conversation.
    pub fn agent_action(&mut self, flow: &FlowIn<'_>, action: AgentAction, now: i64) -> Vec<Effect> {
        match action {
            AgentAction::Resolve if self.state != ConversationState::Resolved => {
                self.wake_at = None;
                let steps = vec![Effect::Unroute, Effect::Wake(None)];
                self.change(ConversationState::Resolved, steps)
            }
            AgentAction::Snooze(until) if until > now => {
                self.wake_at = Some(until);
                let steps = vec![Effect::Unroute, Effect::Wake(Some(until))];
                self.change(ConversationState::Snoozed, steps)
            }
            AgentAction::Reopen
                if matches!(
                    self.state,
                    ConversationState::Resolved | ConversationState::Snoozed | ConversationState::Pending
                ) =>
            {
                // An agent reopening is there now: business hours do not hold it back.
                {
                    let back = self.back_to_last();
                    self.route(flow, back, HandoverReason::Reopened)
                }
            }
            _ => Vec::new(),
        }
    }

    /// Routing decided something.
    pub fn routing(&mut self, notice: RoutingNotice) -> Vec<Effect> {
        let routed = matches!(self.state, ConversationState::Queued | ConversationState::Assigned);
        match notice {
            // A late notice about a conversation that left routing changes nothing.
            _ if !routed => Vec::new(),
            RoutingNotice::Offered { agent } => vec![Effect::Record(ConversationEvent::Offered { agent })],
            RoutingNotice::Assigned { agent, name } => {
                self.agent = Some(agent.clone());
                self.position = None;
                // A new holder: the idle clock waits for their own answer.
                self.idle_until = None;
                let steps = vec![Effect::Record(ConversationEvent::Assigned { agent, name }), Effect::Status];
                self.state = ConversationState::Assigned;
                steps
            }
            RoutingNotice::Released { agent, reason } => {
                self.state = ConversationState::Queued;
                self.idle_until = None;
                vec![Effect::Record(ConversationEvent::Released { agent, reason }), Effect::Status]
            }
            RoutingNotice::SlaBreached { agent, target } => {
                vec![Effect::Record(ConversationEvent::SlaBreached { agent, target })]
            }
        }
    }

    /// The object's alarm rang.
    pub fn wake(&mut self, flow: &FlowIn<'_>, now: i64) -> Vec<Effect> {
        match self.wake_at {
            Some(at) if at <= now => self.wake_at = None,
            _ => return Vec::new(),
        }
        match self.state {
            ConversationState::Snoozed => {
                let back = self.back_to_last();
                self.route(flow, back, HandoverReason::Reopened)
            }
            ConversationState::Pending => {
                self.hand_over(flow, Handover::default(), HandoverReason::Flow, now)
            }
            // The external bot promised an answer and did not give it in time.
            ConversationState::Bot => {
                self.hand_over(flow, Handover::default(), HandoverReason::BotFailed, now)
            }
            _ => Vec::new(),
        }
    }

    /// Routing moved the visitor in line.
    pub fn waiting(&mut self, position: u32, wait_ms: i64) -> Vec<Effect> {
        if self.state != ConversationState::Queued || self.position == Some((position, wait_ms)) {
            return Vec::new();
        }
        self.position = Some((position, wait_ms));
        vec![Effect::Status]
    }

    /// The external bot will answer later through the API; without an answer by `deadline`
    /// a human takes over.
    pub fn bot_deferred(&mut self, deadline: i64) -> Vec<Effect> {
        if self.state != ConversationState::Bot {
            return Vec::new();
        }
        self.wake_at = Some(deadline);
        vec![Effect::Wake(Some(deadline))]
    }

    /// The external bot answered.
    pub fn bot_answered(&mut self, flow: &FlowIn<'_>, answer: BotAnswer, now: i64) -> Vec<Effect> {
        if self.state != ConversationState::Bot {
            return Vec::new();
        }
        let promised = self.wake_at.take().is_some();
        let mut steps: Vec<Effect> = answer
            .messages
            .into_iter()
            .map(|message| {
                Effect::Say(Say {
                    text: message.text,
                    quick_replies: message.quick_replies,
                    cards: message.cards,
                })
            })
            .collect();
        if let Some(handover) = answer.handover {
            steps.extend(self.hand_over(flow, handover, HandoverReason::BotDecided, now));
        } else if promised {
            steps.push(Effect::Wake(None));
        }
        steps
    }

    /// The external bot timed out or failed: a human takes over.
    pub fn bot_failed(&mut self, flow: &FlowIn<'_>, now: i64) -> Vec<Effect> {
        if self.state != ConversationState::Bot {
            return Vec::new();
        }
        self.hand_over(flow, Handover::default(), HandoverReason::BotFailed, now)
    }

    pub(super) fn enter(&mut self, state: ConversationState, mut steps: Vec<Effect>) -> Vec<Effect> {
        if self.state != state {
            self.state = state;
            steps.push(Effect::Status);
        }
        steps
    }

    /// Moves to `state`, recording it in the log.
    pub(super) fn change(&mut self, state: ConversationState, mut steps: Vec<Effect>) -> Vec<Effect> {
        self.state = state;
        // Set aside, nobody waits for an answer: the next message starts a new wait.
        if matches!(state, ConversationState::Resolved | ConversationState::Snoozed) {
            self.waiting_since = None;
        }
        // Each resolution may be rated once.
        self.rated = false;
        // The idle clock starts again with the team's next word.
        self.idle_until = None;
        steps.insert(0, Effect::Record(ConversationEvent::StateChanged { state }));
        steps.push(Effect::Status);
        steps
    }
}

/// Whether the built-in bot answers first (it must know something to be worth talking to).
fn uses_rule_bot(flow: &FlowIn<'_>) -> bool {
    flow.start == Start::Bot && flow.webhook.is_none() && !flow.bot.intents.is_empty()
}
