//! Routing scenarios, and property tests of the rules in the module docs over random runs of
//! commands and time.

use std::collections::BTreeSet;

use proptest::prelude::*;
use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::*;

fn agent(n: u8) -> AgentId {
    AgentId::from_random([n; 16])
}

fn conversation(n: u8) -> ConversationId {
    ConversationId::from_random([n; 16])
}

fn queue(name: &str, skills: &[&str], policy: Policy) -> QueueConfig {
    QueueConfig {
        id: QueueId::parse(name).unwrap(),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        policy,
        offer_timeout_ms: 1_000,
        sla: Sla { first_response_ms: Some(5_000), next_response_ms: Some(3_000) },
    }
}

fn skills(names: &[&str]) -> BTreeSet<Skill> {
    names.iter().map(|s| s.to_string()).collect()
}

fn support() -> QueueId {
    QueueId::parse("support").unwrap()
}

fn offers(effects: &[Effect]) -> Vec<(ConversationId, AgentId)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Offered { conversation, agent, .. } => Some((conversation.clone(), agent.clone())),
            _ => None,
        })
        .collect()
}

fn router() -> Router {
    Router::new(
        vec![queue("support", &[], Policy::RoundRobin), queue("billing", &["billing"], Policy::LeastBusy)],
        10_000,
    )
}

#[test]
fn a_handed_over_conversation_is_offered_accepted_and_answered() {
    let mut router = router();
    let effects = router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap();
    assert!(effects.contains(&Effect::Waiting {
        conversation: conversation(1),
        queue: support(),
        position: 1,
        wait_ms: 60_000
    }));
    let effects = router.agent_connected(&agent(1), 2, skills(&[]), 10);
    assert_eq!(offers(&effects), vec![(conversation(1), agent(1))]);
    assert_eq!(router.accept(&conversation(1), &agent(2), 20), Err(RoutingError::NotOffered));
    let effects = router.accept(&conversation(1), &agent(1), 20).unwrap();
    assert!(effects.contains(&Effect::Assigned { conversation: conversation(1), agent: agent(1) }));
    // The agent owes a first reply within 5 s of taking it; replying clears the debt.
    assert_eq!(router.next_deadline(), Some(5_020));
    router.agent_replied(&conversation(1), 1_000);
    assert_eq!(router.next_deadline(), None);
}

#[test]
fn an_agent_who_writes_while_the_bot_holds_a_conversation_takes_it_over() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&[]), 0);
    let effects = router.take_over(&conversation(1), &support(), &agent(1), 10).unwrap();
    // Straight to the agent, without ringing an offer, and nothing owed: they just answered.
    assert_eq!(effects, vec![Effect::Assigned { conversation: conversation(1), agent: agent(1) }]);
    assert_eq!(router.next_deadline(), None);
    // At capacity, the next one waits in the queue for them instead.
    let effects = router.take_over(&conversation(2), &support(), &agent(1), 20).unwrap();
    assert!(!effects.iter().any(|e| matches!(e, Effect::Assigned { .. })), "{effects:?}");
    assert_eq!(router.routed(&conversation(2)).and_then(|r| r.target.clone()), Some(agent(1)));
}

#[test]
fn an_offer_that_lapses_goes_to_the_next_agent_then_around_again() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&[]), 0);
    router.agent_connected(&agent(2), 1, skills(&[]), 0);
    let first = offers(&router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap());
    assert_eq!(first, vec![(conversation(1), agent(1))]);
    let effects = router.handle_timeout(1_000);
    assert!(effects.contains(&Effect::Released {
        conversation: conversation(1),
        agent: agent(1),
        reason: Release::OfferExpired
    }));
    assert_eq!(offers(&effects), vec![(conversation(1), agent(2))]);
    router.decline(&conversation(1), &agent(2), 1_500).unwrap();
    // Both passed: it waits one offer timeout, then starts over with the first agent.
    assert_eq!(router.next_deadline(), Some(2_500));
    assert_eq!(offers(&router.handle_timeout(2_500)), vec![(conversation(1), agent(1))]);
    // Agent 1 let two offers in a row lapse: it is not at its desk, so it is set away.
    let effects = router.handle_timeout(3_500);
    assert!(effects.contains(&Effect::PresenceChanged { agent: agent(1), presence: Presence::Away }));
    assert_eq!(offers(&effects), vec![(conversation(1), agent(2))]);
}

#[test]
fn skills_decide_who_may_take_a_conversation() {
    let mut router = router();
    router.agent_connected(&agent(1), 5, skills(&[]), 0);
    let billing = QueueId::parse("billing").unwrap();
    let effects = router.enqueue(&conversation(1), &billing, skills(&["de"]), None, 0).unwrap();
    assert!(offers(&effects).is_empty());
    assert_eq!(
        router.take(&conversation(1), &agent(1), 1),
        Err(RoutingError::MissingSkill("billing".into()))
    );
    router.agent_connected(&agent(2), 5, skills(&["billing"]), 2);
    assert_eq!(router.position(&conversation(1)), Some(1));
    let effects = router.agent_connected(&agent(3), 5, skills(&["billing", "de"]), 3);
    assert_eq!(offers(&effects), vec![(conversation(1), agent(3))]);
}

