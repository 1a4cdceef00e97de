//! The frame's effects: session, socket, reconnects, timers, storage and the host page.
//!
//! [`Chat`] is the I/O around the panel's [`State`]: it turns what happens (a frame from the
//! socket, a message from the host page, a timer, the visitor's click) into an [`Event`],
//! lets [`State::reduce`] decide, and sends the frames it answers. After every change,
//! [`Chat::sync`] compares the state with what was last persisted or posted and performs
//! only the difference, and the view is asked to render again. Decisions stay in the state's
//! reducer and in core; this module only carries them out.
//!
//! Lifecycle: the host page's `init` → stored session, or a new one → socket → `hello` →
//! `welcome` → pending sends at the edge's pace → frames. A close with 4401 (token refused)
//! means a new session and a new conversation; any other close means a reconnect after a
//! backoff delay. Shutdown bumps a generation counter, so timers and requests started before
//! it end quietly.
//!
//! # Layout
//! - this file: [`Chat`], the host page's messages, and what the composer asks.
//! - [`connection`]: the session and the socket: connecting, frames, reconnects, refusals.
//! - [`sync`]: persisting, the host page's badge and notices, read receipts.
//! - [`timers`]: delays, backoff, paced sends, the socket's heartbeat.
//! - [`visitor`]: forms, files, ratings, presence, the history, switching conversations.

mod connection;
mod sync;
mod timers;
mod visitor;

use std::cell::{Cell, Ref, RefCell};
use std::rc::{Rc, Weak};

use switchboard_core::heartbeat::Heartbeat;
use switchboard_protocol::api::create_session;
use switchboard_protocol::{ClientFrame, ClientMessageId, SiteId};
use switchboard_webclient::new_client_id;
use yew::Callback;

use crate::bridge::{Bridge, FromHost, ToHost};
use crate::dom::{now, Listener};
use crate::i18n::{self, Lang};
use crate::ids::site_from_location;
use crate::socket::Socket;
use crate::state::{Event, State};
use crate::storage::Keys;
use crate::wire::Json;
use sync::Synced;

/// The running chat. Lives as long as the app; callbacks hold a [`Weak`] to it.
pub(crate) struct Chat {
    state: RefCell<State>,
    /// Asks the view to render again.
    render: Callback<()>,
    me: Weak<Chat>,
    site: Option<SiteId>,
    keys: Option<Keys>,
    conn: Connection,
    host: Host,
    /// Bumped by shutdown: a timer or request that sees another value was cancelled.
    generation: Cell<u32>,
    started: Cell<bool>,
    /// Bumped whenever the panel opens: a presence poll that sees another value stops.
    presence_poll: Cell<u32>,
    synced: RefCell<Synced>,
}

/// The conversation's connection: its session, its socket and that socket's liveness.
#[derive(Default)]
struct Connection {
    socket: RefCell<Option<Socket>>,
    session: RefCell<Option<create_session::Response>>,
    /// Reconnect attempts since the last `welcome` (drives the backoff delay).
    attempt: Cell<u32>,
    /// The edge said `unauthorized`: the close that follows needs a new session.
    refused: Cell<bool>,
    /// When the timer for paced or held-back sends fires, if one is set.
    due_timer: Cell<Option<i64>>,
    /// The open socket's liveness (see [`switchboard_core::heartbeat`]).
    heartbeat: RefCell<Option<Heartbeat>>,
    /// Bumped whenever a heartbeat check is scheduled: only the newest timer acts.
    beat_epoch: Cell<u32>,
    /// The proactive message the visitor answered: the conversation the frame starts opens
    /// with it (named in the session request), until the visitor starts another.
    proactive: RefCell<Option<String>>,
}

/// The host page: the `postMessage` bridge to the loader, and the page events we follow.
#[derive(Default)]
struct Host {
    bridge: RefCell<Option<Bridge>>,
    /// Syncs when the page's visibility changes: read receipts wait for a visible page.
    visibility: RefCell<Option<Listener<web_sys::Event>>>,
    /// Reconnects at once when the browser says the network is back.
    online: RefCell<Option<Listener<web_sys::Event>>>,
}

