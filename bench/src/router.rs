//! Routing at scale, in core alone (no workerd): one queue already holding 1,000, 10,000 or
//! 100,000 waiting conversations, then cycles of release → offer → accept → a new arrival,
//! timed per cycle for the router's own work, and again with what the edge does today after
//! every routing event — serialising the whole router to store it as one JSON row
//! (`edge/src/objects/site/routing.rs`). Issue 22 asks both to stay flat within 3× from 1k to
//! 100k. Reported, never enforced.

use std::collections::BTreeSet;
use std::time::Instant;

use serde::Serialize;
use switchboard_core::routing::{Policy, QueueConfig, Router, Sla};
use switchboard_protocol::{AgentId, ConversationId, QueueId};

/// One size's figures.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    /// Conversations waiting throughout.
    pub waiting: usize,
    /// Filling the queue, ms (each arrival one `enqueue`).
    pub fill_ms: f64,
    /// One cycle of the router's own work, µs.
    pub core_us: f64,
    /// The same cycle with the router stored after each event as today, µs.
    pub stored_us: f64,
    /// Effects one cycle produces (queue positions told to every waiting conversation).
    pub effects_per_cycle: usize,
    /// The stored router's size, bytes (a Durable Object value is at most 2 MB).
    pub stored_bytes: usize,
}

fn id(n: u64) -> ConversationId {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&n.to_le_bytes());
    ConversationId::from_random(bytes)
}

/// Runs every size.
pub(crate) fn run(sizes: &[usize]) -> Vec<Row> {
    sizes
        .iter()
        .map(|&n| {
            let row = one(n);
            eprintln!("bench: router with {n} waiting: {row:?}");
            row
        })
        .collect()
}

fn one(waiting: usize) -> Row {
    let queue = QueueId::parse("support").unwrap_or_else(|_| unreachable!("a valid queue id"));
    let config = QueueConfig {
        id: queue.clone(),
        skills: BTreeSet::new(),
        policy: Policy::default(),
        offer_timeout_ms: 60_000,
        sla: Sla { first_response_ms: None, next_response_ms: None },
    };
    let mut router = Router::new(vec![config], 60_000);
    let mut now = 1_000_000;
    let started = Instant::now();
    for n in 0..waiting as u64 {
        let _ = router.enqueue(&id(n), &queue, BTreeSet::new(), None, now);
        now += 1;
    }
    let fill_ms = started.elapsed().as_secs_f64() * 1_000.0;
    let agent = AgentId::from_random([7; 16]);
    let _ = router.agent_connected(&agent, 1, BTreeSet::new(), now);
    let mut next = waiting as u64;
    let mut held = id(0);
    let _ = router.accept(&held, &agent, now);
    let cycles = (2_000_000 / waiting.max(1)).clamp(5, 200);
    let mut effects = 0;
    let mut cycle = |router: &mut Router, store: bool| {
        now += 10;
        let mut stored = 0;
        let mut made = router.close(&held, now);
        if store {
            stored = serde_json::to_string(&*router).map(|s| s.len()).unwrap_or_default();
        }
        let offered = made.iter().find_map(|effect| match effect {
            switchboard_core::routing::Effect::Offered { conversation, .. } => Some(conversation.clone()),
            _ => None,
        });
        if let Some(offered) = offered {
            made.extend(router.accept(&offered, &agent, now).unwrap_or_default());
            held = offered;
        }
        if store {
            stored = serde_json::to_string(&*router).map(|s| s.len()).unwrap_or_default();
        }
        made.extend(router.enqueue(&id(next), &queue, BTreeSet::new(), None, now).unwrap_or_default());
        next += 1;
        if store {
            stored = serde_json::to_string(&*router).map(|s| s.len()).unwrap_or_default();
        }
        (made.len(), stored)
    };
    let timed =
        |router: &mut Router, store: bool, cycle: &mut dyn FnMut(&mut Router, bool) -> (usize, usize)| {
            let started = Instant::now();
            let mut last = (0, 0);
            for _ in 0..cycles {
                last = cycle(router, store);
            }
            (started.elapsed().as_secs_f64() * 1e6 / cycles as f64, last)
        };
    let (core_us, (made, _)) = timed(&mut router, false, &mut cycle);
    effects += made;
    let (stored_us, (_, stored_bytes)) = timed(&mut router, true, &mut cycle);
    Row { waiting, fill_ms, core_us, stored_us, effects_per_cycle: effects, stored_bytes }
}
