//! The Site object's email addresses it must not write to: one row per address that bounced,
//! complained of spam (both from Postmark's webhooks) or unsubscribed (the one-click link).
//! Every email of the site asks here first; the contacts with that address are marked
//! (`email_status`), so the team sees why a visitor gets no more email.

use serde::{Deserialize, Serialize};
use switchboard_protocol::SiteId;

use super::calls::Site;
use super::SiteObject;
use crate::error::EdgeResult;
use crate::objects::call::object_call;

/// The table, made with the site's others.
pub(super) const SCHEMA: &str =
    "CREATE TABLE IF NOT EXISTS email_stops (address TEXT PRIMARY KEY, reason TEXT NOT NULL, at INTEGER NOT NULL)";

/// The site writes to `address` no more: `reason` is `bounced`, `complained` or `unsubscribed`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StopEmail {
    /// The site.
    pub site: SiteId,
    /// The address, lowercased.
    pub address: String,
    /// Why.
    pub reason: String,
}
object_call!(StopEmail => Site, "/email/stop", ());

/// Why the site writes to `address` no more, if it does not.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EmailStopped {
    /// The address, lowercased.
    pub address: String,
}
object_call!(EmailStopped => Site, "/email/stopped", Option<String>);

impl SiteObject {
    /// Stops the address and marks its contacts.
    pub(super) fn stop_email(&self, call: StopEmail, now: i64) -> EdgeResult<()> {
        let address = call.address.trim().to_lowercase();
        self.sql().exec(
            "INSERT INTO email_stops (address, reason, at) VALUES (?, ?, ?)
             ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, at = excluded.at",
            vec![address.as_str().into(), call.reason.as_str().into(), now.into()],
        )?;
        // Rare (a bounce, a click): a scan of the contacts' emails is fine here.
        let marked = self.contacts_where(
            "EXISTS (SELECT 1 FROM json_each(contacts.json, '$.emails') WHERE value = ?)",
            &address,
        )?;
        if let Some(mut contact) = marked {
            contact.attributes.insert("email_status".into(), call.reason.clone().into());
            contact.updated_at = now;
            self.save_contact(&contact)?;
        }
        Ok(())
    }

    /// Why the address is stopped, if it is.
    pub(super) fn email_stopped(&self, call: &EmailStopped) -> EdgeResult<Option<String>> {
        #[derive(Deserialize)]
        struct Row {
            reason: String,
        }
        let rows: Vec<Row> = self
            .sql()
            .exec(
                "SELECT reason FROM email_stops WHERE address = ?",
                vec![call.address.trim().to_lowercase().into()],
            )?
            .to_array()?;
        Ok(rows.into_iter().next().map(|row| row.reason))
    }
}
