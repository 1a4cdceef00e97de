//! `GET /api/v1/conversations` — the signed-in agent's site's conversations, newest activity
//! first (console session or API key), a page at a time.
//!
//! Filters: `state` (`new`, `bot`, `queued`, `assigned`, `pending`, `snoozed`, `resolved`),
//! `queue`, `assignee` (an agent id, or `none`), `visitor`, `updated_since` (ms since the
//! epoch). `limit` 1–200 (50), and `cursor`: the `next_cursor` of the previous page. Walking
//! the cursors visits every conversation once; ones that become active meanwhile appear before
//! the first page. An unknown parameter or a malformed value is `400` naming it.
//! `?q=words` searches messages instead (at most 100, newest first; no cursor).

use serde::{Deserialize, Serialize};

use crate::inbox::ConversationSummary;

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Summaries, newest activity first.
    pub conversations: Vec<ConversationSummary>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}
