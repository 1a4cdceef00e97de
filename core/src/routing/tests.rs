//! Routing scenarios, one rule at a time (the same rules over random runs are in
//! `tests_properties.rs`).

use std::collections::BTreeSet;

use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::sqlite::MemorySql;
use super::*;

pub(super) type TestRouter = Router<MemorySql>;

pub(super) fn agent(n: u8) -> AgentId {
    AgentId::from_random([n; 16])
}

pub(super) fn conversation(n: u8) -> ConversationId {
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

pub(super) fn skills(names: &[&str]) -> BTreeSet<Skill> {
    names.iter().map(|s| s.to_string()).collect()
}

fn support() -> QueueId {
    QueueId::parse("support").unwrap()
}

pub(super) fn offers(effects: &[Effect]) -> Vec<(ConversationId, AgentId)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Offered { conversation, agent, .. } => Some((conversation.clone(), agent.clone())),
            _ => None,
        })
        .collect()
}

fn queues() -> Vec<QueueConfig> {
    vec![queue("support", &[], Policy::RoundRobin), queue("billing", &["billing"], Policy::LeastBusy)]
}

/// A router on a fresh in-memory SQLite.
pub(super) fn router() -> TestRouter {
    Router::open(MemorySql::with_routing_tables().unwrap(), queues(), 10_000, 0).unwrap().0
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
    let effects = router.agent_connected(&agent(1), 2, skills(&[]), 10).unwrap();
    assert_eq!(offers(&effects), vec![(conversation(1), agent(1))]);
    assert_eq!(router.accept(&conversation(1), &agent(2), 20), Err(RoutingError::NotOffered));
    let effects = router.accept(&conversation(1), &agent(1), 20).unwrap();
    assert!(effects.contains(&Effect::Assigned { conversation: conversation(1), agent: agent(1) }));
    // The agent owes a first reply within 5 s of taking it; replying clears the debt.
    assert_eq!(router.next_deadline(), Ok(Some(5_020)));
    router.agent_replied(&conversation(1)).unwrap();
    assert_eq!(router.next_deadline(), Ok(None));
}

#[test]
fn an_agent_who_writes_while_the_bot_holds_a_conversation_takes_it_over() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&[]), 0).unwrap();
    let effects = router.take_over(&conversation(1), &support(), &agent(1), 10).unwrap();
    // Straight to the agent, without ringing an offer, and nothing owed: they just answered.
    assert_eq!(effects, vec![Effect::Assigned { conversation: conversation(1), agent: agent(1) }]);
    assert_eq!(router.next_deadline(), Ok(None));
    // At capacity, the next one waits in the queue for them instead.
    let effects = router.take_over(&conversation(2), &support(), &agent(1), 20).unwrap();
    assert!(!effects.iter().any(|e| matches!(e, Effect::Assigned { .. })), "{effects:?}");
    assert_eq!(router.routed(&conversation(2)).unwrap().and_then(|r| r.target), Some(agent(1)));
}

#[test]
fn an_offer_that_lapses_goes_to_the_next_agent_then_around_again() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&[]), 0).unwrap();
    router.agent_connected(&agent(2), 1, skills(&[]), 0).unwrap();
    let first = offers(&router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap());
    assert_eq!(first, vec![(conversation(1), agent(1))]);
    let effects = router.handle_timeout(1_000).unwrap();
    assert!(effects.contains(&Effect::Released {
        conversation: conversation(1),
        agent: agent(1),
        reason: Release::OfferExpired
    }));
    assert_eq!(offers(&effects), vec![(conversation(1), agent(2))]);
    router.decline(&conversation(1), &agent(2), 1_500).unwrap();
    // Both passed: it waits one offer timeout, then starts over with the first agent.
    assert_eq!(router.next_deadline(), Ok(Some(2_500)));
    assert_eq!(offers(&router.handle_timeout(2_500).unwrap()), vec![(conversation(1), agent(1))]);
    // Agent 1 let two offers in a row lapse: it is not at its desk, so it is set away.
    let effects = router.handle_timeout(3_500).unwrap();
    assert!(effects.contains(&Effect::PresenceChanged { agent: agent(1), presence: Presence::Away }));
    assert_eq!(offers(&effects), vec![(conversation(1), agent(2))]);
}

