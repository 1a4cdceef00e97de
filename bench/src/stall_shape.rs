//! What the worst stall of scenario (b) looked like at one receiver: how many senders were
//! held at once, and how many messages went through meanwhile. It tells a relay that stops
//! (every sender waits) from a runtime that serves some sockets while others wait — the two
//! call for different fixes (see docs/benchmarks.md, "Stalls").

use std::collections::HashSet;
use std::fmt;

/// One message as one receiver saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Delivery {
    /// Which sender sent it.
    pub sender: usize,
    /// When it was sent, bench clock microseconds.
    pub sent_at: u64,
    /// How long it took to arrive, microseconds.
    pub latency: u64,
}

/// The worst stall's shape.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StallShape {
    /// The slowest message's latency, ms.
    pub worst_ms: f64,
    /// Senders with a stalled message sent within one stall threshold of the slowest one.
    pub held: usize,
    /// Senders seen at all.
    pub senders: usize,
    /// Messages sent after the slowest one that arrived before it, each within the threshold
    /// (from any sender: a held one may have had other messages through).
    pub overtaking: usize,
    /// The senders of those.
    pub overtaking_senders: usize,
}

impl fmt::Display for StallShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "worst stall {:.0} ms held {} of {} senders at once while {} messages from {} senders went through",
            self.worst_ms, self.held, self.senders, self.overtaking, self.overtaking_senders
        )
    }
}

/// The shape of the slowest delivery's stall, if any delivery took longer than `stall_us`.
pub(crate) fn worst(deliveries: &[Delivery], stall_us: u64) -> Option<StallShape> {
    let slowest = deliveries.iter().max_by_key(|d| d.latency)?;
    if slowest.latency <= stall_us {
        return None;
    }
    let arrived = slowest.sent_at + slowest.latency;
    let held: HashSet<usize> = deliveries
        .iter()
        .filter(|d| d.latency > stall_us && d.sent_at.abs_diff(slowest.sent_at) <= stall_us)
        .map(|d| d.sender)
        .collect();
    let overtaking: Vec<&Delivery> = deliveries
        .iter()
        .filter(|d| d.sent_at > slowest.sent_at && d.sent_at + d.latency < arrived && d.latency <= stall_us)
        .collect();
    let overtaking_senders: HashSet<usize> = overtaking.iter().map(|d| d.sender).collect();
    Some(StallShape {
        worst_ms: slowest.latency as f64 / 1000.0,
        held: held.len(),
        senders: deliveries.iter().map(|d| d.sender).collect::<HashSet<_>>().len(),
        overtaking: overtaking.len(),
        overtaking_senders: overtaking_senders.len(),
    })
}

/// The sender index in a scenario (b) message id (`s{sender}-{n}`).
pub(crate) fn sender_of(id: &str) -> Option<usize> {
    id.strip_prefix('s')?.split_once('-')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000;

    fn delivery(sender: usize, sent_ms: u64, latency_ms: u64) -> Delivery {
        Delivery { sender, sent_at: sent_ms * MS, latency: latency_ms * MS }
    }

    #[test]
    fn some_senders_held_while_others_flow() {
        let mut seen = Vec::new();
        // Senders 0–2 stall for 900 ms from t = 1,000 ms; senders 3 and 4 keep flowing.
        for sender in 0..3 {
            seen.push(delivery(sender, 1_000 + sender as u64, 900));
        }
        for n in 0..40 {
            seen.push(delivery(3 + n % 2, 1_010 + n as u64 * 20, 5));
        }
        let shape = worst(&seen, 50 * MS).expect("a stall");
        assert_eq!(shape.held, 3);
        assert_eq!(shape.senders, 5);
        assert_eq!(shape.overtaking_senders, 2);
        assert_eq!(shape.overtaking, 40);
        assert!((shape.worst_ms - 900.0).abs() < f64::EPSILON);
    }

    #[test]
    fn everyone_stopped_is_nobody_overtaking() {
        let seen: Vec<Delivery> = (0..4).map(|sender| delivery(sender, 500, 700 - sender as u64)).collect();
        let shape = worst(&seen, 50 * MS).expect("a stall");
        assert_eq!((shape.held, shape.overtaking, shape.overtaking_senders), (4, 0, 0));
    }

    #[test]
    fn no_stall_no_shape() {
        assert_eq!(worst(&[delivery(0, 0, 10)], 50 * MS), None);
        assert_eq!(worst(&[], 50 * MS), None);
    }

    #[test]
    fn sender_ids() {
        assert_eq!(sender_of("s7-123"), Some(7));
        assert_eq!(sender_of("p1-0-3"), None);
        assert_eq!(sender_of("s-1"), None);
    }
}
