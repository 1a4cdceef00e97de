//! The Site object's retention sweep (`core::retention`): while the site keeps conversations
//! for a limited time, its alarm comes at least once an hour, finds resolved conversations in
//! its index last active before the cutoff, a batch at a time, and has each erase itself
//! (files and storage; it refuses if the visitor came back meanwhile); then forgets their
//! rows here (index, search, labels, routing) and their webhook deliveries, and the contact
//! of an anonymous visitor with its last conversation (`core::retention::forgets_contact`).

use serde::Deserialize;
use switchboard_core::retention;
use switchboard_core::site::SiteConfig;
use switchboard_protocol::{ConversationId, ErrorCode, VisitorId};

use super::SiteObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::Erase;
use crate::{objects, webhook_subscriptions};

/// The table, created with the object's others.
pub(super) const SCHEMA: &str =
    "CREATE TABLE IF NOT EXISTS retention (only INTEGER PRIMARY KEY CHECK (only = 1), next_at INTEGER)";

impl SiteObject {
    /// When the next sweep is due, while the site has a retention.
    pub(super) fn sweep_at(&self) -> EdgeResult<Option<i64>> {
        #[derive(Deserialize)]
        struct Row {
            next_at: Option<i64>,
        }
        let rows: Vec<Row> = self.sql().exec("SELECT next_at FROM retention", None)?.to_array()?;
        Ok(rows.into_iter().next().and_then(|row| row.next_at))
    }

    /// The retention may have changed: a sweep soon when there is one, none otherwise.
    pub(super) fn retention_changed(&self, config: &SiteConfig, now: i64) -> EdgeResult<()> {
        let at = match (config.retention_days, self.sweep_at()?) {
            (Some(_), None) => Some(now + 1),
            (None, Some(_)) => None,
            _ => return Ok(()),
        };
        self.schedule_sweep(at)?;
        // The alarm is shared with routing, which sets it to whichever comes first.
        let deadline = self.with_router(&self.flow(), now, |router| router.next_deadline())?;
        self.set_alarm(deadline);
        Ok(())
    }

    /// Records when to sweep next; the alarm follows when routing next sets it (at the end
    /// of every alarm, and in [`SiteObject::retention_changed`]).
    fn schedule_sweep(&self, at: Option<i64>) -> EdgeResult<()> {
        self.sql().exec(
            "INSERT INTO retention (only, next_at) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET next_at = excluded.next_at",
            vec![at.into()],
        )?;
        Ok(())
    }

    /// The alarm rang: sweeps when due (routing re-arms the alarm afterwards).
    pub(super) async fn sweep(&self, now: i64) -> EdgeResult<()> {
        if !retention::sweep_due(self.sweep_at()?, now) {
            return Ok(());
        }
        let Some(config) = self.stored_config()? else { return Ok(()) };
        let Some(days) = config.retention_days else { return self.schedule_sweep(None) };
        let var = |name: &str, default: i64| {
            self.env.var(name).ok().and_then(|v| v.to_string().parse::<i64>().ok()).unwrap_or(default).max(1)
        };
        let cutoff = retention::cutoff(days, var("RETENTION_DAY_MS", retention::DAY_MS), now);
        #[derive(Deserialize)]
        struct Row {
            id: ConversationId,
            visitor_id: VisitorId,
        }
        let expired: Vec<Row> = self
            .sql()
            .exec(
                "SELECT id, visitor_id FROM conversations WHERE state = 'resolved' AND updated_at < ? ORDER BY updated_at LIMIT ?",
                vec![cutoff.into(), i64::from(retention::BATCH).into()],
            )?
            .to_array()?;
        let mut deleted = 0;
        for Row { id, visitor_id } in expired {
            let erase = Erase { site: config.id.clone(), only_if_resolved: true };
            match objects::send(&self.env, &id, &erase).await {
                Ok(_) => {}
                // Back in use since the index heard: its next summary updates the row.
                Err(EdgeError::Refused(error)) if error.code == ErrorCode::Conflict => continue,
                Err(error) => {
                    worker::console_error!("retention: {id}: {error:?}");
                    continue;
                }
            }
            // Its texts before its row: should a shard not answer, the row stays for the next
            // sweep to try again (erasing an erased conversation answers as done).
            if let Err(error) = crate::search::forget(&self.env, &config.id, std::slice::from_ref(&id)).await
            {
                worker::console_error!("retention: search texts of {id}: {error:?}");
                continue;
            }
            self.forget_conversation(&id, now)?;
            self.forget_if_anonymous(&visitor_id)?;
            let subscriptions = self.webhooks()?;
            let forgotten = webhook_subscriptions::forget_conversations(
                &self.env,
                &config.id,
                &subscriptions,
                std::slice::from_ref(&id),
            );
            if let Err(error) = forgotten.await {
                worker::console_error!("retention: webhook deliveries of {id}: {error:?}");
            }
            deleted += 1;
        }
        let every = var("RETENTION_SWEEP_MS", retention::SWEEP_EVERY_MS);
        self.schedule_sweep(Some(retention::next_sweep(now, deleted, every)))
    }

    /// Deletes the contact of `visitor` when nothing is known of it and none of its
    /// conversations is left.
    fn forget_if_anonymous(&self, visitor: &VisitorId) -> EdgeResult<()> {
        let Some(contact) = self.contact_of_visitor(visitor)? else { return Ok(()) };
        let left = usize::from(self.contact_has_conversations(&contact.id)?);
        if !retention::forgets_contact(&contact, left) {
            return Ok(());
        }
        self.delete_contact_rows(&contact.id)
    }

    /// Forgets an erased conversation's rows here: index, search, labels, routing.
    pub(super) fn forget_conversation(&self, id: &ConversationId, now: i64) -> EdgeResult<()> {
        let key = id.as_str();
        self.sql().exec("DELETE FROM conversations WHERE id = ?", vec![key.into()])?;
        self.search_index.forget(&self.sql(), std::slice::from_ref(id))?;
        self.forget_labels(key)?;
        self.unroute(id, now)
    }
}
