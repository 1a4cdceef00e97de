//! The conversation's connection: the session (stored, new, or renewed), the socket,
//! every frame from it, reconnects after a backoff, and a new session when the edge refuses
//! the token.

use switchboard_protocol::api::create_session;
use switchboard_protocol::contact::VisitorContext;
use switchboard_protocol::limits::TYPING_EXPIRY_MS;
use switchboard_protocol::{
    ClientFrame, ErrorCode, ServerFrame, CLOSE_UNAUTHORIZED, SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX,
};
use switchboard_webclient::websocket_origin;
use yew::platform::spawn_local;

use super::Chat;
use crate::bridge::Bridge;
use crate::dom::now;
use crate::session;
use crate::socket::{Socket, SocketEvent};
use crate::state::Event;
use crate::storage::Keys;

impl Chat {
    /// Starts the session once (a second `init` only updates the panel state); never without
    /// a valid site id.
    pub(super) fn begin(&self) {
        if self.started.replace(true) || self.keys.is_none() {
            return;
        }
        let stored = self.keys.as_ref().and_then(Keys::session).filter(|s| session::is_fresh(s, now()));
        // Its token starts the visitor's next conversation as theirs (`create_session`).
        self.conn.session.replace(stored.clone());
        match stored {
            // A visitor answering a proactive message starts a conversation with it.
            Some(session) if self.conn.proactive.borrow().is_none() => {
                self.open_newer(&session);
                self.connect(session)
            }
            _ => self.create_session(),
        }
    }

    /// Asks for a session for a new conversation — the visitor's whose live session the frame
    /// holds (one answering a proactive message), else a new visitor's — and connects with it;
    /// retried after a backoff while the failure is one that can pass (network, outage).
    fn create_session(&self) {
        let Some(request) = self.session_request(self.token()) else { return };
        let Some(me) = self.me.upgrade() else { return };
        let generation = self.generation.get();
        self.apply(Event::Connecting);
        spawn_local(async move {
            let result = session::create(request).await;
            if me.generation.get() != generation {
                return;
            }
            match result {
                Ok(session) => me.switch_to(session, false),
                Err(error) => {
                    let (reason, retry) = session::explain(&error);
                    me.fail(&reason, retry);
                    if retry {
                        me.later(Chat::create_session);
                    }
                }
            }
        });
    }

    /// What `POST /api/v1/sessions` needs, for a new visitor or (with a token) the same one.
    pub(super) fn session_request(&self, visitor_token: Option<String>) -> Option<create_session::Request> {
        let page_origin = self.host.bridge.borrow().as_ref().and_then(Bridge::page_origin);
        let proactive = self.conn.proactive.borrow().clone();
        Some(create_session::Request { site_id: self.site.clone()?, page_origin, visitor_token, proactive })
    }

    /// Where the visitor is, for the agents' contact panel: sent after every `hello`.
    fn context(&self) -> ClientFrame {
        let (page_url, referrer) = match self.host.bridge.borrow().as_ref() {
            Some(bridge) => (bridge.page_url(), bridge.referrer()),
            None => (None, None),
        };
        let locale = web_sys::window().and_then(|w| w.navigator().language());
        ClientFrame::Context { context: VisitorContext { page_url, referrer, locale } }
    }

    /// Opens the socket of `session`'s conversation (replacing any previous socket); the
    /// `hello` and resends follow when it opens.
    pub(super) fn connect(&self, session: create_session::Response) {
        let url = format!("{}/api/v1/conversations/{}/live", websocket_origin(), session.conversation_id);
        let token = format!("{TOKEN_SUBPROTOCOL_PREFIX}{}", session.token);
        *self.conn.session.borrow_mut() = Some(session);
        self.conn.refused.set(false);
        let me = self.me.clone();
        let socket = Socket::connect(&url, &[SUBPROTOCOL, &token], move |event| {
            if let Some(chat) = me.upgrade() {
                chat.on_socket(event);
            }
        });
        // Replacing drops the previous socket; never called from inside its own handlers.
        let failed = socket.is_err();
        *self.conn.socket.borrow_mut() = socket.ok();
        if failed {
            // The browser refused the URL or protocol list outright: a token it cannot carry
            // is as good as a refused one.
            self.session_refused();
        }
    }

