//! Switchboard's wire protocol: every WebSocket frame and REST body, as `serde` types.
//!
//! The widget, the agent console, the edge and the tests all speak through these types, so a
//! field renamed here is renamed everywhere at once. `docs/protocol.md` is the prose version.
//!
//! # Layout
//! - [`ids`]: newtype identifiers (`SiteId`, `ConversationId`, …) validated on parse, so a
//!   conversation id can never be passed where a visitor id belongs.
//! - [`message`]: a stored conversation message and its author.
//! - [`frames`]: the conversation socket (`ClientFrame` in, `ServerFrame` out).
//! - [`contact`]: what the console knows about a visitor, and what their widget reports.
//! - [`inbox`]: the agent inbox socket (conversation summaries pushed to consoles).
//! - [`routing`]: conversation states, agent presence, and routing events in the log.
//! - [`error`]: error codes shared by error frames and REST error bodies.
//! - [`limits`]: the size limits every party enforces.
//! - [`api`]: REST bodies, one module per endpoint, named after it.
//! - [`attachment`]: a file carried by a message, and the types and size a file may have.
//! - [`channels`]: where a customer writes from (webchat, SMS, …) and provider delivery statuses.
//! - [`interceptors`]: the steps every message passes before it is stored (redaction, masks).
//! - `server_frame_fields`: the flat wire form `ServerFrame` decodes through (smaller code).
//!
//! # Versioning
//! The protocol version is negotiated in the WebSocket handshake through the subprotocol
//! [`SUBPROTOCOL`]; REST lives under `/api/v1/`. Additive changes (new optional fields, new
//! frame types a client may ignore) keep the version; anything else bumps it.

pub mod api;
pub mod attachment;
pub mod channels;
pub mod contact;
pub mod error;
pub mod frames;
pub mod ids;
pub mod inbox;
pub mod interceptors;
pub mod limits;
pub mod message;
pub mod routing;
mod server_frame_fields;

pub use error::{ApiError, ErrorBody, ErrorCode};
pub use frames::{ClientFrame, ReadMark, SendRate, ServerFrame};
pub use ids::{AgentId, ClientMessageId, ConversationId, IdError, QueueId, Seq, SiteId, VisitorId};
pub use message::{Author, Card, CardLink, Message, Role};

/// Version of the socket protocol described in `docs/protocol.md`.
pub const PROTOCOL_VERSION: u32 = 1;

/// WebSocket subprotocol a client offers (and the server echoes) to speak [`PROTOCOL_VERSION`].
pub const SUBPROTOCOL: &str = "switchboard.v1";

/// Close code of a socket whose credentials stopped working: a refused token (`4000` + the
/// `401` status), or an agent's session ended while the socket was open (expired, signed out
/// everywhere, account removed, API key revoked). The console shows its sign-in screen; a
/// widget asks for a new token.
pub const CLOSE_UNAUTHORIZED: u16 = 4401;

/// Close code of a visitor's socket when an agent blocked them (`4000` + the `403` status).
pub const CLOSE_BLOCKED: u16 = 4403;

/// Prefix of the second subprotocol a visitor offers to carry its session token.
///
/// Browsers cannot set headers on a WebSocket handshake; the subprotocol list is the one
/// header they can fill, and unlike a query string it does not end up in access logs.
pub const TOKEN_SUBPROTOCOL_PREFIX: &str = "sb-token.";
