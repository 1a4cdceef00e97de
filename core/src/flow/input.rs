//! Everything that moves a conversation along its flow, as one vocabulary ([`Input`]), and
//! the one entry that runs it ([`Lifecycle::handle`]) — time in, [`Effect`]s out, in the manner
//! of quinn-proto's `handle_event`. The Conversation object turns what happened (a stored
//! message, a routing notice, its alarm) into an `Input` and performs the steps.

use switchboard_protocol::api::bot_webhook::BotAnswer;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{AgentId, ApiError, ErrorCode, Message};

use super::lifecycle::{Effect, FlowIn, Lifecycle, RoutingNotice};
use crate::conversation::AgentAction;

/// Something that moves the conversation along its flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The visitor's first connection created the conversation.
    Started,
    /// The team started the conversation (outbound), before its first message.
    Outbound(super::outbound::Outbound),
    /// The visitor's message was stored (and reaches the external bot if one answers).
    VisitorWrote(Box<Message>),
    /// An agent resolved, snoozed or reopened the conversation.
    Action(AgentAction),
    /// An agent wrote while the bot held the conversation.
    AgentTookOver(AgentId),
    /// Routing decided something (from the site object).
    Routing(RoutingNotice),
    /// Routing moved the visitor in line.
    Waiting {
        /// 1 = next.
        position: u32,
        /// Estimated wait, ms.
        wait_ms: i64,
    },
    /// The external bot answered (in its webhook's response or later through the API).
    BotAnswered(BotAnswer),
    /// The external bot will answer later; without an answer by this time a human takes over.
    BotDeferred(i64),
    /// The external bot failed or timed out.
    BotFailed,
    /// The object's alarm rang; the visitor was last seen typing at this time, if lately.
    Alarm {
        /// When the visitor last said they were typing (in the object's memory).
        visitor_typed_at: Option<i64>,
    },
    /// An agent answered (the idle clock of auto-resolve starts where it may run).
    TeamSpoke,
    /// The visitor rated the conversation (CSAT).
    Rate {
        /// 1 to 5.
        score: u8,
        /// What they added.
        comment: Option<String>,
    },
}

impl Lifecycle {
    /// Runs `input` at `now`: the steps to perform, in order, or why it is refused (a late
    /// bot answer, a rating that is not due) — then nothing changed.
    pub fn handle(&mut self, flow: &FlowIn<'_>, input: Input, now: i64) -> Result<Vec<Effect>, ApiError> {
        let mut steps = self.steps(flow, input, now)?;
        // The bot's words are the team's: what it said may start the idle clock.
        let bot_spoke = steps.iter().any(|step| matches!(step, Effect::Say(_)));
        if bot_spoke
            && self.state != ConversationState::Resolved
            && self.team_spoke(flow.auto_resolve.as_ref(), now)
        {
            steps.push(Effect::Wake(self.next_wake()));
        }
        Ok(steps)
    }

    fn steps(&mut self, flow: &FlowIn<'_>, input: Input, now: i64) -> Result<Vec<Effect>, ApiError> {
        Ok(match input {
            Input::Started => self.start(flow),
            Input::Outbound(outbound) => self.outbound(flow, outbound),
            Input::VisitorWrote(message) => {
                self.customer_wrote_in(message.language.as_deref());
                self.visitor_wrote(flow, &message.text, now)
            }
            Input::Action(action) => self.agent_action(flow, action, now),
            Input::AgentTookOver(agent) => self.agent_took_over(flow, agent),
            Input::Routing(notice) => self.routing(notice),
            Input::Waiting { position, wait_ms } => self.waiting(position, wait_ms),
            Input::BotAnswered(_) if self.state != ConversationState::Bot => {
                return Err(ApiError::new(ErrorCode::Conflict, "the bot no longer has this conversation"));
            }
            Input::BotAnswered(answer) => self.bot_answered(flow, answer, now),
            Input::BotDeferred(deadline) => self.bot_deferred(deadline),
            Input::BotFailed => self.bot_failed(flow, now),
            Input::Alarm { visitor_typed_at } => {
                let mut steps = self.wake(flow, now);
                steps.extend(self.idle_check(flow, visitor_typed_at, now));
                steps
            }
            Input::TeamSpoke => self
                .team_spoke(flow.auto_resolve.as_ref(), now)
                .then(|| Effect::Wake(self.next_wake()))
                .into_iter()
                .collect(),
            Input::Rate { score, comment } => self.rate(score, comment)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::hours::tests::ChronoZones;
    use super::super::Flow;
    use super::*;

    #[test]
    fn a_late_bot_answer_and_an_early_rating_are_refused_and_change_nothing() {
        let flow = Flow::default();
        let flow = FlowIn { flow: &flow, zones: &ChronoZones };
        let mut life = Lifecycle { state: ConversationState::Assigned, ..Lifecycle::default() };
        let before = life.clone();
        let late = life.handle(&flow, Input::BotAnswered(BotAnswer::default()), 0).unwrap_err();
        assert_eq!(late.code, ErrorCode::Conflict);
        let early = life.handle(&flow, Input::Rate { score: 5, comment: None }, 0).unwrap_err();
        assert_eq!(early.code, ErrorCode::Conflict);
        assert_eq!(life, before);
    }

    #[test]
    fn the_conversation_takes_its_customers_first_told_language() {
        use switchboard_protocol::{Author, ClientMessageId, Message, Seq, VisitorId};
        let flow = Flow::default();
        let flow = FlowIn { flow: &flow, zones: &ChronoZones };
        let mut life = Lifecycle::default();
        let visitor = Author::Visitor { id: VisitorId::from_random([1; 16]), name: None };
        let wrote = |seq: u64, language: Option<&str>| {
            let id = ClientMessageId::parse(format!("m-{seq}")).unwrap();
            let message = Message::plain(Seq(seq), id, visitor.clone(), "…".into(), 0);
            Input::VisitorWrote(Box::new(Message { language: language.map(str::to_owned), ..message }))
        };
        for (seq, language, kept) in
            [(1, None, None), (2, Some("de"), Some("de")), (3, Some("en"), Some("de"))]
        {
            life.handle(&flow, wrote(seq, language), 0).unwrap();
            assert_eq!(life.language.as_deref(), kept);
        }
    }
}
