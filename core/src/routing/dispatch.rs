//! Matching waiting conversations to agents, time passing (offers lapse, response targets
//! pass, departing agents go offline), and the queue positions visitors are told.
//!
//! Matching works from the agents' side, because agents with room are few and waiting
//! conversations may be many: the next offer is the oldest head, over the lanes an agent with
//! room may serve, of a conversation someone with room has not passed on — a few index reads
//! per offer, however long the queues.

use std::collections::BTreeSet;

use switchboard_protocol::{AgentId, ConversationId};

use super::model::{
    AgentState, Effect, Policy, Presence, Release, Routed, RoutingError, SlaKind, Stage,
    MISSED_OFFERS_BEFORE_AWAY,
};
use super::router::{Entered, Router};
use super::sql::Sql;
use super::store::Lane;

/// Wait estimate for a queue that has no history yet.
const UNKNOWN_WAIT_MS: i64 = 60_000;

/// How many at the head of each queue are told each change of their place as it happens;
/// those further back hear their place when they join and whenever they ask.
pub const TOLD_AHEAD: i64 = 10;

/// Rows read at a time while looking down a lane past conversations every agent with room
/// has passed on.
const PAGE: i64 = 16;

/// An agent that takes offers now, and how many conversations it holds.
struct Available {
    state: AgentState,
    load: u32,
}

impl<S: Sql> Router<S> {
    /// Advances the clock to `now`: lapsed offers go to the next agent, silent agents lose
    /// conversations past their response target, departed agents go offline.
    pub fn handle_timeout(&mut self, now: i64) -> Result<Vec<Effect>, RoutingError> {
        let mut effects = Vec::new();
        for agent in self.store.leaving(now)? {
            self.go_offline(&agent.id, now, &mut effects)?;
        }
        for due in self.store.due(now)? {
            // Read again: an earlier step of this sweep may have moved it.
            let Some(mut routed) = self.store.conversation(&due.id)? else { continue };
            match &mut routed.stage {
                Stage::Waiting { passed, retry_at } if retry_at.is_some_and(|at| at <= now) => {
                    passed.clear();
                    *retry_at = None;
                    self.store.put(&routed)?;
                }
                Stage::Offered { agent, expires_at, .. } if *expires_at <= now => {
                    let agent = agent.clone();
                    self.release(&routed.id, Release::OfferExpired, now, &mut effects)?;
                    self.missed_offer(&agent, &mut effects)?;
                }
                Stage::Assigned { agent, reply_due: Some(due), answered } if *due <= now => {
                    let kind = if *answered { SlaKind::NextResponse } else { SlaKind::FirstResponse };
                    effects.push(Effect::SlaBreached {
                        conversation: routed.id.clone(),
                        agent: agent.clone(),
                        kind,
                    });
                    self.release(&routed.id, Release::SlaBreached, now, &mut effects)?;
                }
                _ => {}
            }
        }
        self.settle(effects, now)
    }

    /// Counts a lapsed offer against `agent`, and sets it away after too many in a row.
    fn missed_offer(&mut self, agent: &AgentId, effects: &mut Vec<Effect>) -> Result<(), RoutingError> {
        let Some(mut state) = self.store.agent(agent)? else { return Ok(()) };
        state.missed_offers += 1;
        if state.missed_offers >= MISSED_OFFERS_BEFORE_AWAY && state.presence == Presence::Online {
            state.presence = Presence::Away;
            effects.push(Effect::PresenceChanged { agent: agent.clone(), presence: Presence::Away });
        }
        self.store.put_agent(&state)
    }

    /// The next time [`Router::handle_timeout`] has something to do, if any.
    pub fn next_deadline(&self) -> Result<Option<i64>, RoutingError> {
        self.store.next_deadline()
    }

