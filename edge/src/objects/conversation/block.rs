//! The Conversation object's side of ending its visitor's access: blocking (close their
//! sockets here at once, and say who they are and where they last came from, for the site's
//! block list) and the visitor's own sign-out (close their sockets, refuse their tokens).

use switchboard_protocol::{ErrorCode, CLOSE_BLOCKED, CLOSE_UNAUTHORIZED};

use super::calls::{BlockVisitor, BlockedVisitor, EndVisitor};
use super::sockets::VISITOR_TAG;
use super::ConversationObject;
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

    /// Their visitor signed out: marked in storage (their tokens are refused from now on) and
    /// their sockets closed. A conversation that never started has nothing to mark.
    pub(super) fn end_visitor(&self, call: &EndVisitor, now: i64) -> EdgeResult<()> {
        let Some(meta) = self.store.meta()? else { return Ok(()) };
        if meta.site_id != call.site || meta.visitor_id != call.visitor {
            return Ok(());
        }
        self.store.note_visitor_signed_out(now)?;
        for socket in self.state.get_websockets_with_tag(VISITOR_TAG) {
            let _ = socket.close(Some(CLOSE_UNAUTHORIZED), Some("signed out"));
        }
        Ok(())
    }
}
