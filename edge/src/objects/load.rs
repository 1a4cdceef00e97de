//! How busy an object instance is: its events and (for feeds) batches, counted in memory and
//! logged every [`EVERY`] events — a cheap line in the deployment's logs, and what
//! `cargo xtask bench` reads to report each object kind's events per second.

use std::cell::Cell;

/// Events between two log lines.
pub(crate) const EVERY: u64 = 200;

/// An instance's counts since it started.
pub(crate) struct Load {
    kind: &'static str,
    /// A random tag, to tell instances of a kind apart in the log.
    instance: u32,
    events: Cell<u64>,
    batches: Cell<u64>,
}

impl Load {
    /// Counts for an instance of `kind`.
    pub(crate) fn new(kind: &'static str) -> Self {
        let instance = crate::env::random_bytes().map(u32::from_le_bytes).unwrap_or_default();
        Self { kind, instance, events: Cell::new(0), batches: Cell::new(0) }
    }

    /// One more event (a request, a socket message, an alarm).
    pub(crate) fn event(&self) {
        let events = self.events.get() + 1;
        self.events.set(events);
        if events.is_multiple_of(EVERY) {
            let (kind, instance, batches) = (self.kind, self.instance, self.batches.get());
            worker::console_log!("load: {kind} {instance:08x} events={events} batches={batches}");
        }
    }

    /// One more batch passed on.
    pub(crate) fn batch(&self) {
        self.batches.set(self.batches.get() + 1);
    }
}
