//! Routing at scale, in core alone (no workerd): one queue already holding 1,000, 10,000 or
//! 100,000 waiting conversations, then cycles of release (the agent resolves one, which offers
//! it the next) → accept → a new arrival, each command timed on its own. The router works on
//! an in-memory SQLite through the same tables and statements a Durable Object runs, so the
//! figures include its storage. Issue 22 asks each to stay flat within 3× from 1k to 100k.
//! Reported, never enforced.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::Serialize;
use switchboard_core::routing::sqlite::MemorySql;
use switchboard_core::routing::{Effect, Policy, QueueConfig, Router, Sla};
use switchboard_protocol::{AgentId, ConversationId, QueueId};

/// One size's figures.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    /// Conversations waiting throughout.
    pub waiting: usize,
    /// Filling the queue, ms (each arrival one `enqueue`).
    pub fill_ms: f64,
    /// A new arrival joining the back of the queue, µs.
    pub enqueue_us: f64,
    /// The agent resolving its conversation, which offers it the next one, µs.
    pub release_and_offer_us: f64,
    /// The agent accepting the offer, µs.
    pub accept_us: f64,
    /// Effects one cycle produces (the head's new places, the offer, the assignment).
    pub effects_per_cycle: usize,
}

fn id(n: u64) -> ConversationId {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&n.to_be_bytes());
    ConversationId::from_random(bytes)
}

/// Runs every size.
pub(crate) fn run(sizes: &[usize]) -> Vec<Row> {
    sizes
        .iter()
        .filter_map(|&n| match one(n) {
            Ok(row) => {
                eprintln!("bench: router with {n} waiting: {row:?}");
                Some(row)
            }
            Err(error) => {
                eprintln!("bench: router with {n} waiting failed: {error}");
                None
            }
        })
        .collect()
}

fn one(waiting: usize) -> Result<Row, String> {
    let fail = |e: switchboard_core::routing::RoutingError| e.to_string();
    let queue = QueueId::parse("support").map_err(|e| e.to_string())?;
    let config = QueueConfig {
        id: queue.clone(),
        skills: BTreeSet::new(),
        policy: Policy::default(),
        offer_timeout_ms: 60_000,
        sla: Sla { first_response_ms: None, next_response_ms: None },
    };
    let (mut router, _) =
        Router::open(MemorySql::with_routing_tables()?, vec![config], 60_000, 0).map_err(fail)?;
    let mut now = 1_000_000;
    let started = Instant::now();
    for n in 0..waiting as u64 {
        router.enqueue(&id(n), &queue, BTreeSet::new(), None, now).map_err(fail)?;
        now += 1;
    }
    let fill_ms = started.elapsed().as_secs_f64() * 1_000.0;
    let agent = AgentId::from_random([7; 16]);
    router.agent_connected(&agent, 1, BTreeSet::new(), now).map_err(fail)?;
    let mut held = id(0);
    router.accept(&held, &agent, now).map_err(fail)?;
    let cycles: u32 = 2_000;
    let (mut enqueue, mut release, mut accept) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut effects = 0;
    for next in waiting as u64..waiting as u64 + u64::from(cycles) {
        now += 10;
        let started = Instant::now();
        let made = router.close(&held, now).map_err(fail)?;
        release += started.elapsed();
        let offered = made.iter().find_map(|effect| match effect {
            Effect::Offered { conversation, .. } => Some(conversation.clone()),
            _ => None,
        });
        let offered = offered.ok_or("no offer after a release")?;
        let started = Instant::now();
        let accepted = router.accept(&offered, &agent, now).map_err(fail)?;
        accept += started.elapsed();
        held = offered;
        let started = Instant::now();
        let arrived = router.enqueue(&id(next), &queue, BTreeSet::new(), None, now).map_err(fail)?;
        enqueue += started.elapsed();
        effects = made.len() + accepted.len() + arrived.len();
    }
    let per = |total: Duration| total.as_secs_f64() * 1e6 / f64::from(cycles);
    Ok(Row {
        waiting,
        fill_ms,
        enqueue_us: per(enqueue),
        release_and_offer_us: per(release),
        accept_us: per(accept),
        effects_per_cycle: effects,
    })
}
