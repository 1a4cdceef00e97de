//! The router and the commands that change it (agents come and go, conversations enter
//! queues, agents accept, decline, take, transfer, release).
//!
//! Every command returns the [`Effect`]s it caused, including the offers made by the
//! dispatch that follows it (see `dispatch.rs`), so after any command no conversation waits
//! while an agent who could take it has room. State lives in SQLite rows (`store.rs`); a
//! command touches the rows of the conversations and agents it concerns, never all of them.

use std::collections::{BTreeMap, BTreeSet};

use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::model::{AgentState, Effect, Presence, QueueConfig, Release, Routed, RoutingError, Skill, Stage};
use super::sql::Sql;
use super::store::Store;
use crate::flow::{BusinessHours, Zones};

/// How long an agent whose last console closed stays online (a reload or a network blip must
/// not cost it its conversations).
pub const DEFAULT_LEAVE_GRACE_MS: i64 = 60_000;

/// A conversation that entered a queue during a command.
pub(super) enum Entered {
    /// With a new ticket: the last in its queue.
    Last(ConversationId),
    /// Back from an agent, keeping its ticket (its place).
    Again(ConversationId),
}

/// One site's routing: its queues (from config) over the routing tables of its storage.
pub struct Router<S> {
    pub(super) store: Store<S>,
    pub(super) queues: BTreeMap<QueueId, QueueConfig>,
    pub(super) leave_grace_ms: i64,
    /// Conversations that (re-)entered a queue during the current command: their visitors are
    /// told their place once it settles.
    pub(super) entered: Vec<Entered>,
    /// The site's business hours, when response targets count only open time.
    pub(super) hours: Option<(BusinessHours, &'static dyn Zones)>,
}

impl<S: Sql> Router<S> {
    /// Makes the routing tables on `sql` when missing (the edge makes them with a site's
    /// other tables, from [`SCHEMA`](super::SCHEMA)).
    pub fn create_tables(sql: &S) -> Result<(), RoutingError> {
        Store::create(sql)
    }

    /// Opens routing on `sql`, whose tables exist, with `queues` (the configured ones: what
    /// a change of them since the last opening moved is in the effects).
    pub fn open(
        sql: S,
        queues: Vec<QueueConfig>,
        leave_grace_ms: i64,
        now: i64,
    ) -> Result<(Self, Vec<Effect>), RoutingError> {
        let mut router = Self {
            store: Store::new(sql),
            queues: BTreeMap::new(),
            leave_grace_ms,
            entered: Vec::new(),
            hours: None,
        };
        let stored: Vec<QueueConfig> = router.store.meta("queues")?.unwrap_or_default();
        router.queues = stored.into_iter().map(|queue| (queue.id.clone(), queue)).collect();
        let effects = router.set_queues(queues, now)?;
        Ok((router, effects))
    }

    /// The site's business hours (`None`: always open), read with `zones`: response targets
    /// count only the time the team is there, so a visitor who writes at night is owed an
    /// answer that many minutes into the next opening. Targets set before keep their time.
    pub fn set_hours(&mut self, hours: Option<&BusinessHours>, zones: &'static dyn Zones) {
        if self.hours.as_ref().map(|(hours, _)| hours) != hours {
            self.hours = hours.map(|hours| (hours.clone(), zones));
        }
    }

    /// When a reply owed from `from` with a target of `target_ms` is due: that much open time
    /// later (plain time when the site keeps no hours, or they never open again).
    pub(super) fn reply_due(&self, from: i64, target_ms: i64) -> i64 {
        self.hours
            .as_ref()
            .and_then(|(hours, zones)| hours.after_open_time(from, target_ms, *zones))
            .unwrap_or(from + target_ms)
    }

