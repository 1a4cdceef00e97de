//! The router's state and the commands that change it (agents come and go, conversations
//! enter queues, agents accept, decline, take, transfer, release).
//!
//! Every command returns the [`Effect`]s it caused, including the offers made by the
//! dispatch that follows it (see `dispatch.rs`), so after any command no conversation waits
//! while an agent who could take it has room.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::model::{AgentState, Effect, Presence, QueueConfig, Release, Routed, RoutingError, Skill, Stage};

/// How long an agent whose last console closed stays online (a reload or a network blip must
/// not cost it its conversations).
pub const DEFAULT_LEAVE_GRACE_MS: i64 = 60_000;

/// One site's routing state: its queues, its agents and the conversations waiting for or held
/// by them. Serialisable, so the Site object stores it whole after each change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Router {
    pub(super) queues: BTreeMap<QueueId, QueueConfig>,
    pub(super) agents: BTreeMap<AgentId, AgentState>,
    pub(super) conversations: BTreeMap<ConversationId, Routed>,
    pub(super) next_ticket: u64,
    /// Per queue, a moving average of how long conversations waited before an agent took
    /// them (ms), for the wait estimate shown to visitors.
    pub(super) typical_wait: BTreeMap<QueueId, i64>,
    pub(super) leave_grace_ms: i64,
}

impl Router {
    /// A router with `queues` and no agents.
    pub fn new(queues: Vec<QueueConfig>, leave_grace_ms: i64) -> Self {
        Self {
            queues: queues.into_iter().map(|queue| (queue.id.clone(), queue)).collect(),
            agents: BTreeMap::new(),
            conversations: BTreeMap::new(),
            next_ticket: 1,
            typical_wait: BTreeMap::new(),
            leave_grace_ms,
        }
    }

    /// Replaces the queue configuration. Conversations of a queue that no longer exists move
    /// to the first remaining queue.
    pub fn set_queues(&mut self, queues: Vec<QueueConfig>, now: i64) -> Vec<Effect> {
        self.queues = queues.into_iter().map(|queue| (queue.id.clone(), queue)).collect();
        if let Some(fallback) = self.queues.keys().next().cloned() {
            for routed in self.conversations.values_mut() {
                if !self.queues.contains_key(&routed.queue) {
                    routed.queue = fallback.clone();
                }
            }
        }
        self.settle(Vec::new(), now)
    }

    /// An agent's console connected: it is online (unless it chose away), with this capacity
    /// and these skills from its account.
    pub fn agent_connected(
        &mut self,
        agent: &AgentId,
        capacity: u32,
        skills: BTreeSet<Skill>,
        now: i64,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        let state = self.agents.entry(agent.clone()).or_insert_with(|| AgentState {
            id: agent.clone(),
            presence: Presence::Offline,
            leaving_at: None,
            capacity,
            skills: BTreeSet::new(),
            last_offered_at: 0,
            missed_offers: 0,
        });
        state.leaving_at = None;
        state.missed_offers = 0;
        state.capacity = capacity;
        state.skills = skills;
        if state.presence == Presence::Offline {
            state.presence = Presence::Online;
            effects.push(Effect::PresenceChanged { agent: agent.clone(), presence: Presence::Online });
        }
        self.settle(effects, now)
    }

    /// An agent's last console closed: it goes offline after the grace period unless one
    /// reconnects.
    pub fn agent_disconnected(&mut self, agent: &AgentId, now: i64) -> Vec<Effect> {
        if let Some(state) = self.agents.get_mut(agent) {
            if state.presence != Presence::Offline {
                state.leaving_at = Some(now + self.leave_grace_ms);
            }
        }
        self.settle(Vec::new(), now)
    }

    /// The agent chose a presence (the console's online/away toggle, or signing out).
    pub fn set_presence(
        &mut self,
        agent: &AgentId,
        presence: Presence,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        let state = self.agents.get_mut(agent).ok_or_else(|| RoutingError::NoSuchAgent(agent.clone()))?;
        let mut effects = Vec::new();
        if presence == Presence::Offline {
            self.go_offline(agent, &mut effects);
        } else if state.presence != presence {
            state.presence = presence;
            state.missed_offers = 0;
            effects.push(Effect::PresenceChanged { agent: agent.clone(), presence });
        }
        Ok(self.settle(effects, now))
    }

    /// The agent accepts the conversation offered to it.
    pub fn accept(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        let routed = self.offered_to(conversation, agent)?;
        let waited = now - routed.queued_at;
        let queue = routed.queue.clone();
        let average = self.typical_wait.entry(queue).or_insert(waited);
        *average = (*average * 3 + waited) / 4;
        self.answered_offer(agent);
        Ok(self.assign(conversation, agent, Vec::new(), now))
    }

