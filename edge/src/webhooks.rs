//! Webhook subscriptions over REST (admins; API keys need the `webhooks` scope):
//! `GET`/`POST /api/v1/webhooks`, `PATCH`/`DELETE /api/v1/webhooks/{id}`,
//! `GET /api/v1/webhooks/{id}/deliveries` (the log, merged from the subscription's queues,
//! newest first by cursor) and `POST …/deliveries/{delivery_id}/redeliver`. Subscriptions
//! live in the site's object; deliveries in [`crate::objects::webhooks`].

use futures_util::future::join_all;
use switchboard_core::webhook_events::SHARDS;
use switchboard_core::{recency_cursor, webhook_delivery};
use switchboard_protocol::api::audit_log::Action;
use switchboard_protocol::api::webhooks::{
    CreateRequest, Created, DeliveriesResponse, ListResponse, UpdateRequest, Webhook,
};
use switchboard_protocol::{ApiError, ErrorCode, SiteId};
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::auth::{authenticate_admin, authenticate_admin_read};
use crate::env::{self, Ctx};
use crate::error::{EdgeError, EdgeResult};
use crate::objects::site::calls::{AddWebhook, ChangeWebhook, ListWebhooks, RemoveWebhook, StoredWebhook};
use crate::objects::webhooks::calls::{Forget, ListDeliveries, QueueName, Reconfigure, Redeliver};
use crate::{http, objects, webhook_subscriptions};

/// Most deliveries one page lists.
const MAX_PAGE: u32 = 100;

/// The site's subscriptions.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin_read(req, env).await?;
    let stored = objects::send(env, &admin.site, &ListWebhooks).await?;
    http::json(200, &ListResponse { webhooks: stored.into_iter().map(|s| s.webhook).collect() })
}

/// Adds one; its secret is in this answer only.
pub(crate) async fn create(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let request: CreateRequest = http::read_json(&mut req).await?;
    let existing = objects::send(env, &admin.site, &ListWebhooks).await?.len();
    let url = webhook_delivery::check_create(&request, existing)?;
    let secret = webhook_delivery::new_secret(env::random_bytes()?);
    let id_bytes: [u8; 12] = env::random_bytes()?;
    let webhook = Webhook {
        id: format!("whk_{}", id_bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()),
        url,
        events: dedup(request.events),
        include_notes: request.include_notes,
        enabled: true,
        disabled_reason: None,
        secret_prefix: secret.chars().take(12).collect(),
        created_at: env.now,
    };
    let stored = StoredWebhook { webhook: webhook.clone(), secret: secret.clone() };
    objects::send(env, &admin.site, &AddWebhook { stored }).await?;
    webhook_subscriptions::forget(&admin.site);
    audit::record(env, &req, &admin.site, &admin, Done::to(Action::WebhookCreated, webhook.url.clone()))
        .await;
    http::json(201, &Created { webhook, secret })
}

/// Changes one; its queues follow at once.
pub(crate) async fn update(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let mut change: UpdateRequest = http::read_json(&mut req).await?;
    if let Some(url) = &change.url {
        change.url = Some(webhook_delivery::check_url(url)?);
    }
    if let Some(events) = change.events.take() {
        webhook_delivery::check_events(&events)?;
        change.events = Some(dedup(events));
    }
    let what = changed_fields(&change);
    let call = ChangeWebhook { id: id.to_owned(), change, disabled_reason: None };
    let stored = objects::send(env, &admin.site, &call).await?;
    webhook_subscriptions::forget(&admin.site);
    tell_queues(env, &admin.site, id, |_| Reconfigure { stored: stored.clone() }).await;
    let done =
        Done { action: Action::WebhookChanged, target: Some(stored.webhook.url.clone()), detail: Some(what) };
    audit::record(env, &req, &admin.site, &admin, done).await;
    http::json(200, &stored.webhook)
}