    /// Replaces the queue configuration. Conversations of a queue that no longer exists move
    /// to the first remaining queue.
    pub fn set_queues(&mut self, queues: Vec<QueueConfig>, now: i64) -> Result<Vec<Effect>, RoutingError> {
        let queues: BTreeMap<QueueId, QueueConfig> =
            queues.into_iter().map(|queue| (queue.id.clone(), queue)).collect();
        if queues == self.queues {
            return Ok(Vec::new());
        }
        let gone: Vec<QueueId> = self.queues.keys().filter(|id| !queues.contains_key(*id)).cloned().collect();
        self.queues = queues;
        self.store.set_meta("queues", &self.queues.values().collect::<Vec<_>>())?;
        if let Some(fallback) = self.queues.keys().next().cloned() {
            for queue in gone {
                for mut routed in self.store.in_queue(&queue)? {
                    routed.queue = fallback.clone();
                    self.store.put(&routed)?;
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
    ) -> Result<Vec<Effect>, RoutingError> {
        let mut effects = Vec::new();
        let mut state = self.store.agent(agent)?.unwrap_or_else(|| AgentState {
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
        self.store.put_agent(&state)?;
        self.settle(effects, now)
    }

    /// An agent's last console closed: it goes offline after the grace period unless one
    /// reconnects.
    pub fn agent_disconnected(&mut self, agent: &AgentId, now: i64) -> Result<Vec<Effect>, RoutingError> {
        if let Some(mut state) = self.store.agent(agent)? {
            if state.presence != Presence::Offline {
                state.leaving_at = Some(now + self.leave_grace_ms);
                self.store.put_agent(&state)?;
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
        let mut state = self.store.agent(agent)?.ok_or_else(|| RoutingError::NoSuchAgent(agent.clone()))?;
        let mut effects = Vec::new();
        if presence == Presence::Offline {
            self.go_offline(agent, now, &mut effects)?;
        } else if state.presence != presence {
            state.presence = presence;
            state.missed_offers = 0;
            self.store.put_agent(&state)?;
            effects.push(Effect::PresenceChanged { agent: agent.clone(), presence });
        }
        self.settle(effects, now)
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
        let key = format!("wait:{}", routed.queue);
        let average = self.store.meta::<i64>(&key)?.map_or(waited, |average| (average * 3 + waited) / 4);
        self.store.set_meta(&key, &average)?;
        self.answered_offer(agent)?;
        self.assign(conversation, agent, Vec::new(), now)
    }

    /// The agent declines the offer; it goes to the next agent.
    pub fn decline(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        let mut routed = self.offered_to(conversation, agent)?;
        if let Stage::Offered { passed, .. } = &mut routed.stage {
            let mut passed = std::mem::take(passed);
            passed.insert(agent.clone());
            let retry_at = self.retry_at(&routed.queue, &passed, now);
            routed.stage = Stage::Waiting { passed, retry_at };
        }
        self.store.put(&routed)?;
        self.answered_offer(agent)?;
        let effects = vec![Effect::Released {
            conversation: conversation.clone(),
            agent: agent.clone(),
            reason: Release::Declined,
        }];
        self.settle(effects, now)
    }

    /// The agent takes a waiting (or someone else's offered) conversation itself.
    pub fn take(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        let routed = self.routed_or_refuse(conversation)?;
        if matches!(&routed.stage, Stage::Assigned { agent: holder, .. } if holder != agent) {
            return Err(RoutingError::TakenByOther);
        }
        self.check_room(&routed, agent, true)?;
        self.assign(conversation, agent, Vec::new(), now)
    }

    /// Moves the conversation straight to `agent` (who must be signed in and have room).
    pub fn transfer_to_agent(
        &mut self,
        conversation: &ConversationId,
        agent: &AgentId,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        let routed = self.routed_or_refuse(conversation)?;
        self.check_room(&routed, agent, false)?;
        self.assign(conversation, agent, Vec::new(), now)
    }

    /// Puts the conversation back in its queue; whoever held it is offered it last.
    pub fn unassign(&mut self, conversation: &ConversationId, now: i64) -> Result<Vec<Effect>, RoutingError> {
        self.routed_or_refuse(conversation)?;
        let mut effects = Vec::new();
        self.release(conversation, Release::Moved, now, &mut effects)?;
        self.settle(effects, now)
    }

    /// The conversation leaves routing (resolved, snoozed, closed): whoever held it has room again.
    pub fn close(&mut self, conversation: &ConversationId, now: i64) -> Result<Vec<Effect>, RoutingError> {
        let mut effects = Vec::new();
        self.release(conversation, Release::Closed, now, &mut effects)?;
        self.store.remove(conversation)?;
        self.settle(effects, now)
    }

    /// The visitor wrote: a reply is owed from now (response targets count from here).
    pub fn visitor_wrote(
        &mut self,
        conversation: &ConversationId,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        if let Some(mut routed) = self.store.conversation(conversation)? {
            routed.waiting_since.get_or_insert(now);
            let sla = self.queues.get(&routed.queue).map(|queue| queue.sla).unwrap_or_default();
            if let Stage::Assigned { reply_due, answered, .. } = &mut routed.stage {
                if reply_due.is_none() {
                    let target = if *answered { sla.next_response_ms } else { sla.first_response_ms };
                    *reply_due = target.map(|ms| self.reply_due(now, ms));
                }
            }
            self.store.put(&routed)?;
        }
        Ok(Vec::new())
    }

    /// An agent replied in the conversation: nothing is owed until the visitor writes again.
    /// (Nobody's load or place changes, so there is nothing to offer or tell.)
    pub fn agent_replied(&mut self, conversation: &ConversationId) -> Result<Vec<Effect>, RoutingError> {
        if let Some(mut routed) = self.store.conversation(conversation)? {
            routed.waiting_since = None;
            if let Stage::Assigned { reply_due, answered, .. } = &mut routed.stage {
                *reply_due = None;
                *answered = true;
            }
            self.store.put(&routed)?;
        }
        Ok(Vec::new())
    }

    /// Where a conversation stands, if it is routed.
    pub fn routed(&self, conversation: &ConversationId) -> Result<Option<Routed>, RoutingError> {
        self.store.conversation(conversation)
    }

    /// An agent as routing knows it.
    pub fn agent(&self, agent: &AgentId) -> Result<Option<AgentState>, RoutingError> {
        self.store.agent(agent)
    }

    /// Every agent routing knows.
    pub fn agents(&self) -> Result<Vec<AgentState>, RoutingError> {
        self.store.agents()
    }

    /// Every routed conversation, oldest ticket first: reads every row, so for tests and
    /// tools, never a command's path.
    pub fn conversations(&self) -> Result<Vec<Routed>, RoutingError> {
        self.store.conversations()
    }

    /// The conversations offered to or held by `agent`.
    pub fn held_by(&self, agent: &AgentId) -> Result<Vec<Routed>, RoutingError> {
        self.store.held_by(agent)
    }

    /// The configured queues.
    pub fn queues(&self) -> impl Iterator<Item = &QueueConfig> {
        self.queues.values()
    }

    /// How many conversations `agent` holds or is offered.
    pub fn load(&self, agent: &AgentId) -> Result<u32, RoutingError> {
        self.store.load(agent)
    }

    fn answered_offer(&mut self, agent: &AgentId) -> Result<(), RoutingError> {
        match self.store.agent(agent)? {
            Some(mut state) if state.missed_offers != 0 => {
                state.missed_offers = 0;
                self.store.put_agent(&state)
            }
            _ => Ok(()),
        }
    }

    /// The conversation, if it is offered to `agent` right now.
    fn offered_to(&self, conversation: &ConversationId, agent: &AgentId) -> Result<Routed, RoutingError> {
        let routed = self.routed_or_refuse(conversation)?;
        match &routed.stage {
            Stage::Offered { agent: offered, .. } if offered == agent => Ok(routed),
            _ => Err(RoutingError::NotOffered),
        }
    }

    pub(super) fn routed_or_refuse(&self, conversation: &ConversationId) -> Result<Routed, RoutingError> {
        self.store.conversation(conversation)?.ok_or_else(|| RoutingError::NotRouted(conversation.clone()))
    }

    pub(super) fn take_ticket(&mut self) -> Result<u64, RoutingError> {
        let ticket = self.store.meta::<u64>("next_ticket")?.unwrap_or(1);
        self.store.set_meta("next_ticket", &(ticket + 1))?;
        Ok(ticket)
    }

    /// The skills a conversation needs: its queue's and its own.
    pub fn needs(&self, routed: &Routed) -> BTreeSet<Skill> {
        self.needs_in(&routed.queue, &routed.skills)
    }

    pub(super) fn needs_in(&self, queue: &QueueId, own: &BTreeSet<Skill>) -> BTreeSet<Skill> {
        let queue_skills = self.queues.get(queue).map(|queue| &queue.skills);
        queue_skills.into_iter().flatten().chain(own).cloned().collect()
    }
}