    /// The agent declines the offer; it goes to the next agent.
    pub fn decline(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        let routed = self.offered_to(conversation, agent)?;
        if let Stage::Offered { passed, .. } = &mut routed.stage {
            let mut passed = std::mem::take(passed);
            passed.insert(agent.clone());
            routed.stage = Stage::Waiting { passed, retry_at: None };
        }
        self.answered_offer(agent);
        let effects = vec![Effect::Released {
            conversation: conversation.clone(),
            agent: agent.clone(),
            reason: Release::Declined,
        }];
        Ok(self.settle(effects, now))
    }

    /// The agent takes a waiting (or someone else's offered) conversation itself.
    pub fn take(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        if matches!(&self.routed(conversation).ok_or_else(|| RoutingError::NotRouted(conversation.clone()))?.stage,
            Stage::Assigned { agent: holder, .. } if holder != agent)
        {
            return Err(RoutingError::TakenByOther);
        }
        self.check_room(conversation, agent, true)?;
        Ok(self.assign(conversation, agent, Vec::new(), now))
    }

    /// Moves the conversation straight to `agent` (who must be signed in and have room).
    pub fn transfer_to_agent(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        self.check_room(conversation, agent, false)?;
        Ok(self.assign(conversation, agent, Vec::new(), now))
    }

    /// Puts the conversation back in its queue; whoever held it is offered it last.
    pub fn unassign(&mut self, conversation: &ConversationId, now: i64) -> Result<Vec<Effect>, RoutingError> {
        self.routed_mut(conversation)?;
        let mut effects = Vec::new();
        self.release(conversation, Release::Moved, &mut effects);
        Ok(self.settle(effects, now))
    }

