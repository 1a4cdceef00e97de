//! The Site object's contact webhooks: when a contact is created, changed or merged here,
//! the event (`core::webhook_events::contact_event`) goes to every subscription that asked
//! for it, in the contact's own queue, after the response (an outbox), so a receiver never
//! delays the change.

use std::rc::Rc;

use switchboard_core::webhook_events::{contact_event, line_of, shard_of_line};
use switchboard_protocol::api::contacts::ContactRecord;
use switchboard_protocol::api::webhooks::EventType;

use super::SiteObject;
use crate::error::EdgeResult;
use crate::objects::outbox::Outbox;
use crate::objects::webhooks::calls::{QueueEvents, QueueName};
use crate::{objects, webhook_subscriptions};

/// Contact events on their way to their queues, in order.
pub(super) type ContactEventOutbox = Rc<Outbox<(QueueName, QueueEvents)>>;

impl SiteObject {
    /// Tells the subscriptions that asked that `contact` was created, changed or (from
    /// `merged_from`) merged at `now`.
    pub(super) fn contact_changed(
        &self,
        event_type: EventType,
        contact: &ContactRecord,
        merged_from: Option<&str>,
        now: i64,
    ) -> EdgeResult<()> {
        let subscriptions = self.webhooks()?;
        if subscriptions.is_empty() {
            return Ok(());
        }
        let Some(site) = self.stored_config()?.map(|config| config.id) else { return Ok(()) };
        let event = contact_event(&site, event_type, contact, merged_from, now);
        let shard = shard_of_line(&line_of(&event).0);
        for (queue, call) in webhook_subscriptions::deliveries(&site, shard, subscriptions, &[event]) {
            let env = self.env.clone();
            self.contact_events.push(&self.state, (queue, call), move |(queue, call)| {
                let env = env.clone();
                async move {
                    // A subscription removed meanwhile refuses it: nothing to deliver.
                    if let Err(error) = objects::send(&env, &queue, &call).await {
                        worker::console_error!("contact event for {}: {error:?}", queue.webhook);
                    }
                }
            });
        }
        Ok(())
    }
}
