//! The Conversation object's side of an upload: the worker checked the file and who sends
//! it; here the conversation checks the sender belongs to it and that the conversation and the
//! site have room (`core::storage_quota`, counted by the usage objects), stores the file in the bucket,
//! and stores the message carrying it exactly as a `send` (idempotent by client id, rate
//! limited, relayed, in the inbox, moving the flow).

use switchboard_core::conversation::{self, Effect, LogStore};
use switchboard_core::rate::SendOrder;
use switchboard_core::{attachment_links, attachments, storage_quota};
use switchboard_protocol::attachment::Attachment;
use switchboard_protocol::{ErrorCode, Seq, ServerFrame};
use worker::{Request, Response};

use super::calls::Attach;
use super::ConversationObject;
use crate::env::BUCKET;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::usage::calls::{Counter, ReleaseBytes, ReserveBytes};
use crate::{env, http, objects};

impl ConversationObject {
    /// Stores an upload and the message carrying it; answers `201 {"message": …}`.
    pub(super) async fn attach(&self, upload: Attach, req: &mut Request, now: i64) -> EdgeResult<Response> {
        let participant = &upload.participant;
        let meta = self.store.meta()?.ok_or_else(|| {
            EdgeError::refuse(ErrorCode::NotFound, "no such conversation (a visitor has to connect first)")
        })?;
        switchboard_core::admission::may_join(meta.owner(), &participant.site, &participant.author)?;
        let author = &participant.author;
        let mut store = &self.store;
        // A resend: the stored message, and no second file.
        if let Some(seq) = store.seq_of(author, &upload.client_id)? {
            let stored = store.page_after(Seq(seq.0.saturating_sub(1)), 1)?.into_iter().next();
            return http::json(201, &serde_json::json!({ "message": stored }));
        }
        // A full conversation takes no file, and a full site stores no more bytes.
        switchboard_core::ingest::check_room(store.head()?.next(), self.max_log_messages())?;
        let bytes = req.bytes().await?;
        let counter =
            Counter { site: meta.site_id.clone(), shard: storage_quota::shard_of(&meta.conversation_id) };
        let size = bytes.len() as u64;
        let reserve = ReserveBytes { bytes: size, per_site: self.attachment_bytes_per_site() };
        objects::send(&self.env, &counter, &reserve).await?;
        let release = || async {
            if let Err(error) = objects::send(&self.env, &counter, &ReleaseBytes { bytes: size }).await {
                worker::console_error!("giving back {size} bytes: {error:?}");
            }
        };
        let key = attachments::object_key(&meta.conversation_id, env::random_bytes()?);
        let bucket = self.env.bucket(BUCKET)?;
        let http_metadata =
            worker::HttpMetadata { content_type: Some(upload.content_type.clone()), ..Default::default() };
        if let Err(error) = bucket.put(&key, bytes.clone()).http_metadata(http_metadata).execute().await {
            release().await;
            return Err(error.into());
        }
        let signing = env::signing_key(&self.env)?;
        // The name is shown like a message (and carried in its link): it passes the same steps.
        let steps = self.interceptors(now).await?;
        let name = switchboard_core::interceptors::apply(&steps, &upload.name);
        let url = attachment_links::url(&key, &name, &upload.content_type, &signing, now);
        let attachment =
            Attachment { name, content_type: upload.content_type, size: bytes.len() as u64, url };
        let outputs = {
            let mut limits = self.limits.borrow_mut();
            let limits =
                limits.entry(author.id_str().to_string()).or_insert_with(|| self.limits_for(author, now));
            let mut order = SendOrder::default();
            conversation::store_attachment(
                &mut store,
                author,
                &mut order,
                limits,
                upload.client_id,
                attachment,
                now,
            )?
        };
        let mut stored = None;
        let mut inputs = Vec::new();
        for output in outputs {
            match output {
                Effect::Relay(relay) => self.relay_entry(&relay)?,
                Effect::Stored(message) => {
                    inputs.extend(self.after_stored(&meta, author, &message, now)?);
                    stored = Some(message);
                }
                Effect::Reply(ServerFrame::Error { code, message, .. }) => {
                    // Refused (rate limited, full): the file goes too.
                    let _ = bucket.delete(&key).await;
                    release().await;
                    return Err(EdgeError::refuse(code, message));
                }
                _ => {}
            }
        }
        if let Err(error) = self.follow_all(&meta, inputs, now).await {
            worker::console_error!("flow after an upload: {error:?}");
        }
        http::json(201, &serde_json::json!({ "message": stored }))
    }
}
