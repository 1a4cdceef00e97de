//! Performing what changed: the outbox and read mark to storage; the unread count, new agent
//! messages and the "active" flag to the host page; read receipts to the edge.

use switchboard_protocol::{Author, Seq};

use super::Chat;
use crate::bridge::{Notice, ToHost};
use crate::dom::page_visible;
use crate::state::{Event, Status};
use crate::storage::outbox_json;

/// What was last persisted or posted, so [`Chat::sync`] performs only changes.
#[derive(Default)]
pub(super) struct Synced {
    pub outbox: Option<String>,
    read_seq: Seq,
    unread: usize,
    active: bool,
    /// Agent messages up to here were announced (or predate this page): `None` until the
    /// first replay completes, so history is not announced as new.
    pub announced: Option<Seq>,
}

impl Chat {
    /// Performs what changed since the last call. Called after every change.
    pub(super) fn sync(&self) {
        self.send_read_receipt();
        let state = self.state();
        if matches!(state.status, Status::Ended) {
            return;
        }
        let mut synced = self.synced.borrow_mut();
        let bridge = self.host.bridge.borrow();
        let post = |message: ToHost| {
            if let Some(bridge) = bridge.as_ref() {
                bridge.post(&message);
            }
        };

        let outbox = outbox_json(state.log.pending());
        if synced.outbox.as_ref() != Some(&outbox) {
            if let Some(keys) = &self.keys {
                keys.save_outbox(&outbox);
            }
            synced.outbox = Some(outbox);
        }
        if state.read_seq != synced.read_seq {
            if let Some(keys) = &self.keys {
                keys.save_read_seq(state.read_seq);
            }
            synced.read_seq = state.read_seq;
        }

        let active = state.has_messages();
        if active != synced.active {
            post(ToHost::Active { value: active });
            synced.active = active;
        }
        let unread = state.unread();
        if unread != synced.unread {
            post(ToHost::Unread { count: unread });
            synced.unread = unread;
        }

        let last = state.log.last_seq();
        match synced.announced {
            Some(announced) => {
                let mut fresh: Vec<_> =
                    state.log.messages().rev().take_while(|m| m.seq > announced).collect();
                fresh.reverse();
                let mut replied = false;
                for message in fresh {
                    if let Author::Agent { name, .. } = &message.author {
                        post(ToHost::Message { message: Notice { text: &message.text, author_name: name } });
                        replied = true;
                    }
                }
                if replied && state.sound {
                    crate::dom::chime();
                }
                synced.announced = Some(last);
            }
            None if state.log.is_caught_up() => synced.announced = Some(last),
            None => {}
        }
    }

    /// Tells the edge how far the visitor has read, when the conversation is in front of them:
    /// panel open, on the conversation (not the history), page visible. The log decides
    /// whether there is anything new to say; only an open socket can say it (after a
    /// reconnect, the replay's messages bring a new chance).
    fn send_read_receipt(&self) {
        let open = self.conn.socket.borrow().as_ref().is_some_and(|socket| socket.is_open());
        self.apply_quietly(Event::Looked(open && page_visible()));
    }
}
