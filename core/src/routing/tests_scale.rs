//! Routing at a large site's scale, on the same SQLite tables the edge uses: twenty thousand
//! conversations wait, and agents working through them are still offered them strictly in
//! the order they arrived, each step reading a handful of rows.

use std::collections::BTreeSet;

use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::sqlite::MemorySql;
use super::*;

fn id(n: u64) -> ConversationId {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&n.to_be_bytes());
    ConversationId::from_random(bytes)
}

#[test]
fn twenty_thousand_waiting_conversations_are_offered_in_the_order_they_came() {
    const WAITING: u64 = 20_000;
    let queue = QueueConfig {
        id: QueueId::parse("support").unwrap(),
        skills: BTreeSet::new(),
        policy: Policy::RoundRobin,
        offer_timeout_ms: 30_000,
        sla: Sla::default(),
    };
    let support = queue.id.clone();
    let (mut router, _) =
        Router::open(MemorySql::with_routing_tables().unwrap(), vec![queue], 60_000, 0).unwrap();
    let mut now = 1_000;
    for n in 0..WAITING {
        let effects = router.enqueue(&id(n), &support, BTreeSet::new(), None, now).unwrap();
        // Only the newcomer hears its place (the last), nobody else: the head did not move.
        let told: Vec<u32> = effects
            .iter()
            .filter_map(|e| if let Effect::Waiting { position, .. } = e { Some(*position) } else { None })
            .collect();
        assert_eq!(told, [n as u32 + 1]);
        now += 1;
    }
    assert_eq!(router.position(&id(WAITING - 1)).unwrap().map(|(place, _)| place), Some(WAITING as u32));
    // Five agents, two seats each, work through the whole queue: accept, answer, resolve.
    let agents: Vec<AgentId> = (1..=5u8).map(|n| AgentId::from_random([n; 16])).collect();
    let mut offered: Vec<(ConversationId, AgentId)> = Vec::new();
    let take = |effects: Vec<Effect>, offered: &mut Vec<(ConversationId, AgentId)>| {
        offered.extend(effects.into_iter().filter_map(|e| match e {
            Effect::Offered { conversation, agent, .. } => Some((conversation, agent)),
            _ => None,
        }));
    };
    for agent in &agents {
        take(router.agent_connected(agent, 2, BTreeSet::new(), now).unwrap(), &mut offered);
    }
    let mut next = 0u64;
    let mut cursor = 0;
    while cursor < offered.len() {
        let (conversation, agent) = offered[cursor].clone();
        cursor += 1;
        assert_eq!(conversation, id(next), "offers go out oldest first");
        next += 1;
        now += 10;
        take(router.accept(&conversation, &agent, now).unwrap(), &mut offered);
        take(router.agent_replied(&conversation).unwrap(), &mut offered);
        take(router.close(&conversation, now).unwrap(), &mut offered);
    }
    assert_eq!(next, WAITING, "every conversation was offered");
    assert!(router.conversations().unwrap().is_empty());
}
