//! One scenario's result against one target, as printed and written to JSON.

use serde::Serialize;

use crate::stats::{Latency, Samples};
use crate::targets::Kind;

/// The result of running one scenario against one target.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Outcome {
    /// Which scenario (`a-sequential`, `b-throughput`, …).
    pub scenario: &'static str,
    /// Against what.
    pub target: Kind,
    /// Messages sent and confirmed (echoed back to their sender).
    pub messages: usize,
    /// Confirmed messages a receiver never got.
    pub lost: usize,
    /// Messages a receiver got more than once.
    pub duplicated: usize,
    /// How long the load ran, seconds.
    pub seconds: f64,
    /// Confirmed messages per second.
    pub messages_per_second: f64,
    /// Delivery latency (sender to receiver), or connect time for the connect storm.
    pub latency: Latency,
    /// Resident memory of the runtime (workerd) after the load, MiB, where measured.
    pub rss_mib: Option<f64>,
    /// CPU time workerd spent per confirmed message (per connection for the connect storm),
    /// milliseconds: where a slower relay's time goes, independent of the wall clock.
    pub cpu_ms_per_message: Option<f64>,
    /// The part of it on the isolate's own thread (without V8's background compiling and
    /// marking), milliseconds per message.
    pub isolate_cpu_ms_per_message: Option<f64>,
    /// Free-form detail (what the latency measures, sizes of the load).
    pub note: String,
    /// The samples, for plots (not written to JSON).
    #[serde(skip)]
    pub samples: Samples,
}

impl Outcome {
    /// An outcome from its samples and counts.
    pub(crate) fn new(
        scenario: &'static str,
        target: Kind,
        samples: Samples,
        messages: usize,
        seconds: f64,
    ) -> Self {
        Outcome {
            scenario,
            target,
            messages,
            lost: 0,
            duplicated: 0,
            seconds,
            messages_per_second: if seconds > 0.0 { messages as f64 / seconds } else { 0.0 },
            latency: samples.latency(),
            rss_mib: None,
            cpu_ms_per_message: None,
            isolate_cpu_ms_per_message: None,
            note: String::new(),
            samples,
        }
    }
}
