//! The panel's header: who the visitor is talking to, and the close button.

use yew::prelude::*;

/// Title, subtitle and `button.sb-close`, which calls `on_close`.
///
/// A plain function rather than a component: it has no state, and each component type costs
/// the frame's wasm its own copy of yew's lifecycle code.
pub fn header(on_close: &Callback<()>) -> Html {
    let onclick = on_close.reform(|_: MouseEvent| ());
    html! {
        <header class="sb-header">
            <div class="sb-heading">
                <h1 class="sb-title">{ "Chat with us" }</h1>
                <p class="sb-subtitle">{ "We're here to help" }</p>
            </div>
            <button type="button" class="sb-close" aria-label="Close chat" {onclick}>
                <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z" />
                </svg>
            </button>
        </header>
    }
}
