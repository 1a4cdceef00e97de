//! Reconnect delays: exponential backoff with jitter, capped.
//!
//! Why jitter: after an edge restart every visitor reconnects at once; spreading the retries
//! keeps them from arriving as one wave ("equal jitter": half the delay fixed, half random).

/// First retry waits about this long.
pub const BASE_DELAY_MS: u32 = 500;
/// No retry waits longer than this.
pub const MAX_DELAY_MS: u32 = 30_000;

/// How long to wait before reconnect attempt number `attempt` (0 for the first retry).
/// `jitter` is a random number in `[0, 1)` supplied by the caller.
pub fn reconnect_delay_ms(attempt: u32, jitter: f64) -> u32 {
    let ceiling =
        BASE_DELAY_MS.saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX)).min(MAX_DELAY_MS);
    let half = ceiling / 2;
    let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
    half + (f64::from(ceiling - half) * jitter) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_stay_capped() {
        assert_eq!(reconnect_delay_ms(0, 0.0), 250);
        assert_eq!(reconnect_delay_ms(1, 0.0), 500);
        assert_eq!(reconnect_delay_ms(3, 0.999), 3_998);
        assert_eq!(reconnect_delay_ms(40, 1.0), MAX_DELAY_MS);
    }

    proptest::proptest! {
        #[test]
        fn delays_are_bounded(attempt in 0u32..1000, jitter in proptest::num::f64::ANY) {
            let delay = reconnect_delay_ms(attempt, jitter);
            proptest::prop_assert!((BASE_DELAY_MS / 2..=MAX_DELAY_MS).contains(&delay));
        }
    }
}
