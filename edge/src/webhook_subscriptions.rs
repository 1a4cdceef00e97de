//! A site's webhook subscriptions as conversations see them: remembered by each isolate for
//! a few seconds (like [`crate::site_cache`]), so a conversation's message asks the site
//! object at most once per [`FRESH_FOR_MS`] per isolate, and sites without webhooks cost
//! nothing more. Removing a subscription tells its queues at once, which refuse what a stale
//! isolate still sends.

use std::cell::RefCell;
use std::collections::HashMap;

use switchboard_core::webhook_events::{self, shard_of};
use switchboard_protocol::{ConversationId, Message, SiteId};
use worker::Env;

use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::site::calls::{ListWebhooks, StoredWebhook};
use crate::objects::webhooks::calls::{QueueEvents, QueueName};

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

/// Forgets what this isolate remembers of `site` (it just changed them).
pub(crate) fn forget(site: &SiteId) {
    SUBSCRIPTIONS.with_borrow_mut(|sites| {
        sites.remove(site);
    });
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
    let subscriptions = of(env, site, now).await?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let events = webhook_events::events_of(site, conversation, entry);
    for stored in subscriptions {
        let events: Vec<_> =
            events.iter().filter(|event| webhook_events::receives(&stored.webhook, event)).cloned().collect();
        if events.is_empty() {
            continue;
        }
        let queue = QueueName {
            site: site.clone(),
            webhook: stored.webhook.id.clone(),
            shard: shard_of(Some(conversation)),
        };
        match objects::send(env, &queue, &QueueEvents { stored, events }).await {
            // Removed since this isolate looked: nothing to deliver.
            Err(EdgeError::Refused(error)) if error.code == switchboard_protocol::ErrorCode::NotFound => {
                forget(site)
            }
            other => other?,
        }
    }
    Ok(())
}
