//! The Conversation object's side of blocking its visitor: close their sockets here at once,
//! and say who they are and where they last came from, for the site's block list.

use switchboard_protocol::{ErrorCode, CLOSE_BLOCKED};

use super::calls::{BlockVisitor, BlockedVisitor};
use super::{ConversationObject, VISITOR_TAG};
use crate::error::{EdgeError, EdgeResult};

impl ConversationObject {
    /// Closes the visitor's sockets (`4403`) and answers who they are.
    pub(super) fn block_visitor(&self, call: &BlockVisitor) -> EdgeResult<BlockedVisitor> {
        let meta = self
            .store
            .meta()?
            .filter(|meta| meta.site_id == call.site)
            .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
        for socket in self.state.get_websockets_with_tag(VISITOR_TAG) {
            let _ = socket.close(Some(CLOSE_BLOCKED), Some("blocked"));
        }
        Ok(BlockedVisitor { visitor: meta.visitor_id, address: meta.visitor_address })
    }
}
