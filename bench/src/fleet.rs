//! Scenarios with many conversations: (c) pairs chatting at a steady rate, (d) a thousand
//! idle visitors beside a hundred active ones (what idle sockets cost the runtime), and (e)
//! a connect storm.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::outcome::Outcome;
use crate::runtime::workerd_rss_mib;
use crate::stats::Samples;
use crate::targets::{Clock, Incoming, Outgoing, Target};

/// Scenario (c): `pairs` conversations, both sides sending `per_second` messages for
/// `duration`; latency is measured at the other side.
pub(crate) async fn pairs(
    target: &Target,
    clock: Clock,
    pairs: usize,
    per_second: u32,
    duration: Duration,
) -> Result<Outcome> {
    let (samples, confirmed, lost, duplicated, seconds) =
        chat(target, clock, pairs, per_second, duration, 100).await?;
    let mut outcome = Outcome::new("c-many-pairs", target.kind, samples, confirmed, seconds);
    outcome.lost = lost;
    outcome.duplicated = duplicated;
    outcome.note =
        format!("{pairs} conversations × 2 clients × {per_second} msg/s, {} s", duration.as_secs());
    Ok(outcome)
}

/// Scenario (d): `idle` visitors connected and silent while `active` conversations chat at
/// one message a second each; `rss` reads the runtime's memory.
pub(crate) async fn idle_fleet(
    target: &Target,
    clock: Clock,
    idle: usize,
    active: usize,
    duration: Duration,
) -> Result<Outcome> {
    let rss = || workerd_rss_mib(target.group);
    let before = rss();
    let mut sockets = Vec::with_capacity(idle);
    for n in 0..idle {
        let room = target.room(10_000 + n).await?;
        sockets.push(target.connect(&room, false).await?);
    }
    let with_idle = rss();
    let (samples, confirmed, lost, duplicated, seconds) =
        chat(target, clock, active, 1, duration, 20_000).await?;
    let after = rss();
    let mut outcome = Outcome::new("d-idle-fleet", target.kind, samples, confirmed, seconds);
    outcome.lost = lost;
    outcome.duplicated = duplicated;
    outcome.rss_mib = after;
    let mib = |v: Option<f64>| v.map_or("?".to_string(), |v| format!("{v:.0}"));
    outcome.note = format!(
        "{idle} idle visitors + {active} active conversations at 1 msg/s; workerd RSS {} MiB before, {} with idle sockets, {} after",
        mib(before),
        mib(with_idle),
        mib(after)
    );
    drop(sockets);
    Ok(outcome)
}

/// Scenario (e): `count` clients connecting within `window`; the latency is the connect time
/// (for Switchboard: session request, WebSocket handshake and the end of the replay).
pub(crate) async fn connect_storm(target: &Target, count: usize, window: Duration) -> Result<Outcome> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..count {
        let target = target.clone();
        let start_at = started + window.mul_f64(n as f64 / count as f64);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(start_at.into()).await;
            let begun = Instant::now();
            let room = target.room(30_000 + n).await?;
            let client = target.connect(&room, false).await?;
            anyhow::Ok((begun.elapsed(), client))
        }));
    }
    let mut samples = Samples::default();
    let mut clients = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        match task.await? {
            Ok((took, client)) => {
                samples.push(took.as_micros() as u64);
                clients.push(client);
            }
            Err(error) => failures.push(format!("{error:#}")),
        }
    }
    let failed = failures.len();
    let seconds = started.elapsed().as_secs_f64();
    let mut outcome = Outcome::new("e-connect-storm", target.kind, samples, clients.len(), seconds);
    outcome.lost = failed;
    outcome.note = format!(
        "{count} connections within {} s; latency = time to connected and caught up",
        window.as_secs()
    );
    if let Some(first) = failures.first() {
        outcome.note.push_str(&format!("; {failed} failed, the first with: {first}"));
    }
    Ok(outcome)
}

