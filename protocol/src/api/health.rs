//! `GET /health` — liveness of the edge.

use serde::{Deserialize, Serialize};

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Always `"ok"` when the edge answers.
    pub status: String,
    /// The edge's package version.
    pub version: String,
    /// The socket protocol version it speaks ([`crate::PROTOCOL_VERSION`]).
    pub protocol: u32,
}
