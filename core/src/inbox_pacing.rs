//! How often a console that asked for batches (`?updates=batched`) hears of its site's
//! changes: at most one frame every [`FRAME_EVERY_MS`]. A change after a quiet spell goes at
//! once; those that follow within the spell wait for the next frame, each conversation once
//! (its newest summary). The site object's sends — one per open console per frame — so
//! follow the number of consoles and the clock, never the site's message rate: with 1,000
//! consoles open, four frames a second each whatever the traffic.
//!
//! Sans-IO: the caller says when a change happened ([`Paced::changed`]) and when the timer
//! it was asked for fired ([`Paced::due`]); the answer says what to send and when to wake.

use switchboard_protocol::inbox::ConversationSummary;

/// Least time between two frames to a batched console.
pub const FRAME_EVERY_MS: i64 = 250;

/// What to do after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pace {
    /// Send these now (the last frame went long enough ago).
    Send(Vec<ConversationSummary>),
    /// Kept for the next frame: set a timer for this time (ms since the Unix epoch) and call
    /// [`Paced::due`] then.
    WakeAt(i64),
    /// Kept for the next frame, whose timer is already set.
    Wait,
}

/// The changes waiting for the next frame, and when the last one went.
#[derive(Debug, Default)]
pub struct Paced {
    /// Newest summary of each changed conversation, in the order they first changed.
    waiting: Vec<ConversationSummary>,
    /// When the last frame went.
    last_sent: Option<i64>,
    /// When the timer set for the next frame fires.
    wake_at: Option<i64>,
}

impl Paced {
    /// `summary` changed at `now`.
    pub fn changed(&mut self, summary: ConversationSummary, now: i64) -> Pace {
        match self.waiting.iter_mut().find(|kept| kept.id == summary.id) {
            Some(kept) => *kept = summary,
            None => self.waiting.push(summary),
        }
        if self.wake_at.is_some() {
            return Pace::Wait;
        }
        match self.last_sent {
            Some(last) if now < last + FRAME_EVERY_MS => {
                let at = last + FRAME_EVERY_MS;
                self.wake_at = Some(at);
                Pace::WakeAt(at)
            }
            _ => Pace::Send(self.take(now)),
        }
    }

    /// The timer fired at `now`: what waited, to send now (empty when nothing did).
    pub fn due(&mut self, now: i64) -> Vec<ConversationSummary> {
        self.wake_at = None;
        if self.waiting.is_empty() {
            return Vec::new();
        }
        self.take(now)
    }

    fn take(&mut self, now: i64) -> Vec<ConversationSummary> {
        self.last_sent = Some(now);
        std::mem::take(&mut self.waiting)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use switchboard_protocol::{ConversationId, Seq, VisitorId};

    use super::*;

    fn summary(n: u8, seq: u64) -> ConversationSummary {
        let empty = ConversationSummary::empty(
            ConversationId::from_random([n; 16]),
            VisitorId::from_random([n; 16]),
            0,
        );
        ConversationSummary { last_seq: Seq(seq), ..empty }
    }

    #[test]
    fn a_change_after_quiet_goes_at_once_and_the_next_ones_wait_for_the_timer() {
        let mut paced = Paced::default();
        assert_eq!(paced.changed(summary(1, 1), 1_000), Pace::Send(vec![summary(1, 1)]));
        assert_eq!(paced.changed(summary(2, 1), 1_010), Pace::WakeAt(1_250));
        assert_eq!(paced.changed(summary(1, 2), 1_020), Pace::Wait);
        assert_eq!(paced.changed(summary(2, 2), 1_030), Pace::Wait);
        // Each conversation once, its newest, in the order they first changed.
        assert_eq!(paced.due(1_250), vec![summary(2, 2), summary(1, 2)]);
        assert_eq!(paced.due(1_300), Vec::new(), "a timer with nothing waiting sends nothing");
        // Quiet since: at once again.
        assert_eq!(paced.changed(summary(3, 1), 1_600), Pace::Send(vec![summary(3, 1)]));
    }

    proptest! {
        /// Whatever the changes and their timing, with the timer fired when asked: frames are
        /// at least `FRAME_EVERY_MS` apart, at most one timer is pending, and once the last
        /// timer fires each conversation's newest summary has been sent.
        #[test]
        fn frames_are_spaced_and_nothing_is_lost(
            changes in prop::collection::vec((0u8..6, 0i64..400), 1..80),
        ) {
            let mut paced = Paced::default();
            let (mut now, mut timer, mut sent_at) = (0i64, None::<i64>, Vec::<i64>::new());
            let mut newest = std::collections::BTreeMap::new();
            let mut delivered = std::collections::BTreeMap::new();
            let mut deliver = |frame: Vec<ConversationSummary>, at: i64, sent_at: &mut Vec<i64>| {
                if !frame.is_empty() {
                    sent_at.push(at);
                }
                for summary in frame {
                    delivered.insert(summary.id.clone(), summary.last_seq);
                }
            };
            for (seq, (n, gap)) in changes.into_iter().enumerate() {
                now += gap;
                if let Some(at) = timer.filter(|at| *at <= now) {
                    timer = None;
                    deliver(paced.due(at), at, &mut sent_at);
                }
                let change = summary(n, seq as u64);
                newest.insert(change.id.clone(), change.last_seq);
                match paced.changed(change, now) {
                    Pace::Send(frame) => deliver(frame, now, &mut sent_at),
                    Pace::WakeAt(at) => {
                        prop_assert!(timer.is_none(), "a second timer while one is pending");
                        prop_assert!(at > now);
                        timer = Some(at);
                    }
                    Pace::Wait => prop_assert!(timer.is_some(), "told to wait with no timer set"),
                }
            }
            if let Some(at) = timer {
                deliver(paced.due(at), at, &mut sent_at);
            }
            prop_assert!(sent_at.windows(2).all(|w| w[1] - w[0] >= FRAME_EVERY_MS), "{sent_at:?}");
            prop_assert_eq!(delivered, newest);
        }
    }
}
