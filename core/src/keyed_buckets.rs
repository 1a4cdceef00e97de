//! Token buckets by key (an address, a site), each holding up to one minute's allowance,
//! bounded in number: the counting behind every per-address limit.

use std::collections::HashMap;

/// Most keys kept; past it, buckets that are full again are forgotten first (a full bucket
/// and no bucket admit the same), then the longest untouched half.
pub const MAX_KEYS: usize = 10_000;

const MINUTE_MS: i64 = 60_000;

/// A bucket holding up to one minute's allowance, in sixty-thousandths of a session so that
/// refilling (`per_minute` of them a millisecond) stays exact in integers.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    held: i64,
    updated_at: i64,
}

impl Bucket {
    fn level(&self, per_minute: i64, now: i64) -> i64 {
        let elapsed = (now - self.updated_at).max(0);
        self.held.saturating_add(elapsed.saturating_mul(per_minute)).min(per_minute * MINUTE_MS)
    }
}

/// Buckets by key, bounded to [`MAX_KEYS`].
#[derive(Debug, Default)]
pub struct KeyedBuckets {
    by_key: HashMap<String, Bucket>,
}

impl KeyedBuckets {
    /// The wait in ms until `key` has one to take, or 0 when it has one now.
    pub fn wait(&self, key: &str, per_minute: u32, now: i64) -> i64 {
        let per_minute = i64::from(per_minute.max(1));
        let level = self.by_key.get(key).map_or(per_minute * MINUTE_MS, |b| b.level(per_minute, now));
        if level >= MINUTE_MS {
            0
        } else {
            (MINUTE_MS - level + per_minute - 1) / per_minute
        }
    }

    /// Takes one from `key` (which [`KeyedBuckets::wait`] said has one).
    pub fn take(&mut self, key: &str, per_minute: u32, now: i64) {
        let per_minute = i64::from(per_minute.max(1));
        if !self.by_key.contains_key(key) && self.by_key.len() >= MAX_KEYS {
            self.shrink(per_minute, now);
        }
        let bucket = self
            .by_key
            .entry(key.to_owned())
            .or_insert(Bucket { held: per_minute * MINUTE_MS, updated_at: now });
        bucket.held = bucket.level(per_minute, now) - MINUTE_MS;
        bucket.updated_at = bucket.updated_at.max(now);
    }

    /// Forgets buckets that are full again; if that is not enough, the longest untouched half.
    fn shrink(&mut self, per_minute: i64, now: i64) {
        self.by_key.retain(|_, bucket| bucket.level(per_minute, now) < per_minute * MINUTE_MS);
        if self.by_key.len() >= MAX_KEYS {
            let mut times: Vec<i64> = self.by_key.values().map(|bucket| bucket.updated_at).collect();
            times.sort_unstable();
            let cutoff = times[times.len() / 2];
            self.by_key.retain(|_, bucket| bucket.updated_at > cutoff);
        }
    }

    /// How many keys are held.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Takes one from `key`'s bucket if it has one; otherwise how many ms until it will.
    pub fn admit(&mut self, key: &str, per_minute: u32, now: i64) -> Result<(), u32> {
        match self.wait(key, per_minute, now) {
            0 => {
                self.take(key, per_minute, now);
                Ok(())
            }
            wait => Err(u32::try_from(wait).unwrap_or(u32::MAX)),
        }
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_a_minutes_allowance_then_one_at_a_time() {
        let mut buckets = KeyedBuckets::default();
        assert!((0..6).all(|_| buckets.admit("a", 6, 0).is_ok()));
        assert_eq!(buckets.admit("a", 6, 0), Err(10_000));
        assert_eq!(buckets.admit("a", 6, 10_000), Ok(()));
        assert_eq!(buckets.admit("b", 6, 10_000), Ok(()));
        assert_eq!(buckets.len(), 2);
    }
}
