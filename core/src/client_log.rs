//! A client's copy of a conversation: what it has received, what it sent that the edge has
//! not yet stored, how far the others have read, and who is typing.
//!
//! Used by the widget and the console alike. The adapter sends [`ClientLog::hello`] on every
//! (re)connect, feeds every [`ServerFrame`] to [`ClientLog::apply`], and sends what
//! [`ClientLog::take_due`] gives whenever [`ClientLog::next_due_at`] comes (a timer; after
//! each frame applied). It renders [`ClientLog::messages`] followed by
//! [`ClientLog::pending`]. Messages are keyed by `seq`, so a replayed or repeated frame can
//! never show a message twice.
//!
//! Pending messages go out in order, after `welcome` (which says how fast the edge takes new
//! messages), at that pace ([`Pacer`]): a backlog after an outage or a reload is not refused
//! over and over. When the edge asks to slow down anyway, nothing goes until it said, then
//! every pending message again from the first.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_protocol::limits::{TYPING_EXPIRY_MS, TYPING_REPEAT_MS};

use crate::rate::Pacer;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{
    Author, ClientFrame, ClientMessageId, ErrorCode, Message, ReadMark, Seq, ServerFrame,
};

/// A message this client sent that the edge has not yet confirmed as stored-and-received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingMessage {
    /// The id the edge deduplicates resends by.
    pub client_id: ClientMessageId,
    /// The text as typed.
    pub text: String,
    /// When it was typed, ms since the Unix epoch (for display only).
    pub queued_at: i64,
    /// Set when the edge refused it for good (too long, empty): the reason, for display.
    /// Refused messages are not resent.
    pub refused: Option<String>,
    /// A private note (agents only): visitors never see its text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
}

impl PendingMessage {
    fn frame(&self) -> ClientFrame {
        ClientFrame::Send {
            client_id: self.client_id.clone(),
            text: self.text.clone(),
            internal: self.internal,
        }
    }
}

/// How far one of the user's own messages has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Not yet confirmed stored.
    Sending,
    /// Stored by the edge and relayed.
    Delivered,
    /// Seen by another participant.
    Read,
}

/// The state of one conversation as a client sees it.
#[derive(Debug, Clone, Default)]
pub struct ClientLog {
    messages: BTreeMap<Seq, Message>,
    pending: Vec<PendingMessage>,
    you: Option<Author>,
    replay_complete: bool,
    reads: Vec<ReadMark>,
    /// Others typing, with when their indicator lapses.
    typing: Vec<(Author, i64)>,
    /// The read mark this client last sent (or the edge reported for it).
    read_sent: Seq,
    /// Whether this client last said it is typing, and when.
    typing_sent: Option<i64>,
    /// Set when the edge asked to slow down: nothing is sent until then, and then every
    /// pending message is sent again in order (see [`ClientLog::take_due`]).
    hold_until: Option<i64>,
    /// The pace the edge takes new messages at (from `welcome`).
    pacer: Pacer,
    /// Whether `welcome` came on the current connection: nothing is sent before.
    welcomed: bool,
    /// How many of `pending`, from the first, went out on the current connection.
    sent: usize,
    /// Every `seq` from 1 to this one is held.
    contiguous: Seq,
    /// The conversation's state and queue position, from the last `status` frame.
    status: Option<Status>,
}

/// A conversation's state as the edge last reported it (`status` frames).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// The state.
    pub state: ConversationState,
    /// While queued: place in line (1 = next).
    pub position: Option<u32>,
    /// While queued: estimated wait in milliseconds.
    pub wait_ms: Option<i64>,
}

