//! Handing the conversation's new entries to webhook deliveries: every stored entry (a
//! message, a note, a routing or state event) goes, in order, through an outbox after the
//! response, so subscriptions never delay the chat; which events it makes and who receives
//! them is `core::webhook_events`'.

use std::rc::Rc;

use switchboard_protocol::{Message, ServerFrame};

use super::ConversationObject;
use crate::{env, webhook_subscriptions};

impl ConversationObject {
    /// Queues `frame`'s entry, if it is one, for the site's webhooks.
    pub(super) fn emit_webhooks(&self, frame: &ServerFrame) {
        let ServerFrame::Message { message } = frame else { return };
        let Ok(Some(meta)) = self.store.meta() else { return };
        // The entry was stored in this event: its `sent_at` is now.
        if webhook_subscriptions::known_none(&meta.site_id, message.sent_at) {
            return;
        }
        let env = self.env.clone();
        let item = (meta.site_id, meta.conversation_id, message.clone());
        self.webhook_outbox.push(&self.state, item, move |(site, conversation, message): (_, _, Message)| {
            let env = env.clone();
            async move {
                let now = env::now();
                if let Err(error) =
                    webhook_subscriptions::emit(&env, &site, &conversation, &message, now).await
                {
                    worker::console_error!(
                        "webhook events of {conversation} seq {}: {error:?}",
                        message.seq.0
                    );
                }
            }
        });
    }
}

/// The outbox type the conversation keeps for this.
pub(super) type WebhookOutbox = Rc<
    super::super::outbox::Outbox<(
        switchboard_protocol::SiteId,
        switchboard_protocol::ConversationId,
        Message,
    )>,
>;