#[test]
fn skills_decide_who_may_take_a_conversation() {
    let mut router = router();
    router.agent_connected(&agent(1), 5, skills(&[]), 0).unwrap();
    let billing = QueueId::parse("billing").unwrap();
    let effects = router.enqueue(&conversation(1), &billing, skills(&["de"]), None, 0).unwrap();
    assert!(offers(&effects).is_empty());
    assert_eq!(
        router.take(&conversation(1), &agent(1), 1),
        Err(RoutingError::MissingSkill("billing".into()))
    );
    router.agent_connected(&agent(2), 5, skills(&["billing"]), 2).unwrap();
    assert_eq!(router.position(&conversation(1)).unwrap().map(|(place, _)| place), Some(1));
    let effects = router.agent_connected(&agent(3), 5, skills(&["billing", "de"]), 3).unwrap();
    assert_eq!(offers(&effects), vec![(conversation(1), agent(3))]);
}

#[test]
fn a_departing_agent_keeps_its_conversations_through_a_reload_but_not_longer() {
    let mut router = router();
    router.agent_connected(&agent(1), 2, skills(&[]), 0).unwrap();
    router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap();
    router.accept(&conversation(1), &agent(1), 1).unwrap();
    router.agent_replied(&conversation(1)).unwrap();
    router.agent_disconnected(&agent(1), 100).unwrap();
    router.agent_connected(&agent(1), 2, skills(&[]), 5_000).unwrap();
    assert!(router.handle_timeout(20_000).unwrap().is_empty());
    router.agent_disconnected(&agent(1), 20_000).unwrap();
    let effects = router.handle_timeout(30_000).unwrap();
    assert!(effects.contains(&Effect::PresenceChanged { agent: agent(1), presence: Presence::Offline }));
    assert!(effects.contains(&Effect::Released {
        conversation: conversation(1),
        agent: agent(1),
        reason: Release::AgentOffline
    }));
    assert_eq!(router.position(&conversation(1)).unwrap().map(|(place, _)| place), Some(1));
}

#[test]
fn a_silent_agent_past_the_response_target_loses_the_conversation() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&[]), 0).unwrap();
    router.agent_connected(&agent(2), 1, skills(&[]), 0).unwrap();
    router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap();
    router.accept(&conversation(1), &agent(1), 10).unwrap();
    router.agent_replied(&conversation(1)).unwrap();
    router.visitor_wrote(&conversation(1), 100).unwrap();
    let effects = router.handle_timeout(3_100).unwrap();
    assert!(effects.contains(&Effect::SlaBreached {
        conversation: conversation(1),
        agent: agent(1),
        kind: SlaKind::NextResponse
    }));
    assert_eq!(offers(&effects), vec![(conversation(1), agent(2))]);
}

#[test]
fn response_targets_count_only_business_hours() {
    use crate::flow::hours::tests::ChronoZones;
    // Open 09:00-17:00 UTC on Mondays only; Monday 2026-12-07 16:59:59 the visitor writes.
    let hours = crate::flow::BusinessHours {
        time_zone: "UTC".into(),
        mon: vec!["09:00-17:00".into()],
        ..Default::default()
    };
    let monday_close = 1_796_662_800_000; // 2026-12-07T17:00:00Z
    let next_monday_open = monday_close + 7 * 86_400_000 - 8 * 3_600_000;
    let mut router = router();
    router.set_hours(Some(&hours), &ChronoZones);
    router.agent_connected(&agent(1), 1, skills(&[]), 0).unwrap();
    router.agent_connected(&agent(2), 1, skills(&[]), 0).unwrap();
    router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap();
    router.accept(&conversation(1), &agent(1), 10).unwrap();
    router.agent_replied(&conversation(1)).unwrap();
    router.visitor_wrote(&conversation(1), monday_close - 1_000).unwrap();
    // One second of the three-second target passes before closing; the rest after opening.
    let quiet = router.handle_timeout(monday_close + 3_600_000).unwrap();
    assert!(!quiet.iter().any(|e| matches!(e, Effect::SlaBreached { .. })), "{quiet:?}");
    assert_eq!(router.next_deadline().unwrap(), Some(next_monday_open + 2_000));
    let effects = router.handle_timeout(next_monday_open + 2_000).unwrap();
    assert!(effects.iter().any(|e| matches!(e, Effect::SlaBreached { kind: SlaKind::NextResponse, .. })));
}

