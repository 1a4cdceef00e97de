//! Keyboard shortcuts for the whole console: `j`/`k` move through the inbox, Enter opens,
//! `r` goes to the reply box, `e` resolves, `/` searches. Keys typed into a field are the
//! field's: shortcuts only act when no text field has focus.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement, KeyboardEvent};

/// What a shortcut asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// `j`: next conversation in the list.
    Next,
    /// `k`: previous one.
    Previous,
    /// Enter: open the one under the cursor.
    Open,
    /// `r`: write a reply.
    Reply,
    /// `e`: resolve the open conversation.
    Resolve,
    /// `/`: search.
    Search,
}

/// A `keydown` listener on the document; dropping it removes the listener.
pub struct Shortcuts {
    document: Document,
    callback: Closure<dyn FnMut(KeyboardEvent)>,
}

impl Shortcuts {
    /// Calls `f` for every shortcut pressed outside text fields.
    pub fn new(f: impl Fn(Shortcut) + 'static) -> Option<Shortcuts> {
        let document = web_sys::window()?.document()?;
        let callback = Closure::<dyn FnMut(KeyboardEvent)>::new(move |event: KeyboardEvent| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() || in_text_field(&event) {
                return;
            }
            let shortcut = match event.key().as_str() {
                "j" => Shortcut::Next,
                "k" => Shortcut::Previous,
                "Enter" if on_page_body(&event) => Shortcut::Open,
                "r" => Shortcut::Reply,
                "e" => Shortcut::Resolve,
                "/" => Shortcut::Search,
                _ => return,
            };
            event.prevent_default();
            f(shortcut);
        });
        document.add_event_listener_with_callback("keydown", callback.as_ref().unchecked_ref()).ok()?;
        Some(Shortcuts { document, callback })
    }
}

impl Drop for Shortcuts {
    fn drop(&mut self) {
        let _ = self
            .document
            .remove_event_listener_with_callback("keydown", self.callback.as_ref().unchecked_ref());
    }
}

/// Focuses the first element matching `selector` (the reply box, the search field).
pub fn focus(selector: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

fn target(event: &KeyboardEvent) -> Option<web_sys::Element> {
    event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

/// Typing in an input, textarea, select or editable element.
fn in_text_field(event: &KeyboardEvent) -> bool {
    target(event).is_some_and(|element| {
        matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || element.dyn_ref::<HtmlElement>().is_some_and(|e| e.is_content_editable())
    })
}

/// Enter on a button or link is that control's own; only on the page itself does it open.
fn on_page_body(event: &KeyboardEvent) -> bool {
    target(event).is_none_or(|element| !matches!(element.tag_name().as_str(), "BUTTON" | "A"))
}