/// `conversations` pairs chatting; returns (latency samples, confirmed, lost, duplicated, seconds).
async fn chat(
    target: &Target,
    clock: Clock,
    conversations: usize,
    per_second: u32,
    duration: Duration,
    room_base: usize,
) -> Result<(Samples, usize, usize, usize, f64)> {
    // Everyone connects before anyone talks: a message sent before its receiver is there
    // would count as lost (the bench client skips replayed history).
    let mut clients = Vec::new();
    for c in 0..conversations {
        let room = target.room(room_base + c).await?;
        for side in 0..2 {
            clients.push((format!("p{c}-{side}-"), target.connect(&room, side == 1).await?.split()));
        }
    }
    let started = Instant::now();
    let deadline = started + duration;
    // Clients send at evenly spread phases of the period, as independent people would, not
    // all at the same instant.
    let period = Duration::from_secs(1) / per_second.max(1);
    let count = clients.len().max(1) as u32;
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(n, (prefix, (out, incoming)))| {
            let first = started + period * n as u32 / count;
            tokio::spawn(talk(prefix, out, incoming, clock, (first, period), deadline))
        })
        .collect();
    let mut samples = Samples::default();
    let (mut confirmed, mut lost, mut duplicated) = (0, 0, 0);
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await??);
    }
    // Pairs are adjacent: what one side confirmed, the other must have seen.
    for pair in results.chunks(2) {
        if let [a, b] = pair {
            lost += a.confirmed.iter().filter(|id| !b.seen.contains(*id)).count();
            lost += b.confirmed.iter().filter(|id| !a.seen.contains(*id)).count();
        }
    }
    for result in results {
        confirmed += result.confirmed.len();
        duplicated += result.duplicated;
        samples.extend(result.samples);
    }
    Ok((samples, confirmed, lost, duplicated, started.elapsed().as_secs_f64()))
}

struct Talked {
    confirmed: Vec<String>,
    seen: HashSet<String>,
    duplicated: usize,
    samples: Samples,
}

/// How long a client keeps reading after its last send once nothing more arrives: what is
/// still missing then counts as lost. Under overload the relay may be seconds behind, still
/// delivering, so the wait restarts with every frame (up to [`DRAIN_LIMIT`]): late messages
/// show as latency, not as losses.
const QUIET: Duration = Duration::from_secs(3);

/// The longest drain after the last send.
const DRAIN_LIMIT: Duration = Duration::from_secs(60);

/// One client: sends at a steady rate until `deadline`, reading all the while, then reads
/// until the connection has been quiet for [`QUIET`], so the last messages can arrive.
async fn talk(
    prefix: String,
    mut out: Outgoing,
    mut incoming: Incoming,
    clock: Clock,
    (first, period): (Instant, Duration),
    deadline: Instant,
) -> Result<Talked> {
    let mut tick = tokio::time::interval_at(first.into(), period);
    let mut grace_end = deadline + QUIET;
    let mut talked =
        Talked { confirmed: Vec::new(), seen: HashSet::new(), duplicated: 0, samples: Samples::default() };
    let mut next = 0usize;
    loop {
        tokio::select! {
            _ = tick.tick(), if Instant::now() < deadline => {
                out.send(&format!("{prefix}{next}"), clock.micros()).await?;
                next += 1;
            }
            received = incoming.next() => {
                let Some(received) = received? else { break };
                if Instant::now() >= deadline {
                    grace_end = (Instant::now() + QUIET).min(deadline + DRAIN_LIMIT);
                }
                if received.id.starts_with(&prefix) {
                    talked.confirmed.push(received.id);
                } else {
                    talked.samples.push(clock.micros().saturating_sub(received.sent_at));
                    if !talked.seen.insert(received.id) {
                        talked.duplicated += 1;
                    }
                }
            }
            _ = tokio::time::sleep_until(grace_end.into()) => break,
        }
    }
    out.close().await;
    Ok(talked)
}
