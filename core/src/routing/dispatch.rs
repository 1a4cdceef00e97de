//! Matching waiting conversations to agents, time passing (offers lapse, response targets
//! pass, departing agents go offline), and the queue positions visitors are told.

use std::collections::{BTreeMap, BTreeSet};

use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::model::{
    AgentState, Effect, Policy, Presence, Release, Routed, SlaKind, Stage, MISSED_OFFERS_BEFORE_AWAY,
};
use super::router::Router;

/// Wait estimate for a queue that has no history yet.
const UNKNOWN_WAIT_MS: i64 = 60_000;

impl Router {
    /// Advances the clock to `now`: lapsed offers go to the next agent, silent agents lose
    /// conversations past their response target, departed agents go offline.
    pub fn handle_timeout(&mut self, now: i64) -> Vec<Effect> {
        let mut effects = Vec::new();
        let leaving: Vec<AgentId> = self
            .agents
            .values()
            .filter(|agent| agent.leaving_at.is_some_and(|at| at <= now))
            .map(|agent| agent.id.clone())
            .collect();
        for agent in leaving {
            self.go_offline(&agent, &mut effects);
        }
        let ids: Vec<ConversationId> = self.conversations.keys().cloned().collect();
        for id in ids {
            let Some(routed) = self.conversations.get_mut(&id) else { continue };
            match &mut routed.stage {
                Stage::Waiting { passed, retry_at } if retry_at.is_some_and(|at| at <= now) => {
                    passed.clear();
                    *retry_at = None;
                }
                Stage::Offered { agent, expires_at, .. } if *expires_at <= now => {
                    let agent = agent.clone();
                    self.release(&id, Release::OfferExpired, &mut effects);
                    self.missed_offer(&agent, &mut effects);
                }
                Stage::Assigned { agent, reply_due: Some(due), answered } if *due <= now => {
                    let kind = if *answered { SlaKind::NextResponse } else { SlaKind::FirstResponse };
                    effects.push(Effect::SlaBreached {
                        conversation: id.clone(),
                        agent: agent.clone(),
                        kind,
                    });
                    self.release(&id, Release::SlaBreached, &mut effects);
                }
                _ => {}
            }
        }
        self.settle(effects, now)
    }

    /// Counts a lapsed offer against `agent`, and sets it away after too many in a row.
    fn missed_offer(&mut self, agent: &AgentId, effects: &mut Vec<Effect>) {
        let Some(state) = self.agents.get_mut(agent) else { return };
        state.missed_offers += 1;
        if state.missed_offers >= MISSED_OFFERS_BEFORE_AWAY && state.presence == Presence::Online {
            state.presence = Presence::Away;
            effects.push(Effect::PresenceChanged { agent: agent.clone(), presence: Presence::Away });
        }
    }

    /// The next time [`Router::handle_timeout`] has something to do, if any.
    pub fn next_deadline(&self) -> Option<i64> {
        let agents = self.agents.values().filter_map(|agent| agent.leaving_at);
        let conversations = self.conversations.values().filter_map(|routed| match &routed.stage {
            Stage::Waiting { retry_at, .. } => *retry_at,
            Stage::Offered { expires_at, .. } => Some(*expires_at),
            Stage::Assigned { reply_due, .. } => *reply_due,
        });
        agents.chain(conversations).min()
    }

    /// The visitor's place in its queue (1 = next), while it waits.
    pub fn position(&self, conversation: &ConversationId) -> Option<u32> {
        let routed = self.conversations.get(conversation)?;
        matches!(routed.stage, Stage::Waiting { .. }).then(|| {
            let ahead = self.waiting_in(&routed.queue).filter(|other| other.ticket < routed.ticket).count();
            ahead as u32 + 1
        })
    }

    /// Offers what can be offered, then tells visitors whose queue position changed.
    pub(super) fn settle(&mut self, mut effects: Vec<Effect>, now: i64) -> Vec<Effect> {
        self.dispatch(now, &mut effects);
        self.tell_positions(&mut effects);
        effects
    }

