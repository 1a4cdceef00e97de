//! Whether the agent can see the page: read receipts are only sent for what is on screen, so
//! a console left open in a background tab never tells a visitor their message was seen.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Event, VisibilityState};

const EVENT: &str = "visibilitychange";

/// Whether the document is visible now (`document.visibilityState == "visible"`). False
/// without a document: nothing can have been seen then.
pub fn is_visible() -> bool {
    document().is_some_and(|d| d.visibility_state() == VisibilityState::Visible)
}

/// A `visibilitychange` listener that runs its callback each time the page becomes visible.
/// Dropping it removes the listener.
pub struct OnVisible {
    document: Document,
    callback: Closure<dyn FnMut(Event)>,
}

impl OnVisible {
    /// Calls `f` whenever the page turns visible. `None` when there is no document.
    pub fn new(mut f: impl FnMut() + 'static) -> Option<OnVisible> {
        let document = document()?;
        let callback = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            if is_visible() {
                f();
            }
        });
        document.add_event_listener_with_callback(EVENT, callback.as_ref().unchecked_ref()).ok()?;
        Some(OnVisible { document, callback })
    }
}

impl Drop for OnVisible {
    fn drop(&mut self) {
        let _ =
            self.document.remove_event_listener_with_callback(EVENT, self.callback.as_ref().unchecked_ref());
    }
}

fn document() -> Option<Document> {
    web_sys::window().and_then(|w| w.document())
}
