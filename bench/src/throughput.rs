//! Scenario (b): one conversation, several senders each keeping a few messages in flight,
//! several receivers: sustained throughput, latency at the receivers, and stalls (messages
//! slower than 50 ms). A message counts as confirmed when it comes back to its sender.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::sync::watch;

use crate::outcome::Outcome;
use crate::stall_shape::{self, Delivery};
use crate::stats::Samples;
use crate::targets::{Clock, Incoming, Target};

/// The load's shape.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    /// Sending clients (visitor tabs on Switchboard).
    pub senders: usize,
    /// Receiving clients (agent tabs on Switchboard).
    pub receivers: usize,
    /// Messages each sender keeps unconfirmed at most.
    pub in_flight: usize,
    /// How long senders send.
    pub duration: Duration,
}

/// Runs the load against `target`.
pub(crate) async fn run(target: &Target, clock: Clock, shape: Shape) -> Result<Outcome> {
    let room = target.room(1).await?;
    // Senders (visitors) first: a Switchboard conversation exists once its visitor is there.
    let mut sending = Vec::new();
    for _ in 0..shape.senders {
        sending.push(target.connect(&room, false).await?.split());
    }
    let (stop, stopped) = watch::channel(false);
    let mut receivers = Vec::new();
    let mut seen_counts = Vec::new();
    for r in 0..shape.receivers {
        let (_out, incoming) = target.connect(&room, true).await?.split();
        let seen = Arc::new(AtomicUsize::new(0));
        seen_counts.push(Arc::clone(&seen));
        // The first receiver also keeps who sent what when, for the stall's shape.
        receivers.push(tokio::spawn(receive(incoming, clock, seen, stopped.clone(), r == 0)));
    }
    let deadline = Instant::now() + shape.duration;
    let started = Instant::now();
    let mut senders = Vec::new();
    for (s, (out, incoming)) in sending.into_iter().enumerate() {
        senders.push(tokio::spawn(send(s, out, incoming, clock, shape.in_flight, deadline)));
    }
    let mut confirmed = HashSet::new();
    let mut echoes = Samples::default();
    for sender in senders {
        let (ids, samples) = sender.await??;
        confirmed.extend(ids);
        echoes.extend(samples);
    }
    let seconds = started.elapsed().as_secs_f64();
    // Let the receivers catch up (bounded), then stop them.
    let drain = Instant::now();
    while drain.elapsed() < Duration::from_secs(10)
        && seen_counts.iter().any(|seen| seen.load(Ordering::Relaxed) < confirmed.len())
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(true);
    let mut samples = Samples::default();
    let (mut lost, mut duplicated) = (0, 0);
    let mut deliveries = Vec::new();
    for receiver in receivers {
        let received = receiver.await?;
        samples.extend(received.samples);
        duplicated += received.duplicates;
        lost += confirmed.iter().filter(|id| !received.ids.contains(*id)).count();
        deliveries.extend(received.deliveries);
    }
    let mut outcome = Outcome::new("b-throughput", target.kind, samples, confirmed.len(), seconds);
    outcome.lost = lost;
    outcome.duplicated = duplicated;
    let echo = echoes.latency();
    outcome.note = format!(
        "{} senders × {} in flight → {} receivers, one conversation, {} s; back at the sender: p50 {:.3} ms, p99 {:.3} ms, max {:.1} ms",
        shape.senders,
        shape.in_flight,
        shape.receivers,
        shape.duration.as_secs(),
        echo.p50_ms,
        echo.p99_ms,
        echo.max_ms
    );
    if let Some(stall) = stall_shape::worst(&deliveries, (crate::stats::STALL_MS * 1000.0) as u64) {
        outcome.note.push_str(&format!("; at the first receiver, the {stall}"));
    }
    Ok(outcome)
}

/// One sender: keeps `in_flight` messages unconfirmed until the deadline, then waits for the
/// rest. Returns the ids confirmed and how long each took to come back to its sender.
async fn send(
    sender: usize,
    mut out: crate::targets::Outgoing,
    mut incoming: Incoming,
    clock: Clock,
    in_flight: usize,
    deadline: Instant,
) -> Result<(Vec<String>, Samples)> {
    let prefix = format!("s{sender}-");
    let mut outstanding = HashSet::new();
    let mut confirmed = Vec::new();
    let mut echoes = Samples::default();
    let mut next = 0usize;
    loop {
        while Instant::now() < deadline && outstanding.len() < in_flight {
            let id = format!("{prefix}{next}");
            next += 1;
            out.send(&id, clock.micros()).await?;
            outstanding.insert(id);
        }
        if outstanding.is_empty() {
            break;
        }
        match tokio::time::timeout(Duration::from_secs(10), incoming.next()).await {
            Ok(Ok(Some(received))) => {
                if outstanding.remove(&received.id) {
                    echoes.push(clock.micros().saturating_sub(received.sent_at));
                    confirmed.push(received.id);
                }
            }
            // Unconfirmed after 10 s, or the socket failed: what is confirmed stands.
            _ => break,
        }
    }
    out.close().await;
    Ok((confirmed, echoes))
}

/// What one receiver saw.
struct ReceiverReport {
    samples: Samples,
    ids: HashSet<String>,
    duplicates: usize,
    /// Every delivery with its sender, when asked for (one receiver is enough).
    deliveries: Vec<Delivery>,
}

/// One receiver: latency of every message, the ids seen, and duplicates, until stopped.
async fn receive(
    mut incoming: Incoming,
    clock: Clock,
    seen: Arc<AtomicUsize>,
    mut stop: watch::Receiver<bool>,
    keep_deliveries: bool,
) -> ReceiverReport {
    let mut received = ReceiverReport {
        samples: Samples::default(),
        ids: HashSet::new(),
        duplicates: 0,
        deliveries: Vec::new(),
    };
    loop {
        tokio::select! {
            next = incoming.next() => match next {
                Ok(Some(message)) => {
                    let latency = clock.micros().saturating_sub(message.sent_at);
                    received.samples.push(latency);
                    if keep_deliveries {
                        if let Some(sender) = stall_shape::sender_of(&message.id) {
                            received.deliveries.push(Delivery { sender, sent_at: message.sent_at, latency });
                        }
                    }
                    if received.ids.insert(message.id) {
                        seen.fetch_add(1, Ordering::Relaxed);
                    } else {
                        received.duplicates += 1;
                    }
                }
                _ => break,
            },
            _ = stop.wait_for(|stop| *stop) => break,
        }
    }
    received
}