#[test]
fn transfers_take_and_targets() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&[]), 0).unwrap();
    router.agent_connected(&agent(2), 1, skills(&[]), 0).unwrap();
    router.enqueue(&conversation(1), &support(), skills(&[]), Some(agent(2)), 0).unwrap();
    assert_eq!(router.routed(&conversation(1)).unwrap().unwrap().agent(), Some(&agent(2)));
    router.accept(&conversation(1), &agent(2), 1).unwrap();
    assert_eq!(router.take(&conversation(1), &agent(1), 2), Err(RoutingError::TakenByOther));
    let effects = router.transfer_to_agent(&conversation(1), &agent(1), 3).unwrap();
    assert!(effects.contains(&Effect::Assigned { conversation: conversation(1), agent: agent(1) }));
    // Agent 2 has room again, so the next conversation is offered to it.
    let effects = router.enqueue(&conversation(2), &support(), skills(&[]), None, 4).unwrap();
    assert_eq!(offers(&effects), vec![(conversation(2), agent(2))]);
    assert_eq!(router.transfer_to_agent(&conversation(2), &agent(1), 5), Err(RoutingError::AtCapacity(1)));
    // Closing the first frees agent 1, who can then be given the second.
    router.close(&conversation(1), 6).unwrap();
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
    router.agent_connected(&agent(1), 5, skills(&["billing"]), 0).unwrap();
    router.enqueue(&conversation(1), &billing, skills(&[]), None, 1).unwrap();
    router.accept(&conversation(1), &agent(1), 2).unwrap();
    router.agent_connected(&agent(2), 5, skills(&["billing"]), 3).unwrap();
    let effects = router.enqueue(&conversation(2), &billing, skills(&[]), None, 4).unwrap();
    assert_eq!(offers(&effects), vec![(conversation(2), agent(2))]);
}

#[test]
fn a_router_opened_again_on_its_storage_finds_everything() {
    let sql = MemorySql::with_routing_tables().unwrap();
    let (mut router, _) = Router::open(sql.clone(), queues(), 10_000, 0).unwrap();
    router.agent_connected(&agent(1), 1, skills(&["billing"]), 0).unwrap();
    router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap();
    router.enqueue(&conversation(2), &support(), skills(&[]), None, 0).unwrap();
    let (again, effects) = Router::open(sql, queues(), 10_000, 1).unwrap();
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(again.conversations().unwrap(), router.conversations().unwrap());
    assert_eq!(again.agents().unwrap(), router.agents().unwrap());
    assert_eq!(again.next_deadline(), Ok(Some(1_000)));
    assert_eq!(again.position(&conversation(2)).unwrap().map(|(place, _)| place), Some(1));
}

#[test]
fn a_queue_removed_from_config_hands_its_conversations_to_the_first_left() {
    let mut router = router();
    let billing = QueueId::parse("billing").unwrap();
    router.enqueue(&conversation(1), &billing, skills(&[]), None, 0).unwrap();
    router.set_queues(vec![queue("support", &[], Policy::RoundRobin)], 1).unwrap();
    assert_eq!(router.routed(&conversation(1)).unwrap().unwrap().queue, support());
    let effects = router.agent_connected(&agent(1), 1, skills(&[]), 2).unwrap();
    assert_eq!(offers(&effects), vec![(conversation(1), agent(1))]);
}

#[test]
fn a_declined_conversation_comes_back_to_its_only_agent_though_newer_ones_keep_it_busy() {
    let mut router = router();
    router.agent_connected(&agent(1), 1, skills(&[]), 0).unwrap();
    router.enqueue(&conversation(1), &support(), skills(&[]), None, 0).unwrap();
    router.decline(&conversation(1), &agent(1), 10).unwrap();
    // A newer one takes the agent's only seat until long after the offer timeout.
    let effects = router.enqueue(&conversation(2), &support(), skills(&[]), None, 20).unwrap();
    assert_eq!(offers(&effects), vec![(conversation(2), agent(1))]);
    router.accept(&conversation(2), &agent(1), 30).unwrap();
    while let Some(due) = router.next_deadline().unwrap().filter(|due| *due <= 5_000) {
        router.handle_timeout(due).unwrap();
    }
    // The seat frees: the declined one, waiting longest, is offered again.
    let effects = router.close(&conversation(2), 5_000).unwrap();
    assert_eq!(offers(&effects), vec![(conversation(1), agent(1))]);
}
