//! Sockets whose session ended. An agent's socket carries when its session ends (the
//! cookie's expiry, or its API key's) in its participant; each object closes such sockets
//! lazily, at the start of every event it handles, at the cost of one comparison until the
//! first of them ends. A removed account, a key revoked or "sign out everywhere" closes them
//! at once instead ([`close_tagged`], told by the site object).

use std::cell::Cell;

use switchboard_protocol::CLOSE_UNAUTHORIZED;
use worker::{State, WebSocket};

use super::Participant;

/// When the first session among an object's sockets ends, once known.
#[derive(Default)]
pub(crate) struct SessionEnds {
    /// `None` after the object woke: look at every socket once.
    first: Cell<Option<i64>>,
}

impl SessionEnds {
    /// Closes the sockets whose session ended by `now`; `participant` reads a socket's.
    pub(crate) fn close_ended(
        &self,
        state: &State,
        now: i64,
        participant: impl Fn(&WebSocket) -> Option<Participant>,
    ) {
        if self.first.get().is_some_and(|first| first > now) {
            return;
        }
        let mut first = i64::MAX;
        for socket in state.get_websockets() {
            match participant(&socket).and_then(|p| p.expires_at) {
                Some(at) if at <= now => close(&socket),
                Some(at) => first = first.min(at),
                None => {}
            }
        }
        self.first.set(Some(first));
    }

    /// A socket was accepted whose session ends at `at` (if it does).
    pub(crate) fn accepted(&self, at: Option<i64>) {
        if let (Some(at), Some(first)) = (at, self.first.get()) {
            self.first.set(Some(first.min(at)));
        }
    }
}

/// Closes every socket tagged `tag` (an agent's or a key's id): its session ended.
pub(crate) fn close_tagged(state: &State, tag: &str) {
    for socket in state.get_websockets_with_tag(tag) {
        close(&socket);
    }
}

fn close(socket: &WebSocket) {
    let _ = socket.close(Some(CLOSE_UNAUTHORIZED), Some("session ended"));
}
