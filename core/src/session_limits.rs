//! How many visitor sessions an address and a site may start: token buckets per key, kept
//! by the limiter objects the edge spreads the work over, bounded in memory.
//!
//! Starting a session costs nothing but a signature, so a flood would not fill storage —
//! it would start conversations nobody wants and burn CPU. Each address gets
//! `per_address_per_minute` sessions a minute (also its burst), each site
//! `per_site_per_minute` from all addresses together. The edge sends each request to one
//! of [`SHARDS`] limiter objects chosen by the address, so one address is always counted in
//! one place; the site's allowance is split evenly over the shards, so no one object carries
//! a site's whole traffic and the total across shards is the site's limit.

use switchboard_protocol::api::site_settings::SessionLimits;
use switchboard_protocol::limits::{
    OPEN_CONVERSATIONS_PER_VISITOR, SESSIONS_PER_MINUTE_PER_ADDRESS, SESSIONS_PER_MINUTE_PER_SITE,
};
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{ApiError, ErrorCode};

use crate::keyed_buckets::KeyedBuckets;

/// How many limiter objects share the counting.
pub const SHARDS: u32 = 16;

/// The product's defaults, when neither the site nor the deployment set limits.
pub const DEFAULT: SessionLimits = SessionLimits {
    per_address_per_minute: SESSIONS_PER_MINUTE_PER_ADDRESS,
    per_site_per_minute: SESSIONS_PER_MINUTE_PER_SITE,
};

/// Whether a returning visitor, whose conversations are in `states` (newest first, as the
/// site's index lists them), may start another: at most
/// [`OPEN_CONVERSATIONS_PER_VISITOR`] not resolved at once, so one visitor cannot fill the
/// inbox with new conversations however many addresses they send from.
pub fn may_open_another(states: impl IntoIterator<Item = ConversationState>) -> Result<(), ApiError> {
    let open = states.into_iter().filter(|state| *state != ConversationState::Resolved).count();
    if open >= OPEN_CONVERSATIONS_PER_VISITOR {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "this visitor already has {OPEN_CONVERSATIONS_PER_VISITOR} open conversations: \
                 continue one of them, or wait until one is resolved"
            ),
        ));
    }
    Ok(())
}

/// Checks limits an admin sets.
pub fn validate(limits: &SessionLimits) -> Result<(), ApiError> {
    if !(1..=100_000).contains(&limits.per_address_per_minute) {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            "session_limits.per_address_per_minute must be 1 to 100000",
        ));
    }
    if !(1..=10_000_000).contains(&limits.per_site_per_minute) {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            "session_limits.per_site_per_minute must be 1 to 10000000",
        ));
    }
    Ok(())
}

/// The shard that counts `address`: the same one every time, spread evenly (FNV-1a).
pub fn shard_of(address: &str) -> u32 {
    let hash = address.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % u64::from(SHARDS)) as u32
}

/// One limiter shard's state: the addresses it counts and its slice of each site's allowance.
#[derive(Debug, Default)]
pub struct SessionLimiter {
    addresses: KeyedBuckets,
    sites: KeyedBuckets,
}

impl SessionLimiter {
    /// Whether `address` may start a session on `site` at `now`; a session is counted only
    /// when both allow it. `Err` is the refusal, with how long to wait.
    pub fn admit(
        &mut self,
        address: &str,
        site: &str,
        limits: &SessionLimits,
        now: i64,
    ) -> Result<(), ApiError> {
        let site_slice = limits.per_site_per_minute.div_ceil(SHARDS);
        let address_wait = self.addresses.wait(address, limits.per_address_per_minute, now);
        let site_wait = self.sites.wait(site, site_slice, now);
        if address_wait > 0 || site_wait > 0 {
            let wait = u32::try_from(address_wait.max(site_wait)).unwrap_or(u32::MAX);
            let whose = if address_wait >= site_wait { "from this address" } else { "on this site" };
            let seconds = wait.div_ceil(1_000);
            return Err(ApiError::new(
                ErrorCode::RateLimited,
                format!("too many new chats {whose}; try again in {seconds} s"),
            )
            .retry_after(wait));
        }
        self.addresses.take(address, limits.per_address_per_minute, now);
        self.sites.take(site, site_slice, now);
        Ok(())
    }

