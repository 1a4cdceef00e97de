//! The open conversation's socket, `GET /api/v1/conversations/{id}/live`, around a
//! [`ClientLog`].
//!
//! The log decides what to send and what is shown; this module only moves frames and keeps
//! the timers the log asks for. On every (re)connect it sends `hello` (where our copy ends);
//! after the `welcome` every pending reply goes again, at the edge's pace; the edge
//! deduplicates by client id, so a reply sent just before a drop is stored once. After each visible change it publishes a snapshot of the log
//! to the state. Besides replies it sends:
//! - `read` up to the newest message shown, whenever the log says that is news and the page
//!   is visible (after the replay, on new messages, when the tab comes back into view);
//! - `typing` as the reply box reports it, throttled by the log;
//! - pending replies (after a reconnect, or held back by the edge's pace or a slow-down),
//!   when [`ClientLog::next_due_at`] comes.
//!
//! On SMS, WhatsApp and Messenger the edge also says how far the team's messages have come
//! (`delivery` frames); the log has no place for that, so those go to the state as
//! [`Action::ProviderDelivery`].
//!
//! It also wakes the screen when someone's typing indicator lapses, so "… is typing" goes
//! away by itself.
//!
//! Files ([`upload_attachment`]) and WhatsApp templates ([`send_template`]) go over REST
//! instead; what they store arrives on the socket like any message.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use switchboard_core::client_log::ClientLog;
use switchboard_protocol::api::conversation_messages::{PostRequest, Posted};
use switchboard_protocol::channels::TemplateUse;
use switchboard_protocol::limits::TYPING_EXPIRY_MS;
use switchboard_protocol::{
    ClientFrame, ClientMessageId, ConversationId, ErrorCode, ServerFrame, CLOSE_UNAUTHORIZED, SUBPROTOCOL,
};
use switchboard_webclient::{new_client_id, websocket_origin, Socket, SocketEvent};

use super::timer::{Interval, Retry, Timeout};
use super::visibility::{is_visible, OnVisible};
use super::{now, Dispatcher, PING_EVERY_MS, SESSION_ENDED};
use crate::state::{Action, Link};

/// Typing indicators refreshed within this long of each other are let lapse together, which
/// bounds the wake-ups queued however fast `typing` frames come.
const LAPSE_GROUP_MS: i64 = 250;

/// Timers fire this much after an indicator's lapse, so the log is sure to count it as over.
const LAPSE_SLACK_MS: u32 = 20;

/// The socket of the open conversation. Only one exists at a time: switching conversations
/// drops the old link (closing its socket) after taking its log back with [`Self::close`].
pub struct ConversationLink {
    inner: Rc<RefCell<Inner>>,
    _ping: Option<Interval>,
    _visible: Option<OnVisible>,
}

struct Inner {
    id: ConversationId,
    log: ClientLog,
    /// The current socket; a closed one stays here until its replacement is made, so a socket
    /// is never dropped from inside its own event handler.
    socket: Option<Socket>,
    retry: Retry,
    dispatch: Dispatcher,
    /// This link itself, for timer callbacks (weak: a timer never keeps a link alive).
    this: Weak<RefCell<Inner>>,
    /// The wake-up for replies the edge asked to slow down for, and when it is due.
    slowed: Option<(i64, Timeout)>,
    /// When others' typing indicators lapse, soonest first.
    lapses: VecDeque<i64>,
    /// The wake-up for the first of `lapses`.
    lapse_timer: Option<Timeout>,
}

