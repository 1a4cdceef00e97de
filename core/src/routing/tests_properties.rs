//! Property tests of the rules in the module docs, over random runs of commands and time, on
//! the router's SQLite storage.

use std::collections::BTreeSet;

use proptest::prelude::*;
use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::tests::{agent, conversation, offers, router, skills, TestRouter};
use super::*;

/// One step of a random run.
#[derive(Debug, Clone)]
enum Step {
    Connect(u8, Vec<bool>),
    Disconnect(u8),
    Presence(u8, u8),
    Enqueue(u8, u8, bool, Option<u8>),
    Accept(u8),
    Decline(u8),
    Take(u8, u8),
    TakeOver(u8, u8, u8),
    Transfer(u8, u8),
    Unassign(u8),
    Close(u8),
    VisitorWrote(u8),
    AgentReplied(u8),
    Wait(u16),
}

const AGENTS: u8 = 4;
const CONVERSATIONS: u8 = 12;
const QUEUES: [&str; 2] = ["support", "billing"];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..AGENTS, prop::collection::vec(any::<bool>(), 2)).prop_map(|(a, s)| Step::Connect(a, s)),
        (0..AGENTS).prop_map(Step::Disconnect),
        (0..AGENTS, 0..3u8).prop_map(|(a, p)| Step::Presence(a, p)),
        (0..CONVERSATIONS, 0..2u8, any::<bool>(), prop::option::weighted(0.2, 0..AGENTS))
            .prop_map(|(c, q, de, t)| Step::Enqueue(c, q, de, t)),
        (0..CONVERSATIONS).prop_map(Step::Accept),
        (0..CONVERSATIONS).prop_map(Step::Decline),
        (0..CONVERSATIONS, 0..AGENTS).prop_map(|(c, a)| Step::Take(c, a)),
        (0..CONVERSATIONS, 0..2u8, 0..AGENTS).prop_map(|(c, q, a)| Step::TakeOver(c, q, a)),
        (0..CONVERSATIONS, 0..AGENTS).prop_map(|(c, a)| Step::Transfer(c, a)),
        (0..CONVERSATIONS).prop_map(Step::Unassign),
        (0..CONVERSATIONS).prop_map(Step::Close),
        (0..CONVERSATIONS).prop_map(Step::VisitorWrote),
        (0..CONVERSATIONS).prop_map(Step::AgentReplied),
        (1..8_000u16).prop_map(Step::Wait),
    ]
}

/// Agents keep a fixed capacity (an account setting), 1 to 3.
fn capacity(n: u8) -> u32 {
    u32::from(n % 3) + 1
}

fn holder(router: &TestRouter, conversation: &ConversationId) -> Option<AgentId> {
    router.routed(conversation).unwrap().and_then(|routed| routed.agent().cloned())
}

/// Runs `step` and checks the rules after it (and after each deadline it passes). Commands
/// may be refused (that is part of the run), never panic.
fn apply(router: &mut TestRouter, step: &Step, now: &mut i64) -> Result<(), TestCaseError> {
    let t = *now;
    let result = match step.clone() {
        Step::Connect(a, s) => {
            let names: BTreeSet<Skill> = [("billing", s[0]), ("de", s[1])]
                .iter()
                .filter(|(_, on)| *on)
                .map(|(n, _)| n.to_string())
                .collect();
            router.agent_connected(&agent(a), capacity(a), names, t)
        }
        Step::Disconnect(a) => router.agent_disconnected(&agent(a), t),
        Step::Presence(a, p) => {
            let presence = [Presence::Online, Presence::Away, Presence::Offline][usize::from(p)];
            router.set_presence(&agent(a), presence, t)
        }
        Step::Enqueue(c, q, de, target) => {
            let extra = if de { skills(&["de"]) } else { skills(&[]) };
            let queue = QueueId::parse(QUEUES[usize::from(q)]).unwrap();
            router.enqueue(&conversation(c), &queue, extra, target.map(agent), t)
        }
        Step::Accept(c) => match holder(router, &conversation(c)) {
            Some(a) => router.accept(&conversation(c), &a, t),
            None => Ok(Vec::new()),
        },
        Step::Decline(c) => match holder(router, &conversation(c)) {
            Some(a) => router.decline(&conversation(c), &a, t),
            None => Ok(Vec::new()),
        },
        Step::Take(c, a) => router.take(&conversation(c), &agent(a), t),
        Step::TakeOver(c, q, a) => {
            let queue = QueueId::parse(QUEUES[usize::from(q)]).unwrap();
            router.take_over(&conversation(c), &queue, &agent(a), t)
        }
        Step::Transfer(c, a) => router.transfer_to_agent(&conversation(c), &agent(a), t),
        Step::Unassign(c) => router.unassign(&conversation(c), t),
        Step::Close(c) => router.close(&conversation(c), t),
        Step::VisitorWrote(c) => router.visitor_wrote(&conversation(c), t),
        Step::AgentReplied(c) => router.agent_replied(&conversation(c)),
        Step::Wait(ms) => {
            *now += i64::from(ms);
            // Time passes through every deadline on the way, as the alarm would.
            while let Some(due) = router.next_deadline().unwrap().filter(|due| *due <= *now) {
                let effects = router.handle_timeout(due.max(t)).unwrap();
                check_invariants(router, &effects)?;
            }
            Ok(Vec::new())
        }
    };
    if let Err(RoutingError::Storage(error)) = &result {
        return Err(TestCaseError::fail(format!("storage failed: {error}")));
    }
    check_invariants(router, &result.unwrap_or_default())
}

