//! One conversation over REST (console session or API key of its site; `404` for another
//! site's):
//!
//! - `GET /api/v1/conversations/{id}` → `200` its [`ConversationSummary`](crate::inbox::ConversationSummary).
//! - `GET /api/v1/conversations/{id}/messages` → `200` [`Response`]: a page of its log as
//!   agents see it (private notes included), oldest first — the newest page, or with
//!   `?before=SEQ` the one before it (scrolling back), or with `?after=SEQ` the one after it
//!   (catching up); `?limit=` 1–200 (50). Attachment links in it work for a week.

use serde::{Deserialize, Serialize};

use crate::{Message, Seq};

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