/// Removes one and everything waiting for it.
pub(crate) async fn remove(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin(req, env).await?;
    let url = subscription(env, &admin.site, id).await?.webhook.url;
    objects::send(env, &admin.site, &RemoveWebhook { id: id.to_owned() }).await?;
    webhook_subscriptions::forget(&admin.site);
    tell_queues(env, &admin.site, id, |_| Forget).await;
    audit::record(env, req, &admin.site, &admin, Done::to(Action::WebhookRemoved, url)).await;
    http::no_content()
}

/// The delivery log, newest first: each queue's newest page, merged.
pub(crate) async fn deliveries(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin_read(req, env).await?;
    subscription(env, &admin.site, id).await?;
    let limit = match http::query(req, "limit")? {
        None => 50,
        Some(text) => text.parse().ok().filter(|n| (1..=MAX_PAGE).contains(n)).ok_or_else(|| {
            EdgeError::from(
                ApiError::new(ErrorCode::BadRequest, format!("limit: 1 to {MAX_PAGE}")).at_field("limit"),
            )
        })?,
    };
    let before = match http::query(req, "cursor")? {
        None => None,
        Some(cursor) => Some(recency_cursor::decode(&cursor)?),
    };
    let pages = tell_queues(env, &admin.site, id, |_| ListDeliveries { before: before.clone(), limit }).await;
    let mut all: Vec<_> = pages.into_iter().flatten().flatten().collect();
    all.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    let more = all.len() > limit as usize;
    all.truncate(limit as usize);
    let next_cursor = more.then(|| all.last().map(|d| recency_cursor::encode(d.created_at, &d.id))).flatten();
    http::json(200, &DeliveriesResponse { deliveries: all, next_cursor })
}

/// Sends a delivery again now.
pub(crate) async fn redeliver(
    req: &Request,
    env: &Ctx<'_>,
    id: &str,
    delivery: &str,
) -> EdgeResult<Response> {
    let admin = authenticate_admin(req, env).await?;
    subscription(env, &admin.site, id).await?;
    let answers = tell_queues(env, &admin.site, id, |_| Redeliver { id: delivery.to_owned() }).await;
    let found = answers.into_iter().flatten().next();
    let delivery = found.ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such delivery"))?;
    http::json(202, &delivery)
}

/// The subscription `id` of `site` (`not_found` otherwise).
async fn subscription(env: &Ctx<'_>, site: &SiteId, id: &str) -> EdgeResult<StoredWebhook> {
    objects::send(env, site, &ListWebhooks)
        .await?
        .into_iter()
        .find(|stored| stored.webhook.id == id)
        .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such webhook"))
}

/// Sends a call to each of the subscription's queues at once; answers what each said (a
/// queue that failed is logged and left out).
async fn tell_queues<
    C: crate::objects::call::ObjectCall<Object = crate::objects::webhooks::calls::Deliveries>,
>(
    env: &Ctx<'_>,
    site: &SiteId,
    id: &str,
    call: impl Fn(u32) -> C,
) -> Vec<Option<C::Answer>> {
    let sends = (0..SHARDS).map(|shard| {
        let queue = QueueName { site: site.clone(), webhook: id.to_owned(), shard };
        let call = call(shard);
        async move {
            match objects::send(env, &queue, &call).await {
                Ok(answer) => Some(answer),
                Err(EdgeError::Refused(error)) if error.code == ErrorCode::NotFound => None,
                Err(error) => {
                    worker::console_error!("webhook queue {shard}: {error:?}");
                    None
                }
            }
        }
    });
    join_all(sends).await
}

fn dedup(
    mut events: Vec<switchboard_protocol::api::webhooks::EventType>,
) -> Vec<switchboard_protocol::api::webhooks::EventType> {
    events.sort();
    events.dedup();
    events
}

fn changed_fields(change: &UpdateRequest) -> String {
    let names = [
        ("url", change.url.is_some()),
        ("events", change.events.is_some()),
        ("include_notes", change.include_notes.is_some()),
        ("enabled", change.enabled.is_some()),
    ];
    names.iter().filter(|(_, set)| *set).map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}
