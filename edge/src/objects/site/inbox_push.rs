//! Changed summaries on their way to the open inboxes. A console that asked for batches
//! (`?updates=batched`, as the console does) hears at most one frame every 250 ms
//! (`core::inbox_pacing`): a change after a quiet spell at once, the rest together in the
//! next frame, set off by a timer. Other sockets get each change at once as its own
//! `updated` frame. A send costs this object about 6 µs per open socket, so with batched
//! consoles its sends follow the number of consoles and the clock, not the message rate.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use switchboard_core::inbox_pacing::{Pace, Paced};
use switchboard_protocol::inbox::{ConversationSummary, InboxFrame};
use wasm_bindgen::{JsCast, JsValue};
use worker::worker_sys::DurableObjectState;
use worker::{Delay, State, WebSocket};

use super::INBOX_TAG;
use crate::error::EdgeResult;
use crate::objects::broadcast;

/// Tag of inbox sockets that take the changes paced and together.
const BATCHED_TAG: &str = "inbox-batched";

/// Tag of inbox sockets that take each change as its own `updated` frame.
const EACH_TAG: &str = "inbox-each";

/// The changes waiting for the batched consoles' next frame.
#[derive(Default)]
pub(super) struct InboxPushes {
    paced: RefCell<Paced>,
}

impl InboxPushes {
    /// The tag of an inbox socket opened with (`batched`) or without `?updates=batched`.
    pub(super) fn tag(batched: bool) -> &'static str {
        if batched {
            BATCHED_TAG
        } else {
            EACH_TAG
        }
    }

    /// Whether any inbox socket is open (else a change needs no summary read for them: a
    /// console that opens later starts from a snapshot).
    pub(super) fn anyone_listening(&self, state: &State) -> bool {
        !state.get_websockets_with_tag(INBOX_TAG).is_empty()
    }

    /// `conversation` changed at `now`: sent to the sockets that take each change, and to the
    /// batched ones now or with the next frame (a timer sends it).
    pub(super) fn push(
        self: &Rc<Self>,
        state: &State,
        conversation: ConversationSummary,
        now: i64,
    ) -> EdgeResult<()> {
        let each = state.get_websockets_with_tag(EACH_TAG);
        if !each.is_empty() {
            let frame = serde_json::to_string(&InboxFrame::Updated { conversation: conversation.clone() })?;
            broadcast(each, &frame);
        }
        // No batched console: nothing to pace, and no timer (one opened later starts from a
        // snapshot, and its first change after a quiet spell goes at once).
        let batched = state.get_websockets_with_tag(BATCHED_TAG);
        if batched.is_empty() {
            return Ok(());
        }
        let pace = self.paced.borrow_mut().changed(conversation, now);
        match pace {
            Pace::Send(changed) => send_batched(batched, changed)?,
            Pace::WakeAt(at) => {
                // The same object's state, for the timer (workers-rs's `State` is not `Clone`).
                let raw: DurableObjectState = JsValue::clone(state.as_raw()).unchecked_into();
                let (pushes, state_then) = (Rc::clone(self), State::from(raw));
                let timer = wasm_bindgen_futures::future_to_promise(async move {
                    Delay::from(Duration::from_millis(at.saturating_sub(now).max(0) as u64)).await;
                    let changed = pushes.paced.borrow_mut().due(crate::env::now());
                    let batched = state_then.get_websockets_with_tag(BATCHED_TAG);
                    if let Err(error) = send_batched(batched, changed) {
                        worker::console_error!("paced inbox updates: {error:?}");
                    }
                    Ok(JsValue::UNDEFINED)
                });
                // The timer runs either way; `waitUntil` also keeps the object from being
                // evicted before it did (a quarter of a second at most).
                let _ = state.as_raw().wait_until(&timer);
            }
            Pace::Wait => {}
        }
        Ok(())
    }
}

/// One frame with `changed` to the `batched` consoles: `updated` for one change,
/// `updated_many` for several.
fn send_batched(batched: Vec<WebSocket>, mut changed: Vec<ConversationSummary>) -> EdgeResult<()> {
    let frame = match changed.len() {
        0 => return Ok(()),
        1 => InboxFrame::Updated { conversation: changed.remove(0) },
        _ => InboxFrame::UpdatedMany { conversations: changed },
    };
    if !batched.is_empty() {
        broadcast(batched, &serde_json::to_string(&frame)?);
    }
    Ok(())
}