    fn on_socket(&self, event: SocketEvent) {
        match event {
            SocketEvent::Open => {
                self.start_heartbeat();
                // `hello` first, then who the visitor is and where; pending messages follow the
                // welcome, at the pace it names.
                self.apply_quietly(Event::SocketOpened);
                self.send_frame(&self.context());
            }
            SocketEvent::Frame(frame) => self.on_frame(*frame),
            SocketEvent::Closed(code) => {
                self.conn.heartbeat.replace(None);
                if code == CLOSE_UNAUTHORIZED || self.conn.refused.get() {
                    self.session_refused();
                } else {
                    self.apply(Event::Reconnecting);
                    self.later(Chat::reconnect);
                }
            }
        }
    }

    fn on_frame(&self, frame: ServerFrame) {
        if let Some(heartbeat) = self.conn.heartbeat.borrow_mut().as_mut() {
            heartbeat.heard(now());
        }
        match &frame {
            ServerFrame::Welcome { session, .. } => {
                self.conn.attempt.set(0);
                // Sessions slide: the renewed token replaces the stored one.
                if let Some(session) = session {
                    if let Some(keys) = &self.keys {
                        keys.save_session(session);
                    }
                    *self.conn.session.borrow_mut() = Some(session.clone());
                }
            }
            ServerFrame::Error { code: ErrorCode::Unauthorized, .. } => self.conn.refused.set(true),
            // Refusals of something the page asked for (a forged `identify`): for its developers.
            ServerFrame::Error { client_id: None, message, .. } => {
                web_sys::console::warn_1(&format!("Switchboard: {message}").into());
            }
            // The indicator lapses on its own: render again when it does.
            ServerFrame::Typing { active: true, .. } => {
                self.after(TYPING_EXPIRY_MS + 50, |chat| chat.render.emit(()));
            }
            _ => {}
        }
        self.apply(Event::Frame(Box::new(frame), now()));
        self.schedule_due();
        self.sync();
    }

    /// The heartbeat says the socket died silently (a sleeping laptop, a changed network):
    /// give it up and reconnect, which resumes and resends.
    pub(super) fn socket_dead(&self) {
        self.conn.heartbeat.replace(None);
        // Dropping the socket detaches its handlers: no close event follows.
        self.conn.socket.replace(None);
        self.apply(Event::Reconnecting);
        self.later(Chat::reconnect);
    }

    /// The browser says the network is back: reconnect now rather than at the end of a
    /// backoff delay, or check a socket that may have died meanwhile.
    pub(super) fn network_back(&self) {
        if self.conn.socket.borrow().as_ref().is_some_and(Socket::is_open) {
            self.beat(true);
        } else if self.started.get() && !self.conn.refused.get() {
            self.conn.attempt.set(0);
            self.reconnect();
        }
    }

    pub(super) fn reconnect(&self) {
        let session = self.conn.session.borrow().clone();
        match session {
            Some(session) => self.connect(session),
            None => self.create_session(),
        }
    }

    /// The edge refused the token: the conversation it named is out of reach. Start a new one,
    /// keeping what the visitor has not sent yet.
    fn session_refused(&self) {
        *self.conn.session.borrow_mut() = None;
        if let Some(keys) = &self.keys {
            keys.drop_session();
        }
        self.synced.borrow_mut().announced = None;
        let unsent = self.state().unsent();
        self.apply(Event::Switched(unsent));
        self.sync();
        // Through the backoff too: a token refused right after it was issued must not loop.
        self.later(Chat::create_session);
    }
}
