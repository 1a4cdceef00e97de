//! Switchboard's core: every decision, as plain Rust with no I/O.
//!
//! The edge (Durable Objects), the widget and the console are adapters around this crate:
//! they turn input into calls here, and perform what comes back. Time and randomness are
//! passed in, never read, so every function is deterministic and tested natively.
//!
//! # Layout
//! - [`token`]: signed, expiring tokens (visitor sessions, agent sessions), HMAC-SHA256.
//! - [`accounts`]: one-time invite tokens and failed sign-in throttling.
//! - [`appearance`]: a site's look: checking changes, readable text colour, the frame's theme CSS.
//! - [`password`]: password hashes (PBKDF2-HMAC-SHA256) and their verification.
//! - [`origin`]: normalising origins and matching them against a site's allowed list.
//! - [`site`]: a site's configuration and the bootstrap (out-of-the-box) site.
//! - [`inbox_view`]: the console's inbox views, queue filter, search and counts.
//! - [`ingest`]: reading client frames; deciding store, re-ack or refuse for one `send`.
//! - [`known_ids`]: an in-memory filter that spares a lookup when storing a new message.
//! - [`contact`]: keeping a visitor's contact details current (widget, edge, bot).
//! - [`conversation`]: what each client frame does to a conversation, and who hears of it.
//! - [`flow`]: a site's flow (bot, business hours, queues) and one conversation's lifecycle.
//! - [`rate`]: per-participant flood control (token bucket, typing throttle).
//! - [`routing`]: queues, agent presence and capacity, offers, assignment, response targets.
//! - [`canned`]: canned responses: checking them, suggesting them for a `/shortcut` draft.
//! - [`client_log`]: a client's side of the log: what it holds, what is still pending.
//! - [`backoff`]: reconnect delays with exponential backoff and jitter.
//! - [`webhook`]: signing outgoing webhooks (HMAC-SHA256 with a timestamp).
//! - [`heartbeat`]: noticing a socket that died without a word (ping, then give up).

pub mod accounts;
pub mod admission;
pub mod appearance;
pub mod attachments;
pub mod avatar;
pub mod backoff;
pub mod canned;
pub mod cards;
pub mod chime;
pub mod client_log;
pub mod contact;
pub mod conversation;
pub mod csat;
pub mod fields;
pub mod flow;
pub mod heartbeat;
pub mod identity;
pub mod inbox_summary;
pub mod inbox_view;
pub mod ingest;
pub mod known_ids;
pub mod launcher;
pub mod origin;
pub mod password;
pub mod prechat;
pub mod rate;
pub mod routing;
pub mod site;
pub mod token;
pub mod webhook;
