//! The Conversation object's side of other channels (SMS, WhatsApp): a customer's message
//! arrives from their line's thread object — the first makes the conversation on their line,
//! later ones go on in it while `core::channels::thread::goes_on` says so — and is stored as
//! the visitor's, through the same path as any message (interceptors, the flow, the inbox,
//! webhooks). The team's words travel back: every stored entry core says the customer gets
//! ([`outgoing`]) is handed to the thread object, which sends it through the provider. What
//! the provider reports back arrives as a receipt: a read mark, or a private note that a
//! message never arrived.

use std::rc::Rc;

use switchboard_core::channels::thread::{self, outgoing, Receipt};
use switchboard_core::conversation::{self, Effect, LogStore, Relay};
use switchboard_core::flow::input::Input;
use switchboard_protocol::api::conversation_messages::Posted;
use switchboard_protocol::channels::Thread;
use switchboard_protocol::{Author, ErrorCode, Seq, ServerFrame, SiteId};

use super::calls::{ChannelMessage, ChannelReceipt, StartChannel};
use super::store::Meta;
use super::ConversationObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::thread::calls::Deliver;

/// The outbox type the conversation keeps for replies on its customer's channel.
pub(super) type ChannelOutbox = Rc<super::super::outbox::Outbox<((SiteId, Thread), Deliver)>>;

impl ConversationObject {
    /// Makes the conversation on the customer's line, routes it as the handler says, then
    /// stores their first message.
    pub(super) async fn start_channel(&self, call: StartChannel, now: i64) -> EdgeResult<Posted> {
        if self.store.meta()?.is_some() {
            return Err(EdgeError::refuse(ErrorCode::Conflict, "the conversation exists"));
        }
        let meta = Meta {
            conversation_id: call.conversation,
            site_id: call.post.site.clone(),
            visitor_id: call.visitor,
            created_at: now,
            visitor_address: None,
            visitor_signed_out_at: None,
            thread: Some(serde_json::to_string(&call.thread)?),
        };
        self.store.create(&meta)?;
        self.store.set_contact(&call.contact)?;
        if let Some(step) = call.first_step {
            self.advance(&meta, Input::Outbound(step), now).await?;
        }
        self.post_message(call.post, now).await
    }

    /// Stores the customer's next message, unless their conversation ended too long ago.
    pub(super) async fn channel_message(&self, call: ChannelMessage, now: i64) -> EdgeResult<Option<Posted>> {
        let meta = self.on_a_line(&call.post.site)?;
        let state = self.store.lifecycle()?.state;
        let mut store = &self.store;
        let head = store.head()?;
        let last = store.page_after(Seq(head.0.saturating_sub(1)), 1)?.first().map(|entry| entry.sent_at);
        if !thread::goes_on(state, last.unwrap_or(meta.created_at), &call.handler, now) {
            return Ok(None);
        }
        self.post_message(call.post, now).await.map(Some)
    }

    /// What the provider said of one of the team's messages.
    pub(super) fn channel_receipt(&self, call: ChannelReceipt, now: i64) -> EdgeResult<()> {
        let meta = self.store.existing()?;
        match call.receipt {
            Receipt::Nothing => {}
            Receipt::Read => {
                let customer = Author::Visitor { id: meta.visitor_id.clone(), name: None };
                for effect in conversation::read(&mut &self.store, &customer, call.seq)? {
                    if let Effect::Everyone(frame) = effect {
                        self.relay(&frame, None)?;
                    }
                }
            }
            Receipt::NotDelivered(text) => {
                let mut store = &self.store;
                let note = thread::note(store.head()?.next(), text, now);
                store.append(&note)?;
                self.relay_entry(&Relay::of(note.clone()))?;
                self.tell_site(&meta, &self.store.lifecycle()?, &note, now);
            }
        }
        Ok(())
    }

    /// The conversation of `site` on a customer's line, or `not_found`.
    fn on_a_line(&self, site: &SiteId) -> EdgeResult<Meta> {
        self.store
            .meta()?
            .filter(|meta| &meta.site_id == site && meta.thread.is_some())
            .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))
    }

    /// Hands `frame`'s entry to the customer's line when it is one they get.
    pub(super) fn emit_channel(&self, frame: &ServerFrame) {
        let ServerFrame::Message { message } = frame else { return };
        let Ok(Some(meta)) = self.store.meta() else { return };
        let Some(line) = meta.thread() else { return };
        let texts = outgoing(line.channel, message);
        if texts.is_empty() {
            return;
        }
        let env = self.env.clone();
        let deliver = Deliver { conversation: meta.conversation_id.clone(), seq: message.seq, texts };
        self.channel_outbox.push(&self.state, ((meta.site_id, line), deliver), move |(key, deliver)| {
            let env = env.clone();
            async move {
                if let Err(error) = objects::send(&env, &key, &deliver).await {
                    worker::console_error!(
                        "reply to {} seq {}: {error:?}",
                        deliver.conversation,
                        deliver.seq.0
                    );
                }
            }
        });
    }
}