    /// The visitor's place in its queue (1 = next) and the estimated wait, while it waits:
    /// computed when asked, by counting those ahead in the queue's index.
    pub fn position(&self, conversation: &ConversationId) -> Result<Option<(u32, i64)>, RoutingError> {
        let Some(routed) = self.store.conversation(conversation)? else { return Ok(None) };
        if !matches!(routed.stage, Stage::Waiting { .. }) {
            return Ok(None);
        }
        let position = self.store.ahead_of(&routed.queue, routed.ticket)? + 1;
        let agents = self.store.agents()?;
        Ok(Some((position, self.wait_estimate(&routed, position, &agents)?)))
    }

    /// Offers what can be offered, then tells visitors whose queue position changed.
    pub(super) fn settle(&mut self, mut effects: Vec<Effect>, now: i64) -> Result<Vec<Effect>, RoutingError> {
        self.dispatch(now, &mut effects)?;
        self.tell_positions(&mut effects)?;
        Ok(effects)
    }

    /// Offers waiting conversations, oldest first, each to the best agent who may take it
    /// and has not passed on it (those who passed get it again once its `retry_at` comes).
    fn dispatch(&mut self, now: i64, effects: &mut Vec<Effect>) -> Result<(), RoutingError> {
        loop {
            let available = self.available()?;
            if !available.iter().any(|agent| agent.load < agent.state.capacity) {
                break;
            }
            let Some((routed, fresh)) = self.next_offer(&available)? else { break };
            let Some(queue) = self.queues.get(&routed.queue) else { break };
            let Some(chosen) = pick(queue.policy, &fresh) else { break };
            let expires_at = now + queue.offer_timeout_ms;
            let mut routed = routed;
            let Stage::Waiting { passed, .. } = &mut routed.stage else { break };
            let passed = std::mem::take(passed);
            routed.stage = Stage::Offered { agent: chosen.clone(), expires_at, passed };
            routed.told_position = 0;
            self.store.put(&routed)?;
            if let Some(mut state) = self.store.agent(&chosen)? {
                state.last_offered_at = now;
                self.store.put_agent(&state)?;
            }
            effects.push(Effect::Offered { conversation: routed.id, agent: chosen, expires_at });
        }
        Ok(())
    }

    fn available(&self) -> Result<Vec<Available>, RoutingError> {
        Ok(self.store.available()?.into_iter().map(|(state, load)| Available { state, load }).collect())
    }

