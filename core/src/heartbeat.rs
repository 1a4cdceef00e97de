//! Noticing a dead connection. A socket can look open for minutes after the network is gone
//! (a laptop that slept, a phone that changed networks): nothing arrives, and nothing says
//! so. A client pings when it has heard nothing for a while and gives the socket up when the
//! ping goes unanswered, so it reconnects (and resumes) instead of waiting in silence.

/// Ping after this long without hearing anything.
pub const PING_AFTER_MS: i64 = 25_000;

/// Give the socket up when a ping is unanswered this long.
pub const DEAD_AFTER_MS: i64 = 10_000;

/// One socket's liveness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heartbeat {
    last_heard: i64,
    ping_sent: Option<i64>,
}

/// What to do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    /// Nothing; check again at this time.
    WaitUntil(i64),
    /// Send a ping now (then check again at the time given).
    Ping {
        /// When to check again.
        check_at: i64,
    },
    /// The socket is dead: close it and reconnect.
    Dead,
}

impl Heartbeat {
    /// A socket that just opened.
    pub fn new(now: i64) -> Self {
        Self { last_heard: now, ping_sent: None }
    }

    /// Something arrived: the socket is alive.
    pub fn heard(&mut self, now: i64) {
        self.last_heard = self.last_heard.max(now);
        self.ping_sent = None;
    }

    /// What to do at `now`.
    pub fn check(&mut self, now: i64) -> Beat {
        match self.ping_sent {
            Some(sent) if now >= sent + DEAD_AFTER_MS => Beat::Dead,
            Some(sent) => Beat::WaitUntil(sent + DEAD_AFTER_MS),
            None if now >= self.last_heard + PING_AFTER_MS => self.ping(now),
            None => Beat::WaitUntil(self.last_heard + PING_AFTER_MS),
        }
    }

    /// Pings now unless a ping is out already: when there is reason to doubt the socket (the
    /// page became visible again, the browser says it is back online).
    pub fn doubt(&mut self, now: i64) -> Beat {
        match self.ping_sent {
            Some(_) => self.check(now),
            None => self.ping(now),
        }
    }

    fn ping(&mut self, now: i64) -> Beat {
        self.ping_sent = Some(now);
        Beat::Ping { check_at: now + DEAD_AFTER_MS }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_socket_is_pinged_and_given_up_when_the_ping_goes_unanswered() {
        let mut beat = Heartbeat::new(0);
        assert_eq!(beat.check(1_000), Beat::WaitUntil(PING_AFTER_MS));
        assert_eq!(beat.check(PING_AFTER_MS), Beat::Ping { check_at: PING_AFTER_MS + DEAD_AFTER_MS });
        assert_eq!(beat.check(PING_AFTER_MS + 1), Beat::WaitUntil(PING_AFTER_MS + DEAD_AFTER_MS));
        assert_eq!(beat.check(PING_AFTER_MS + DEAD_AFTER_MS), Beat::Dead);
    }

    #[test]
    fn anything_heard_keeps_it_alive() {
        let mut beat = Heartbeat::new(0);
        assert!(matches!(beat.check(PING_AFTER_MS), Beat::Ping { .. }));
        beat.heard(PING_AFTER_MS + 5);
        assert_eq!(beat.check(PING_AFTER_MS + DEAD_AFTER_MS), Beat::WaitUntil(2 * PING_AFTER_MS + 5));
    }

    #[test]
    fn doubt_pings_at_once_but_only_once() {
        let mut beat = Heartbeat::new(0);
        assert_eq!(beat.doubt(10), Beat::Ping { check_at: 10 + DEAD_AFTER_MS });
        assert_eq!(beat.doubt(20), Beat::WaitUntil(10 + DEAD_AFTER_MS));
    }
}
