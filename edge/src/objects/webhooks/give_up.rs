//! A queue that failed for a day turns its subscription off: its own pending deliveries are
//! given up, the site marks the subscription off with the reason (the console and the
//! subscription list show it; the audit log records it), the subscription's other queues stop
//! at once, and every other subscription that asked for `webhook.disabled` hears of it.

use switchboard_core::webhook_delivery::{give_up_reason, Schedule};
use switchboard_core::webhook_events::{shard_of, SHARDS};
use switchboard_protocol::api::audit_log::{Action, Actor};
use switchboard_protocol::api::webhooks::{EventData, EventType, UpdateRequest, WebhookEvent};

use super::calls::{QueueName, Reconfigure};
use super::WebhookObject;
use crate::audit::{self, Done};
use crate::error::EdgeResult;
use crate::objects::site::calls::{ChangeWebhook, ListWebhooks, StoredWebhook};
use crate::{objects, webhook_subscriptions};

pub(super) async fn run(
    queue: &WebhookObject,
    stored: &StoredWebhook,
    schedule: &Schedule,
    now: i64,
) -> EdgeResult<()> {
    queue.fail_pending()?;
    let reason = give_up_reason(schedule.give_up_after_ms);
    let site = stored_site(queue)?;
    let Some(site) = site else { return Ok(()) };
    let change = ChangeWebhook {
        id: stored.webhook.id.clone(),
        change: UpdateRequest::default(),
        disabled_reason: Some(reason.clone()),
    };
    let now_off = objects::send(&queue.env, &site, &change).await?;
    for shard in 0..SHARDS {
        let name = QueueName { site: site.clone(), webhook: stored.webhook.id.clone(), shard };
        // Its own queue too: the subscription row takes the "off" state.
        if let Err(error) = objects::send(&queue.env, &name, &Reconfigure { stored: now_off.clone() }).await {
            worker::console_error!("webhook shard {shard} not told: {error:?}");
        }
    }
    let actor = Actor { id: None, name: "Switchboard".into(), api_key: false };
    let done = Done {
        action: Action::WebhookDisabled,
        target: Some(stored.webhook.url.clone()),
        detail: Some(reason.clone()),
    };
    audit::record_as(&queue.env, &site, actor, None, done).await;
    let event = WebhookEvent {
        id: format!("evt_disabled_{}_{now}", stored.webhook.id),
        event_type: EventType::WebhookDisabled,
        created_at: now,
        site_id: site.clone(),
        conversation_id: None,
        seq: None,
        data: EventData::Disabled {
            webhook_id: stored.webhook.id.clone(),
            url: stored.webhook.url.clone(),
            reason,
        },
    };
    let mut others = objects::send(&queue.env, &site, &ListWebhooks).await?;
    others.retain(|other| other.webhook.id != stored.webhook.id);
    for (name, call) in webhook_subscriptions::deliveries(&site, shard_of(None), others, &[event]) {
        objects::send(&queue.env, &name, &call).await?;
    }
    Ok(())
}

/// The site this queue belongs to, from an event it holds.
fn stored_site(queue: &WebhookObject) -> EdgeResult<Option<switchboard_protocol::SiteId>> {
    #[derive(serde::Deserialize)]
    struct Body {
        body: String,
    }
    let rows: Vec<Body> = queue.sql.exec("SELECT body FROM deliveries LIMIT 1", None)?.to_array()?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|row| serde_json::from_str::<WebhookEvent>(&row.body).ok())
        .map(|event| event.site_id))
}
