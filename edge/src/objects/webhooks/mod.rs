//! The webhook delivery objects: for each subscription, `core::webhook_events::SHARDS`
//! queues, a conversation's events always in the same one, delivered in their
//! conversation's order (a conversation's next event waits until the one before it is
//! delivered; other conversations go on). Attempts run in the object's alarm, never in a
//! conversation's or the site's path, so a slow or dead receiver delays nothing but itself.
//! Failed attempts are retried with backoff and jitter (`core::webhook_delivery`); a queue
//! failing for a day turns its subscription off ([`give_up`]). Each delivery stays in the
//! log (its latest attempt) for a week.

mod attempt;
pub(crate) mod calls;
mod give_up;
mod log;

use switchboard_core::webhook_delivery::{AfterAttempt, Schedule};
use switchboard_protocol::ErrorCode;
use worker::{durable_object, DurableObject, Env, Request, Response, SqlStorage, State};

use self::attempt::Post;
use self::calls::{Forget, ForgetConversations, ListDeliveries, QueueEvents, Reconfigure, Redeliver};
use super::call::{answer, no_such_route, ObjectCall};
use super::respond;
use super::site::calls::StoredWebhook;
use super::tables::{Schema, Tables};
use crate::env;
use crate::error::{EdgeError, EdgeResult};

static SCHEMA: Schema = Schema {
    marker: "subscription",
    create: &[
        "CREATE TABLE IF NOT EXISTS subscription (
            only INTEGER PRIMARY KEY CHECK (only = 1),
            json TEXT NOT NULL,
            forgotten INTEGER NOT NULL DEFAULT 0,
            failing_since INTEGER)",
        "CREATE TABLE IF NOT EXISTS deliveries (
            id TEXT PRIMARY KEY,
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            conversation TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at INTEGER,
            response_status INTEGER,
            latency_ms INTEGER,
            excerpt TEXT)",
        "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at)",
        "CREATE INDEX IF NOT EXISTS deliveries_in_order ON deliveries (conversation, ordinal)",
        "CREATE INDEX IF NOT EXISTS deliveries_by_time ON deliveries (created_at, id)",
    ],
    added_columns: &[],
};

/// Attempts made in one wake at most; the rest wait for the next (set at once).
const ATTEMPTS_PER_WAKE: usize = 50;

/// One subscription's queue for some of the site's conversations.
#[durable_object]
pub struct WebhookObject {
    state: State,
    env: Env,
    sql: SqlStorage,
    tables: Tables,
}

impl DurableObject for WebhookObject {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        Self { tables: Tables::open(sql.clone(), &SCHEMA), sql, state, env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let (req, now) = (&mut req, env::now());
        let result = match req.path().as_str() {
            QueueEvents::ROUTE => {
                answer(req, |call: QueueEvents| async move { self.queue(call, now).await }).await
            }
            Reconfigure::ROUTE => {
                answer(req, |call: Reconfigure| async move { self.reconfigure(call, now).await }).await
            }
            Forget::ROUTE => answer(req, |_: Forget| async move { self.forget().await }).await,
            ForgetConversations::ROUTE => {
                answer(req, |call: ForgetConversations| async move {
                    self.forget_conversations(&call.conversations)
                })
                .await
            }
            ListDeliveries::ROUTE => {
                answer(req, |call: ListDeliveries| async move { self.list(&call) }).await
            }
            Redeliver::ROUTE => {
                answer(req, |call: Redeliver| async move { self.redeliver(&call.id, now).await }).await
            }
            _ => Err(no_such_route()),
        };
        respond(result)
    }

    async fn alarm(&self) -> worker::Result<Response> {
        if let Err(error) = self.deliver_due().await {
            worker::console_error!("webhook deliveries: {error:?}");
        }
        Response::ok("")
    }
}

impl WebhookObject {
    /// The subscription as last told, whether it was removed, and since when this queue fails.
    fn subscription(&self) -> EdgeResult<Option<(StoredWebhook, bool, Option<i64>)>> {
        #[derive(serde::Deserialize)]
        struct Sub {
            json: String,
            forgotten: i64,
            failing_since: Option<i64>,
        }
        if !self.tables.made() {
            return Ok(None);
        }
        let rows: Vec<Sub> =
            self.sql.exec("SELECT json, forgotten, failing_since FROM subscription", None)?.to_array()?;
        Ok(rows.into_iter().next().and_then(|row| {
            serde_json::from_str(&row.json).ok().map(|stored| (stored, row.forgotten != 0, row.failing_since))
        }))
    }

    fn save_subscription(&self, stored: &StoredWebhook) -> EdgeResult<()> {
        self.tables.make();
        self.sql.exec(
            "INSERT INTO subscription (only, json) VALUES (1, ?1)
             ON CONFLICT (only) DO UPDATE SET json = ?1",
            vec![serde_json::to_string(stored)?.into()],
        )?;
        Ok(())
    }