impl Chat {
    /// A chat for the site named in the frame's URL; `render` re-renders the view.
    pub(crate) fn new(render: Callback<()>) -> Rc<Chat> {
        let site = site_from_location();
        let config = crate::ids::site_config();
        crate::i18n::set_site_texts(config.as_ref().and_then(|c| c.field("texts")));
        let sound = config.as_ref().and_then(|c| c.field("sound")).and_then(|s| s.flag()).unwrap_or(false);
        let state = State { prechat: crate::ids::prechat_form(config.as_ref()), sound, ..State::default() };
        Rc::new_cyclic(|me| Chat {
            state: RefCell::new(state),
            render,
            me: me.clone(),
            keys: site.as_ref().map(Keys::new),
            site,
            conn: Connection::default(),
            host: Host::default(),
            generation: Cell::new(0),
            started: Cell::new(false),
            presence_poll: Cell::new(0),
            synced: RefCell::default(),
        })
    }

    /// The state, for the view. Never held across a call into the chat.
    pub(crate) fn state(&self) -> Ref<'_, State> {
        self.state.borrow()
    }

    /// Applies `event`, asks the view to render, and sends the frames it answers (dropped
    /// when the socket is not open: they go again after the next `welcome`).
    fn apply(&self, event: Event) {
        let frames = self.state.borrow_mut().reduce(event);
        self.render.emit(());
        self.send_frames(&frames);
    }

    /// Like [`Chat::apply`], for an event nothing on screen depends on (typing, read marks):
    /// no render.
    fn apply_quietly(&self, event: Event) {
        let frames = self.state.borrow_mut().reduce(event);
        self.send_frames(&frames);
    }

    fn send_frames(&self, frames: &[ClientFrame]) {
        for frame in frames {
            self.send_frame(frame);
        }
    }

    /// Says `ready` to the host page, restores the outbox, and waits for `init`. Not embedded
    /// (frame opened on its own): starts at once, open, and lets the edge judge the request.
    pub(crate) fn start(&self) {
        i18n::set(i18n::from_browser(), self.render.clone());
        let me = self.me.clone();
        let bridge = Bridge::connect(move |message, origin| {
            if let Some(chat) = me.upgrade() {
                chat.on_host(message, origin);
            }
        });
        let embedded = bridge.is_some();
        // Connected even when the site id is bad, so the close button and Escape still work.
        *self.host.bridge.borrow_mut() = bridge;
        let Some(keys) = &self.keys else {
            return self.fail(i18n::t().error_no_site, false);
        };
        // Read receipts wait for the visitor to see the page; tell the log when they do.
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let me = self.me.clone();
            let listener = Listener::new(&document, "visibilitychange", move |_: web_sys::Event| {
                if let Some(chat) = me.upgrade() {
                    chat.sync();
                    // A tab coming back may have slept with a socket that died meanwhile.
                    if crate::dom::page_visible() {
                        chat.beat(true);
                    }
                }
            });
            *self.host.visibility.borrow_mut() = Some(listener);
        }
        if let Some(window) = web_sys::window() {
            let me = self.me.clone();
            let listener = Listener::new(&window, "online", move |_: web_sys::Event| {
                if let Some(chat) = me.upgrade() {
                    chat.network_back();
                }
            });
            *self.host.online.borrow_mut() = Some(listener);
        }
        let pending = keys.outbox();
        let read_seq = keys.read_seq();
        self.synced.borrow_mut().outbox = Some(crate::storage::outbox_json(&pending));
        self.apply(Event::Restored(pending, read_seq));
        if !embedded {
            self.set_open(true);
            self.begin();
        }
    }

    /// The visitor sent `text` from the composer.
    pub(crate) fn send(&self, text: String) {
        if text.trim().is_empty() || !self.state().can_send() {
            return;
        }
        let Some(client_id) = new_client_id() else {
            return;
        };
        // Not open: it stays pending, and goes after the next connection's welcome. Held back
        // (the edge's pace, a slow-down): the due timer sends it in order.
        self.apply(Event::Wrote(client_id, text, now()));
        self.schedule_due();
        self.typing(false);
        self.sync();
    }

    /// The visitor typed (`active`: the message box has text) or stopped (it is empty, lost
    /// focus). The log decides whether the edge needs to hear it.
    pub(crate) fn typing(&self, active: bool) {
        self.apply_quietly(Event::Typing(active, now()));
    }

    /// The visitor dismissed a refused message.
    pub(crate) fn dismiss(&self, client_id: ClientMessageId) {
        self.apply(Event::Dismissed(client_id));
        self.sync();
    }

    /// The visitor asked to close the panel; the loader decides and answers with `close`.
    pub(crate) fn request_close(&self) {
        if let Some(bridge) = self.host.bridge.borrow().as_ref() {
            bridge.post(&ToHost::Close);
        }
    }

    /// Sends `frame` if the socket is open; false when it could not.
    fn send_frame(&self, frame: &ClientFrame) -> bool {
        self.conn.socket.borrow().as_ref().is_some_and(|socket| socket.send(frame))
    }

    /// A message from the loader, with the origin the browser says it came from.
    fn on_host(&self, message: FromHost, origin: String) {
        match message {
            FromHost::Init { open, url, referrer, identity, locale, proactive } => {
                *self.conn.proactive.borrow_mut() = proactive;
                if let Some(bridge) = self.host.bridge.borrow().as_ref() {
                    bridge.set_page_origin(origin);
                    bridge.set_page_url(url);
                    bridge.set_referrer(referrer);
                }
                if let Some(identity) = identity {
                    self.apply(Event::Identified(identity));
                }
                if let Some(locale) = locale {
                    self.set_locale(&locale);
                }
                self.set_open(open);
                self.begin();
            }
            FromHost::Open => self.set_open(true),
            FromHost::Close => self.set_open(false),
            FromHost::Shutdown => return self.shutdown(),
            // Sent now when connected; otherwise after the next `hello`.
            FromHost::Identify(identity) => self.apply(Event::Identified(identity)),
            FromHost::Locale(locale) => self.set_locale(&locale),
        }
        self.sync();
    }

    /// The page chose a language (`setLocale`); one the panel does not speak is ignored.
    fn set_locale(&self, tag: &str) {
        match Lang::from_tag(tag) {
            Some(lang) => i18n::set(lang, self.render.clone()),
            None => web_sys::console::warn_1(&format!("Switchboard: no texts for locale \"{tag}\"").into()),
        }
    }

    /// The panel opened or closed; opening starts watching whether agents are online.
    fn set_open(&self, open: bool) {
        let was = self.state().open;
        self.apply(Event::Opened(open));
        if open && !was {
            self.watch_presence();
        }
    }

    /// The host page ended the visitor's session: forget everything, stop everything.
    fn shutdown(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
        self.conn.socket.borrow_mut().take();
        // Any one of the visitor's tokens ends them all, on the server too.
        let session = self.conn.session.borrow_mut().take();
        if let Some(session) = session.or_else(|| self.keys.as_ref()?.session()) {
            crate::http::sign_out(&session.token);
        }
        if let Some(keys) = &self.keys {
            keys.clear();
        }
        self.apply(Event::Shutdown);
        *self.synced.borrow_mut() = Synced::default();
        // The loader removes the frame when it hears this: it must be the last thing we say.
        if let Some(bridge) = self.host.bridge.borrow().as_ref() {
            bridge.post(&ToHost::Active { value: false });
        }
    }

    /// Shows why the chat does not work (and whether another attempt is scheduled).
    fn fail(&self, reason: &str, retrying: bool) {
        self.apply(Event::Failed(reason.to_owned(), retrying));
    }
}