impl ConversationLink {
    /// Opens conversation `id`, continuing from `log` (empty, or kept from an earlier visit
    /// with its pending replies, which are resent once connected).
    pub fn start(id: ConversationId, log: ClientLog, dispatch: Dispatcher) -> ConversationLink {
        let inner = Rc::new_cyclic(|this| {
            RefCell::new(Inner {
                id,
                log,
                socket: None,
                retry: Retry::default(),
                dispatch,
                this: this.clone(),
                slowed: None,
                lapses: VecDeque::new(),
                lapse_timer: None,
            })
        });
        // Show what we already hold at once, before the socket even opens.
        inner.borrow().publish(now());
        connect(&inner);
        let weak = Rc::downgrade(&inner);
        let ping = Interval::new(PING_EVERY_MS, move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow().send(&ClientFrame::Ping);
            }
        });
        let weak = Rc::downgrade(&inner);
        let visible = OnVisible::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().mark_read();
            }
        });
        ConversationLink { inner, _ping: ping, _visible: visible }
    }

    /// Sends a reply, or a private note when `note`. It shows as pending at once; if the
    /// socket is down it goes out with the resends after the next reconnect.
    pub fn send(&self, text: String, note: bool) {
        let Some(client_id) = new_client_id() else {
            return;
        };
        let mut inner = self.inner.borrow_mut();
        let now = now();
        // Not sent (socket down) is fine: it goes again after the next welcome. Held back
        // (the edge's pace, a slow-down): the resend timer sends it in order.
        let frames = if note {
            inner.log.queue_note(client_id, text, now)
        } else {
            inner.log.queue(client_id, text, now)
        };
        for frame in &frames {
            inner.send(frame);
        }
        inner.schedule_resend();
        inner.publish(now);
    }

    /// The agent is (or stopped) typing a reply; the log decides whether the visitor needs
    /// to hear it. Lost while the socket is down, which costs nothing: indicators lapse.
    pub fn typing(&self, active: bool) {
        let mut inner = self.inner.borrow_mut();
        if let Some(frame) = inner.log.typing(active, now()) {
            inner.send(&frame);
        }
    }

    /// Resolves, snoozes or reopens the conversation. Lost while the socket is down (the
    /// agent sees the state did not change and presses again).
    pub fn command(&self, frame: ClientFrame) {
        self.inner.borrow().send(&frame);
    }

    /// Forgets a refused reply the agent has read.
    pub fn dismiss(&self, client_id: &ClientMessageId) {
        let mut inner = self.inner.borrow_mut();
        if inner.log.dismiss(client_id) {
            inner.publish(now());
        }
    }

    /// Closes the socket and hands back the log, to resume from if the agent returns. A
    /// typing indicator still on goes off first: the draft does not follow the agent away.
    pub fn close(self) -> ClientLog {
        self.typing(false);
        std::mem::take(&mut self.inner.borrow_mut().log)
    }
}

impl Inner {
    /// Sends `frame` if the socket is open; false otherwise.
    fn send(&self, frame: &ClientFrame) -> bool {
        self.socket.as_ref().is_some_and(|socket| socket.send(frame))
    }

    /// Takes in a frame from the edge and does what the log's new state asks for.
    fn apply(&mut self, frame: ServerFrame) {
        // A provider's delivery status: the log ignores it (the widget shares the log and
        // must not grow), so the state keeps it. Nothing else changes with it.
        if let ServerFrame::Delivery { seq, delivery } = frame {
            self.dispatch.dispatch(Action::ProviderDelivery { id: self.id.clone(), seq, delivery });
            return;
        }
        let now = now();
        let typing = matches!(frame, ServerFrame::Typing { active: true, .. });
        if self.log.apply(frame, now) {
            self.publish(now);
        }
        if typing {
            self.typing_lapses_at(now + i64::from(TYPING_EXPIRY_MS));
        }
        self.schedule_resend();
        self.mark_read();
    }

    /// Says how far the agent has read, when the log says that is news: only after the
    /// replay (so one `read` covers it), only on an open socket (a mark the edge never got
    /// would count as sent) and only while the page is visible (else nothing was seen).
    fn mark_read(&mut self) {
        let open = self.socket.as_ref().is_some_and(Socket::is_open);
        if !open || !self.log.is_caught_up() || !is_visible() {
            return;
        }
        let Some(shown) = self.log.messages().next_back().map(|m| m.seq) else {
            return;
        };
        if let Some(frame) = self.log.mark_read(shown) {
            self.send(&frame);
        }
    }

    /// Keeps one wake-up set for when the log next has replies to send (after a welcome, at
    /// the edge's pace, after a slow-down).
    fn schedule_resend(&mut self) {
        let due = self.log.next_due_at();
        if self.slowed.as_ref().map(|(at, _)| *at) == due {
            return;
        }
        self.slowed = due.and_then(|at| {
            let this = self.this.clone();
            let timer = Timeout::new(delay_until(at), move || {
                if let Some(inner) = this.upgrade() {
                    inner.borrow_mut().resend_due();
                }
            })?;
            Some((at, timer))
        });
    }

    fn resend_due(&mut self) {
        self.slowed = None;
        // Taken from the log even while the socket is down: the next welcome sends every
        // pending reply again anyway, and the timer must not spin meanwhile.
        for frame in self.log.take_due(now()) {
            self.send(&frame);
        }
        self.schedule_resend();
    }

