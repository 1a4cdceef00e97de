//! `GET /api/v1/conversations`: what a list asks for — filters, page size, the cursor — read
//! from the query string with a clear error for anything unknown or malformed, and the cursor
//! that continues a page. Pages go newest activity first by `(updated_at, id)`, a total order,
//! so walking the cursors visits every conversation once; a conversation created (or active)
//! while someone pages appears before the first page, never inside the walk.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{AgentId, ApiError, ConversationId, ErrorCode, QueueId, VisitorId};

/// Conversations in a page unless asked otherwise.
pub const DEFAULT_PAGE: u32 = 50;

/// Most conversations in a page.
pub const MAX_PAGE: u32 = 200;

/// Whose conversations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssigneeFilter {
    /// Nobody holds them (`assignee=none`).
    Nobody,
    /// This agent holds them.
    Agent(AgentId),
}

/// Where a page starts: after the conversation last active at `updated_at` with `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Its last activity, ms since the Unix epoch.
    pub updated_at: i64,
    /// Its id (breaks ties).
    pub id: ConversationId,
}

/// A list request, checked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListQuery {
    /// Only in this state.
    pub state: Option<ConversationState>,
    /// Only in this queue.
    pub queue: Option<QueueId>,
    /// Only held by this agent, or by nobody.
    pub assignee: Option<AssigneeFilter>,
    /// Only this visitor's.
    pub visitor: Option<VisitorId>,
    /// Only this contact's (any of their visitors').
    pub contact: Option<String>,
    /// Only those carrying this label (`core::conversation_labels::label`).
    pub label: Option<String>,
    /// Only those of this priority.
    pub priority: Option<switchboard_protocol::inbox::Priority>,
    /// Only those active at or after this time, ms since the Unix epoch.
    pub updated_since: Option<i64>,
    /// Page size.
    pub limit: u32,
    /// Where the page starts (none: the newest).
    pub cursor: Option<Cursor>,
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, format!("{field}: {}", message.into())).at_field(field)
}

impl ListQuery {
    /// Reads a list request from its query parameters; `q` (search) is not read here.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, ApiError> {
        let mut query = ListQuery { limit: DEFAULT_PAGE, ..ListQuery::default() };
        for (name, value) in pairs {
            match name {
                "state" => {
                    let state = serde_json::from_value(value.into()).map_err(|_| {
                        bad("state", "one of new, bot, queued, assigned, pending, snoozed, resolved")
                    })?;
                    query.state = Some(state);
                }
                "queue" => {
                    query.queue = Some(QueueId::parse(value).map_err(|e| bad("queue", e.to_string()))?)
                }
                "assignee" if value == "none" => query.assignee = Some(AssigneeFilter::Nobody),
                "assignee" => {
                    let agent =
                        AgentId::parse(value).map_err(|e| bad("assignee", format!("{e} (or none)")))?;
                    query.assignee = Some(AssigneeFilter::Agent(agent));
                }
                "visitor" => {
                    query.visitor = Some(VisitorId::parse(value).map_err(|e| bad("visitor", e.to_string()))?)
                }
                "contact" if crate::contacts::is_id(value) => query.contact = Some(value.to_owned()),
                "contact" => return Err(bad("contact", "a contact id (ctc_…)")),
                "label" => {
                    let label = crate::conversation_labels::label(value);
                    query.label = Some(label.ok_or_else(|| bad("label", "a label (1 to 40 characters)"))?);
                }
                "priority" => {
                    let priority = switchboard_protocol::inbox::Priority::parse(value);
                    query.priority =
                        Some(priority.ok_or_else(|| bad("priority", "one of low, medium, high, urgent"))?);
                }
                "updated_since" => {
                    let at = value.parse().map_err(|_| bad("updated_since", "ms since the Unix epoch"))?;
                    query.updated_since = Some(at);
                }
                "limit" => {
                    query.limit = value
                        .parse()
                        .ok()
                        .filter(|limit| (1..=MAX_PAGE).contains(limit))
                        .ok_or_else(|| bad("limit", format!("a number from 1 to {MAX_PAGE}")))?;
                }
                "cursor" => query.cursor = Some(Cursor::decode(value)?),
                "q" => {}
                other => return Err(bad(other, "not a filter of this list")),
            }
        }
        Ok(query)
    }
}

impl Cursor {
    /// The opaque form handed to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}.{}", self.updated_at, self.id))
    }

    /// Reads a cursor a previous page handed out.
    pub fn decode(text: &str) -> Result<Self, ApiError> {
        let invalid = || bad("cursor", "not a cursor this list handed out");
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let (at, id) = text.split_once('.').ok_or_else(invalid)?;
        Ok(Cursor {
            updated_at: at.parse().map_err(|_| invalid())?,
            id: ConversationId::parse(id).map_err(|_| invalid())?,
        })
    }
}

/// The page of `rows` (read as `limit + 1`, newest first) and the cursor of the next page,
/// when there is one.
pub fn page(mut rows: Vec<ConversationSummary>, limit: u32) -> (Vec<ConversationSummary>, Option<String>) {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = more
        .then(|| rows.last().map(|last| Cursor { updated_at: last.updated_at, id: last.id.clone() }.encode()))
        .flatten();
    (rows, next)
}

#[cfg(test)]
mod tests;
