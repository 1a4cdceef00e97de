//! `GET /api/v1/visitor/conversations` — the visitor's conversations on this site, newest
//! activity first, each with a fresh session token to reopen it.
//!
//! Authenticated by `Authorization: Bearer <token>` with a session token for any one of the
//! visitor's conversations: it proves who the visitor is, and the answer contains only that
//! visitor's conversations.

use serde::{Deserialize, Serialize};

use crate::inbox::MessagePreview;

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The visitor's conversations that have messages, newest activity first.
    pub conversations: Vec<VisitorConversation>,
}

/// One past or current conversation of the visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorConversation {
    /// A session for it: its id and a token that opens it.
    pub session: super::create_session::Response,
    /// Its newest message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<MessagePreview>,
    /// When it last changed, ms since the Unix epoch.
    pub updated_at: i64,
}