    fn removed() -> EdgeError {
        EdgeError::refuse(ErrorCode::NotFound, "no such webhook")
    }

    async fn queue(&self, call: QueueEvents, now: i64) -> EdgeResult<()> {
        if self.subscription()?.is_some_and(|(_, forgotten, _)| forgotten) {
            return Err(Self::removed());
        }
        self.save_subscription(&call.stored)?;
        for event in &call.events {
            self.insert(&call.stored.webhook.id, event, now)?;
        }
        self.wake_at(now).await
    }

    async fn reconfigure(&self, call: Reconfigure, now: i64) -> EdgeResult<()> {
        if !self.tables.made() {
            return Ok(());
        }
        self.save_subscription(&call.stored)?;
        if call.stored.webhook.enabled {
            // On again: a fresh start, at once.
            self.sql.exec("UPDATE subscription SET failing_since = NULL", None)?;
            self.sql.exec("UPDATE deliveries SET next_at = ? WHERE state = 'pending'", vec![now.into()])?;
            self.wake_at(now).await?;
        }
        Ok(())
    }

    async fn forget(&self) -> EdgeResult<()> {
        if !self.tables.made() {
            return Ok(());
        }
        self.sql.exec("DELETE FROM deliveries", None)?;
        self.sql.exec("UPDATE subscription SET forgotten = 1, json = '{}'", None)?;
        self.state.storage().delete_alarm().await?;
        Ok(())
    }

    async fn redeliver(
        &self,
        id: &str,
        now: i64,
    ) -> EdgeResult<switchboard_protocol::api::webhooks::Delivery> {
        if !self.tables.made() {
            return Err(EdgeError::refuse(ErrorCode::NotFound, "no such delivery"));
        }
        self.sql.exec(
            "UPDATE deliveries SET state = 'pending', next_at = ? WHERE id = ?",
            vec![now.into(), id.into()],
        )?;
        let delivery =
            self.row(id)?.ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such delivery"))?;
        self.wake_at(now).await?;
        Ok(delivery.into_delivery())
    }

    /// Asks for an alarm at `at` (or sooner, if one is set sooner).
    async fn wake_at(&self, at: i64) -> EdgeResult<()> {
        super::wake_at(&self.state, at).await
    }

    /// The retry schedule, from the deployment's variables (tests shorten it).
    fn schedule(&self) -> (Schedule, u32) {
        let var = |name: &str| self.env.var(name).ok().and_then(|v| v.to_string().parse::<i64>().ok());
        let default = Schedule::default();
        let schedule = Schedule {
            first_delay_ms: var("WEBHOOK_FIRST_RETRY_MS").unwrap_or(default.first_delay_ms).max(1),
            give_up_after_ms: var("WEBHOOK_GIVE_UP_AFTER_MS").unwrap_or(default.give_up_after_ms).max(1),
        };
        let timeout = var("WEBHOOK_TIMEOUT_MS")
            .map_or(switchboard_core::webhook_delivery::DEFAULT_TIMEOUT_MS, |ms| ms.clamp(1, 30_000) as u32);
        (schedule, timeout)
    }

    /// Attempts every delivery that is due and at the head of its conversation's line, then
    /// sets the alarm for the next.
    async fn deliver_due(&self) -> EdgeResult<()> {
        let Some((stored, false, _)) = self.subscription()? else { return Ok(()) };
        if !stored.webhook.enabled {
            return Ok(());
        }
        let (schedule, timeout_ms) = self.schedule();
        for _ in 0..ATTEMPTS_PER_WAKE {
            let now = env::now();
            let Some(row) = self.due(now)?.into_iter().next() else { break };
            let attempts = row.attempts + 1;
            let post = Post {
                url: &stored.webhook.url,
                secret: &stored.secret,
                delivery_id: &row.id,
                event_type: &row.event_type,
                body: &row.body,
            };
            let attempt = attempt::post(&post, now, timeout_ms).await;
            let failing_since = self.subscription()?.and_then(|(_, _, since)| since);
            let jitter = f64::from(env::random_bytes::<1>()?[0]) / 256.0;
            let after = schedule.after_attempt(attempt.status, attempts, failing_since, now, jitter);
            self.record(&row.id, attempts, &attempt, after)?;
            if after == AfterAttempt::GiveUp {
                return give_up::run(self, &stored, &schedule, now).await;
            }
        }
        // Kept off the queueing path: one pass per wake, not per event.
        self.prune_log(env::now())?;
        match self.next_due()? {
            Some(at) => self.wake_at(at).await,
            None => Ok(()),
        }
    }
}
