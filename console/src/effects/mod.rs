//! The outside world: REST calls, sockets, timers and randomness.
//!
//! Effects report back only by dispatching [`crate::state::Action`]s; they never read the
//! rendered state, so the reducer stays the one place where the state changes.
//!
//! - [`session`]: `/agent/me`, sign-in, sign-out.
//! - [`inbox`]: the inbox socket, reconnecting with backoff.
//! - [`conversation`]: the open conversation's socket and its [`ClientLog`](switchboard_core::client_log::ClientLog).
//! - [`timer`]: `setTimeout`/`setInterval` handles that cancel on drop, and the retry schedule.

pub mod conversation;
pub mod inbox;
pub mod session;
pub mod timer;

use switchboard_protocol::ClientMessageId;
use wasm_bindgen::JsValue;
use yew::functional::UseReducerDispatcher;

use crate::state::State;

/// How effects reach the reducer.
pub type Dispatcher = UseReducerDispatcher<State>;

/// WebSocket close code with which the edge ends a socket whose session is gone.
pub const CLOSE_SESSION_ENDED: u16 = 4401;

/// Shown on the login screen when a socket says the session ended.
pub const SESSION_ENDED: &str = "Your session has ended. Please sign in again.";

/// The current time, ms since the Unix epoch.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// A fresh id for a reply, by which the edge deduplicates its resends.
///
/// `crypto.randomUUID()` exists only in secure contexts (https, localhost); a self-hosted
/// console reached over plain http still has `getRandomValues`, and `Math.random` is the last
/// resort (uniqueness per agent and conversation is all that is needed, not secrecy).
pub fn new_client_id() -> Option<ClientMessageId> {
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if let Some(crypto) = &crypto {
        let has_uuid = js_sys::Reflect::has(crypto, &JsValue::from_str("randomUUID"));
        if has_uuid.unwrap_or(false) {
            if let Ok(id) = ClientMessageId::parse(crypto.random_uuid()) {
                return Some(id);
            }
        }
    }
    let mut bytes = [0u8; 16];
    let filled = crypto.is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    ClientMessageId::parse(hex).ok()
}
