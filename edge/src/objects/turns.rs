//! Events an object handles one at a time in the order they arrived, even when one waits
//! (an outgoing call lets the runtime deliver the next event meanwhile): each takes a ticket
//! as it arrives and is handled when every earlier ticket was. While nothing waits, a
//! ticket's turn is immediate. Conversations order their sockets' frames with it (a `send`
//! may first wait for the site's interceptors); a thread object its customer's messages
//! (the first may be making their conversation).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::poll_fn;
use std::task::{Poll, Waker};

/// The tickets handed out and served.
#[derive(Default)]
pub(crate) struct Turns {
    issued: Cell<u64>,
    served: Cell<u64>,
    waiting: RefCell<BTreeMap<u64, Waker>>,
}

impl Turns {
    /// The next ticket; taken before anything awaits, so tickets follow arrival.
    pub(crate) fn ticket(&self) -> u64 {
        let ticket = self.issued.get();
        self.issued.set(ticket + 1);
        ticket
    }

    /// Waits until every earlier ticket was served; the turn lasts until it is dropped.
    pub(crate) async fn turn(&self, ticket: u64) -> Turn<'_> {
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
pub(crate) struct Turn<'a> {
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