    /// Offers waiting conversations, oldest first, each to the best agent who may take it.
    fn dispatch(&mut self, now: i64, effects: &mut Vec<Effect>) {
        let mut load: BTreeMap<AgentId, u32> = BTreeMap::new();
        for routed in self.conversations.values() {
            if let Some(agent) = routed.agent() {
                *load.entry(agent.clone()).or_default() += 1;
            }
        }
        let mut waiting: Vec<(u64, ConversationId)> = self
            .conversations
            .values()
            .filter(|routed| matches!(routed.stage, Stage::Waiting { .. }))
            .map(|routed| (routed.ticket, routed.id.clone()))
            .collect();
        waiting.sort();
        for (_, id) in waiting {
            let Some(routed) = self.conversations.get(&id) else { continue };
            let Some(queue) = self.queues.get(&routed.queue) else { continue };
            let Stage::Waiting { passed, .. } = &routed.stage else { continue };
            let needs: BTreeSet<&String> = self.needs(routed).collect();
            let can_take = |agent: &&AgentState| {
                agent.presence == Presence::Online
                    && agent.leaving_at.is_none()
                    && load.get(&agent.id).copied().unwrap_or(0) < agent.capacity
                    && needs.iter().all(|skill| agent.skills.contains(*skill))
            };
            // A targeted conversation waits for its agent while that agent is online.
            let target = routed
                .target
                .as_ref()
                .and_then(|target| self.agents.get(target))
                .filter(|agent| agent.presence == Presence::Online && agent.leaving_at.is_none());
            let eligible: Vec<&AgentState> = match target {
                Some(agent) => [agent].into_iter().filter(can_take).collect(),
                None => self.agents.values().filter(can_take).collect(),
            };
            if eligible.is_empty() {
                continue;
            }
            let fresh: Vec<&AgentState> =
                eligible.iter().copied().filter(|agent| !passed.contains(&agent.id)).collect();
            let Some(chosen) = pick(queue.policy, &fresh, &load) else {
                // Everyone who could take it has passed: try them again after a while.
                let retry = now + queue.offer_timeout_ms;
                if let Some(Stage::Waiting { retry_at, .. }) =
                    self.conversations.get_mut(&id).map(|r| &mut r.stage)
                {
                    retry_at.get_or_insert(retry);
                }
                continue;
            };
            let expires_at = now + queue.offer_timeout_ms;
            let Some(routed) = self.conversations.get_mut(&id) else { continue };
            let Stage::Waiting { passed, .. } = &mut routed.stage else { continue };
            let passed = std::mem::take(passed);
            routed.stage = Stage::Offered { agent: chosen.clone(), expires_at, passed };
            routed.told_position = 0;
            *load.entry(chosen.clone()).or_default() += 1;
            if let Some(agent) = self.agents.get_mut(&chosen) {
                agent.last_offered_at = now;
            }
            effects.push(Effect::Offered { conversation: id, agent: chosen, expires_at });
        }
    }

    /// Says `Waiting` for every waiting conversation whose position differs from the one its
    /// visitor was last told.
    fn tell_positions(&mut self, effects: &mut Vec<Effect>) {
        let mut by_queue: BTreeMap<QueueId, Vec<(u64, ConversationId)>> = BTreeMap::new();
        for routed in self.conversations.values() {
            if matches!(routed.stage, Stage::Waiting { .. }) {
                by_queue.entry(routed.queue.clone()).or_default().push((routed.ticket, routed.id.clone()));
            }
        }
        for (queue, mut waiting) in by_queue {
            waiting.sort();
            let per_agent = self.typical_wait.get(&queue).copied().unwrap_or(UNKNOWN_WAIT_MS);
            let serving = self.online_for(&queue).max(1) as i64;
            for (index, (_, id)) in waiting.into_iter().enumerate() {
                let position = index as u32 + 1;
                let Some(routed) = self.conversations.get_mut(&id) else { continue };
                if routed.told_position != position {
                    routed.told_position = position;
                    let wait_ms = per_agent * i64::from(position) / serving;
                    effects.push(Effect::Waiting {
                        conversation: id,
                        queue: queue.clone(),
                        position,
                        wait_ms,
                    });
                }
            }
        }
    }

    /// Online agents with the skills of `queue`.
    fn online_for(&self, queue: &QueueId) -> usize {
        let skills = self.queues.get(queue).map(|queue| &queue.skills);
        self.agents
            .values()
            .filter(|agent| agent.presence == Presence::Online)
            .filter(|agent| skills.is_none_or(|skills| skills.is_subset(&agent.skills)))
            .count()
    }

    fn waiting_in<'a>(&'a self, queue: &'a QueueId) -> impl Iterator<Item = &'a Routed> + 'a {
        self.conversations
            .values()
            .filter(move |routed| &routed.queue == queue && matches!(routed.stage, Stage::Waiting { .. }))
    }
}

/// The agent `policy` prefers among `candidates` (ties broken by id, so runs are repeatable).
fn pick(policy: Policy, candidates: &[&AgentState], load: &BTreeMap<AgentId, u32>) -> Option<AgentId> {
    let load_of = |agent: &AgentState| load.get(&agent.id).copied().unwrap_or(0);
    let best = match policy {
        Policy::RoundRobin => candidates.iter().min_by_key(|agent| (agent.last_offered_at, &agent.id)),
        Policy::LeastBusy => {
            candidates.iter().min_by_key(|agent| (load_of(agent), agent.last_offered_at, &agent.id))
        }
    };
    best.map(|agent| agent.id.clone())
}
