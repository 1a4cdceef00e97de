//! A site's webhook subscriptions as conversations see them: remembered by each isolate for
//! a few seconds (like [`crate::site_cache`]), so a conversation's message asks the site
//! object at most once per [`FRESH_FOR_MS`] per isolate, and sites without webhooks cost
//! nothing more. Removing a subscription tells its queues at once, which refuse what a stale
//! isolate still sends. Every sender of events (conversations, contacts, a subscription
//! turned off) fans them out through [`deliveries`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use switchboard_core::webhook_events::{self, shard_of};
use switchboard_protocol::api::webhooks::WebhookEvent;
use switchboard_protocol::{ConversationId, Message, SiteId};
use worker::Env;

use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::site::calls::{ListWebhooks, StoredWebhook};
use crate::objects::webhooks::calls::{ForgetConversations, QueueEvents, QueueName};

/// How long a site's list read from its object is used without asking again.
pub(crate) const FRESH_FOR_MS: i64 = 5_000;

/// At most this many sites are remembered; beyond it the memory starts afresh.
const MAX_SITES: usize = 1_000;

thread_local! {
    static SUBSCRIPTIONS: RefCell<HashMap<SiteId, (i64, Vec<StoredWebhook>)>> = RefCell::new(HashMap::new());
}

/// The site's subscriptions, from memory when fresh.
pub(crate) async fn of(env: &Env, site: &SiteId, now: i64) -> EdgeResult<Vec<StoredWebhook>> {
    let fresh = SUBSCRIPTIONS.with_borrow(|sites| {
        sites.get(site).filter(|(read_at, _)| now - read_at < FRESH_FOR_MS).map(|(_, list)| list.clone())
    });
    if let Some(list) = fresh {
        return Ok(list);
    }
    let list = objects::send(env, site, &ListWebhooks).await?;
    SUBSCRIPTIONS.with_borrow_mut(|sites| {
        if sites.len() >= MAX_SITES {
            sites.clear();
        }
        sites.insert(site.clone(), (now, list.clone()));
    });
    Ok(list)
}

/// Whether this isolate knows, freshly, that `site` has no subscriptions: a conversation then
/// queues nothing for its messages (most sites have none, and every message asked).
pub(crate) fn known_none(site: &SiteId, now: i64) -> bool {
    SUBSCRIPTIONS.with_borrow(|sites| {
        sites.get(site).is_some_and(|(read_at, list)| now - read_at < FRESH_FOR_MS && list.is_empty())
    })
}

/// Forgets what this isolate remembers of `site` (it just changed them).
pub(crate) fn forget(site: &SiteId) {
    SUBSCRIPTIONS.with_borrow_mut(|sites| {
        sites.remove(site);
    });
}

/// What delivers `events` to `subscriptions`: for each that receives some of them (what it
/// asked for), its queue in `shard` and those events, in order.
pub(crate) fn deliveries(
    site: &SiteId,
    shard: u32,
    subscriptions: Vec<StoredWebhook>,
    events: &[WebhookEvent],
) -> Vec<(QueueName, QueueEvents)> {
    subscriptions
        .into_iter()
        .filter_map(|stored| {
            let events: Vec<WebhookEvent> = events
                .iter()
                .filter(|event| webhook_events::receives(&stored.webhook, event))
                .cloned()
                .collect();
            let queue = QueueName { site: site.clone(), webhook: stored.webhook.id.clone(), shard };
            (!events.is_empty()).then_some((queue, QueueEvents { stored, events }))
        })
        .collect()
}

/// Deletes every delivery, waiting or logged, of `conversations` from the queues of
/// `subscriptions` (a conversation's events live in its shard): for an erasure or retention.
pub(crate) async fn forget_conversations(
    env: &Env,
    site: &SiteId,
    subscriptions: &[StoredWebhook],
    conversations: &[ConversationId],
) -> EdgeResult<()> {
    let mut by_shard: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for conversation in conversations {
        by_shard.entry(shard_of(Some(conversation))).or_default().push(conversation.as_str().to_owned());
    }
    for stored in subscriptions {
        for (shard, ids) in &by_shard {
            let queue = QueueName { site: site.clone(), webhook: stored.webhook.id.clone(), shard: *shard };
            objects::send(env, &queue, &ForgetConversations { conversations: ids.clone() }).await?;
        }
    }
    Ok(())
}

/// Queues the events `entry` of `conversation` makes for every subscription that receives
/// them, in the conversation's queue of each.
pub(crate) async fn emit(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
    entry: &Message,
    now: i64,
) -> EdgeResult<()> {
    // The events (ids are digests) are made only for a site that has someone to receive them.
    let subscriptions = of(env, site, now).await?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let events = webhook_events::events_of(site, conversation, entry);
    deliver_to(env, site, conversation, subscriptions, &events).await
}

/// Hands `events` of `conversation` to the queues of the subscriptions that receive them.
pub(crate) async fn deliver(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
    events: &[WebhookEvent],
    now: i64,
) -> EdgeResult<()> {
    deliver_to(env, site, conversation, of(env, site, now).await?, events).await
}

/// Hands `events` of `conversation` to the queues of those of `subscriptions` that receive them.
async fn deliver_to(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
    subscriptions: Vec<StoredWebhook>,
    events: &[WebhookEvent],
) -> EdgeResult<()> {
    if subscriptions.is_empty() || events.is_empty() {
        return Ok(());
    }
    for (queue, call) in deliveries(site, shard_of(Some(conversation)), subscriptions, events) {
        match objects::send(env, &queue, &call).await {
            // Removed since this isolate looked: nothing to deliver.
            Err(EdgeError::Refused(error)) if error.code == switchboard_protocol::ErrorCode::NotFound => {
                forget(site)
            }
            other => other?,
        }
    }
    Ok(())
}
