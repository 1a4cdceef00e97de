//! Frames from a conversation's sockets are handled in the order they arrived, even when one
//! first waits for the site's interceptors (a `send` in an object that has not read them
//! lately): each frame takes a ticket as it arrives and is handled when every earlier ticket
//! was. While nothing waits, a ticket's turn is immediate.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::poll_fn;
use std::task::{Poll, Waker};

/// The tickets handed out and served.
#[derive(Default)]
pub(super) struct Turns {
    issued: Cell<u64>,
    served: Cell<u64>,
    waiting: RefCell<BTreeMap<u64, Waker>>,
}

impl Turns {
    /// The next ticket; taken before anything awaits, so tickets follow arrival.
    pub(super) fn ticket(&self) -> u64 {
        let ticket = self.issued.get();
        self.issued.set(ticket + 1);
        ticket
    }

    /// Waits until every earlier ticket was served; the turn lasts until it is dropped.
    pub(super) async fn turn(&self, ticket: u64) -> Turn<'_> {
        poll_fn(|cx| {
            if self.served.get() == ticket {
                Poll::Ready(())
            } else {
                self.waiting.borrow_mut().insert(ticket, cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        Turn { turns: self, ticket }
    }
}

/// A ticket's turn: over when dropped, which lets the next one go.
pub(super) struct Turn<'a> {
    turns: &'a Turns,
    ticket: u64,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let next = self.ticket + 1;
        self.turns.served.set(next);
        if let Some(waker) = self.turns.waiting.borrow_mut().remove(&next) {
            waker.wake();
        }
    }
}
