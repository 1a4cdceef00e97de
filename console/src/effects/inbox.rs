//! The inbox socket, `GET /api/v1/agent/inbox?updates=batched`: a snapshot of the site's
//! conversations, then the changes (paced: several to a frame when they come close together),
//! and the agent's line to routing (offers in; accept, decline, take, transfer and presence
//! out). It also sends `{"type":"ping"}` every [`PING_EVERY_MS`], so
//! proxies do not close the socket while the site is quiet; the edge answers `pong` without
//! waking the site's object, and the console ignores the answer.
//!
//! It reconnects with backoff whenever it drops (each reconnect brings a fresh snapshot, so
//! nothing missed while away is lost), and every drop re-asks `/agent/me`: a session that
//! ended (the edge closes with `4401`) sends the agent back to the login form, while this
//! browser's own session renewed by a password change reconnects.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use switchboard_protocol::inbox::{InboxCommand, InboxFrame, BATCHED_UPDATES};
use switchboard_protocol::{ClientFrame, SUBPROTOCOL};
use switchboard_webclient::{websocket_origin, Socket, SocketEvent};

use super::timer::{Interval, Retry};
use super::{session, Dispatcher, PING_EVERY_MS};
use crate::state::{Action, Link};

const PATH: &str = "/api/v1/agent/inbox";

/// The inbox socket while an agent is signed in. Dropping it closes the socket and cancels
/// any scheduled reconnect.
pub struct InboxLink {
    inner: Rc<RefCell<Inner>>,
    _ping: Option<Interval>,
}

struct Inner {
    /// The current socket; a closed one stays here until its replacement is made, so a socket
    /// is never dropped from inside its own event handler.
    socket: Option<Socket>,
    retry: Retry,
    dispatch: Dispatcher,
}

impl InboxLink {
    /// Connects, reporting frames and health through `dispatch`.
    pub fn start(dispatch: Dispatcher) -> InboxLink {
        let inner = Rc::new(RefCell::new(Inner { socket: None, retry: Retry::default(), dispatch }));
        connect(&inner);
        let weak = Rc::downgrade(&inner);
        let ping = Interval::new(PING_EVERY_MS, move || {
            if let Some(inner) = weak.upgrade() {
                if let Some(socket) = &inner.borrow().socket {
                    // Serialises to exactly `{"type":"ping"}`, the text the edge answers cheaply.
                    socket.send(&ClientFrame::Ping);
                }
            }
        });
        InboxLink { inner, _ping: ping }
    }

    /// Sends a routing command; false while the socket is down (the console says so).
    pub fn send(&self, command: &InboxCommand) -> bool {
        self.inner.borrow().socket.as_ref().is_some_and(|socket| socket.send(command))
    }
}

fn connect(inner: &Rc<RefCell<Inner>>) {
    let (key, value) = BATCHED_UPDATES;
    let url = format!("{}{PATH}?{key}={value}", websocket_origin());
    // Handlers hold a weak reference: the link owns the socket, not the other way round, so
    // dropping the link really ends everything.
    let weak = Rc::downgrade(inner);
    let socket = Socket::connect::<InboxFrame, _>(&url, &[SUBPROTOCOL], move |event| {
        if let Some(inner) = weak.upgrade() {
            on_event(&inner, event);
        }
    });
    match socket {
        Ok(socket) => inner.borrow_mut().socket = Some(socket),
        Err(_) => reconnect_later(inner),
    }
}

fn on_event(inner: &Rc<RefCell<Inner>>, event: SocketEvent<InboxFrame>) {
    let dispatch = inner.borrow().dispatch.clone();
    match event {
        // Live only once the snapshot is in: until then the list would be stale. `pong` and
        // frame types from a newer edge arrive as unknown frames and are ignored.
        SocketEvent::Open | SocketEvent::Unknown(_) => {}
        SocketEvent::Frame(frame) => {
            if matches!(frame, InboxFrame::Snapshot { .. }) {
                inner.borrow_mut().retry.succeeded();
                dispatch.dispatch(Action::InboxLink(Link::Open));
            }
            dispatch.dispatch(Action::Inbox(Box::new(frame)));
        }
        // Closed, for a session that ended (4401) or anything else: `/agent/me` says whether
        // this browser's session still holds — it does after its own password change, which
        // ends every other session — and the sign-in screen shows only when it does not.
        SocketEvent::Closed { .. } => {
            dispatch.dispatch(Action::InboxLink(Link::Reconnecting));
            session::recheck(dispatch);
            reconnect_later(inner);
        }
    }
}

fn reconnect_later(inner: &Rc<RefCell<Inner>>) {
    let weak: Weak<RefCell<Inner>> = Rc::downgrade(inner);
    inner.borrow_mut().retry.schedule(move || {
        if let Some(inner) = weak.upgrade() {
            connect(&inner);
        }
    });
}
