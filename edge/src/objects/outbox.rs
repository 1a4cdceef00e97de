//! An object's outbox: requests it sends after its response, one at a time, from a
//! background task.
//!
//! Two uses: a conversation's inbox summaries (only the newest matters, and a busy
//! conversation's are spaced: at most one per `rest`) and the site router's notices to
//! conversations (each matters, in order). One task drains the queue while items keep
//! coming, and ends when none waits — it never sits out a rest with nothing to send, so a
//! quiet object is free to hibernate at once; the object stays alive for it (`waitUntil`).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use worker::State;

/// A queue of items and the one task sending them.
pub(super) struct Outbox<T> {
    queue: RefCell<VecDeque<T>>,
    running: Cell<bool>,
    /// Keep only the newest item waiting (a newer summary replaces an older one).
    newest_only: bool,
    /// Least time between two sends, so a busy sender is coalesced into a few requests.
    rest: Option<Duration>,
    /// When the last send started (ms since the Unix epoch).
    last_sent: Cell<Option<i64>>,
}

impl<T: 'static> Outbox<T> {
    /// Sends every item, in order, without resting.
    pub(super) fn in_order() -> Self {
        Self::new(false, None)
    }

    /// Sends the newest item at once when the last send was at least `rest` ago, else once
    /// it is; items arriving meanwhile replace each other.
    pub(super) fn newest_only(rest: Duration) -> Self {
        Self::new(true, Some(rest))
    }

    fn new(newest_only: bool, rest: Option<Duration>) -> Self {
        Self {
            queue: RefCell::default(),
            running: Cell::new(false),
            newest_only,
            rest,
            last_sent: Cell::new(None),
        }
    }

    /// Drops what waits to be sent (what it was about was erased).
    pub(super) fn clear(&self) {
        self.queue.borrow_mut().clear();
    }

    /// Queues `item`; starts the sending task unless it runs already. `send` sends one item
    /// (and logs its own failures: a lost item is repaired by the next, or by a retry).
    pub(super) fn push<F, Fut>(self: &Rc<Self>, state: &State, item: T, send: F)
    where
        F: Fn(T) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        {
            let mut queue = self.queue.borrow_mut();
            if self.newest_only {
                queue.clear();
            }
            queue.push_back(item);
        }
        if self.running.replace(true) {
            return;
        }
        let outbox = Rc::clone(self);
        state.wait_until(async move {
            loop {
                // Spaced from the last send; what arrives during the wait replaces what waits.
                // The clock is read once a turn: after a wait, the send starts when it ends.
                let mut starts = crate::env::now();
                if let (Some(rest), Some(last)) = (outbox.rest, outbox.last_sent.get()) {
                    let due = last + rest.as_millis() as i64;
                    if due > starts {
                        worker::Delay::from(Duration::from_millis((due - starts) as u64)).await;
                        starts = due;
                    }
                }
                let next = outbox.queue.borrow_mut().pop_front();
                let Some(item) = next else { break };
                outbox.last_sent.set(Some(starts));
                send(item).await;
            }
            outbox.running.set(false);
        });
    }
}
