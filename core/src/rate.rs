//! Flood control: token buckets for messages and for other writing frames, and a throttle
//! for typing, per participant; and
//! per socket the order of sends held back by it.
//!
//! The adapter keeps one [`ParticipantLimits`] per author and one [`SendOrder`] per socket in
//! memory. After hibernation they
//! start afresh (full): an object only hibernates after a quiet spell, when a bucket would be
//! full anyway.

use switchboard_protocol::limits::{BURST_SECONDS, MAX_LOG_MESSAGES, OTHER_WRITES_PER_SECOND};
use switchboard_protocol::{ClientMessageId, SendRate};

/// A token bucket: `rate` tokens a second, holding at most `rate * BURST_SECONDS`.
///
/// After a refusal it refuses everything until the time it named: a client that waits as
/// told then resends its held-back messages in order, and none can slip in ahead of an
/// earlier refused one just because a token happened to arrive in between.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    /// Tokens a second; also thousandths of a token a millisecond, which keeps the
    /// arithmetic exact (a client pacing at exactly this rate is never refused).
    rate: i64,
    /// Most thousandths of a token held.
    capacity: i64,
    /// Thousandths of a token held.
    milli_tokens: i64,
    updated_at: i64,
    closed_until: i64,
}

impl TokenBucket {
    /// A full bucket refilling at `per_second` (at least one a second).
    pub fn new(per_second: u32, now: i64) -> Self {
        let rate = i64::from(per_second.max(1));
        let capacity = rate * i64::from(BURST_SECONDS) * 1_000;
        Self { rate, capacity, milli_tokens: capacity, updated_at: now, closed_until: i64::MIN }
    }

    /// The bucket's shape, as told to clients in `welcome` so they can pace a backlog.
    pub fn send_rate(&self) -> SendRate {
        let per_second = u32::try_from(self.rate).unwrap_or(u32::MAX);
        SendRate { per_second, burst: per_second.saturating_mul(BURST_SECONDS) }
    }

    /// Takes one token if there is one; otherwise returns how many ms until there will be.
    pub fn take(&mut self, now: i64) -> Result<(), u32> {
        if now < self.closed_until {
            return Err((self.closed_until - now) as u32);
        }
        // A clock that steps back refills nothing rather than draining.
        let elapsed_ms = (now - self.updated_at).max(0);
        self.milli_tokens =
            self.milli_tokens.saturating_add(elapsed_ms.saturating_mul(self.rate)).min(self.capacity);
        self.updated_at = self.updated_at.max(now);
        if self.milli_tokens >= 1_000 {
            self.milli_tokens -= 1_000;
            Ok(())
        } else {
            let wait_ms = (1_000 - self.milli_tokens + self.rate - 1) / self.rate;
            self.closed_until = now + wait_ms;
            Err(wait_ms as u32)
        }
    }
}

/// A client's mirror of the edge's [`TokenBucket`]: lets `burst` messages go at once, then
/// one every `1000 / per_second` ms, so a backlog (after an outage, a reload) goes out at
/// the pace the edge stores it instead of being refused over and over. Integer-only (the
/// generic cell rate algorithm: the time the pacer would be even again), so it costs the
/// widget's frame almost nothing. Unpaced until it knows the edge's rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pacer {
    interval_ms: i64,
    tolerance_ms: i64,
    even_at: i64,
}

impl Pacer {
    /// Paces by `rate` from now on, keeping what was sent so far.
    pub fn set_rate(&mut self, rate: SendRate) {
        let per_second = i64::from(rate.per_second.max(1));
        // Rounded up: never faster than the edge refills.
        self.interval_ms = (1_000 + per_second - 1) / per_second;
        self.tolerance_ms = self.interval_ms * i64::from(rate.burst.max(1) - 1);
    }

    /// Whether a message may go at `now`; if so, counts it.
    pub fn try_send(&mut self, now: i64) -> bool {
        let even = self.even_at.max(now);
        if even - now > self.tolerance_ms {
            return false;
        }
        self.even_at = even + self.interval_ms;
        true
    }

    /// When the next message may go.
    pub fn next_at(&self) -> i64 {
        self.even_at - self.tolerance_ms
    }

    /// The edge refused a message until `at`: its bucket holds one token then, no more.
    pub fn refused_until(&mut self, at: i64) {
        self.even_at = self.even_at.max(at + self.tolerance_ms);
    }
}

/// Keeps one socket's messages in the order they were written when the edge makes it wait.
///
/// Sends are pipelined, so by the time a client learns that one was refused for rate, it may
/// have sent more; without this, one of those could be stored ahead of the refused one as soon
/// as a token came back. After a refusal the socket's other new sends are refused too, until
/// the refused one comes back (the client resends its pending messages in order) or, if it
/// never does, for [`HOLD_GRACE_MS`] past the time it was told to wait.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SendOrder {
    /// The first refused send, when it may come back, and when the hold lapses.
    held: Option<(ClientMessageId, i64, i64)>,
}

/// How long after the promised retry time a hold lasts if the refused send never returns.
pub const HOLD_GRACE_MS: i64 = 30_000;

