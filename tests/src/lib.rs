//! The end-to-end harness: start the real edge in workerd (through the pinned wrangler), the
//! demo site on its own origin, and headless Chromium; talk to them with real clients.
//!
//! Tests live in `tests/tests/e2e/` (one binary, a module per area); `cargo xtask test` builds everything first. `cargo xtask dev`
//! uses [`edge::EdgeProcess`] too, so tests and development run the edge the same way.
//!
//! # Layout
//! - [`paths`]: where the built edge, its config and the JavaScript tools are.
//! - [`edge`]: starting, restarting and stopping workerd (`wrangler dev`) on a port.
//! - [`test_edge`]: an edge for one test — free port, fresh state dir, its own config.
//! - [`api`]: typed REST calls, sessions and sign-in, using `protocol` types.
//! - [`live`]: conversation and inbox sockets, typed frames both ways.
//! - [`local_server`]: what the stand-ins for third parties share (listener, state, arrivals).
//! - [`bot_server`]: a local stand-in for an external bot's webhook endpoint.
//! - [`webhook_receiver`]: a customer's webhook receiver: checks signatures, can be down or hostile.
//! - [`fake_meta`]: Meta's Send API and its signed Messenger deliveries, in its documented format.
//! - [`fake_postmark`]: Postmark's Email API and its inbound, bounce and complaint webhooks.
//! - [`fake_twilio`]: Twilio's Messages API and its signed webhooks, in its documented format.
//! - [`browser`]: headless Chromium through chromedriver (WebDriver), one profile each.
//! - [`axe`]: accessibility checks (axe-core) in the browser's current frame.
//! - [`network`]: a proxy between browser and edge that a test can cut (going offline).
//! - [`runtime`]: the workerd processes behind an edge: memory, CPU, the runtime's own port.
//! - [`self_host`]: the bundle `wrangler deploy` uploads, run by plain workerd on local disk.
//! - [`raw_http`]: HTTP by hand, for what polite clients never send (an endless body).
//! - [`wait`]: waiting on conditions with timeouts (never sleeps as synchronisation).

pub mod api;
pub mod axe;
pub mod bot_server;
pub mod browser;
pub mod edge;
pub mod fake_meta;
pub mod fake_postmark;
pub mod fake_twilio;
pub mod live;
pub mod local_server;
pub mod network;
pub mod paths;
pub mod raw_http;
pub mod runtime;
pub mod self_host;
pub mod test_edge;
pub mod wait;
pub mod webhook_receiver;

/// Tests' admin account (the bootstrap admin of every [`test_edge::TestEdge`]).
pub const ADMIN_EMAIL: &str = "agent@example.com";
/// Its password.
pub const ADMIN_PASSWORD: &str = "test-password-1234";
/// Its display name.
pub const ADMIN_NAME: &str = "Dev Agent";
/// The worker secret every test edge signs tokens with (`SESSION_SECRET`): tests that
/// play an attacker who stole it, or an operator rotating it, sign with it themselves.
pub const SESSION_SECRET: &str = "test-secret-0123456789abcdef0123456789abcdef";
/// Now, in ms since the Unix epoch, as the edge's clock reads it (tests sign tokens and
/// compare expiries with it).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// `text` percent-encoded (everything but RFC 3986's unreserved characters): for query
/// strings and the `X-Filename` header.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The site every test edge has.
pub const SITE: &str = "demo";

/// A valid 1×1 PNG (transparent): an attached image, an agent's photo.
pub const TINY_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\xdac\x64\xf8\xcf\x50\x0f\0\x03\x86\x01\x80\x5a\x34\x7d\x6b\0\0\0\0IEND\xaeB`\x82";
/// The test site's identity verification secret (`BOOTSTRAP_IDENTITY_SECRET`); the demo site
/// signs its account page's customer with it.
pub const IDENTITY_SECRET: &str = "test-identity-secret-0123456789abcdef";