#[test]
fn a_departing_agent_keeps_its_conversations_through_a_reload_but_not_longer() {
    let mut router = router();
    router.agent_connected(&agent(1), 2, skills(&[]), 0);
    router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap();
    router.accept(&conversation(1), &agent(1), 1).unwrap();
    router.agent_replied(&conversation(1), 2);
    router.agent_disconnected(&agent(1), 100);
    router.agent_connected(&agent(1), 2, skills(&[]), 5_000);
    assert!(router.handle_timeout(20_000).is_empty());
    router.agent_disconnected(&agent(1), 20_000);
    let effects = router.handle_timeout(30_000);
    assert!(effects.contains(&Effect::PresenceChanged { agent: agent(1), presence: Presence::Offline }));
    assert!(effects.contains(&Effect::Released {
        conversation: conversation(1),
        agent: agent(1),
        reason: Release::AgentOffline
    }));
    assert_eq!(router.position(&conversation(1)), Some(1));
}

#[test]
fn a_silent_agent_past_the_response_target_loses_the_conversation() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&[]), 0);
    router.agent_connected(&agent(2), 1, skills(&[]), 0);
    router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap();
    router.accept(&conversation(1), &agent(1), 10).unwrap();
    router.agent_replied(&conversation(1), 20);
    router.visitor_wrote(&conversation(1), 100);
    let effects = router.handle_timeout(3_100);
    assert!(effects.contains(&Effect::SlaBreached {
        conversation: conversation(1),
        agent: agent(1),
        kind: SlaKind::NextResponse
    }));
    assert_eq!(offers(&effects), vec![(conversation(1), agent(2))]);
}

#[test]
fn transfers_take_and_targets() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&[]), 0);
    router.agent_connected(&agent(2), 1, skills(&[]), 0);
    router.enqueue(&conversation(1), &support(), skills(&[]), Some(agent(2)), 0).unwrap();
    assert_eq!(router.routed(&conversation(1)).unwrap().agent(), Some(&agent(2)));
    router.accept(&conversation(1), &agent(2), 1).unwrap();
    assert_eq!(router.take(&conversation(1), &agent(1), 2), Err(RoutingError::TakenByOther));
    let effects = router.transfer_to_agent(&conversation(1), &agent(1), 3).unwrap();
    assert!(effects.contains(&Effect::Assigned { conversation: conversation(1), agent: agent(1) }));
    // Agent 2 has room again, so the next conversation is offered to it.
    let effects = router.enqueue(&conversation(2), &support(), skills(&[]), None, 4).unwrap();
    assert_eq!(offers(&effects), vec![(conversation(2), agent(2))]);
    assert_eq!(router.transfer_to_agent(&conversation(2), &agent(1), 5), Err(RoutingError::AtCapacity(1)));
    // Closing the first frees agent 1, who can then be given the second.
    router.close(&conversation(1), 6);
    let effects = router.transfer_to_agent(&conversation(2), &agent(1), 7).unwrap();
    assert!(effects.contains(&Effect::Released {
        conversation: conversation(2),
        agent: agent(2),
        reason: Release::Moved
    }));
    assert_eq!(router.unassign(&conversation(9), 7), Err(RoutingError::NotRouted(conversation(9))));
}

#[test]
fn least_busy_prefers_the_agent_with_fewer_conversations() {
    let mut router = router();
    let billing = QueueId::parse("billing").unwrap();
    router.agent_connected(&agent(1), 5, skills(&["billing"]), 0);
    router.enqueue(&conversation(1), &billing, skills(&[]), None, 1).unwrap();
    router.accept(&conversation(1), &agent(1), 2).unwrap();
    router.agent_connected(&agent(2), 5, skills(&["billing"]), 3);
    let effects = router.enqueue(&conversation(2), &billing, skills(&[]), None, 4).unwrap();
    assert_eq!(offers(&effects), vec![(conversation(2), agent(2))]);
}

#[test]
fn the_router_survives_a_round_trip_through_storage() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&["billing"]), 0);
    router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap();
    let json = serde_json::to_string(&router).unwrap();
    assert_eq!(serde_json::from_str::<Router>(&json).unwrap(), router);
}

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

fn holder(router: &Router, conversation: &ConversationId) -> Option<AgentId> {
    router.routed(conversation).and_then(Routed::agent).cloned()
}

