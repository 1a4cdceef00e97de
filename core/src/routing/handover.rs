//! How conversations enter routing: handed over by their flow (a bot, a rule, a reopening,
//! a transfer to a queue) or taken over by an agent who wrote while the bot had them.

use std::collections::BTreeSet;

use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::model::{Effect, Release, Routed, RoutingError, Skill, Stage};
use super::router::Entered;
use super::sql::Sql;
use super::Router;

impl<S: Sql> Router<S> {
    /// A conversation needs a human: it joins `queue` (or, when it is routed already, moves
    /// there). `target` names the one agent it should go to, while that agent is online.
    pub fn enqueue(
        &mut self,
        conversation: &ConversationId,
        queue: &QueueId,
        skills: BTreeSet<Skill>,
        target: Option<AgentId>,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        if !self.queues.contains_key(queue) {
            return Err(RoutingError::NoSuchQueue(queue.clone()));
        }
        let mut effects = Vec::new();
        self.release(conversation, Release::Moved, now, &mut effects)?;
        self.waiting_in(conversation, queue, skills, target, now)?;
        self.entered.push(Entered::Last(conversation.clone()));
        self.settle(effects, now)
    }

    /// A conversation is handed (again) to `queue`, keeping the skills it was routed with.
    pub fn hand_over(
        &mut self,
        conversation: &ConversationId,
        queue: &QueueId,
        target: Option<AgentId>,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        self.hand_over_needing(conversation, queue, BTreeSet::new(), target, now)
    }

    /// [`Self::hand_over`], the conversation needing `skills` too (its language, told since).
    pub fn hand_over_needing(
        &mut self,
        conversation: &ConversationId,
        queue: &QueueId,
        mut skills: BTreeSet<Skill>,
        target: Option<AgentId>,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        skills.extend(self.store.conversation(conversation)?.into_iter().flat_map(|routed| routed.skills));
        self.enqueue(conversation, queue, skills, target, now)
    }

    /// An agent wrote in a conversation no human held (the bot had it): it joins `queue` held
    /// by that agent, already answered. When the agent cannot hold it now (offline, at
    /// capacity) it waits in the queue for them.
    pub fn take_over(
        &mut self,
        conversation: &ConversationId,
        queue: &QueueId,
        agent: &AgentId,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        if !self.queues.contains_key(queue) {
            return Err(RoutingError::NoSuchQueue(queue.clone()));
        }
        let mut routed = self.waiting_in(conversation, queue, BTreeSet::new(), Some(agent.clone()), now)?;
        // The agent's message was the answer: nothing is owed until the visitor writes.
        routed.waiting_since = None;
        self.store.put(&routed)?;
        if self.check_room(&routed, agent, false).is_err() {
            self.entered.push(Entered::Last(conversation.clone()));
            return self.settle(Vec::new(), now);
        }
        let effects = self.assign(conversation, agent, Vec::new(), now)?;
        if let Some(mut routed) = self.store.conversation(conversation)? {
            if let Stage::Assigned { answered, .. } = &mut routed.stage {
                *answered = true;
                self.store.put(&routed)?;
            }
        }
        Ok(effects)
    }

    /// Puts `conversation` in `queue`, waiting with a new ticket (its wait counts on if it
    /// was routed already).
    fn waiting_in(
        &mut self,
        conversation: &ConversationId,
        queue: &QueueId,
        skills: BTreeSet<Skill>,
        target: Option<AgentId>,
        now: i64,
    ) -> Result<Routed, RoutingError> {
        let before = self.store.conversation(conversation)?;
        let waiting_since = before.as_ref().map_or(Some(now), |routed| routed.waiting_since);
        // Back in a queue it keeps its priority, behind those of the same priority already there.
        let priority = before.and_then(|routed| routed.priority);
        let ticket = super::priority::ticket(priority, self.take_ticket()?);
        let routed = Routed {
            id: conversation.clone(),
            queue: queue.clone(),
            skills,
            target,
            ticket,
            priority,
            queued_at: now,
            waiting_since,
            told_position: 0,
            stage: Stage::Waiting { passed: BTreeSet::new(), retry_at: None },
        };
        self.store.put(&routed)?;
        Ok(routed)
    }
}
