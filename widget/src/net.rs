//! The frame's effects: session, socket, reconnects, storage and the host page, in one place.
//!
//! [`Chat`] is the adapter around [`switchboard_core::client_log::ClientLog`]: socket frames go
//! into the state as [`Action`]s, and after every change [`Chat::sync`] compares the new state
//! with what was last persisted or posted and performs only the difference. Decisions stay in
//! core (what to resend, how long to wait); this module only carries them out.
//!
//! Lifecycle: the host page's `init` → stored session, or a new one → socket → `hello` plus
//! every pending send → frames. A close with 4401 (token refused) means a new session and a
//! new conversation; any other close means a reconnect after a backoff delay. Shutdown bumps
//! a generation counter, so timers and requests started before it end quietly.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use switchboard_core::backoff::reconnect_delay_ms;
use switchboard_protocol::api::create_session;
use switchboard_protocol::{
    Author, ClientFrame, ClientMessageId, ErrorCode, Seq, ServerFrame, SiteId, SUBPROTOCOL,
    TOKEN_SUBPROTOCOL_PREFIX,
};
use switchboard_webclient::{websocket_origin, Socket, SocketEvent};
use yew::platform::{spawn_local, time::sleep};
use yew::UseReducerHandle;

use crate::bridge::{Bridge, FromHost, Notice, ToHost};
use crate::ids::site_from_location;
use crate::session;
use crate::state::{Action, State, Status};
use crate::storage::Keys;
use switchboard_webclient::new_client_id;

/// Close code the edge uses after an `unauthorized` error frame (invalid or expired token).
const CLOSE_UNAUTHORIZED: u16 = 4401;

/// The running chat. Lives as long as the app; callbacks hold a [`Weak`] to it.
pub struct Chat {
    state: UseReducerHandle<State>,
    me: Weak<Chat>,
    site: Option<SiteId>,
    keys: Option<Keys>,
    bridge: RefCell<Option<Bridge>>,
    socket: RefCell<Option<Socket>>,
    session: RefCell<Option<create_session::Response>>,
    /// Reconnect attempts since the last `welcome` (drives the backoff delay).
    attempt: Cell<u32>,
    /// Bumped by shutdown: a timer or request that sees another value was cancelled.
    generation: Cell<u32>,
    started: Cell<bool>,
    /// The edge said `unauthorized`: the close that follows needs a new session.
    refused: Cell<bool>,
    synced: RefCell<Synced>,
}

/// What was last persisted or posted, so [`Chat::sync`] sends only changes.
#[derive(Default)]
struct Synced {
    outbox: Option<String>,
    read_seq: Seq,
    unread: usize,
    active: bool,
    /// Agent messages up to here were announced (or predate this page): `None` until the
    /// first replay completes, so history is not announced as new.
    announced: Option<Seq>,
}

impl Chat {
    /// A chat rendering into `state`, for the site named in the frame's URL.
    pub fn new(state: UseReducerHandle<State>) -> Rc<Chat> {
        let site = site_from_location();
        Rc::new_cyclic(|me| Chat {
            state,
            me: me.clone(),
            keys: site.as_ref().map(Keys::new),
            site,
            bridge: RefCell::new(None),
            socket: RefCell::new(None),
            session: RefCell::new(None),
            attempt: Cell::new(0),
            generation: Cell::new(0),
            started: Cell::new(false),
            refused: Cell::new(false),
            synced: RefCell::new(Synced::default()),
        })
    }

    /// Says `ready` to the host page, restores the outbox, and waits for `init`. Not embedded
    /// (frame opened on its own): starts at once, open, and lets the edge judge the request.
    pub fn start(&self) {
        let me = self.me.clone();
        let bridge = Bridge::connect(move |message, origin| {
            if let Some(chat) = me.upgrade() {
                chat.on_host(message, origin);
            }
        });
        let embedded = bridge.is_some();
        // Connected even when the site id is bad, so the close button and Escape still work.
        *self.bridge.borrow_mut() = bridge;
        let Some(keys) = &self.keys else {
            return self.fail("This chat is not set up correctly (no valid site id).", false);
        };
        let pending = keys.outbox();
        self.synced.borrow_mut().outbox = serde_json::to_string(&pending).ok();
        self.dispatch(Action::Restore { pending, read_seq: keys.read_seq() });
        if !embedded {
            self.dispatch(Action::SetOpen(true));
            self.begin();
        }
    }

