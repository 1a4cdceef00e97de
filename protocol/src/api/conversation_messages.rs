//! One conversation over REST (console session or API key of its site; `404` for another
//! site's):
//!
//! - `GET /api/v1/conversations/{id}` → `200` its [`ConversationSummary`](crate::inbox::ConversationSummary).
//! - `GET /api/v1/conversations/{id}/messages` → `200` [`Response`]: a page of its log as
//!   agents see it (private notes included), oldest first — the newest page, or with
//!   `?before=SEQ` the one before it (scrolling back), or with `?after=SEQ` the one after it
//!   (catching up); `?limit=` 1–200 (50). Attachment links in it work for a week.
//! - `POST /api/v1/conversations/{id}/messages` [`PostRequest`] → `201` [`Posted`]: a message
//!   (or, `internal`, a private note) from the caller — the signed-in agent, or the key under
//!   its name — stored and delivered live exactly like one typed in the console. `client_id`
//!   (or the `Idempotency-Key` header) makes it safe to retry: a repeat answers the stored
//!   message and stores nothing. Limits as on sockets (`409` when the log is full, `429`
//!   beyond the agent's rate).

use serde::{Deserialize, Serialize};

use crate::{ClientMessageId, Message, Seq};

/// `200` body of `…/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The page, oldest first.
    pub messages: Vec<Message>,
    /// The conversation's newest `seq`.
    pub head_seq: Seq,
    /// Pass as `?before=` for the older page; absent at the log's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Seq>,
    /// Pass as `?after=` for the newer page; absent at the log's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Seq>,
}

/// `POST …/messages` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostRequest {
    /// The message's text (empty with `template`, whose text it becomes).
    #[serde(default)]
    pub text: String,
    /// On WhatsApp: one of the number's approved templates with its variables, the only
    /// message allowed once the customer's 24-hour window has closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<crate::channels::TemplateUse>,
    /// A private note, shown to the team only.
    #[serde(default)]
    pub internal: bool,
    /// The caller's id for the message (else the `Idempotency-Key` header, else a new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientMessageId>,
    /// Post as the site's bot (under the flow's bot name) rather than as the caller: a
    /// script answering for the bot. Not with `internal`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub as_bot: bool,
}

/// `201` body of `POST …/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posted {
    /// The message as stored.
    pub message: Message,
}