    /// How many keys it holds (addresses and sites).
    pub fn keys(&self) -> usize {
        self.addresses.len() + self.sites.len()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_visitor_opens_conversations_up_to_the_cap_and_resolved_ones_do_not_count() {
        use ConversationState::{Assigned, Queued, Resolved};
        let open = |n| std::iter::repeat_n(Queued, n);
        assert!(may_open_another(open(OPEN_CONVERSATIONS_PER_VISITOR - 1)).is_ok());
        let full = may_open_another(open(OPEN_CONVERSATIONS_PER_VISITOR)).unwrap_err();
        assert_eq!(full.code, ErrorCode::Conflict);
        let mostly_resolved =
            open(OPEN_CONVERSATIONS_PER_VISITOR - 1).chain(std::iter::repeat_n(Resolved, 50));
        assert!(may_open_another(mostly_resolved).is_ok());
        assert!(may_open_another([Assigned; OPEN_CONVERSATIONS_PER_VISITOR]).is_err());
    }
    use crate::keyed_buckets::MAX_KEYS;

    const LIMITS: SessionLimits = SessionLimits { per_address_per_minute: 10, per_site_per_minute: 1_600 };

    #[test]
    fn an_address_gets_its_burst_then_waits_its_turn() {
        let mut limiter = SessionLimiter::default();
        for _ in 0..10 {
            assert_eq!(limiter.admit("203.0.113.5", "shop", &LIMITS, 0), Ok(()));
        }
        let refused = limiter.admit("203.0.113.5", "shop", &LIMITS, 0).unwrap_err();
        assert_eq!((refused.code, refused.retry_after_ms), (ErrorCode::RateLimited, Some(6_000)));
        assert!(limiter.admit("203.0.113.5", "shop", &LIMITS, 5_999).is_err());
        assert_eq!(limiter.admit("203.0.113.5", "shop", &LIMITS, 6_000), Ok(()));
        // Another address is not held back by the first.
        assert_eq!(limiter.admit("198.51.100.7", "shop", &LIMITS, 6_000), Ok(()));
    }

    #[test]
    fn a_site_gets_its_slice_from_many_addresses() {
        let mut limiter = SessionLimiter::default();
        let admitted =
            (0..1_000).filter(|n| limiter.admit(&format!("10.0.{n}"), "shop", &LIMITS, 0).is_ok()).count();
        assert_eq!(admitted, 100, "1600 a minute over 16 shards");
        let refused = limiter.admit("10.1.1.1", "shop", &LIMITS, 0).unwrap_err();
        assert!(refused.message.contains("on this site"), "{}", refused.message);
        assert_eq!(limiter.admit("10.1.1.1", "another", &LIMITS, 0), Ok(()));
    }

    #[test]
    fn limits_are_checked() {
        assert!(validate(&DEFAULT).is_ok());
        assert!(validate(&SessionLimits { per_address_per_minute: 0, ..DEFAULT }).is_err());
        assert!(validate(&SessionLimits { per_site_per_minute: 10_000_001, ..DEFAULT }).is_err());
    }

    #[test]
    fn shards_spread_addresses() {
        let mut counts = [0u32; SHARDS as usize];
        for n in 0..16_000 {
            counts[shard_of(&format!("192.0.{}.{}", n / 256, n % 256)) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| (700..1_300).contains(&c)), "{counts:?}");
    }

    proptest! {
        /// Over any minute-long run of requests from one address, it never starts more than
        /// its burst plus what refilled, and memory stays bounded however many addresses come.
        #[test]
        fn an_address_never_exceeds_its_allowance(gaps in proptest::collection::vec(0i64..3_000, 1..300)) {
            let mut limiter = SessionLimiter::default();
            let mut now = 0;
            let mut admitted = 0i64;
            for gap in gaps {
                now += gap;
                if limiter.admit("a", "s", &LIMITS, now).is_ok() {
                    admitted += 1;
                }
            }
            let allowance = 10 + now * 10 / 60_000;
            prop_assert!(admitted <= allowance, "{admitted} > {allowance}");
        }
    }

    #[test]
    fn memory_stays_bounded_however_many_addresses_come() {
        let mut limiter = SessionLimiter::default();
        let many = SessionLimits { per_site_per_minute: 10_000_000, ..LIMITS };
        for n in 0..3 * MAX_KEYS {
            let _ = limiter.admit(&n.to_string(), "s", &many, 0);
            assert!(limiter.keys() <= MAX_KEYS + 1);
        }
    }
}
