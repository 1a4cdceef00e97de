//! The Conversation object's side of reading its log over REST: a page either way by `seq`
//! (`core::message_page`), as agents see it, with attachment links renewed like a replay's.

use switchboard_core::attachment_links;
use switchboard_core::conversation::LogStore;
use switchboard_core::message_page;
use switchboard_protocol::api::conversation_messages::Response;
use switchboard_protocol::ErrorCode;

use super::calls::ReadMessages;
use super::ConversationObject;
use crate::env;
use crate::error::{EdgeError, EdgeResult};

impl ConversationObject {
    /// The page `call` asks for; `not_found` for a conversation of another site (or none).
    pub(super) fn read_messages(&self, call: &ReadMessages, now: i64) -> EdgeResult<Response> {
        self.store
            .meta()?
            .filter(|meta| meta.site_id == call.site)
            .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
        let mut store = &self.store;
        let head_seq = store.head()?;
        let (after, count) = call.query.read_after(head_seq);
        let mut messages = store.page_after(after, count)?;
        attachment_links::renew_all(&mut messages, &env::signing_key(&self.env)?, now);
        let (before, after) = message_page::cursors(&messages, head_seq);
        Ok(Response { messages, head_seq, before, after })
    }
}
