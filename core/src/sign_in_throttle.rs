//! Failed sign-ins: which counts an attempt goes against, when they lock, and the refusal.
//!
//! Brute force is kept out without letting a stranger lock a real agent out: failures count
//! per account *and address* (a guesser locks only themselves), per address (one place
//! guessing many accounts), and per account only from addresses it has not signed in from
//! (many places guessing one account lock those out, while the agent's own addresses go on).
//! The Directory object stores the counts; nothing here reads a clock.

use switchboard_protocol::{ApiError, ErrorCode};

/// How many failures within a window lock a key (an account or an address), and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed within `window_ms`; the next attempt is refused until the lock ends.
    pub max_failures: u32,
    /// How long failures are remembered, counted from the first.
    pub window_ms: i64,
    /// How long a key stays locked once it reached `max_failures`.
    pub lock_ms: i64,
}

/// Per account from one address: 5 wrong passwords in 15 minutes lock that email for that
/// address for 15 minutes. A stranger guessing locks only themselves out.
pub const PER_ACCOUNT_AND_ADDRESS: ThrottlePolicy =
    ThrottlePolicy { max_failures: 5, window_ms: 15 * 60_000, lock_ms: 15 * 60_000 };

/// Per account from addresses it has not signed in from: 20 wrong passwords in 15 minutes
/// (guessing from many places) lock the account for new addresses for 15 minutes, while
/// addresses it signed in from before go on as usual.
pub const PER_ACCOUNT_FROM_NEW_ADDRESSES: ThrottlePolicy =
    ThrottlePolicy { max_failures: 20, window_ms: 15 * 60_000, lock_ms: 15 * 60_000 };

/// Per client address: 20 failures in 15 minutes, whichever emails they tried (guessing many
/// accounts from one place).
pub const PER_ADDRESS: ThrottlePolicy =
    ThrottlePolicy { max_failures: 20, window_ms: 15 * 60_000, lock_ms: 15 * 60_000 };

/// The longest any count is remembered: past it (and its lock), a count would start afresh
/// anyway, so it may be forgotten.
pub const LONGEST_WINDOW_MS: i64 = {
    let policies = [PER_ACCOUNT_AND_ADDRESS, PER_ACCOUNT_FROM_NEW_ADDRESSES, PER_ADDRESS];
    let mut longest = 0;
    let mut i = 0;
    while i < policies.len() {
        if policies[i].window_ms > longest {
            longest = policies[i].window_ms;
        }
        i += 1;
    }
    longest
};

/// How long an address the account signed in from counts as one of its own.
pub const KNOWN_ADDRESS_MS: i64 = 90 * 24 * 3_600_000;

/// How many of an account's addresses are remembered (the most recent).
pub const KNOWN_ADDRESSES_KEPT: usize = 10;

/// The throttle keys a sign-in of `email` from `address` counts against, with their
/// policies. `known_address`: the account signed in from `address` within
/// [`KNOWN_ADDRESS_MS`] — then failures from elsewhere cannot keep it out.
pub fn sign_in_keys(email: &str, address: &str, known_address: bool) -> Vec<(String, ThrottlePolicy)> {
    let mut keys = vec![
        (format!("email+address:{email} {address}"), PER_ACCOUNT_AND_ADDRESS),
        (format!("address:{address}"), PER_ADDRESS),
    ];
    if !known_address {
        keys.push((format!("email:{email}"), PER_ACCOUNT_FROM_NEW_ADDRESSES));
    }
    keys
}

/// The failed sign-ins remembered for one key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// Failures in the current window.
    pub count: u32,
    /// When the window's first failure happened, ms since the epoch.
    pub window_start: i64,
    /// Until when sign-ins are refused (0: not locked).
    pub locked_until: i64,
}

impl Failures {
    /// `Err(retry_after_ms)` while the key is locked at `now`.
    pub fn check(&self, now: i64) -> Result<(), i64> {
        if self.locked_until > now {
            return Err(self.locked_until - now);
        }
        Ok(())
    }

    /// The record after one more failure at `now`.
    pub fn failed(self, policy: ThrottlePolicy, now: i64) -> Failures {
        let fresh = self.count == 0 || now - self.window_start >= policy.window_ms || self.locked_until != 0;
        let (count, window_start) =
            if fresh && self.check(now).is_ok() { (1, now) } else { (self.count + 1, self.window_start) };
        let locked_until = if count >= policy.max_failures { now + policy.lock_ms } else { 0 };
        Failures { count, window_start, locked_until }
    }
}

