//! Small browser helpers: event listeners that detach when dropped, the clock, whether the
//! visitor can see the page, and keeping keyboard focus inside the open panel.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::convert::FromWasmAbi;
use wasm_bindgen::JsCast;
use web_sys::{EventTarget, HtmlElement, KeyboardEvent, VisibilityState};

/// Now, in ms since the Unix epoch.
pub(crate) fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Whether the frame's document is visible (its tab in front, the window not minimised).
pub(crate) fn page_visible() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .is_some_and(|document| document.visibility_state() == VisibilityState::Visible)
}

/// An event listener that is removed when dropped.
pub(crate) struct Listener<E> {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(E)>,
}

impl<E: FromWasmAbi + 'static> Listener<E> {
    /// Calls `handler` with every `kind` event on `target`.
    pub(crate) fn new(target: &EventTarget, kind: &'static str, handler: impl FnMut(E) + 'static) -> Self {
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

/// What Tab moves between in the panel.
const FOCUSABLE: &str = "button:not([disabled]),textarea:not([disabled]),input:not([disabled]),a[href]";

/// Keeps Tab and Shift+Tab cycling inside the panel, as in any dialog: from the last control
/// to the first and back, instead of out of the frame into the host page behind the panel.
pub(crate) fn trap_tab(event: &KeyboardEvent) {
    if event.key() != "Tab" {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(all) = document.query_selector_all(FOCUSABLE) else { return };
    let element = |i: u32| all.item(i).and_then(|node| node.dyn_into::<HtmlElement>().ok());
    let (Some(first), Some(last)) = (element(0), element(all.length().saturating_sub(1))) else { return };
    let active = document.active_element();
    let is = |el: &HtmlElement| active.as_ref().is_some_and(|a| js_sys::Object::is(a, el));
    let nothing = active.is_none() || active == document.body().map(Into::into);
    let next = match (event.shift_key(), nothing) {
        (false, _) if is(&last) || nothing => first,
        (true, _) if is(&first) || nothing => last,
        _ => return,
    };
    event.prevent_default();
    let _ = next.focus();
}

/// A short two-note tone for a new reply (when the site turned sound on): the edge's
/// `/chime.wav`, played by an `autoplay` audio element, which browsers allow only once the
/// visitor has interacted with the panel (before that it stays silent, with no error). An
/// element rather than Web Audio: a handful fewer imports in the frame's size budget.
pub(crate) fn chime() {
    if let Ok(audio) = web_sys::HtmlAudioElement::new_with_src("/chime.wav") {
        audio.set_autoplay(true);
    }
}

/// Hands the visitor `text` as a file called `name` (the browser's usual download), through
/// a `data:` link: fewer imports than a Blob and an object URL.
pub(crate) fn download(name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(link) = document.create_element("a") else { return };
    let href = format!("data:text/plain;charset=utf-8,{}", js_sys::encode_uri_component(text));
    let _ = link.set_attribute("href", &href);
    let _ = link.set_attribute("download", name);
    if let Ok(link) = link.dyn_into::<HtmlElement>() {
        link.click();
    }
}

/// `ms` as the visitor's local time in words, through the browser's `Intl`: `options` as
/// `Intl.DateTimeFormat` takes them, in `locale` (the panel's language when `None`).
pub(crate) fn local_time(ms: i64, locale: Option<&str>, options: &[(&str, &str)]) -> String {
    use crate::wire::Build;
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let options = options.iter().map(|(key, value)| (*key, wasm_bindgen::JsValue::from_str(value))).collect();
    let locale = locale.unwrap_or(crate::i18n::lang().tag());
    String::from(date.to_locale_string(locale, &wasm_bindgen::JsValue::object(options)))
}
