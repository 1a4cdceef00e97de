//! Scenario (f): one site's inbox under a large site's load — 2,000 conversations, each
//! visitor writing a message every 2 s — with an agent's inbox open (and, in the team rows,
//! many consoles, each opened with or without `?updates=batched`). Reports the inbox lag
//! (from a visitor's message to the agent's inbox update showing it: the message's text is
//! its send time) and each object kind's events per second: the site object and the inbox
//! feed objects count their own (`load:` lines in the edge's log, `edge/src/objects/load.rs`);
//! each conversation object's are its visitor's messages.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Result;
use futures_util::stream::{self, StreamExt};
use switchboard_tests::api::Live;
use switchboard_tests::test_edge::TestEdge;

use crate::outcome::Outcome;
use crate::stats::Samples;
use crate::targets::{Clock, Kind, Target};

/// Each instance's latest event count from the log, by kind.
fn counts(log: &str) -> HashMap<(String, String), u64> {
    let mut latest = HashMap::new();
    for line in log.lines() {
        let Some(rest) = line.split("load: ").nth(1) else { continue };
        let mut parts = rest.split_whitespace();
        let (Some(kind), Some(instance), Some(events)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Some(events) = events.strip_prefix("events=").and_then(|n| n.parse::<u64>().ok()) else {
            continue;
        };
        latest.insert((kind.to_string(), instance.to_string()), events);
    }
    latest
}

/// Events of `kind` between two readings: (all instances', the busiest instance's).
fn grown(
    before: &HashMap<(String, String), u64>,
    after: &HashMap<(String, String), u64>,
    kind: &str,
) -> (u64, u64) {
    let growth = after
        .iter()
        .filter(|((k, _), _)| k == kind)
        .map(|(key, events)| events - before.get(key).copied().unwrap_or(0).min(*events));
    growth.fold((0, 0), |(total, most), events| (total + events, most.max(events)))
}

/// The consoles open on the site: how many, and whether they take batches as one frame.
#[derive(Clone, Copy)]
pub(crate) struct Consoles {
    /// Open inbox sockets (the first one measures the lag).
    pub count: usize,
    /// Opened with `?updates=batched`.
    pub batched: bool,
}

/// Runs (f) on `edge` (reached at `target`): `scenario` names the row.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn run(
    edge: &TestEdge,
    target: &Target,
    clock: Clock,
    scenario: &'static str,
    conversations: usize,
    every: Duration,
    duration: Duration,
    consoles: Consoles,
) -> Result<Outcome> {
    // Every visitor connected first (their conversations exist once each wrote once).
    let visitors: Vec<_> = stream::iter(0..conversations)
        .map(|n| async move {
            let room = target.room(40_000 + n).await?;
            let client = target.connect(&room, false).await?;
            anyhow::Ok(client.split())
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    let open = || async {
        match consoles.batched {
            true => Live::inbox_batched(edge, &target.cookie).await,
            false => Live::inbox(edge, &target.cookie).await,
        }
    };
    let mut inbox = open().await?;
    // The rest of the team's consoles, read (so their sockets never back up) and dropped.
    let mut others = Vec::new();
    for _ in 1..consoles.count {
        let mut other = open().await?;
        others.push(tokio::spawn(async move { while other.until_inbox(|_| Some(())).await.is_ok() {} }));
    }
    let before = counts(&edge.log());
    let started = Instant::now();
    let stop_at = started + duration;
    let mut senders = Vec::new();
    for (n, (mut outgoing, mut incoming)) in visitors.into_iter().enumerate() {
        // Drained, so the sockets never back up; the relay's own latency is (a)–(c)'s.
        tokio::spawn(async move { while let Ok(Some(_)) = incoming.next().await {} });
        let offset = every.mul_f64(n as f64 / conversations as f64);
        senders.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut sent = 0usize;
            while Instant::now() < stop_at {
                outgoing.send(&format!("f-{n}-{sent}"), clock.micros()).await?;
                sent += 1;
                tokio::time::sleep(every).await;
            }
            outgoing.close().await;
            anyhow::Ok(sent)
        }));
    }
    // The inbox: each update of a conversation shows its newest message, sent at its text.
    let mut lag = Samples::default();
    let (mut updates, mut frames) = (0usize, 0usize);
    let read_until = stop_at + Duration::from_secs(3);
    while let Ok(Ok(frame)) =
        tokio::time::timeout_at(read_until.into(), inbox.until_inbox(|f| Some(f.clone()))).await
    {
        let changed = frame.into_changes();
        frames += usize::from(!changed.is_empty());
        for conversation in changed {
            let sent = conversation.last_message.and_then(|m| m.text.parse::<u64>().ok());
            if let Some(sent_at) = sent {
                lag.push(clock.micros().saturating_sub(sent_at));
                updates += 1;
            }
        }
    }
    others.iter().for_each(|other| other.abort());
    let mut sent = 0;
    for sender in senders {
        sent += sender.await??;
    }
    // The objects log their counts every 200 events: wait for the last lines to land.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = counts(&edge.log());
    let seconds = duration.as_secs_f64();
    let (site, _) = grown(&before, &after, "site");
    let (feeds, busiest_feed) = grown(&before, &after, "inbox-feed");
    // Counted per message sent (the CPU column divides by it): the inbox updates are fewer,
    // as a conversation's summaries replace each other while one is on its way.
    let mut outcome = Outcome::new(scenario, Kind::Switchboard, lag, sent, seconds);
    outcome.note = format!(
        "{conversations} conversations × 1 msg/{} s, {} s: {sent} messages ({:.0}/s), {updates} inbox updates \
         in {frames} frames (lag measured on each); {} console(s){}; events/s — site object {:.0}, inbox feeds {:.0} in all (busiest {:.0}), each \
         conversation {:.2}; the busiest object: {}; CPU per message includes the {conversations} connects",
        every.as_secs(),
        duration.as_secs(),
        sent as f64 / seconds,
        consoles.count,
        if consoles.batched { " taking batches" } else { " taking each change" },
        site as f64 / seconds,
        feeds as f64 / seconds,
        busiest_feed as f64 / seconds,
        sent as f64 / seconds / conversations as f64,
        if busiest_feed > site { "an inbox feed" } else { "the site" },
    );
    Ok(outcome)
}