    /// The conversation leaves routing (resolved, snoozed, closed): whoever held it has room again.
    pub fn close(&mut self, conversation: &ConversationId, now: i64) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.release(conversation, Release::Closed, &mut effects);
        self.conversations.remove(conversation);
        self.settle(effects, now)
    }

    /// The visitor wrote: a reply is owed from now (response targets count from here).
    pub fn visitor_wrote(&mut self, conversation: &ConversationId, now: i64) -> Vec<Effect> {
        if let Some(routed) = self.conversations.get_mut(conversation) {
            routed.waiting_since.get_or_insert(now);
            let queue = self.queues.get(&routed.queue);
            if let Stage::Assigned { reply_due, answered, .. } = &mut routed.stage {
                if reply_due.is_none() {
                    let sla = queue.map(|q| q.sla).unwrap_or_default();
                    let target = if *answered { sla.next_response_ms } else { sla.first_response_ms };
                    *reply_due = target.map(|ms| now + ms);
                }
            }
        }
        Vec::new()
    }

    /// An agent replied in the conversation: nothing is owed until the visitor writes again.
    pub fn agent_replied(&mut self, conversation: &ConversationId, now: i64) -> Vec<Effect> {
        if let Some(routed) = self.conversations.get_mut(conversation) {
            routed.waiting_since = None;
            if let Stage::Assigned { reply_due, answered, .. } = &mut routed.stage {
                *reply_due = None;
                *answered = true;
            }
        }
        self.settle(Vec::new(), now)
    }

    /// Where a conversation stands, if it is routed.
    pub fn routed(&self, conversation: &ConversationId) -> Option<&Routed> {
        self.conversations.get(conversation)
    }

    /// An agent as routing knows it.
    pub fn agent(&self, agent: &AgentId) -> Option<&AgentState> {
        self.agents.get(agent)
    }

    /// Every agent routing knows.
    pub fn agents(&self) -> impl Iterator<Item = &AgentState> {
        self.agents.values()
    }

    /// Every routed conversation.
    pub fn conversations(&self) -> impl Iterator<Item = &Routed> {
        self.conversations.values()
    }

    /// The configured queues.
    pub fn queues(&self) -> impl Iterator<Item = &QueueConfig> {
        self.queues.values()
    }

    /// How many conversations `agent` holds or is offered.
    pub fn load(&self, agent: &AgentId) -> u32 {
        self.conversations.values().filter(|routed| routed.agent() == Some(agent)).count() as u32
    }

    fn answered_offer(&mut self, agent: &AgentId) {
        if let Some(state) = self.agents.get_mut(agent) {
            state.missed_offers = 0;
        }
    }

    /// The conversation, if it is offered to `agent` right now.
    fn offered_to(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
    ) -> Result<&mut Routed, RoutingError> {
        let routed = self.routed_mut(conversation)?;
        match &routed.stage {
            Stage::Offered { agent: offered, .. } if offered == agent => Ok(routed),
            _ => Err(RoutingError::NotOffered),
        }
    }

    fn routed_mut(&mut self, conversation: &ConversationId) -> Result<&mut Routed, RoutingError> {
        self.conversations.get_mut(conversation).ok_or_else(|| RoutingError::NotRouted(conversation.clone()))
    }

    pub(super) fn take_ticket(&mut self) -> u64 {
        self.next_ticket += 1;
        self.next_ticket - 1
    }

    /// Refuses to give `conversation` to `agent` when it cannot hold it.
    pub(super) fn check_room(
        &self,
        conversation: &ConversationId,
        agent: &AgentId,
        need_skills: bool,
    ) -> Result<(), RoutingError> {
        let routed =
            self.routed(conversation).ok_or_else(|| RoutingError::NotRouted(conversation.clone()))?;
        let state = self.agents.get(agent).ok_or_else(|| RoutingError::NoSuchAgent(agent.clone()))?;
        if state.presence == Presence::Offline {
            return Err(RoutingError::Offline);
        }
        if need_skills {
            if let Some(missing) = self.needs(routed).find(|skill| !state.skills.contains(*skill)) {
                return Err(RoutingError::MissingSkill(missing.clone()));
            }
        }
        let holds_it = routed.agent() == Some(agent);
        if !holds_it && self.load(agent) >= state.capacity {
            return Err(RoutingError::AtCapacity(state.capacity));
        }
        Ok(())
    }

    /// The skills a conversation needs: its queue's and its own.
    pub(super) fn needs<'a>(&'a self, routed: &'a Routed) -> impl Iterator<Item = &'a Skill> + 'a {
        let queue_skills = self.queues.get(&routed.queue).map(|queue| &queue.skills);
        queue_skills.into_iter().flatten().chain(routed.skills.iter())
    }

    /// Gives `conversation` to `agent`, taking it from whoever held or was offered it.
    pub(super) fn assign(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
        mut effects: Vec<Effect>,
        now: i64,
    ) -> Vec<Effect> {
        if self.routed(conversation).and_then(Routed::agent) != Some(agent) {
            self.release(conversation, Release::Moved, &mut effects);
        }
        let Some(routed) = self.conversations.get_mut(conversation) else { return effects };
        let sla = self.queues.get(&routed.queue).map(|queue| queue.sla).unwrap_or_default();
        // The agent gets the whole response window from the moment it holds the conversation,
        // even when the visitor waited in the queue: the target judges the agent's silence.
        let reply_due = routed.waiting_since.and(sla.first_response_ms).map(|ms| now + ms);
        routed.stage = Stage::Assigned { agent: agent.clone(), reply_due, answered: false };
        routed.told_position = 0;
        if let Some(state) = self.agents.get_mut(agent) {
            state.last_offered_at = now;
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
        effects: &mut Vec<Effect>,
    ) {
        let Some(routed) = self.conversations.get_mut(conversation) else { return };
        let (agent, mut passed) = match std::mem::replace(
            &mut routed.stage,
            Stage::Waiting { passed: BTreeSet::new(), retry_at: None },
        ) {
            Stage::Waiting { passed, retry_at } => {
                routed.stage = Stage::Waiting { passed, retry_at };
                return;
            }
            Stage::Offered { agent, passed, .. } => (agent, passed),
            Stage::Assigned { agent, .. } => (agent, BTreeSet::new()),
        };
        if reason != Release::AgentOffline {
            passed.insert(agent.clone());
        }
        routed.stage = Stage::Waiting { passed, retry_at: None };
        effects.push(Effect::Released { conversation: conversation.clone(), agent, reason });
    }

    /// The agent goes offline: its offers and conversations go back to their queues, keeping
    /// their place.
    pub(super) fn go_offline(&mut self, agent: &AgentId, effects: &mut Vec<Effect>) {
        let Some(state) = self.agents.get_mut(agent) else { return };
        state.leaving_at = None;
        if state.presence == Presence::Offline {
            return;
        }
        state.presence = Presence::Offline;
        effects.push(Effect::PresenceChanged { agent: agent.clone(), presence: Presence::Offline });
        let held: Vec<ConversationId> = self
            .conversations
            .values()
            .filter(|routed| routed.agent() == Some(agent))
            .map(|routed| routed.id.clone())
            .collect();
        for conversation in held {
            self.release(&conversation, Release::AgentOffline, effects);
        }
    }
}
