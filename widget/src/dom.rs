//! Small browser helpers: event listeners that detach when dropped, the clock, and whether
//! the visitor can see the page.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::convert::FromWasmAbi;
use wasm_bindgen::JsCast;
use web_sys::{EventTarget, VisibilityState};

/// Now, in ms since the Unix epoch.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Whether the frame's document is visible (its tab in front, the window not minimised).
pub fn page_visible() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .is_some_and(|document| document.visibility_state() == VisibilityState::Visible)
}

/// An event listener that is removed when dropped.
pub struct Listener<E> {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(E)>,
}

impl<E: FromWasmAbi + 'static> Listener<E> {
    /// Calls `handler` with every `kind` event on `target`.
    pub fn new(target: &EventTarget, kind: &'static str, handler: impl FnMut(E) + 'static) -> Self {
        let closure = Closure::<dyn FnMut(E)>::new(handler);
        let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        Self { target: target.clone(), kind, closure }
    }
}

impl<E> Drop for Listener<E> {
    fn drop(&mut self) {
        let _ =
            self.target.remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}
