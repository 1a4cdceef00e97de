//! Scenario (a): one visitor and one agent, messages sent one after another, each after the
//! previous one arrived, alternating direction: pure per-message latency. Against the echo
//! floor, one client sends and waits for its own echo.

use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use tokio::sync::mpsc;

use crate::outcome::Outcome;
use crate::stats::Samples;
use crate::targets::{Clock, Incoming, Kind, Received, Target};

/// Runs `count` sequential messages against `target`.
pub(crate) async fn run(target: &Target, clock: Clock, count: usize) -> Result<Outcome> {
    let room = target.room(0).await?;
    let (mut a_out, a_in) = target.connect(&room, false).await?.split();
    let mut a_rx = forward(a_in);
    let (mut b_out, mut b_rx) = if target.kind == Kind::Echo {
        (None, None)
    } else {
        let (out, incoming) = target.connect(&room, true).await?.split();
        (Some(out), Some(forward(incoming)))
    };
    let mut samples = Samples::default();
    // The two directions apart as well (visitor→agent, agent→visitor).
    let mut by_direction = [Samples::default(), Samples::default()];
    let started = Instant::now();
    for i in 0..count {
        let id = format!("seq-{i}");
        let sent_at = clock.micros();
        // Alternate directions; the echo floor has only one client.
        let forward_direction = i % 2 == 0 || b_out.is_none();
        let (out, rx, other) = if forward_direction {
            (&mut a_out, b_rx.as_mut().unwrap_or(&mut a_rx), None)
        } else {
            (b_out.as_mut().unwrap_or(&mut a_out), &mut a_rx, b_rx.as_mut())
        };
        out.send(&id, sent_at).await?;
        wait_for(rx, &id).await?;
        let took = clock.micros() - sent_at;
        samples.push(took);
        by_direction[usize::from(!forward_direction)].push(took);
        if let Some(other) = other {
            while other.try_recv().is_ok() {}
        }
        if forward_direction && b_rx.is_some() {
            while a_rx.try_recv().is_ok() {}
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut outcome = Outcome::new("a-sequential", target.kind, samples, count, seconds);
    outcome.note = if target.kind == Kind::Echo {
        "round trip to a worker echo".into()
    } else {
        let [to_agent, to_visitor] = by_direction.map(|samples| samples.latency());
        format!(
            "alternating; visitor→agent p50 {:.3} / p99 {:.3} / max {:.1} ms, agent→visitor p50 {:.3} / p99 {:.3} / max {:.1} ms",
            to_agent.p50_ms, to_agent.p99_ms, to_agent.max_ms, to_visitor.p50_ms, to_visitor.p99_ms, to_visitor.max_ms
        )
    };
    Ok(outcome)
}

async fn wait_for(rx: &mut mpsc::UnboundedReceiver<Received>, id: &str) -> Result<()> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(received)) if received.id == id => return Ok(()),
            Ok(Some(_)) => continue,
            Ok(None) => bail!("the socket closed while waiting for {id}"),
            Err(_) => bail!("{id} did not arrive within 10 s"),
        }
    }
}

/// Reads a socket in its own task, so that neither side's buffers fill while the driver
/// waits on the other.
pub(crate) fn forward(mut incoming: Incoming) -> mpsc::UnboundedReceiver<Received> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok(Some(received)) = incoming.next().await {
            if tx.send(received).is_err() {
                break;
            }
        }
    });
    rx
}