    /// The visitor sent `text` from the composer.
    pub fn send(&self, text: String) {
        if text.trim().is_empty() || !self.current().can_send() {
            return;
        }
        let Some(client_id) = new_client_id() else {
            return;
        };
        let now = js_sys::Date::now() as i64;
        self.dispatch(Action::Queue { client_id: client_id.clone(), text: text.clone(), now });
        // The same frame `ClientLog::queue` built. Not open: it stays pending, and `resend`
        // brings it on the next connection.
        if let Some(socket) = self.socket.borrow().as_ref() {
            socket.send(&ClientFrame::Send { client_id, text });
        }
        self.sync();
    }

    /// The visitor dismissed a refused message.
    pub fn dismiss(&self, client_id: ClientMessageId) {
        self.dispatch(Action::Dismiss(client_id));
        self.sync();
    }

    /// The visitor asked to close the panel; the loader decides and answers with `close`.
    pub fn request_close(&self) {
        if let Some(bridge) = self.bridge.borrow().as_ref() {
            bridge.post(&ToHost::Close);
        }
    }

    fn on_host(&self, message: FromHost, origin: String) {
        match message {
            FromHost::Init { open } => {
                if let Some(bridge) = self.bridge.borrow().as_ref() {
                    bridge.set_page_origin(origin);
                }
                self.dispatch(Action::SetOpen(open));
                self.begin();
            }
            FromHost::Open => self.dispatch(Action::SetOpen(true)),
            FromHost::Close => self.dispatch(Action::SetOpen(false)),
            FromHost::Shutdown => return self.shutdown(),
        }
        self.sync();
    }

    /// Starts the session once (a second `init` only updates the panel state); never without
    /// a valid site id.
    fn begin(&self) {
        if self.started.replace(true) || self.keys.is_none() {
            return;
        }
        let stored = self.keys.as_ref().and_then(Keys::session);
        match stored {
            Some(session) if session::is_fresh(&session, js_sys::Date::now() as i64) => self.connect(session),
            _ => self.create_session(),
        }
    }

