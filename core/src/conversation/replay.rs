//! Replaying a conversation's log after a client's `last_seq`, one page at a time.
//!
//! A `hello` answers `welcome` and then the log the client has not seen, in `history` frames of
//! at most [`HISTORY_PAGE`] messages, the last marked `complete`. The adapter reads and sends
//! one page before it reads the next ([`Replay::next_page`]), so a long conversation never
//! sits whole in the object's memory.

use switchboard_protocol::limits::HISTORY_PAGE;
use switchboard_protocol::{Message, Seq, ServerFrame};

use super::LogStore;

/// A replay still to send: everything after `after`, as a visitor or an agent sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replay {
    /// The last `seq` already sent (or that the client had).
    pub after: Seq,
    /// Whether the reader is the visitor (internal notes and details left out).
    pub for_visitor: bool,
}

impl Replay {
    /// Reads the next page and answers its `history` frame, with the rest of the replay
    /// when there is more. Always at least one frame, so a client that is up to date still
    /// learns that the replay is over.
    pub fn next_page<S: LogStore>(self, store: &mut S) -> Result<(ServerFrame, Option<Replay>), S::Error> {
        // One more than a page says whether another follows without a second query.
        let mut messages = store.page_after(self.after, HISTORY_PAGE + 1)?;
        let more = messages.len() > HISTORY_PAGE;
        messages.truncate(HISTORY_PAGE);
        let rest = match (more, messages.last()) {
            (true, Some(last)) => Some(Replay { after: last.seq, ..self }),
            _ => None,
        };
        if self.for_visitor {
            messages = messages.iter().map(Message::for_visitor).collect();
        }
        Ok((ServerFrame::History { messages, complete: rest.is_none() }, rest))
    }
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::{Author, ClientMessageId, VisitorId};

    use super::*;
    use crate::conversation::MemoryStore;

    fn store_of(n: u64) -> MemoryStore {
        let mut store = MemoryStore::default();
        let author = Author::Visitor { id: VisitorId::from_random([1; 16]), name: None };
        for seq in 1..=n {
            let id = ClientMessageId::parse(format!("m-{seq}")).unwrap();
            store.append(&Message::plain(Seq(seq), id, author.clone(), "t".into(), 0)).unwrap();
        }
        store
    }

    /// Every frame of a replay after `after`.
    fn frames(store: &mut MemoryStore, after: u64) -> Vec<ServerFrame> {
        let mut next = Some(Replay { after: Seq(after), for_visitor: true });
        let mut frames = Vec::new();
        while let Some(replay) = next {
            let (frame, rest) = replay.next_page(store).unwrap();
            frames.push(frame);
            next = rest;
        }
        frames
    }

    #[test]
    fn replays_are_paged_in_order_and_the_last_page_is_complete() {
        let mut store = store_of(HISTORY_PAGE as u64 * 2 + 1);
        let frames = frames(&mut store, 0);
        assert_eq!(frames.len(), 3);
        let seqs: Vec<u64> = frames
            .iter()
            .flat_map(|frame| match frame {
                ServerFrame::History { messages, .. } => messages.iter().map(|m| m.seq.0).collect(),
                _ => Vec::new(),
            })
            .collect();
        assert_eq!(seqs, (1..=HISTORY_PAGE as u64 * 2 + 1).collect::<Vec<_>>());
        assert!(
            matches!(&frames[2], ServerFrame::History { messages, complete: true } if messages.len() == 1)
        );
        assert!(matches!(&frames[0], ServerFrame::History { complete: false, .. }));
    }

    #[test]
    fn an_exact_page_and_an_empty_replay_end_complete() {
        let mut store = store_of(HISTORY_PAGE as u64);
        assert!(matches!(&frames(&mut store, 0)[..], [ServerFrame::History { complete: true, .. }]));
        assert!(matches!(
            &frames(&mut store, HISTORY_PAGE as u64)[..],
            [ServerFrame::History { messages, complete: true }] if messages.is_empty()
        ));
    }
}
