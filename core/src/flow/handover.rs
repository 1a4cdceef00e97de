//! Where a conversation goes when humans are to answer it: its queue (handed over, reopened,
//! taken over) or, outside business hours, the offline fallback that tells the visitor when
//! the team is back and takes an email address to answer to.

use switchboard_protocol::routing::{ConversationEvent, ConversationState, HandoverReason};
use switchboard_protocol::QueueId;

use super::bot::{Field, FieldKind, Handover, Say};
use super::lifecycle::{Effect, FlowIn, Lifecycle};

impl Lifecycle {
    /// Back to the queue and agent it last had (a reopened conversation), or to the queue an
    /// automation rule chose since.
    pub(super) fn back_to_last(&mut self) -> Handover {
        match self.steered.take() {
            Some(queue) => Handover { queue: Some(queue), agent: None },
            None => Handover { queue: self.queue.clone(), agent: self.agent.clone() },
        }
    }

    /// Hands over to a human now, or outside business hours runs the offline fallback.
    pub(super) fn hand_over(
        &mut self,
        flow: &FlowIn<'_>,
        handover: Handover,
        reason: HandoverReason,
        now: i64,
    ) -> Vec<Effect> {
        let Some(hours) = flow.hours.as_ref().filter(|hours| !hours.is_open(now, flow.zones)) else {
            return self.route(flow, handover, reason);
        };
        if self.state == ConversationState::Pending {
            // Still closed when the alarm rang (a holiday added since): sleep again.
            self.wake_at = hours.next_open(now, flow.zones);
            return vec![Effect::Wake(self.wake_at)];
        }
        self.queue = handover.queue.or_else(|| self.queue.clone());
        self.wake_at = hours.next_open(now, flow.zones);
        let back = self.wake_at.map_or_else(|| "soon".to_string(), |at| hours.describe(at, now, flow.zones));
        let mut steps = vec![Effect::Say(Say::text(flow.offline.message.replace("{next_open}", &back)))];
        // An address the visitor gave or skipped is not asked for again.
        if flow.offline.ask_email && !self.bot.settled("email") {
            steps.push(Effect::Say(Say::text(email_field().prompt)));
        }
        steps.push(Effect::Wake(self.wake_at));
        self.change(ConversationState::Pending, steps)
    }

    /// Puts the conversation in a queue.
    pub(super) fn route(
        &mut self,
        flow: &FlowIn<'_>,
        handover: Handover,
        reason: HandoverReason,
    ) -> Vec<Effect> {
        let queue = handover
            .queue
            .or_else(|| self.steered.take())
            .filter(|q| flow.queues.iter().any(|c| &c.id == q))
            .unwrap_or_else(|| flow.queue.clone());
        self.steered = None;
        // A visitor answering an agent's proactive message is handed to that agent first.
        let agent = handover.agent.or_else(|| self.invited_by.take());
        self.queue = Some(queue.clone());
        self.wake_at = None;
        self.position = None;
        // Whoever answers next starts the idle clock afresh (see `auto_resolve`).
        self.idle_until = None;
        let event = ConversationEvent::HandedOver { queue: queue.clone(), reason, agent: agent.clone() };
        self.state = ConversationState::Queued;
        let taken_over = reason == HandoverReason::AgentTookOver;
        vec![Effect::Record(event), Effect::Route { queue, agent, taken_over }, Effect::Status]
    }

    /// An automation rule gives the conversation to `queue`: a conversation with humans
    /// already (queued, assigned) in another queue is transferred there (`true`: the caller
    /// asks routing), one in that queue stays as it is; any other is handed to it when it is
    /// handed over (the bot's own choice of queue first, the queue it last had after).
    pub fn steer(&mut self, queue: QueueId) -> bool {
        if matches!(self.state, ConversationState::Queued | ConversationState::Assigned) {
            // Already there: a transfer would take it from its agent for nothing.
            return self.queue.as_ref() != Some(&queue);
        }
        self.steered = Some(queue);
        false
    }

    /// Outside business hours: takes the visitor's email address when it was asked for.
    pub(super) fn collect_contact(&mut self, text: &str) -> Vec<Effect> {
        if self.bot.collected.contains_key("email") {
            return Vec::new();
        }
        let field = email_field();
        match field.kind.validate(text) {
            Ok(email) => {
                self.bot.collected.insert(field.name.clone(), email.clone());
                vec![
                    Effect::Record(ConversationEvent::FieldCollected {
                        field: field.name,
                        value: email.clone(),
                    }),
                    Effect::Say(Say::text(format!(
                        "Thanks! We'll answer here, and at {email} if you've left."
                    ))),
                ]
            }
            // Not an address: an ordinary message for the team, kept for when they are back.
            Err(_) => Vec::new(),
        }
    }
}

pub(super) fn email_field() -> Field {
    Field {
        name: "email".into(),
        prompt: "What email address can we answer you at?".into(),
        kind: FieldKind::Email,
        optional: true,
    }
}