    fn create_session(&self) {
        let (Some(site), Some(me)) = (self.site.clone(), self.me.upgrade()) else {
            return;
        };
        let page_origin = self.bridge.borrow().as_ref().and_then(Bridge::page_origin);
        let generation = self.generation.get();
        // A failure sentence stays up while its retry runs, rather than flicker.
        if !matches!(self.current().status, Status::Failed { .. }) {
            self.dispatch(Action::Status(Status::Connecting));
        }
        spawn_local(async move {
            let result = session::create(site, page_origin).await;
            if me.generation.get() != generation {
                return;
            }
            match result {
                Ok(session) => {
                    if let Some(keys) = &me.keys {
                        keys.save_session(&session);
                    }
                    me.connect(session);
                }
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

    fn connect(&self, session: create_session::Response) {
        let url = format!("{}/api/v1/conversations/{}/live", websocket_origin(), session.conversation_id);
        let token = format!("{TOKEN_SUBPROTOCOL_PREFIX}{}", session.token);
        *self.session.borrow_mut() = Some(session);
        self.refused.set(false);
        let me = self.me.clone();
        let socket = Socket::connect(&url, &[SUBPROTOCOL, &token], move |event| {
            if let Some(chat) = me.upgrade() {
                chat.on_socket(event);
            }
        });
        // Replacing drops the previous socket; never called from inside its own handlers.
        let failed = socket.is_err();
        *self.socket.borrow_mut() = socket.ok();
        if failed {
            // The browser refused the URL or protocol list outright: a token it cannot carry
            // is as good as a refused one.
            self.session_refused();
        }
    }

    fn on_socket(&self, event: SocketEvent<ServerFrame>) {
        match event {
            SocketEvent::Open => {
                let state = self.current();
                if let Some(socket) = self.socket.borrow().as_ref() {
                    socket.send(&state.log.hello());
                    for frame in state.log.resend() {
                        socket.send(&frame);
                    }
                }
            }
            SocketEvent::Frame(frame) => self.on_frame(frame),
            SocketEvent::Unknown(_) => {}
            SocketEvent::Closed { code } => {
                if code == CLOSE_UNAUTHORIZED || self.refused.get() {
                    self.session_refused();
                } else {
                    self.dispatch(Action::Status(Status::Reconnecting));
                    self.later(Chat::reconnect);
                }
            }
        }
    }

    fn on_frame(&self, frame: ServerFrame) {
        match &frame {
            ServerFrame::Welcome { .. } => self.attempt.set(0),
            ServerFrame::Error { code: ErrorCode::Unauthorized, .. } => self.refused.set(true),
            _ => {}
        }
        self.dispatch(Action::Frame(frame));
        self.sync();
    }

    fn reconnect(&self) {
        let session = self.session.borrow().clone();
        match session {
            Some(session) => self.connect(session),
            None => self.create_session(),
        }
    }

    /// The edge refused the token: the conversation it named is out of reach. Start a new one,
    /// keeping what the visitor has not sent yet.
    fn session_refused(&self) {
        *self.session.borrow_mut() = None;
        if let Some(keys) = &self.keys {
            keys.drop_session();
        }
        self.synced.borrow_mut().announced = None;
        self.dispatch(Action::NewConversation);
        self.dispatch(Action::Status(Status::Connecting));
        self.sync();
        // Through the backoff too: a token refused right after it was issued must not loop.
        self.later(Chat::create_session);
    }

    /// Runs `step` after the next backoff delay, unless shutdown comes first.
    fn later(&self, step: fn(&Chat)) {
        let Some(me) = self.me.upgrade() else { return };
        let attempt = self.attempt.get();
        self.attempt.set(attempt.saturating_add(1));
        let delay = reconnect_delay_ms(attempt, js_sys::Math::random());
        let generation = self.generation.get();
        spawn_local(async move {
            sleep(Duration::from_millis(u64::from(delay))).await;
            if me.generation.get() == generation {
                step(&me);
            }
        });
    }

    fn shutdown(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
        self.socket.borrow_mut().take();
        *self.session.borrow_mut() = None;
        if let Some(keys) = &self.keys {
            keys.clear();
        }
        self.dispatch(Action::Ended);
        *self.synced.borrow_mut() = Synced::default();
        // The loader removes the frame when it hears this: it must be the last thing we say.
        if let Some(bridge) = self.bridge.borrow().as_ref() {
            bridge.post(&ToHost::Active { value: false });
        }
    }

    fn fail(&self, reason: &str, retrying: bool) {
        self.dispatch(Action::Status(Status::Failed { reason: reason.to_owned(), retrying }));
    }

    /// Performs what changed since the last call: outbox and read mark to storage; unread
    /// count, new agent messages and the "active" flag to the host page.
    fn sync(&self) {
        let state = self.current();
        if matches!(state.status, Status::Ended) {
            return;
        }
        let mut synced = self.synced.borrow_mut();
        let bridge = self.bridge.borrow();
        let post = |message: ToHost| {
            if let Some(bridge) = bridge.as_ref() {
                bridge.post(&message);
            }
        };

        let outbox = serde_json::to_string(state.log.pending()).ok();
        if outbox != synced.outbox {
            if let Some(keys) = &self.keys {
                keys.save_outbox(state.log.pending());
            }
            synced.outbox = outbox;
        }
        if state.read_seq != synced.read_seq {
            if let Some(keys) = &self.keys {
                keys.save_read_seq(state.read_seq);
            }
            synced.read_seq = state.read_seq;
        }

        let has_messages = state.log.messages().next().is_some();
        if has_messages != synced.active {
            post(ToHost::Active { value: has_messages });
            synced.active = has_messages;
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
                for message in fresh {
                    if let Author::Agent { name, .. } = &message.author {
                        post(ToHost::Message { message: Notice { text: &message.text, author_name: name } });
                    }
                }
                synced.announced = Some(last);
            }
            None if state.log.is_caught_up() => synced.announced = Some(last),
            None => {}
        }
    }

    fn dispatch(&self, action: Action) {
        self.state.dispatch(action);
    }

    /// The state as of now. Read through a fresh clone: a long-lived handle remembers every
    /// state it was read at (yew keeps them alive for its references), which would leak.
    fn current(&self) -> UseReducerHandle<State> {
        self.state.clone()
    }
}
