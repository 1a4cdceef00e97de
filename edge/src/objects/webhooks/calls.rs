//! Every call a webhook delivery object answers, with its route and its answer (see
//! [`crate::objects::call`]).

use serde::{Deserialize, Serialize};
use switchboard_protocol::api::webhooks::{Delivery, WebhookEvent};
use switchboard_protocol::SiteId;
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind};
use crate::objects::site::calls::StoredWebhook;

/// The delivery objects: `core::webhook_events::SHARDS` per subscription, named by site,
/// subscription and shard; a conversation's deliveries all go to one of them, in order.
pub(crate) struct Deliveries;

/// One delivery queue.
pub(crate) struct QueueName {
    /// The site.
    pub site: SiteId,
    /// The subscription's id.
    pub webhook: String,
    /// The shard (`core::webhook_events::shard_of` the conversation).
    pub shard: u32,
}

impl ObjectKind for Deliveries {
    type Key = QueueName;

    fn stub(env: &Env, queue: &QueueName) -> EdgeResult<Stub> {
        let name = format!("{}/{}/{}", queue.site, queue.webhook, queue.shard);
        Ok(crate::objects::call::namespace(env, "WEBHOOKS")?.id_from_name(&name)?.get_stub()?)
    }
}

/// Queues `events` for the subscription (each once: a re-sent event is recognised by its
/// delivery id) and starts delivering. Refused (`not_found`) once the subscription was
/// removed.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct QueueEvents {
    /// The subscription as it is now (URL, secret, on or off).
    pub stored: StoredWebhook,
    /// The events, in their conversation's order.
    pub events: Vec<WebhookEvent>,
}
object_call!(QueueEvents => Deliveries, "/queue", ());

/// The subscription changed (turned off, new URL): deliveries follow at once.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Reconfigure {
    /// It, as it is now.
    pub stored: StoredWebhook,
}
object_call!(Reconfigure => Deliveries, "/reconfigure", ());

/// The subscription was removed: everything of it goes, and nothing is queued again.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Forget;
object_call!(Forget => Deliveries, "/forget", ());

/// The newest deliveries, older than `before` (`(created_at, id)`), at most `limit`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ListDeliveries {
    /// Where the previous page ended.
    pub before: Option<(i64, String)>,
    /// How many at most.
    pub limit: u32,
}
object_call!(ListDeliveries => Deliveries, "/list", Vec<Delivery>);

/// Sends a delivery again now (`not_found` when this queue does not hold it).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Redeliver {
    /// Its id.
    pub id: String,
}
object_call!(Redeliver => Deliveries, "/redeliver", Delivery);

/// Drops every delivery of these conversations (their data was erased).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ForgetConversations {
    /// The conversations' ids.
    pub conversations: Vec<String>,
}
object_call!(ForgetConversations => Deliveries, "/forget-conversations", ());
