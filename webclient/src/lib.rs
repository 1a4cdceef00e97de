//! Browser-side I/O shared by the widget frame and the agent console. Thin adapters only:
//! decisions (when to reconnect, what to resend) belong to `switchboard-core`.
//!
//! # Layout
//! - [`socket`]: a WebSocket that speaks `protocol` frames.
//! - [`http`]: a JSON `fetch` that turns the edge's error bodies into typed errors.
//! - [`ids`]: message ids made from the browser's randomness.

pub mod http;
pub mod ids;
pub mod socket;

pub use http::{fetch_json, FetchError};
pub use ids::new_client_id;
pub use socket::{Socket, SocketEvent};

/// The page's own origin as a WebSocket origin: `http://h:p` → `ws://h:p`, `https` → `wss`.
pub fn websocket_origin() -> String {
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    match origin.strip_prefix("https://") {
        Some(rest) => format!("wss://{rest}"),
        None => format!("ws://{}", origin.trim_start_matches("http://")),
    }
}