    /// The oldest waiting conversation some agent with room may take and has not passed on,
    /// and those agents.
    fn next_offer<'a>(
        &self,
        available: &'a [Available],
    ) -> Result<Option<(Routed, Vec<&'a Available>)>, RoutingError> {
        let mut best: Option<(Routed, Vec<&Available>)> = None;
        for lane in self.store.lanes()? {
            let takers: Vec<&Available> = self.takers(available, &LaneNeeds::of(&lane)).collect();
            if takers.is_empty() {
                continue;
            }
            let mut after = 0;
            'lane: loop {
                let before = best.as_ref().map_or(u64::MAX, |(routed, _)| routed.ticket);
                let page = self.store.in_lane(&lane.lane, after, before, PAGE)?;
                let Some(last) = page.last() else { break };
                after = last.ticket;
                for routed in page {
                    let Stage::Waiting { passed, .. } = &routed.stage else { continue };
                    let fresh: Vec<&Available> =
                        takers.iter().copied().filter(|agent| !passed.contains(&agent.state.id)).collect();
                    if !fresh.is_empty() {
                        best = Some((routed, fresh));
                        break 'lane;
                    }
                }
            }
        }
        Ok(best)
    }

    /// The agents with room who may be offered what waits in a lane.
    fn takers<'a>(
        &self,
        available: &'a [Available],
        lane: &LaneNeeds,
    ) -> impl Iterator<Item = &'a Available> + 'a {
        let needs = self.needs_in(&lane.queue, &lane.skills);
        let known_queue = self.queues.contains_key(&lane.queue);
        // A conversation meant for one agent waits for it while that agent takes offers.
        let target = lane.target.clone().filter(|target| available.iter().any(|a| &a.state.id == target));
        available.iter().filter(move |agent| {
            known_queue
                && agent.load < agent.state.capacity
                && needs.iter().all(|skill| agent.state.skills.contains(skill))
                && target.as_ref().is_none_or(|target| *target == agent.state.id)
        })
    }

    /// Tells the head of each queue their places as they change, and those who joined a
    /// queue during this command theirs.
    fn tell_positions(&mut self, effects: &mut Vec<Effect>) -> Result<(), RoutingError> {
        let entered = std::mem::take(&mut self.entered);
        // Read only when someone is to be told.
        let mut agents: Option<Vec<AgentState>> = None;
        let queues: Vec<_> = self.queues.keys().cloned().collect();
        for queue in queues {
            for (index, mut routed) in self.store.head_of(&queue, TOLD_AHEAD)?.into_iter().enumerate() {
                self.tell(&mut routed, index as u32 + 1, &mut agents, effects)?;
            }
        }
        for entered in entered {
            let (Entered::Last(id) | Entered::Again(id)) = &entered;
            let Some(mut routed) = self.store.conversation(id)? else { continue };
            if routed.told_position == 0 && matches!(routed.stage, Stage::Waiting { .. }) {
                // The newest ticket is last in line unless a lower priority waits behind it:
                // then its place is the queue's length, known without counting.
                let last = matches!(entered, Entered::Last(_))
                    && !self.store.any_behind(&routed.queue, routed.ticket)?;
                let position = match last {
                    true => self.store.waiting_in(&routed.queue)?,
                    false => self.store.ahead_of(&routed.queue, routed.ticket)? + 1,
                };
                self.tell(&mut routed, position, &mut agents, effects)?;
            }
        }
        Ok(())
    }

    fn tell(
        &mut self,
        routed: &mut Routed,
        position: u32,
        agents: &mut Option<Vec<AgentState>>,
        effects: &mut Vec<Effect>,
    ) -> Result<(), RoutingError> {
        if routed.told_position == position {
            return Ok(());
        }
        routed.told_position = position;
        self.store.put(routed)?;
        let agents = match agents {
            Some(agents) => agents,
            None => agents.insert(self.store.agents()?),
        };
        effects.push(Effect::Waiting {
            conversation: routed.id.clone(),
            queue: routed.queue.clone(),
            position,
            wait_ms: self.wait_estimate(routed, position, agents)?,
        });
        Ok(())
    }

    /// About how long the conversation at `position` of its queue has left to wait.
    fn wait_estimate(
        &self,
        routed: &Routed,
        position: u32,
        agents: &[AgentState],
    ) -> Result<i64, RoutingError> {
        let per_agent = self.store.meta::<i64>(&format!("wait:{}", routed.queue))?.unwrap_or(UNKNOWN_WAIT_MS);
        let skills = self.queues.get(&routed.queue).map(|queue| &queue.skills);
        let serving = agents
            .iter()
            .filter(|agent| agent.presence == Presence::Online)
            .filter(|agent| skills.is_none_or(|skills| skills.is_subset(&agent.skills)))
            .count()
            .max(1) as i64;
        Ok(per_agent * i64::from(position) / serving)
    }
}

/// Who a lane's conversations need: their queue, their own skills and their target.
struct LaneNeeds {
    queue: switchboard_protocol::QueueId,
    skills: BTreeSet<String>,
    target: Option<AgentId>,
}

impl LaneNeeds {
    fn of(lane: &Lane) -> Self {
        Self { queue: lane.queue.clone(), skills: lane.skills(), target: lane.target.clone() }
    }
}

/// The agent `policy` prefers among `candidates` (ties broken by id, so runs are repeatable).
fn pick(policy: Policy, candidates: &[&Available]) -> Option<AgentId> {
    let best = match policy {
        Policy::RoundRobin => {
            candidates.iter().min_by_key(|agent| (agent.state.last_offered_at, &agent.state.id))
        }
        Policy::LeastBusy => {
            candidates.iter().min_by_key(|agent| (agent.load, agent.state.last_offered_at, &agent.state.id))
        }
    };
    best.map(|agent| agent.state.id.clone())
}
