//! Erasing a conversation (a contact's data deleted, or the site's retention): every socket
//! closes, every file under the conversation's prefix leaves the bucket and the site's byte
//! count, and the object's storage is deleted whole — nothing of it remains.

use switchboard_core::retention;
use switchboard_core::storage_quota;
use switchboard_protocol::{ErrorCode, CLOSE_UNAUTHORIZED};

use super::calls::{Erase, Erased};
use super::ConversationObject;
use crate::env::BUCKET;
use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::usage::calls::{Counter, ReleaseBytes};

impl ConversationObject {
    pub(super) async fn erase(&self, call: &Erase) -> EdgeResult<Erased> {
        let Some(meta) = self.store.meta()? else { return Ok(Erased::default()) };
        if meta.site_id != call.site {
            return Err(EdgeError::refuse(ErrorCode::NotFound, "no such conversation"));
        }
        if call.only_if_resolved && !retention::may_delete(self.store.lifecycle()?.state) {
            return Err(EdgeError::refuse(ErrorCode::Conflict, "active again"));
        }
        // A summary or webhook event still waiting would bring a row of it back after the
        // site erased them.
        self.outbox.clear();
        self.webhook_outbox.clear();
        self.search_texts.borrow_mut().clear();
        for socket in self.state.get_websockets() {
            let _ = socket.close(Some(CLOSE_UNAUTHORIZED), Some("erased"));
        }
        let bucket = self.env.bucket(BUCKET)?;
        let prefix = format!("{}/", meta.conversation_id);
        let mut erased = Erased::default();
        let mut cursor: Option<String> = None;
        loop {
            let mut list = bucket.list().prefix(prefix.clone());
            if let Some(after) = cursor.take() {
                list = list.cursor(after);
            }
            let page = list.execute().await?;
            for object in page.objects() {
                bucket.delete(object.key()).await?;
                erased.files += 1;
                erased.bytes += object.size();
            }
            match page.cursor().filter(|_| page.truncated()) {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        if erased.bytes > 0 {
            let counter =
                Counter { site: meta.site_id.clone(), shard: storage_quota::shard_of(&meta.conversation_id) };
            objects::send(&self.env, &counter, &ReleaseBytes { bytes: erased.bytes }).await?;
        }
        self.state.storage().delete_alarm().await?;
        self.state.storage().delete_all().await?;
        self.store.forget_everything();
        Ok(erased)
    }
}
