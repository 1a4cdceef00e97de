//! The Site object's webhook subscriptions: a small table (at most `MAX_WEBHOOKS`), each row
//! the subscription and its signing secret as JSON. The worker has checked the caller
//! (admins) and what is asked (`core::webhook_delivery`); deliveries live in their own objects
//! (`crate::objects::webhooks`).

use serde::Deserialize;
use switchboard_protocol::api::webhooks::MAX_WEBHOOKS;
use switchboard_protocol::ErrorCode;

use super::calls::{ChangeWebhook, StoredWebhook};
use super::SiteObject;
use crate::error::{EdgeError, EdgeResult};

/// The table, created with the object's others.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    json TEXT NOT NULL)";

#[derive(Deserialize)]
struct Row {
    json: String,
}

impl SiteObject {
    /// Every subscription, oldest first.
    pub(super) fn webhooks(&self) -> EdgeResult<Vec<StoredWebhook>> {
        let rows: Vec<Row> =
            self.sql().exec("SELECT json FROM webhooks ORDER BY created_at, id", None)?.to_array()?;
        Ok(rows.iter().filter_map(|row| serde_json::from_str(&row.json).ok()).collect())
    }

    pub(super) fn add_webhook(&self, stored: StoredWebhook) -> EdgeResult<()> {
        if self.webhooks()?.len() >= MAX_WEBHOOKS {
            return Err(EdgeError::refuse(
                ErrorCode::Conflict,
                format!("a site may have {MAX_WEBHOOKS} webhooks; remove one first"),
            ));
        }
        self.save_webhook(&stored)
    }

    pub(super) fn change_webhook(&self, call: ChangeWebhook) -> EdgeResult<StoredWebhook> {
        let mut stored = self
            .webhooks()?
            .into_iter()
            .find(|stored| stored.webhook.id == call.id)
            .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such webhook"))?;
        let webhook = &mut stored.webhook;
        let change = call.change;
        if let Some(url) = change.url {
            webhook.url = url;
        }
        if let Some(events) = change.events {
            webhook.events = events;
        }
        if let Some(include_notes) = change.include_notes {
            webhook.include_notes = include_notes;
        }
        if let Some(enabled) = change.enabled {
            webhook.enabled = enabled;
            webhook.disabled_reason = None;
        }
        if let Some(reason) = call.disabled_reason {
            webhook.enabled = false;
            webhook.disabled_reason = Some(reason);
        }
        self.save_webhook(&stored)?;
        Ok(stored)
    }

    pub(super) fn remove_webhook(&self, id: &str) -> EdgeResult<()> {
        let removed: Vec<serde_json::Value> =
            self.sql().exec("DELETE FROM webhooks WHERE id = ? RETURNING id", vec![id.into()])?.to_array()?;
        if removed.is_empty() {
            return Err(EdgeError::refuse(ErrorCode::NotFound, "no such webhook"));
        }
        Ok(())
    }

    fn save_webhook(&self, stored: &StoredWebhook) -> EdgeResult<()> {
        self.sql().exec(
            "INSERT OR REPLACE INTO webhooks (id, created_at, json) VALUES (?, ?, ?)",
            vec![
                stored.webhook.id.as_str().into(),
                stored.webhook.created_at.into(),
                serde_json::to_string(stored)?.into(),
            ],
        )?;
        Ok(())
    }
}
