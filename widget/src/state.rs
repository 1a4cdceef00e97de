//! What the panel shows, as one value changed only by [`Action`]s through [`State::reduce`].
//!
//! The conversation itself is a [`ClientLog`] from `switchboard-core` (dedup by `seq`, pending
//! sends); this module adds what only the panel cares about: whether it is open, how far the
//! visitor has read, and the connection's status. Effects (sockets, storage, the host page)
//! live in [`crate::net`], which dispatches actions here and reads the result.

use std::ops::Deref;
use std::rc::Rc;

use switchboard_core::client_log::{ClientLog, PendingMessage};
use switchboard_protocol::{ClientMessageId, Role, Seq, ServerFrame};
use yew::Reducible;

/// A shared value compared by identity, so a component re-renders only when the reducer
/// produced a new one (the log is never compared message by message).
#[derive(Debug, Default)]
pub struct Shared<T>(Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> Shared<T> {
    /// Changes the value, copying it first if an older state still shares it.
    fn make_mut(&mut self) -> &mut T {
        Rc::make_mut(&mut self.0)
    }
}

/// Where the connection to the edge stands, as the visitor is told.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Status {
    /// Waiting for the host page, a session or the socket's `welcome`.
    #[default]
    Connecting,
    /// Joined: frames flow.
    Online,
    /// The socket dropped; a reconnect is scheduled.
    Reconnecting,
    /// No session could be had; `reason` is a sentence for the visitor. When `retrying`, a new
    /// attempt is scheduled; otherwise the chat cannot work here (site or origin refused).
    Failed {
        /// What went wrong, for people.
        reason: String,
        /// Whether another attempt is scheduled.
        retrying: bool,
    },
    /// The host page ended the visitor's session (`shutdown`).
    Ended,
}

/// Everything the panel renders.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Whether the host page shows the panel (unread counting stops while it does).
    pub open: bool,
    /// The conversation: stored messages and this visitor's pending sends.
    pub log: Shared<ClientLog>,
    /// The connection, as shown above the messages.
    pub status: Status,
    /// The highest `seq` the visitor has had in front of them (panel open). Agent messages
    /// after it are unread; persisted so a page load does not count old replies again.
    pub read_seq: Seq,
}

/// Every change the panel's state can go through.
#[derive(Debug)]
pub enum Action {
    /// The host page opened or closed the panel.
    SetOpen(bool),
    /// Unsent messages and the read mark restored from storage at start.
    Restore {
        /// The outbox as saved before the last page load.
        pending: Vec<PendingMessage>,
        /// The read mark as saved.
        read_seq: Seq,
    },
    /// The connection changed.
    Status(Status),
    /// A frame from the edge.
    Frame(ServerFrame),
    /// The visitor sent a message (it stays pending until the edge stores it).
    Queue {
        /// Its idempotency key.
        client_id: ClientMessageId,
        /// The text as typed.
        text: String,
        /// When, ms since the epoch.
        now: i64,
    },
    /// The visitor dismissed a refused message.
    Dismiss(ClientMessageId),
    /// The session was replaced (old token refused): the old conversation is out of reach,
    /// so its messages go; what the visitor has not yet sent stays, to go to the new one.
    NewConversation,
    /// The host page ended the session: forget everything.
    Ended,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        match action {
            Action::SetOpen(open) => next.open = open,
            Action::Restore { pending, read_seq } => {
                next.log = Shared(Rc::new(ClientLog::with_pending(pending)));
                next.read_seq = read_seq;
            }
            Action::Status(status) => next.status = status,
            Action::Frame(frame) => {
                if matches!(frame, ServerFrame::Welcome { .. }) {
                    next.status = Status::Online;
                }
                next.log.make_mut().apply(frame, js_sys::Date::now() as i64);
            }
            Action::Queue { client_id, text, now } => {
                // The frame `queue` returns is the one `net` sends; the log only records it.
                next.log.make_mut().queue(client_id, text, now);
            }
            Action::Dismiss(client_id) => {
                next.log.make_mut().dismiss(&client_id);
            }
            Action::NewConversation => {
                let unsent = next.log.pending().iter().filter(|p| p.refused.is_none()).cloned().collect();
                next.log = Shared(Rc::new(ClientLog::with_pending(unsent)));
                next.read_seq = Seq(0);
            }
            Action::Ended => {
                next = State { open: next.open, status: Status::Ended, ..State::default() };
            }
        }
        // Whatever reaches an open panel has been seen.
        if next.open {
            next.read_seq = next.read_seq.max(next.log.last_seq());
        }
        Rc::new(next)
    }
}

impl State {
    /// Agent messages the visitor has not seen (always 0 while the panel is open).
    pub fn unread(&self) -> usize {
        if self.open {
            return 0;
        }
        self.log
            .messages()
            .rev()
            .take_while(|m| m.seq > self.read_seq)
            .filter(|m| m.author.role() == Role::Agent)
            .count()
    }

    /// Whether the visitor can type: not after a shutdown, nor when the chat cannot work here.
    pub fn can_send(&self) -> bool {
        !matches!(self.status, Status::Ended | Status::Failed { retrying: false, .. })
    }
}