impl Failures {
    /// The record after an attempt counted as failed turned out right: that count taken
    /// back (and a lock it caused lifted). Attempts are counted before the password is
    /// checked, so attempts racing each other cannot slip through uncounted.
    pub fn forgive(self, policy: ThrottlePolicy) -> Failures {
        let count = self.count.saturating_sub(1);
        let locked_until = if count < policy.max_failures { 0 } else { self.locked_until };
        Failures { count, locked_until, ..self }
    }
}

/// The refusal for a locked key.
pub fn throttled(retry_after_ms: i64) -> ApiError {
    let minutes = (retry_after_ms + 59_999) / 60_000;
    let wait = u32::try_from(retry_after_ms.max(0)).unwrap_or(u32::MAX);
    ApiError::new(
        ErrorCode::RateLimited,
        format!(
            "too many failed sign-ins; try again in {minutes} minute{}",
            if minutes == 1 { "" } else { "s" }
        ),
    )
    .retry_after(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_locks_until_the_lock_ends() {
        let mut failures = Failures::default();
        for i in 0..4 {
            failures = failures.failed(PER_ACCOUNT_AND_ADDRESS, 1_000 + i);
            assert_eq!(failures.check(1_000 + i), Ok(()), "failure {i}");
        }
        failures = failures.failed(PER_ACCOUNT_AND_ADDRESS, 2_000);
        assert_eq!(failures.check(2_000), Err(PER_ACCOUNT_AND_ADDRESS.lock_ms));
        assert_eq!(failures.check(2_000 + PER_ACCOUNT_AND_ADDRESS.lock_ms - 1), Err(1));
        assert_eq!(failures.check(2_000 + PER_ACCOUNT_AND_ADDRESS.lock_ms), Ok(()));
        // After the lock, counting starts over.
        let after = failures.failed(PER_ACCOUNT_AND_ADDRESS, 2_000 + PER_ACCOUNT_AND_ADDRESS.lock_ms);
        assert_eq!((after.count, after.locked_until), (1, 0));
        assert!(throttled(PER_ACCOUNT_AND_ADDRESS.lock_ms).message.contains("15 minutes"));
        assert_eq!(LONGEST_WINDOW_MS, 15 * 60_000);
    }

    #[test]
    fn strangers_guessing_lock_themselves_out_not_the_accounts_own_addresses() {
        let from_new = sign_in_keys("sam@example.com", "203.0.113.9", false);
        let from_known = sign_in_keys("sam@example.com", "198.51.100.1", true);
        // The pair and the address always count; the account-wide key only for new addresses.
        assert_eq!(from_new.len(), 3);
        assert_eq!(from_known.len(), 2);
        assert!(from_known.iter().all(|(key, _)| !from_new[2].0.eq(key)));
        assert_ne!(
            sign_in_keys("sam@example.com", "203.0.113.9", false)[0].0,
            sign_in_keys("sam@example.com", "203.0.113.10", false)[0].0,
            "another address has its own count for the same account"
        );
    }

    #[test]
    fn a_right_password_takes_its_provisional_failure_back() {
        let mut failures = Failures::default();
        for i in 0..4 {
            failures = failures.failed(PER_ACCOUNT_AND_ADDRESS, i);
        }
        // The fifth attempt is counted (and locks) before the check; it was right.
        let counted = failures.failed(PER_ACCOUNT_AND_ADDRESS, 10);
        assert!(counted.check(10).is_err());
        let forgiven = counted.forgive(PER_ACCOUNT_AND_ADDRESS);
        assert_eq!((forgiven.count, forgiven.check(10)), (4, Ok(())));
        assert_eq!(Failures::default().forgive(PER_ACCOUNT_AND_ADDRESS), Failures::default());
    }

    #[test]
    fn failures_spread_beyond_the_window_never_lock() {
        let mut failures = Failures::default();
        for i in 0..50 {
            failures = failures.failed(PER_ACCOUNT_AND_ADDRESS, i * PER_ACCOUNT_AND_ADDRESS.window_ms / 2);
            assert_eq!(failures.check(i * PER_ACCOUNT_AND_ADDRESS.window_ms / 2), Ok(()), "failure {i}");
        }
    }
}