impl SendOrder {
    /// Whether a new send `client_id` may be considered now; else how many ms to wait.
    pub fn admits(&mut self, client_id: &ClientMessageId, now: i64) -> Result<(), u32> {
        match &self.held {
            Some((held, retry_at, lapses)) if held != client_id && now < *lapses => {
                Err((retry_at - now).clamp(100, i64::from(u32::MAX)) as u32)
            }
            Some((_, _, lapses)) if now >= *lapses => {
                self.held = None;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Records that `client_id` was refused until `retry_at` (unless an earlier one is held).
    pub fn hold(&mut self, client_id: &ClientMessageId, retry_at: i64) {
        if self.held.as_ref().is_none_or(|(held, _, _)| held == client_id) {
            self.held = Some((client_id.clone(), retry_at, retry_at + HOLD_GRACE_MS));
        }
    }

    /// `client_id` went through: later sends may follow.
    pub fn release(&mut self, client_id: &ClientMessageId) {
        if self.held.as_ref().is_some_and(|(held, _, _)| held == client_id) {
            self.held = None;
        }
    }
}

/// What the edge remembers of one author's recent activity in a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantLimits {
    /// Messages.
    pub messages: TokenBucket,
    /// Other frames that write (read marks, context, details, identity, rating).
    pub other_writes: TokenBucket,
    /// The last typing state relayed, and when.
    pub last_typing: Option<(bool, i64)>,
    /// Most messages participants may store in the conversation
    /// ([`crate::ingest::check_room`]; [`MAX_LOG_MESSAGES`] unless the deployment says).
    pub max_log_messages: u64,
}

/// Typing repeats closer together than this are not relayed (the client already repeats at
/// most every [`switchboard_protocol::limits::TYPING_REPEAT_MS`]).
pub const TYPING_MIN_INTERVAL_MS: i64 = 1_000;

impl ParticipantLimits {
    /// Fresh limits for an author allowed `messages_per_second`.
    pub fn new(messages_per_second: u32, now: i64) -> Self {
        Self {
            messages: TokenBucket::new(messages_per_second, now),
            other_writes: TokenBucket::new(OTHER_WRITES_PER_SECOND, now),
            last_typing: None,
            max_log_messages: MAX_LOG_MESSAGES,
        }
    }

    /// Whether a typing frame should be relayed: always when the state changes, otherwise at
    /// most once per [`TYPING_MIN_INTERVAL_MS`].
    pub fn relay_typing(&mut self, active: bool, now: i64) -> bool {
        let relay = match self.last_typing {
            Some((was, at)) => was != active || now - at >= TYPING_MIN_INTERVAL_MS,
            None => true,
        };
        if relay {
            self.last_typing = Some((active, now));
        }
        relay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_the_rate_holds() {
        let mut bucket = TokenBucket::new(5, 0);
        for _ in 0..(5 * BURST_SECONDS) {
            assert!(bucket.take(0).is_ok());
        }
        assert_eq!(bucket.take(0), Err(200));
        // Refused until the time it named, even if a token arrives meanwhile.
        assert_eq!(bucket.take(150), Err(50));
        assert!(bucket.take(200).is_ok());
        assert!(bucket.take(200).is_err());
    }

    #[test]
    fn typing_is_relayed_on_change_and_then_at_most_once_a_second() {
        let mut limits = ParticipantLimits::new(5, 0);
        assert!(limits.relay_typing(true, 0));
        assert!(!limits.relay_typing(true, 500));
        assert!(limits.relay_typing(false, 600));
        assert!(limits.relay_typing(true, 700));
        assert!(limits.relay_typing(true, 1_700));
    }

    #[test]
    fn after_a_refusal_only_the_refused_send_may_go_first() {
        let id = |s: &str| ClientMessageId::parse(s).unwrap();
        let mut order = SendOrder::default();
        order.hold(&id("five"), 1_000);
        assert_eq!(order.admits(&id("six"), 1_200), Err(100));
        assert_eq!(order.admits(&id("six"), 500), Err(500));
        assert!(order.admits(&id("five"), 1_000).is_ok());
        order.release(&id("five"));
        assert!(order.admits(&id("six"), 1_000).is_ok());
        // A refused send that never returns does not block the socket for ever.
        order.hold(&id("seven"), 2_000);
        assert!(order.admits(&id("eight"), 2_000 + HOLD_GRACE_MS).is_ok());
    }

    #[test]
    fn a_pacer_lets_a_burst_go_then_one_per_interval() {
        let mut pacer = Pacer::default();
        assert!((0..1_000).all(|_| pacer.try_send(0)), "unpaced until it knows the rate");
        let mut pacer = Pacer::default();
        pacer.set_rate(SendRate { per_second: 5, burst: 20 });
        assert_eq!((0..25).filter(|_| pacer.try_send(1_000)).count(), 20);
        assert_eq!(pacer.next_at(), 1_200);
        assert!(!pacer.try_send(1_199) && pacer.try_send(1_200));
        pacer.refused_until(5_000);
        assert_eq!(pacer.next_at(), 5_000);
    }

    proptest::proptest! {
        /// Whatever the timing, a client that sends only what its pacer allows is never
        /// refused by an edge bucket of the same rate that started no fuller.
        #[test]
        fn a_paced_client_is_never_refused(per_second in 1u32..50, steps in proptest::collection::vec(0i64..400, 1..300)) {
            let mut bucket = TokenBucket::new(per_second, 0);
            let mut pacer = Pacer::default();
            pacer.set_rate(bucket.send_rate());
            let mut now = 0;
            for step in steps {
                now += step;
                while pacer.try_send(now) {
                    proptest::prop_assert!(bucket.take(now).is_ok(), "refused at {}", now);
                }
            }
        }

        #[test]
        fn never_more_than_burst_plus_rate_times_elapsed(steps in proptest::collection::vec(0i64..400, 1..300)) {
            let mut bucket = TokenBucket::new(5, 0);
            let (mut now, mut taken) = (0i64, 0u32);
            for step in steps {
                now += step;
                if bucket.take(now).is_ok() { taken += 1; }
            }
            let allowed = 5 * BURST_SECONDS + (now as u32 * 5).div_ceil(1000);
            proptest::prop_assert!(taken <= allowed, "{} > {}", taken, allowed);
        }
    }
}
