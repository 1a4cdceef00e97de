//! The agent console: a Yew/wasm app the edge serves at `/console/`, same origin as the API.
//!
//! An agent signs in, watches the site's inbox (one WebSocket pushing conversation
//! summaries) and answers one open conversation at a time (its own WebSocket, the same
//! protocol the widget speaks). Delivery bookkeeping — what is stored, what is still
//! pending, what to resend — is `switchboard_core::client_log`; this crate only renders it
//! and moves frames.
//!
//! # Layout
//! - [`state`]: everything the screen shows, one [`state::Action`] enum and its reducer.
//! - [`effects`]: the outside world — session REST calls, the inbox and conversation
//!   sockets with backoff reconnects, timers, client message ids. Effects report back only by
//!   dispatching actions.
//! - [`format`](mod@format): pure text helpers (visitor labels, clock times, relative times).
//! - [`hooks`]: custom hooks tying each effect to the part of the state it serves.
//! - [`components`]: small function components, one screen part each; `App` wires state
//!   and hooks together.
//!
//! Text from the network is always rendered as text nodes, never as HTML.

pub mod components;
pub mod effects;
pub mod format;
pub mod hooks;
pub mod state;

use wasm_bindgen::prelude::wasm_bindgen;

/// Mounts the console on `<body>` once the module is instantiated.
#[wasm_bindgen(start)]
fn main() {
    yew::Renderer::<components::app::App>::new().render();
}
