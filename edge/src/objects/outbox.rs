//! An object's outbox: requests it sends after its response, one at a time, from a
//! background task.
//!
//! Two uses: a conversation's inbox summaries (only the newest matters, and a busy
//! conversation rests between them) and the site router's notices to conversations (each
//! matters, in order). One task drains the queue while items keep coming; the object stays
//! alive for it (`waitUntil`).

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
    /// Rest after each send, so a busy sender is coalesced into a few requests.
    rest: Option<Duration>,
}

impl<T: 'static> Outbox<T> {
    /// Sends every item, in order, without resting.
    pub(super) fn in_order() -> Self {
        Self { queue: RefCell::default(), running: Cell::new(false), newest_only: false, rest: None }
    }

    /// Sends the newest item at once, then rests `rest` after each send; items arriving
    /// meanwhile replace each other.
    pub(super) fn newest_only(rest: Duration) -> Self {
        Self { queue: RefCell::default(), running: Cell::new(false), newest_only: true, rest: Some(rest) }
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
                let next = outbox.queue.borrow_mut().pop_front();
                let Some(item) = next else { break };
                send(item).await;
                if let Some(rest) = outbox.rest {
                    worker::Delay::from(rest).await;
                }
            }
            outbox.running.set(false);
        });
    }
}
