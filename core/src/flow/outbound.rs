//! A conversation the team starts (outbound): a task at once — for an agent, who owns it, or
//! in a queue — or none until the visitor answers, when the site's flow takes it like any new
//! conversation (`core::outbound` checks the request first).

use serde::{Deserialize, Serialize};
use switchboard_protocol::routing::{ConversationState, HandoverReason};

use super::bot::Handover;
use super::lifecycle::{Effect, FlowIn, Lifecycle};

/// How the team starts a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outbound {
    /// A task now: for the agent, or in the queue.
    Immediate(Handover),
    /// No task until the visitor answers.
    OnReply,
}

impl Lifecycle {
    /// The team started the conversation (before its first message is stored).
    pub fn outbound(&mut self, flow: &FlowIn<'_>, outbound: Outbound) -> Vec<Effect> {
        if self.state != ConversationState::New {
            return Vec::new();
        }
        match outbound {
            Outbound::OnReply => {
                self.awaiting_reply = true;
                Vec::new()
            }
            Outbound::Immediate(handover) => {
                // An agent named owns it at once, as one who took it over from the bot.
                let reason = if handover.agent.is_some() {
                    HandoverReason::AgentTookOver
                } else {
                    HandoverReason::Transfer
                };
                self.route(flow, handover, reason)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::{AgentId, QueueId};

    use super::super::hours::tests::ChronoZones;
    use super::super::Flow;
    use super::*;

    #[test]
    fn on_reply_is_listed_but_nobodys_until_the_visitor_answers() {
        let flow = Flow::default();
        let flow = FlowIn { flow: &flow, zones: &ChronoZones };
        let mut life = Lifecycle::default();
        assert!(life.outbound(&flow, Outbound::OnReply).is_empty(), "no task");
        assert!(life.shows_in_inbox());
        assert!(!life.agent_wrote(), "the team's own messages take nothing over");
        assert_eq!(life.state, ConversationState::New);
        let steps = life.visitor_wrote(&flow, "yes please", 1_000);
        assert!(steps.iter().any(|s| matches!(s, Effect::Route { agent: None, .. })), "{steps:?}");
        assert!(!life.awaiting_reply);
    }

    #[test]
    fn immediate_gives_it_to_the_agent_or_the_queue_now() {
        let flow = Flow::default();
        let flow = FlowIn { flow: &flow, zones: &ChronoZones };
        let agent = AgentId::from_random([7; 16]);
        let mut life = Lifecycle::default();
        let steps =
            life.outbound(&flow, Outbound::Immediate(Handover { queue: None, agent: Some(agent.clone()) }));
        assert!(steps.contains(&Effect::Route {
            queue: flow.queue.clone(),
            agent: Some(agent),
            taken_over: true
        }));
        assert_eq!(life.state, ConversationState::Queued);
        assert!(!life.agent_wrote(), "the agent's first message is no take-over");

        let queue: QueueId = flow.queue.clone();
        let mut life = Lifecycle::default();
        let steps =
            life.outbound(&flow, Outbound::Immediate(Handover { queue: Some(queue.clone()), agent: None }));
        assert!(steps.contains(&Effect::Route { queue, agent: None, taken_over: false }));
        // Only a new conversation starts this way.
        assert!(life.outbound(&flow, Outbound::OnReply).is_empty());
        assert!(!life.awaiting_reply);
    }
}
