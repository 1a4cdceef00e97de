//! The open conversation's socket, `GET /api/v1/conversations/{id}/live`, around a
//! [`ClientLog`].
//!
//! The log decides what to send and what is shown; this module only moves frames. On every
//! (re)connect it sends `hello` (where our copy ends) and resends every pending reply; the
//! edge deduplicates by client id, so a reply sent just before a drop is stored once. After
//! each visible change it publishes a snapshot of the log to the state.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use switchboard_core::client_log::ClientLog;
use switchboard_protocol::{
    ClientFrame, ClientMessageId, ConversationId, ErrorCode, ServerFrame, SUBPROTOCOL,
};
use switchboard_webclient::{websocket_origin, Socket, SocketEvent};

use super::timer::{Interval, Retry};
use switchboard_webclient::new_client_id;

use super::{now, Dispatcher, CLOSE_SESSION_ENDED, SESSION_ENDED};
use crate::state::{Action, Link};

/// How often an idle socket says `ping`, so proxies (Cloudflare closes WebSockets idle for
/// 100 s) do not cut it and make the pane flicker "Reconnecting…".
const PING_EVERY_MS: u32 = 45_000;

/// The socket of the open conversation. Only one exists at a time: switching conversations
/// drops the old link (closing its socket) after taking its log back with [`Self::close`].
pub struct ConversationLink {
    inner: Rc<RefCell<Inner>>,
    _ping: Option<Interval>,
}

struct Inner {
    id: ConversationId,
    log: ClientLog,
    /// The current socket; a closed one stays here until its replacement is made, so a socket
    /// is never dropped from inside its own event handler.
    socket: Option<Socket>,
    retry: Retry,
    dispatch: Dispatcher,
}

impl ConversationLink {
    /// Opens conversation `id`, continuing from `log` (empty, or kept from an earlier visit
    /// with its pending replies, which are resent once connected).
    pub fn start(id: ConversationId, log: ClientLog, dispatch: Dispatcher) -> ConversationLink {
        let inner = Rc::new(RefCell::new(Inner { id, log, socket: None, retry: Retry::default(), dispatch }));
        // Show what we already hold at once, before the socket even opens.
        publish(&inner.borrow());
        connect(&inner);
        let weak = Rc::downgrade(&inner);
        let ping = Interval::new(PING_EVERY_MS, move || {
            if let Some(inner) = weak.upgrade() {
                if let Some(socket) = &inner.borrow().socket {
                    socket.send(&ClientFrame::Ping);
                }
            }
        });
        ConversationLink { inner, _ping: ping }
    }

    /// Sends a reply. It shows as pending at once; if the socket is down it goes out with the
    /// resends after the next reconnect.
    pub fn send(&self, text: String) {
        let Some(client_id) = new_client_id() else {
            return;
        };
        let mut inner = self.inner.borrow_mut();
        let frame = inner.log.queue(client_id, text, now());
        if let Some(socket) = &inner.socket {
            // `false` (not open) is fine: `resend` carries it after `hello` on reconnect.
            socket.send(&frame);
        }
        publish(&inner);
    }

    /// Forgets a refused reply the agent has read.
    pub fn dismiss(&self, client_id: &ClientMessageId) {
        let mut inner = self.inner.borrow_mut();
        if inner.log.dismiss(client_id) {
            publish(&inner);
        }
    }

    /// Closes the socket and hands back the log, to resume from if the agent returns.
    pub fn close(self) -> ClientLog {
        std::mem::take(&mut self.inner.borrow_mut().log)
    }
}

fn connect(inner: &Rc<RefCell<Inner>>) {
    let url = format!("{}/api/v1/conversations/{}/live", websocket_origin(), inner.borrow().id);
    // Handlers hold a weak reference: dropping the link must really end the socket.
    let weak = Rc::downgrade(inner);
    let socket = Socket::connect::<ServerFrame, _>(&url, &[SUBPROTOCOL], move |event| {
        if let Some(inner) = weak.upgrade() {
            on_event(&inner, event);
        }
    });
    match socket {
        Ok(socket) => inner.borrow_mut().socket = Some(socket),
        Err(_) => reconnect_later(inner),
    }
}

fn on_event(inner: &Rc<RefCell<Inner>>, event: SocketEvent<ServerFrame>) {
    match event {
        SocketEvent::Open => {
            let inner = inner.borrow();
            if let Some(socket) = &inner.socket {
                socket.send(&inner.log.hello());
                for frame in inner.log.resend() {
                    socket.send(&frame);
                }
            }
        }
        SocketEvent::Frame(ServerFrame::Error { code: ErrorCode::Unauthorized, client_id: None, .. }) => {
            session_ended(&inner.borrow());
        }
        SocketEvent::Frame(frame) => {
            let mut inner = inner.borrow_mut();
            if matches!(frame, ServerFrame::Welcome { .. }) {
                inner.retry.succeeded();
                let action = Action::ConversationLink { id: inner.id.clone(), link: Link::Live };
                inner.dispatch.dispatch(action);
            }
            if inner.log.apply(frame, now()) {
                publish(&inner);
            }
        }
        // A frame type from a newer edge: ignorable by the protocol's versioning rules.
        SocketEvent::Unknown(_) => {}
        SocketEvent::Closed { code } if code == CLOSE_SESSION_ENDED => session_ended(&inner.borrow()),
        SocketEvent::Closed { .. } => {
            {
                let inner = inner.borrow();
                let action = Action::ConversationLink { id: inner.id.clone(), link: Link::Reconnecting };
                inner.dispatch.dispatch(action);
            }
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

fn session_ended(inner: &Inner) {
    inner.dispatch.dispatch(Action::SignedOut { error: Some(SESSION_ENDED.to_owned()) });
}

/// Hands the state a snapshot of the log. A copy, because the log keeps changing here while
/// the screen renders the previous one; conversations are small enough for that to be cheap.
fn publish(inner: &Inner) {
    inner.dispatch.dispatch(Action::Log { id: inner.id.clone(), log: Rc::new(inner.log.clone()) });
}