/// Whether `agent` could be offered `routed` right now by the rules.
fn could_take(router: &TestRouter, agent: &AgentState, routed: &Routed) -> bool {
    let Stage::Waiting { passed, .. } = &routed.stage else { return false };
    let needs = router.needs(routed);
    let target_online = routed
        .target
        .as_ref()
        .and_then(|t| router.agent(t).unwrap())
        .is_some_and(|t| t.presence == Presence::Online && t.leaving_at.is_none());
    agent.presence == Presence::Online
        && agent.leaving_at.is_none()
        && router.load(&agent.id).unwrap() < agent.capacity
        && needs.iter().all(|skill| agent.skills.contains(skill))
        && !passed.contains(&agent.id)
        && (!target_online || routed.target.as_ref() == Some(&agent.id))
}

fn check_invariants(router: &TestRouter, effects: &[Effect]) -> Result<(), TestCaseError> {
    let (agents, conversations) = (router.agents().unwrap(), router.conversations().unwrap());
    for agent in &agents {
        let load = router.load(&agent.id).unwrap();
        prop_assert!(load <= agent.capacity, "agent {} holds {load} > capacity {}", agent.id, agent.capacity);
        if agent.presence == Presence::Offline {
            prop_assert_eq!(load, 0, "offline agent {} holds conversations", agent.id);
        }
    }
    // Work-conserving: nothing waits that an agent with room could be offered.
    for routed in &conversations {
        for agent in &agents {
            prop_assert!(
                !could_take(router, agent, routed),
                "{} waits while {} could take it",
                routed.id,
                agent.id
            );
        }
    }
    // Places are counted when asked: the rank by ticket among those waiting in the queue;
    // the head of each queue has been told its own.
    for routed in conversations.iter().filter(|r| matches!(r.stage, Stage::Waiting { .. })) {
        let rank = conversations
            .iter()
            .filter(|r| {
                r.queue == routed.queue
                    && matches!(r.stage, Stage::Waiting { .. })
                    && r.ticket < routed.ticket
            })
            .count() as u32
            + 1;
        prop_assert_eq!(router.position(&routed.id).unwrap().map(|(place, _)| place), Some(rank));
        if i64::from(rank) <= TOLD_AHEAD {
            prop_assert_eq!(routed.told_position, rank, "{} was not told its place", routed.id);
        }
    }
    // Oldest first: an agent offered a conversation could not have taken an older waiting one.
    for (offered, agent) in offers(effects) {
        let Some(ticket) = router.routed(&offered).unwrap().map(|r| r.ticket) else { continue };
        let Some(state) = router.agent(&agent).unwrap() else { continue };
        for older in conversations.iter().filter(|r| r.ticket < ticket) {
            let mut unloaded = state.clone();
            unloaded.capacity += 1;
            prop_assert!(
                !could_take(router, &unloaded, older),
                "{agent} got {offered} before older {}",
                older.id
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn routing_rules_hold_over_random_runs(steps in prop::collection::vec(step(), 1..80)) {
        let mut router = router();
        let mut now = 0;
        for step in &steps {
            apply(&mut router, step, &mut now)?;
        }
    }

    #[test]
    fn every_waiting_conversation_is_eventually_offered(steps in prop::collection::vec(step(), 1..60)) {
        let mut router = router();
        let mut now = 0;
        for step in &steps {
            apply(&mut router, step, &mut now)?;
        }
        // Those waiting now, that some online agent with a seat not taken by an assigned
        // conversation could hold.
        let stays_online = |agent: &AgentState| agent.presence == Presence::Online && agent.leaving_at.is_none();
        let has_seat = |router: &TestRouter, agent: &AgentState| {
            let assigned = router
                .conversations()
                .unwrap()
                .into_iter()
                .filter(|r| matches!(&r.stage, Stage::Assigned { agent: held, .. } if *held == agent.id))
                .count() as u32;
            assigned < agent.capacity
        };
        let agents = router.agents().unwrap();
        let mut owed: BTreeSet<ConversationId> = router
            .conversations()
            .unwrap()
            .into_iter()
            .filter(|routed| matches!(routed.stage, Stage::Waiting { .. }))
            .filter(|routed| {
                let target = routed
                    .target
                    .as_ref()
                    .filter(|t| router.agent(t).unwrap().is_some_and(|a| stays_online(&a)));
                agents.iter().filter(|a| stays_online(a) && target.is_none_or(|t| *t == a.id)).any(|agent| {
                    let needs = router.needs(routed);
                    has_seat(&router, agent) && needs.iter().all(|skill| agent.skills.contains(skill))
                })
            })
            .map(|routed| routed.id.clone())
            .collect();
        // Nobody accepts anything; only time passes.
        for _ in 0..200 {
            if owed.is_empty() {
                break;
            }
            let Some(due) = router.next_deadline().unwrap() else { break };
            now = now.max(due);
            for (offered, _) in offers(&router.handle_timeout(now).unwrap()) {
                owed.remove(&offered);
            }
        }
        // What was never offered has nobody left online to take it (agents who let offers
        // lapse are set away).
        for id in owed {
            let routed = router.routed(&id).unwrap().unwrap();
            let needs = router.needs(&routed);
            let agents = router.agents().unwrap();
            let taker = agents.iter().find(|agent| {
                stays_online(agent) && has_seat(&router, agent) && needs.iter().all(|skill| agent.skills.contains(skill))
            });
            prop_assert!(taker.is_none(), "{id} never offered while {:?} is online", taker.map(|a| &a.id));
        }
    }
}
