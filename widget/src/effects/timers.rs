//! Delays: running a step later unless shutdown comes first, reconnect backoff, sending
//! pending messages at the edge's pace, and the socket's heartbeat.

use std::time::Duration;

use switchboard_core::backoff::reconnect_delay_ms;
use switchboard_core::heartbeat::{Beat, Heartbeat};
use switchboard_protocol::ClientFrame;
use yew::platform::{spawn_local, time::sleep};

use super::Chat;
use crate::dom::now;
use crate::state::Event;

impl Chat {
    /// Runs `step` after `ms` milliseconds, unless shutdown comes first.
    pub(super) fn after(&self, ms: u32, step: fn(&Chat)) {
        let Some(me) = self.me.upgrade() else { return };
        let generation = self.generation.get();
        spawn_local(async move {
            sleep(Duration::from_millis(u64::from(ms))).await;
            if me.generation.get() == generation {
                step(&me);
            }
        });
    }

    /// Runs `step` after the next backoff delay (see [`reconnect_delay_ms`]).
    pub(super) fn later(&self, step: fn(&Chat)) {
        let attempt = self.conn.attempt.get();
        self.conn.attempt.set(attempt.saturating_add(1));
        self.after(reconnect_delay_ms(attempt, js_sys::Math::random()), step);
    }

    /// Sets a timer for when the log next has messages to send (the edge's pace, the end of
    /// a slow-down, a new connection's welcome), unless one is set for that time or earlier.
    pub(super) fn schedule_due(&self) {
        let Some(at) = self.state().log.next_due_at() else { return };
        if self.conn.due_timer.get().is_some_and(|set| set <= at) {
            return;
        }
        self.conn.due_timer.set(Some(at));
        let delay = u32::try_from((at - now()).max(0)).unwrap_or(u32::MAX);
        self.after(delay, Chat::send_due);
    }

    /// Sends what is due. Not connected: the frames are dropped, and the next connection's
    /// welcome sends every pending message again anyway.
    fn send_due(&self) {
        self.conn.due_timer.set(None);
        self.apply_quietly(Event::Due(now()));
        self.schedule_due();
    }

    /// A socket opened: watch its liveness from now on.
    pub(super) fn start_heartbeat(&self) {
        let mut heartbeat = Heartbeat::new(now());
        let beat = heartbeat.check(now());
        self.conn.heartbeat.replace(Some(heartbeat));
        self.act_on(beat);
    }

    /// Checks the heartbeat (`doubt`: ping now, the socket may have died unseen).
    pub(super) fn beat(&self, doubt: bool) {
        let now = now();
        let beat = match self.conn.heartbeat.borrow_mut().as_mut() {
            Some(heartbeat) if doubt => heartbeat.doubt(now),
            Some(heartbeat) => heartbeat.check(now),
            None => return,
        };
        self.act_on(beat);
    }

    fn act_on(&self, beat: Beat) {
        match beat {
            Beat::WaitUntil(at) => self.beat_at(at),
            Beat::Ping { check_at } => {
                self.send_frame(&ClientFrame::Ping);
                self.beat_at(check_at);
            }
            Beat::Dead => self.socket_dead(),
        }
    }

    /// Checks the heartbeat again at `at`; an earlier scheduled check is superseded.
    fn beat_at(&self, at: i64) {
        let Some(me) = self.me.upgrade() else { return };
        let epoch = self.conn.beat_epoch.get().wrapping_add(1);
        self.conn.beat_epoch.set(epoch);
        let generation = self.generation.get();
        let delay = u64::try_from((at - now()).max(0)).unwrap_or(0);
        spawn_local(async move {
            sleep(Duration::from_millis(delay)).await;
            if me.generation.get() == generation && me.conn.beat_epoch.get() == epoch {
                me.beat(false);
            }
        });
    }
}