/// Runs `step` and checks the rules after it (and after each deadline it passes). Commands
/// may be refused (that is part of the run), never panic.
fn apply(router: &mut Router, step: &Step, now: &mut i64) -> Result<(), TestCaseError> {
    let t = *now;
    let result = match step.clone() {
        Step::Connect(a, s) => {
            let names: BTreeSet<Skill> = [("billing", s[0]), ("de", s[1])]
                .iter()
                .filter(|(_, on)| *on)
                .map(|(n, _)| n.to_string())
                .collect();
            Ok(router.agent_connected(&agent(a), capacity(a), names, t))
        }
        Step::Disconnect(a) => Ok(router.agent_disconnected(&agent(a), t)),
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
        Step::Close(c) => Ok(router.close(&conversation(c), t)),
        Step::VisitorWrote(c) => Ok(router.visitor_wrote(&conversation(c), t)),
        Step::AgentReplied(c) => Ok(router.agent_replied(&conversation(c), t)),
        Step::Wait(ms) => {
            *now += i64::from(ms);
            // Time passes through every deadline on the way, as the alarm would.
            while let Some(due) = router.next_deadline().filter(|due| *due <= *now) {
                let effects = router.handle_timeout(due.max(t));
                check_invariants(router, &effects)?;
            }
            Ok(Vec::new())
        }
    };
    check_invariants(router, &result.unwrap_or_default())
}

/// Whether `agent` could be offered `routed` right now by the rules.
fn could_take(router: &Router, agent: &AgentState, routed: &Routed) -> bool {
    let Stage::Waiting { passed, .. } = &routed.stage else { return false };
    let needs: Vec<&Skill> = router.needs(routed).collect();
    let target_online = routed
        .target
        .as_ref()
        .and_then(|t| router.agent(t))
        .is_some_and(|t| t.presence == Presence::Online && t.leaving_at.is_none());
    agent.presence == Presence::Online
        && agent.leaving_at.is_none()
        && router.load(&agent.id) < agent.capacity
        && needs.iter().all(|skill| agent.skills.contains(*skill))
        && !passed.contains(&agent.id)
        && (!target_online || routed.target.as_ref() == Some(&agent.id))
}

fn check_invariants(router: &Router, effects: &[Effect]) -> Result<(), TestCaseError> {
    for agent in router.agents() {
        let load = router.load(&agent.id);
        prop_assert!(load <= agent.capacity, "agent {} holds {load} > capacity {}", agent.id, agent.capacity);
        if agent.presence == Presence::Offline {
            prop_assert_eq!(load, 0, "offline agent {} holds conversations", agent.id);
        }
    }
    // Work-conserving: nothing waits that an agent with room could be offered.
    for routed in router.conversations() {
        for agent in router.agents() {
            prop_assert!(
                !could_take(router, agent, routed),
                "{} waits while {} could take it",
                routed.id,
                agent.id
            );
        }
    }
    // Oldest first: an agent offered a conversation could not have taken an older waiting one.
    for (offered, agent) in offers(effects) {
        let Some(ticket) = router.routed(&offered).map(|r| r.ticket) else { continue };
        let Some(state) = router.agent(&agent) else { continue };
        for older in router.conversations().filter(|r| r.ticket < ticket) {
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
        let has_seat = |router: &Router, agent: &AgentState| {
            let assigned = router
                .conversations()
                .filter(|r| matches!(&r.stage, Stage::Assigned { agent: held, .. } if *held == agent.id))
                .count() as u32;
            assigned < agent.capacity
        };
        let mut owed: BTreeSet<ConversationId> = router
            .conversations()
            .filter(|routed| matches!(routed.stage, Stage::Waiting { .. }))
            .filter(|routed| {
                let target = routed.target.as_ref().filter(|t| router.agent(t).is_some_and(stays_online));
                router.agents().filter(|a| stays_online(a) && target.is_none_or(|t| *t == a.id)).any(|agent| {
                    let needs: Vec<&Skill> = router.needs(routed).collect();
                    has_seat(&router, agent) && needs.iter().all(|skill| agent.skills.contains(*skill))
                })
            })
            .map(|routed| routed.id.clone())
            .collect();
        // Nobody accepts anything; only time passes.
        for _ in 0..200 {
            if owed.is_empty() {
                break;
            }
            let Some(due) = router.next_deadline() else { break };
            now = now.max(due);
            for (offered, _) in offers(&router.handle_timeout(now)) {
                owed.remove(&offered);
            }
        }
        // What was never offered has nobody left online to take it (agents who let offers
        // lapse are set away).
        for id in owed {
            let routed = router.routed(&id).unwrap();
            let needs: Vec<&Skill> = router.needs(routed).collect();
            let taker = router.agents().find(|agent| {
                stays_online(agent) && has_seat(&router, agent) && needs.iter().all(|skill| agent.skills.contains(*skill))
            });
            prop_assert!(taker.is_none(), "{id} never offered while {:?} is online", taker.map(|a| &a.id));
        }
    }
}
