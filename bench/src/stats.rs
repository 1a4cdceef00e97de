//! Latency samples and what is reported of them.

use serde::Serialize;

/// Latencies in microseconds.
#[derive(Debug, Default, Clone)]
pub(crate) struct Samples(Vec<u64>);

/// What a scenario reports of its latencies, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Latency {
    /// How many samples.
    pub count: usize,
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Worst.
    pub max_ms: f64,
    /// Samples slower than [`STALL_MS`].
    pub stalls: usize,
}

/// A message slower than this counts as a stall.
pub(crate) const STALL_MS: f64 = 50.0;

impl Samples {
    /// Adds one latency.
    pub(crate) fn push(&mut self, micros: u64) {
        self.0.push(micros);
    }

    /// Adds all of `other`.
    pub(crate) fn extend(&mut self, other: Samples) {
        self.0.extend(other.0);
    }

    /// The summary.
    pub(crate) fn latency(&self) -> Latency {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        let at = |q: f64| -> f64 {
            if sorted.is_empty() {
                return 0.0;
            }
            let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
            sorted[index] as f64 / 1000.0
        };
        Latency {
            count: sorted.len(),
            p50_ms: at(0.5),
            p90_ms: at(0.9),
            p99_ms: at(0.99),
            max_ms: at(1.0),
            stalls: sorted.iter().filter(|&&us| us as f64 / 1000.0 > STALL_MS).count(),
        }
    }

    /// `(latency ms, fraction at or below)` points of the distribution, for a CDF plot.
    pub(crate) fn cdf(&self, points: usize) -> Vec<(f64, f64)> {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return Vec::new();
        }
        (0..=points)
            .map(|i| {
                let q = i as f64 / points as f64;
                let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
                (sorted[index] as f64 / 1000.0, q)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_stalls() {
        let mut samples = Samples::default();
        for ms in 1..=100u64 {
            samples.push(ms * 1000);
        }
        let latency = samples.latency();
        assert_eq!((latency.p50_ms, latency.p99_ms, latency.max_ms), (51.0, 99.0, 100.0));
        assert_eq!(latency.stalls, 50);
    }
}
