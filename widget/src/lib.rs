//! Switchboard's chat panel: the Yew app inside the widget's iframe (`EDGE/frame?site=ID`).
//!
//! The host page runs only the small loader (`widget/loader/widget.js`); this app runs on the
//! edge's origin, so the page can neither style nor read the conversation. It talks to the
//! loader over `postMessage` and to the edge over REST (the session) and one WebSocket (the
//! conversation), using the shared types of `switchboard-protocol`.
//!
//! # Layout
//! - [`state`]: what the panel shows, one plain value changed only by `Event`s through its
//!   reducer (the console's model too).
//! - [`effects`]: the I/O around it — session, socket, reconnects, timers, storage, host
//!   page — as `Chat`, which turns what happens into events and sends what they answer.
//! - [`session`]: visitor sessions and the visitor's conversations over REST.
//! - [`socket`], [`http`]: the conversation WebSocket and `fetch`.
//! - [`wire`]: protocol types to and from JSON, through the browser's `JSON`.
//! - [`bridge`]: the `postMessage` protocol with the loader, with its origin checks.
//! - [`storage`]: the frame's `localStorage` keys.
//! - [`dom`], [`ids`]: listeners, the clock, page visibility; the site id from the URL.
//! - [`components`]: the view — `App`, the one component, and small view functions.
//! - [`i18n`]: the panel's texts in six languages, and which one shows.
//!
//! Styles are in `widget/frame.css` (the frame's CSP allows no inline styles).
//! Nothing here may panic on input, storage or the network: a panic kills the panel.

mod bridge;
mod components;
mod dom;
mod effects;
mod http;
mod i18n;
mod ids;
mod session;
mod socket;
mod state;
mod storage;
mod wire;

use wasm_bindgen::prelude::wasm_bindgen;

/// Talc rather than the default dlmalloc: the same job in fewer bytes of the frame's budget.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Mounts the panel on `<body>` when the module is instantiated.
#[wasm_bindgen(start)]
fn main() {
    yew::Renderer::<components::App>::new().render();
}