impl ClientLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// A log that still has to send `pending` (restored from an outbox after a reload).
    pub fn with_pending(pending: Vec<PendingMessage>) -> Self {
        Self { pending, ..Self::default() }
    }

    /// The highest `seq` up to which every message is held (`0` when none): what to put in
    /// `hello`. Not simply the highest held: a live message can arrive on a new socket before
    /// the replay that precedes it, and if the socket drops in between, asking from the
    /// highest would leave the gap unfilled for good.
    pub fn last_seq(&self) -> Seq {
        self.contiguous
    }

    /// The first frame to send on every (re)connect. Until this connection's `welcome`,
    /// nothing else goes out: a message written meanwhile must not overtake one sent on the
    /// lost connection that may never have arrived.
    pub fn hello(&mut self) -> ClientFrame {
        self.welcomed = false;
        self.sent = 0;
        ClientFrame::Hello { last_seq: self.last_seq() }
    }

    /// Records a new message typed by the user and returns the frames to send now: it, unless
    /// it must wait for earlier ones, the edge's pace, `welcome` or the end of a slow-down
    /// (then [`ClientLog::take_due`] sends it, in order). Sending also ends the user's typing
    /// indicator.
    pub fn queue(&mut self, client_id: ClientMessageId, text: String, now: i64) -> Vec<ClientFrame> {
        self.queue_entry(PendingMessage { client_id, text, queued_at: now, refused: None, internal: false })
    }

    /// Like [`ClientLog::queue`] for an agent's private note. Writing a note is not replying:
    /// the typing indicator the visitor sees is left as it is.
    pub fn queue_note(&mut self, client_id: ClientMessageId, text: String, now: i64) -> Vec<ClientFrame> {
        let typing_sent = self.typing_sent;
        let frames = self.queue_entry(PendingMessage {
            client_id,
            text,
            queued_at: now,
            refused: None,
            internal: true,
        });
        self.typing_sent = typing_sent;
        frames
    }

    fn queue_entry(&mut self, pending: PendingMessage) -> Vec<ClientFrame> {
        let now = pending.queued_at;
        self.pending.push(pending);
        self.typing_sent = None;
        self.take_due(now)
    }

    /// The frames to send now: pending messages not yet sent on this connection (after its
    /// `welcome`), oldest first, as many as the edge's pace allows. After a slow-down, every
    /// pending one again from the first (the ones it stored are just acknowledged again, at
    /// no cost): resending all of them, rather than only the refused ones, keeps the messages
    /// in the order they were written.
    pub fn take_due(&mut self, now: i64) -> Vec<ClientFrame> {
        if self.hold_until.is_some_and(|until| until <= now) {
            self.hold_until = None;
            self.sent = 0;
        }
        let mut frames = Vec::new();
        if !self.welcomed || self.hold_until.is_some() {
            return frames;
        }
        while let Some(pending) = self.pending.get(self.sent) {
            // Refused for good: shown as such, never resent.
            if pending.refused.is_none() {
                if !self.pacer.try_send(now) {
                    break;
                }
                frames.push(pending.frame());
            }
            self.sent += 1;
        }
        frames
    }

    /// When [`ClientLog::take_due`] will have something to send (for the adapter's timer):
    /// the end of a slow-down, or the edge's pace allowing the next pending message.
    pub fn next_due_at(&self) -> Option<i64> {
        if self.hold_until.is_some() {
            return self.hold_until;
        }
        let waiting = self.pending.iter().skip(self.sent).any(|p| p.refused.is_none());
        (self.welcomed && waiting).then(|| self.pacer.next_at())
    }

    /// Takes in a frame from the edge, received at `now`. Returns true when what the user
    /// sees changed.
    pub fn apply(&mut self, frame: ServerFrame, now: i64) -> bool {
        match frame {
            ServerFrame::Welcome { you, reads, send_rate, .. } => {
                // A new connection: every pending message goes again, at the edge's pace.
                self.welcomed = true;
                self.sent = 0;
                if let Some(rate) = send_rate {
                    self.pacer.set_rate(rate);
                }
                // What the edge stored, not what this client last sent: a mark sent on a
                // socket that then dropped may never have arrived, and is sent again.
                self.read_sent =
                    reads.iter().find(|m| m.reader.id_str() == you.id_str()).map_or(Seq(0), |m| m.up_to);
                self.you = Some(you);
                self.reads = reads;
                self.replay_complete = false;
                true
            }
            ServerFrame::History { messages, complete } => {
                self.replay_complete = complete;
                let mut changed = complete;
                for message in messages {
                    changed |= self.insert(message);
                }
                changed
            }
            ServerFrame::Message { message } => {
                // Whoever sent a message has stopped typing it.
                self.typing.retain(|(author, _)| author.id_str() != message.author.id_str());
                self.insert(message)
            }
            ServerFrame::Ack { client_id, seq } => {
                // The message frame with this seq comes first on the same socket; if it was
                // missed (a reconnect in between), the next replay brings it. Either way the
                // pending copy can go only once the stored copy is held, so nothing blinks.
                if self.messages.get(&seq).is_some_and(|m| m.client_id == client_id) {
                    self.remove_pending(&client_id)
                } else {
                    false
                }
            }
            ServerFrame::Error {
                code: ErrorCode::RateLimited, client_id: Some(_), retry_after_ms, ..
            } => {
                // Later sends are refused too or, worse, stored ahead of this one: hold them
                // all back and resend in order once the wait is over.
                let until = now + i64::from(retry_after_ms.unwrap_or(1_000));
                self.hold_until = Some(self.hold_until.map_or(until, |held| held.max(until)));
                self.pacer.refused_until(until);
                false
            }
            ServerFrame::Error { message, client_id: Some(client_id), .. } => {
                match self.pending.iter_mut().find(|p| p.client_id == client_id) {
                    Some(pending) => {
                        pending.refused = Some(message);
                        true
                    }
                    None => false,
                }
            }
            ServerFrame::Read { reader, up_to } => {
                if self.you.as_ref().is_some_and(|you| you.id_str() == reader.id_str()) {
                    // Another tab of ours read: this tab need not say so again.
                    self.read_sent = self.read_sent.max(up_to);
                }
                self.reads.retain(|m| m.reader.id_str() != reader.id_str());
                self.reads.push(ReadMark { reader, up_to });
                true
            }
            ServerFrame::Typing { author, active } => {
                self.typing.retain(|(a, _)| a.id_str() != author.id_str());
                if active {
                    self.typing.push((author, now + i64::from(TYPING_EXPIRY_MS)));
                }
                true
            }
            ServerFrame::Status { state, position, wait_ms } => {
                let status = Status { state, position, wait_ms };
                self.status.replace(status) != Some(status)
            }
            // Provider delivery statuses are the console's own to keep (the widget never gets them).
            ServerFrame::Error { .. } | ServerFrame::Pong | ServerFrame::Delivery { .. } => false,
        }
    }

    /// Where the conversation stands, as the edge last said (`None` before it said).
    pub fn status(&self) -> Option<Status> {
        self.status
    }

    /// Whether the visitor may rate the conversation now (CSAT): it is resolved, and no
    /// rating follows its last resolution in the log (an older log without the resolution
    /// event counts any rating).
    pub fn awaits_rating(&self) -> bool {
        use switchboard_protocol::routing::{ConversationEvent, ConversationState};
        if self.status.map(|s| s.state) != Some(ConversationState::Resolved) {
            return false;
        }
        !self
            .messages()
            .rev()
            .take_while(|m| {
                !matches!(
                    m.event,
                    Some(ConversationEvent::StateChanged { state: ConversationState::Resolved })
                )
            })
            .any(|m| matches!(m.event, Some(ConversationEvent::Rated { .. })))
    }

    /// How far the user has read, as the edge stored it or this client last said.
    pub fn read_mark(&self) -> Seq {
        self.read_sent
    }

    /// The frame saying the user has now seen everything up to `up_to`, unless already said.
    /// Only messages from others count: a mark that would only cover the user's own messages
    /// tells nobody anything, and is not sent.
    pub fn mark_read(&mut self, up_to: Seq) -> Option<ClientFrame> {
        let me = self.you.as_ref().map(Author::id_str);
        let newest_from_others = self
            .messages
            .range(..=up_to)
            .rev()
            .take_while(|(seq, _)| **seq > self.read_sent)
            .find(|(_, m)| Some(m.author.id_str()) != me)?;
        let up_to = up_to.min(self.messages.keys().next_back().copied().unwrap_or_default());
        debug_assert!(*newest_from_others.0 <= up_to);
        self.read_sent = up_to;
        Some(ClientFrame::Read { up_to })
    }

    /// The frame saying the user is (or stopped) typing, when the other side needs to hear it:
    /// `true` at most every [`TYPING_REPEAT_MS`], `false` only after a `true`.
    pub fn typing(&mut self, active: bool, now: i64) -> Option<ClientFrame> {
        match (active, self.typing_sent) {
            (true, Some(at)) if now - at < i64::from(TYPING_REPEAT_MS) => None,
            (true, _) => {
                self.typing_sent = Some(now);
                Some(ClientFrame::Typing { active: true })
            }
            (false, Some(_)) => {
                self.typing_sent = None;
                Some(ClientFrame::Typing { active: false })
            }
            (false, None) => None,
        }
    }

    /// Who else is typing at `now`.
    pub fn typing_now(&self, now: i64) -> Vec<&Author> {
        self.typing.iter().filter(|(_, until)| *until > now).map(|(author, _)| author).collect()
    }

    /// The highest `seq` someone other than this client's author has read.
    pub fn read_by_others(&self) -> Seq {
        let me = self.you.as_ref().map(Author::id_str);
        self.reads.iter().filter(|m| Some(m.reader.id_str()) != me).map(|m| m.up_to).max().unwrap_or_default()
    }

    /// How far a stored message of the user's has come.
    pub fn delivery(&self, seq: Seq) -> Delivery {
        if seq <= self.read_by_others() {
            Delivery::Read
        } else {
            Delivery::Delivered
        }
    }

    /// Who the edge says this client is (known after `welcome`).
    pub fn you(&self) -> Option<&Author> {
        self.you.as_ref()
    }

    /// Whether the replay after the last `hello` has finished.
    pub fn is_caught_up(&self) -> bool {
        self.replay_complete
    }

    /// Stored messages, in `seq` order.
    pub fn messages(&self) -> impl DoubleEndedIterator<Item = &Message> {
        self.messages.values()
    }

    /// Messages sent but not yet seen stored, oldest first.
    pub fn pending(&self) -> &[PendingMessage] {
        &self.pending
    }

    /// Forgets a refused pending message (the user dismissed it).
    pub fn dismiss(&mut self, client_id: &ClientMessageId) -> bool {
        self.remove_pending(client_id)
    }

    fn insert(&mut self, message: Message) -> bool {
        let mine = self.you.as_ref().is_none_or(|you| you.id_str() == message.author.id_str());
        if mine {
            self.remove_pending(&message.client_id);
        }
        let new = self.messages.insert(message.seq, message).is_none();
        while self.messages.contains_key(&self.contiguous.next()) {
            self.contiguous = self.contiguous.next();
        }
        new
    }

    fn remove_pending(&mut self, client_id: &ClientMessageId) -> bool {
        let Some(at) = self.pending.iter().position(|p| &p.client_id == client_id) else { return false };
        self.pending.remove(at);
        if at < self.sent {
            self.sent -= 1;
        }
        true
    }
}

#[cfg(test)]
#[path = "client_log_tests.rs"]
mod tests;