    /// Someone's typing indicator, just refreshed, lapses at `at` unless repeated.
    fn typing_lapses_at(&mut self, at: i64) {
        match self.lapses.back_mut() {
            Some(last) if at - *last < LAPSE_GROUP_MS => *last = at,
            _ => self.lapses.push_back(at),
        }
        if self.lapse_timer.is_none() {
            self.wait_for_lapse();
        }
    }

    fn wait_for_lapse(&mut self) {
        self.lapse_timer = self.lapses.front().and_then(|&at| {
            let this = self.this.clone();
            Timeout::new(delay_until(at).saturating_add(LAPSE_SLACK_MS), move || {
                if let Some(inner) = this.upgrade() {
                    inner.borrow_mut().typing_lapsed();
                }
            })
        });
    }

    /// An indicator may have lapsed: re-render with the time now (the screen asks the log
    /// who is typing at the state's `now`), then wait for the next one.
    fn typing_lapsed(&mut self) {
        let now = now();
        while self.lapses.front().is_some_and(|&at| at <= now) {
            self.lapses.pop_front();
        }
        self.dispatch.dispatch(Action::Tick(now));
        self.wait_for_lapse();
    }

    /// Hands the state a snapshot of the log, taken at `now`. A copy, because the log keeps
    /// changing here while the screen renders the previous one; conversations are small
    /// enough for that to be cheap.
    fn publish(&self, now: i64) {
        self.dispatch.dispatch(Action::Log { id: self.id.clone(), log: Rc::new(self.log.clone()), now });
    }

    fn session_ended(&self) {
        self.dispatch.dispatch(Action::SignedOut { error: Some(SESSION_ENDED.to_owned()) });
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
            // Pending replies follow the welcome, at the pace it names (`schedule_resend`).
            let mut inner = inner.borrow_mut();
            let hello = inner.log.hello();
            inner.send(&hello);
        }
        SocketEvent::Frame(ServerFrame::Error { code: ErrorCode::Unauthorized, client_id: None, .. }) => {
            inner.borrow().session_ended();
        }
        SocketEvent::Frame(frame) => {
            let mut inner = inner.borrow_mut();
            if matches!(frame, ServerFrame::Welcome { .. }) {
                inner.retry.succeeded();
                let action = Action::ConversationLink { id: inner.id.clone(), link: Link::Open };
                inner.dispatch.dispatch(action);
            }
            inner.apply(frame);
        }
        // A frame type from a newer edge: ignorable by the protocol's versioning rules.
        SocketEvent::Unknown(_) => {}
        SocketEvent::Closed { code } => {
            {
                let inner = inner.borrow();
                // A session that ended, or this browser's renewed by its own password change:
                // `/agent/me` tells which (and shows the sign-in screen only for the first).
                if code == CLOSE_UNAUTHORIZED {
                    super::session::recheck(inner.dispatch.clone());
                }
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

/// Uploads `file` into `conversation` (`POST /api/v1/conversations/{id}/attachments`); the
/// stored message comes back on the conversation's socket. `Err`: why it was not sent.
pub async fn upload_attachment(conversation: &ConversationId, file: &web_sys::File) -> Result<(), String> {
    let Some(client_id) = switchboard_webclient::ids::new_client_id() else {
        return Err(format!("{} was not sent: no randomness for its id", file.name()));
    };
    let url = format!("/api/v1/conversations/{conversation}/attachments");
    let outcome = switchboard_webclient::http::upload(&url, file, client_id.as_str()).await;
    outcome.map_err(|error| format!("{} was not sent: {error}", file.name()))
}

/// Sends one of the site's WhatsApp templates into `conversation` (`POST
/// /api/v1/conversations/{id}/messages` with `template`): the edge fills its slots and the
/// stored message comes back on the conversation's socket. `Err`: the edge's sentence (an
/// unknown name, a slot left empty, not a WhatsApp conversation).
pub async fn send_template(conversation: &ConversationId, template: TemplateUse) -> Result<(), String> {
    let url = format!("/api/v1/conversations/{conversation}/messages");
    let request = PostRequest {
        text: String::new(),
        template: Some(template),
        internal: false,
        client_id: None,
        as_bot: false,
    };
    let posted = switchboard_webclient::fetch_json::<_, Posted>("POST", &url, Some(&request)).await;
    posted.map(drop).map_err(|e| super::session::describe(&e))
}

/// Milliseconds from now until `at` (0 when past), as a timer takes them.
fn delay_until(at: i64) -> u32 {
    u32::try_from(at.saturating_sub(now()).max(0)).unwrap_or(u32::MAX)
}
