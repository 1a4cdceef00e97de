//! Moving a conversation between agents and its queue: the checks before an agent is given
//! one, giving it, taking it back, and an agent leaving with everything it held.

use std::collections::BTreeSet;

use switchboard_protocol::{AgentId, ConversationId};

use super::model::{Effect, Presence, Release, Routed, RoutingError, Stage};
use super::router::{Entered, Router};
use super::sql::Sql;

impl<S: Sql> Router<S> {
    /// Refuses to give `routed` to `agent` when it cannot hold it.
    pub(super) fn check_room(
        &self,
        routed: &Routed,
        agent: &AgentId,
        need_skills: bool,
    ) -> Result<(), RoutingError> {
        let state = self.store.agent(agent)?.ok_or_else(|| RoutingError::NoSuchAgent(agent.clone()))?;
        if state.presence == Presence::Offline {
            return Err(RoutingError::Offline);
        }
        if need_skills {
            if let Some(missing) = self.needs(routed).into_iter().find(|skill| !state.skills.contains(skill))
            {
                return Err(RoutingError::MissingSkill(missing));
            }
        }
        let holds_it = routed.agent() == Some(agent);
        if !holds_it && self.store.load(agent)? >= state.capacity {
            return Err(RoutingError::AtCapacity(state.capacity));
        }
        Ok(())
    }

    /// Gives `conversation` to `agent`, taking it from whoever held or was offered it.
    pub(super) fn assign(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
        mut effects: Vec<Effect>,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        let Some(routed) = self.store.conversation(conversation)? else { return Ok(effects) };
        if routed.agent() != Some(agent) {
            self.release(conversation, Release::Moved, now, &mut effects)?;
        }
        let Some(mut routed) = self.store.conversation(conversation)? else { return Ok(effects) };
        let sla = self.queues.get(&routed.queue).map(|queue| queue.sla).unwrap_or_default();
        // The agent gets the whole response window from the moment it holds the conversation,
        // even when the visitor waited in the queue: the target judges the agent's silence.
        let reply_due = routed.waiting_since.and(sla.first_response_ms).map(|ms| self.reply_due(now, ms));
        routed.stage = Stage::Assigned { agent: agent.clone(), reply_due, answered: false };
        routed.told_position = 0;
        self.store.put(&routed)?;
        if let Some(mut state) = self.store.agent(agent)? {
            state.last_offered_at = now;
            self.store.put_agent(&state)?;
        }
        effects.push(Effect::Assigned { conversation: conversation.clone(), agent: agent.clone() });
        self.settle(effects, now)
    }

    /// Takes the conversation from its agent (if any), back to waiting in its queue; the
    /// agent is passed over until every other eligible agent has had it.
    pub(super) fn release(
        &mut self,
        conversation: &ConversationId,
        reason: Release,
        now: i64,
        effects: &mut Vec<Effect>,
    ) -> Result<(), RoutingError> {
        let Some(mut routed) = self.store.conversation(conversation)? else { return Ok(()) };
        let (agent, mut passed) = match std::mem::replace(
            &mut routed.stage,
            Stage::Waiting { passed: BTreeSet::new(), retry_at: None },
        ) {
            Stage::Waiting { .. } => return Ok(()),
            Stage::Offered { agent, passed, .. } => (agent, passed),
            Stage::Assigned { agent, .. } => (agent, BTreeSet::new()),
        };
        if reason != Release::AgentOffline {
            passed.insert(agent.clone());
        }
        let retry_at = self.retry_at(&routed.queue, &passed, now);
        routed.stage = Stage::Waiting { passed, retry_at };
        self.store.put(&routed)?;
        if reason != Release::Closed {
            self.entered.push(Entered::Again(conversation.clone()));
        }
        effects.push(Effect::Released { conversation: conversation.clone(), agent, reason });
        Ok(())
    }

    /// The agent goes offline: its offers and conversations go back to their queues, keeping
    /// their place.
    pub(super) fn go_offline(
        &mut self,
        agent: &AgentId,
        now: i64,
        effects: &mut Vec<Effect>,
    ) -> Result<(), RoutingError> {
        let Some(mut state) = self.store.agent(agent)? else { return Ok(()) };
        let was = state.presence;
        state.leaving_at = None;
        state.presence = Presence::Offline;
        self.store.put_agent(&state)?;
        if was == Presence::Offline {
            return Ok(());
        }
        effects.push(Effect::PresenceChanged { agent: agent.clone(), presence: Presence::Offline });
        for routed in self.store.held_by(agent)? {
            self.release(&routed.id, Release::AgentOffline, now, effects)?;
        }
        Ok(())
    }

    /// When a conversation some agents passed on starts over with everyone: one offer
    /// timeout on, so a decline is not answered by the same offer at once, and never later,
    /// so one that only those agents could take is not left waiting for good.
    pub(super) fn retry_at(
        &self,
        queue: &switchboard_protocol::QueueId,
        passed: &BTreeSet<AgentId>,
        now: i64,
    ) -> Option<i64> {
        let timeout =
            self.queues.get(queue).map_or(super::model::default_offer_timeout_ms(), |q| q.offer_timeout_ms);
        (!passed.is_empty()).then_some(now + timeout)
    }
}
