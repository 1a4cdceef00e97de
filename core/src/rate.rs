//! Per-participant flood control: a token bucket for messages and a throttle for typing.
//!
//! The adapter keeps one [`ParticipantLimits`] per author in memory. After hibernation they
//! start afresh (full): an object only hibernates after a quiet spell, when a bucket would be
//! full anyway.

use switchboard_protocol::limits::BURST_SECONDS;

/// A token bucket: `rate` tokens a second, holding at most `rate * BURST_SECONDS`.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    updated_at: i64,
}

impl TokenBucket {
    /// A full bucket refilling at `per_second` (at least one a second).
    pub fn new(per_second: u32, now: i64) -> Self {
        let rate = f64::from(per_second.max(1));
        let capacity = rate * f64::from(BURST_SECONDS);
        Self { rate, capacity, tokens: capacity, updated_at: now }
    }

    /// Takes one token if there is one; otherwise returns how many ms until there will be.
    pub fn take(&mut self, now: i64) -> Result<(), u32> {
        // A clock that steps back refills nothing rather than draining.
        let elapsed_ms = (now - self.updated_at).max(0) as f64;
        self.tokens = (self.tokens + elapsed_ms * self.rate / 1000.0).min(self.capacity);
        self.updated_at = self.updated_at.max(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - self.tokens) * 1000.0 / self.rate).ceil() as u32)
        }
    }
}

/// What the edge remembers of one author's recent activity in a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantLimits {
    /// Messages.
    pub messages: TokenBucket,
    /// The last typing state relayed, and when.
    pub last_typing: Option<(bool, i64)>,
}

/// Typing repeats closer together than this are not relayed (the client already repeats at
/// most every [`switchboard_protocol::limits::TYPING_REPEAT_MS`]).
pub const TYPING_MIN_INTERVAL_MS: i64 = 1_000;

impl ParticipantLimits {
    /// Fresh limits for an author allowed `messages_per_second`.
    pub fn new(messages_per_second: u32, now: i64) -> Self {
        Self { messages: TokenBucket::new(messages_per_second, now), last_typing: None }
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

    proptest::proptest! {
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
