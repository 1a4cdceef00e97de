//! A client's copy of a conversation log: what it has received, and what it sent that the
//! edge has not yet stored.
//!
//! Used by the widget and the console alike. The adapter feeds every [`ServerFrame`] to
//! [`ClientLog::apply`], asks [`ClientLog::hello`] and [`ClientLog::resend`] for the frames
//! to send after (re)connecting, and renders [`ClientLog::messages`] followed by
//! [`ClientLog::pending`]. Messages are keyed by `seq`, so a replayed or repeated frame can
//! never show a message twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_protocol::{Author, ClientFrame, ClientMessageId, Message, Seq, ServerFrame};

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
}

/// The state of one conversation as a client sees it.
#[derive(Debug, Clone, Default)]
pub struct ClientLog {
    messages: BTreeMap<Seq, Message>,
    pending: Vec<PendingMessage>,
    you: Option<Author>,
    replay_complete: bool,
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

    /// The highest `seq` held (`0` when empty): what to put in `hello`.
    pub fn last_seq(&self) -> Seq {
        self.messages.keys().next_back().copied().unwrap_or_default()
    }

    /// The first frame to send on every (re)connect.
    pub fn hello(&self) -> ClientFrame {
        ClientFrame::Hello { last_seq: self.last_seq() }
    }

    /// Records a new message typed by the user and returns the frame that sends it.
    pub fn queue(&mut self, client_id: ClientMessageId, text: String, now: i64) -> ClientFrame {
        let frame = ClientFrame::Send { client_id: client_id.clone(), text: text.clone() };
        self.pending.push(PendingMessage { client_id, text, queued_at: now, refused: None });
        frame
    }

    /// Frames to send after `hello` on a new connection: every pending message, oldest first.
    /// The edge deduplicates by `client_id`, so resending one it already stored is harmless.
    pub fn resend(&self) -> Vec<ClientFrame> {
        self.pending
            .iter()
            .filter(|p| p.refused.is_none())
            .map(|p| ClientFrame::Send { client_id: p.client_id.clone(), text: p.text.clone() })
            .collect()
    }

    /// Takes in a frame from the edge. Returns true when what the user sees changed.
    pub fn apply(&mut self, frame: ServerFrame) -> bool {
        match frame {
            ServerFrame::Welcome { you, .. } => {
                self.you = Some(you);
                self.replay_complete = false;
                false
            }
            ServerFrame::History { messages, complete } => {
                self.replay_complete = complete;
                let mut changed = complete;
                for message in messages {
                    changed |= self.insert(message);
                }
                changed
            }
            ServerFrame::Message { message } => self.insert(message),
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
            ServerFrame::Error { code, message, client_id: Some(client_id) } => {
                let refused = format!("{message} ({code:?})");
                match self.pending.iter_mut().find(|p| p.client_id == client_id) {
                    Some(pending) => {
                        pending.refused = Some(refused);
                        true
                    }
                    None => false,
                }
            }
            ServerFrame::Error { .. } | ServerFrame::Pong => false,
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
        self.messages.insert(message.seq, message).is_none()
    }

    fn remove_pending(&mut self, client_id: &ClientMessageId) -> bool {
        let before = self.pending.len();
        self.pending.retain(|p| &p.client_id != client_id);
        before != self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::{ConversationId, ErrorCode, VisitorId};

    fn visitor() -> Author {
        Author::Visitor { id: VisitorId::from_random([1; 16]), name: None }
    }

    fn stored(seq: u64, client_id: &str, author: Author) -> Message {
        Message {
            seq: Seq(seq),
            client_id: ClientMessageId::parse(client_id).unwrap(),
            author,
            text: format!("text {seq}"),
            sent_at: 0,
        }
    }

    fn welcome() -> ServerFrame {
        ServerFrame::Welcome {
            conversation_id: ConversationId::from_random([2; 16]),
            you: visitor(),
            head_seq: Seq(0),
        }
    }

    #[test]
    fn a_sent_message_stays_pending_until_stored_then_appears_once() {
        let mut log = ClientLog::new();
        log.apply(welcome());
        let id = ClientMessageId::parse("a").unwrap();
        log.queue(id.clone(), "hello".into(), 5);
        assert_eq!(log.pending().len(), 1);
        assert!(log.apply(ServerFrame::Message { message: stored(1, "a", visitor()) }));
        log.apply(ServerFrame::Ack { client_id: id, seq: Seq(1) });
        assert!(log.pending().is_empty());
        assert_eq!(log.messages().count(), 1);
        assert_eq!(log.hello(), ClientFrame::Hello { last_seq: Seq(1) });
    }

    #[test]
    fn replays_and_repeats_do_not_duplicate() {
        let mut log = ClientLog::new();
        let page = vec![stored(1, "a", visitor()), stored(2, "b", visitor())];
        log.apply(ServerFrame::History { messages: page.clone(), complete: true });
        assert!(!log.apply(ServerFrame::History { messages: page, complete: false }));
        assert!(!log.apply(ServerFrame::Message { message: stored(2, "b", visitor()) }));
        assert_eq!(log.messages().count(), 2);
    }

    #[test]
    fn refused_messages_are_marked_and_not_resent() {
        let mut log = ClientLog::new();
        let id = ClientMessageId::parse("x").unwrap();
        log.queue(id.clone(), "   ".into(), 0);
        log.apply(ServerFrame::Error {
            code: ErrorCode::EmptyMessage,
            message: "empty".into(),
            client_id: Some(id),
        });
        assert!(log.pending()[0].refused.is_some());
        assert!(log.resend().is_empty());
    }

    #[test]
    fn another_authors_message_with_the_same_client_id_keeps_ours_pending() {
        let mut log = ClientLog::new();
        log.apply(welcome());
        log.queue(ClientMessageId::parse("same").unwrap(), "mine".into(), 0);
        let other = Author::Visitor { id: VisitorId::from_random([9; 16]), name: None };
        log.apply(ServerFrame::Message { message: stored(1, "same", other) });
        assert_eq!(log.pending().len(), 1);
        assert_eq!(log.resend().len(), 1);
    }
}
