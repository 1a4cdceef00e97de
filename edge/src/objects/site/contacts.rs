//! The Site object's contacts: one row per contact (its record as JSON, what search looks
//! in, its verified user id, unique), which visitors are whom, and which contacts were merged
//! into which (so an old id still finds its person). Each conversation summary keeps its
//! visitor's contact current ([`SiteObject::link_contact`]); the rules are
//! `core::contacts`'.

use serde::Deserialize;
use switchboard_core::contacts;
use switchboard_protocol::api::contacts::{
    AttributeDefinitions, ContactDetail, ContactRecord, CreateRequest, ListResponse, UpdateRequest,
};
use switchboard_protocol::api::webhooks::EventType;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{ConversationId, ErrorCode, VisitorId};

use super::calls::ListContacts;
use super::SiteObject;
use crate::env;
use crate::error::{EdgeError, EdgeResult};

/// The tables, created with the object's others.
pub(super) const SCHEMA: [&str; 7] = [
    "CREATE TABLE IF NOT EXISTS contacts (
        id TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        haystack TEXT NOT NULL,
        user_id TEXT,
        updated_at INTEGER NOT NULL)",
    "CREATE UNIQUE INDEX IF NOT EXISTS contacts_by_user ON contacts (user_id) WHERE user_id IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS contacts_by_activity ON contacts (updated_at, id)",
    "CREATE TABLE IF NOT EXISTS contact_visitors (visitor_id TEXT PRIMARY KEY, contact_id TEXT NOT NULL)",
    // A number's contact, so a customer texting in finds the person (`core::contacts::
    // verified_phone`) without a scan.
    "CREATE TABLE IF NOT EXISTS contact_phones (phone TEXT PRIMARY KEY, contact_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS contact_merges (
        from_id TEXT PRIMARY KEY, into_id TEXT NOT NULL, by_name TEXT NOT NULL, at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS contact_attributes (only INTEGER PRIMARY KEY CHECK (only = 1), json TEXT NOT NULL)",
];

#[derive(Deserialize)]
struct Row {
    json: String,
}

fn not_found() -> EdgeError {
    EdgeError::refuse(ErrorCode::NotFound, "no such contact")
}

impl SiteObject {
    pub(super) fn contacts_where(&self, condition: &str, value: &str) -> EdgeResult<Option<ContactRecord>> {
        let rows: Vec<Row> = self
            .sql()
            .exec(&format!("SELECT json FROM contacts WHERE {condition} LIMIT 1"), vec![value.into()])?
            .to_array()?;
        Ok(rows.into_iter().next().and_then(|row| serde_json::from_str(&row.json).ok()))
    }

    pub(super) fn contact_of_visitor(&self, visitor: &VisitorId) -> EdgeResult<Option<ContactRecord>> {
        self.contacts_where(
            "id = (SELECT contact_id FROM contact_visitors WHERE visitor_id = ?)",
            visitor.as_str(),
        )
    }

    /// The contact `id`, following merges.
    fn contact(&self, id: &str) -> EdgeResult<ContactRecord> {
        let mut id = id.to_owned();
        for _ in 0..8 {
            if let Some(contact) = self.contacts_where("id = ?", &id)? {
                return Ok(contact);
            }
            #[derive(Deserialize)]
            struct Merged {
                into_id: String,
            }
            let merged: Vec<Merged> = self
                .sql()
                .exec("SELECT into_id FROM contact_merges WHERE from_id = ?", vec![id.as_str().into()])?
                .to_array()?;
            id = merged.into_iter().next().ok_or_else(not_found)?.into_id;
        }
        Err(not_found())
    }

    pub(super) fn save_contact(&self, contact: &ContactRecord) -> EdgeResult<()> {
        let user = contact.identity.as_ref().map(|identity| identity.user_id.clone());
        self.sql().exec(
            "INSERT OR REPLACE INTO contacts (id, json, haystack, user_id, updated_at) VALUES (?, ?, ?, ?, ?)",
            vec![
                contact.id.as_str().into(),
                serde_json::to_string(contact)?.into(),
                contacts::haystack(contact).into(),
                user.into(),
                contact.updated_at.into(),
            ],
        )?;
        for visitor in &contact.visitor_ids {
            self.sql().exec(
                "INSERT OR REPLACE INTO contact_visitors (visitor_id, contact_id) VALUES (?, ?)",
                vec![visitor.as_str().into(), contact.id.as_str().into()],
            )?;
        }
        self.sql()
            .exec("DELETE FROM contact_phones WHERE contact_id = ?", vec![contact.id.as_str().into()])?;
        for phone in &contact.phones {
            self.sql().exec(
                "INSERT OR REPLACE INTO contact_phones (phone, contact_id) VALUES (?, ?)",
                vec![contacts::phone_key(phone).into(), contact.id.as_str().into()],
            )?;
        }
        Ok(())
    }

    /// Keeps the contact of `summary`'s visitor current: made the first time, taught what
    /// the conversation learnt, and joined to the contact the site verified them as.
    pub(super) fn link_contact(&self, summary: &ConversationSummary, now: i64) -> EdgeResult<()> {
        let seen = summary.contact.as_ref();
        let current = self.contact_of_visitor(&summary.visitor_id)?;
        let verified = contacts::verified_user(seen).map(str::to_owned);
        let phone = contacts::verified_phone(summary).map(str::to_owned);
        let by_user = match &verified {
            Some(user) => self.contacts_where("user_id = ?", user)?,
            None => None,
        };
        // A verified number (the customer's own on SMS and WhatsApp, or one the site signed):
        // the contact that has it.
        let by_phone = match &phone {
            Some(phone) => self.contacts_where(
                "id = (SELECT contact_id FROM contact_phones WHERE phone = ?)",
                &contacts::phone_key(phone),
            )?,
            None => None,
        };
        let owner = match (by_user, by_phone) {
            // The site vouches for both: the user and whoever texted from the number are one.
            (Some(user), Some(texted)) if user.id != texted.id => {
                Some(self.merge_rows(user, texted, "verified phone", now)?)
            }
            (user, texted) => user.or(texted),
        };
        // Webhooks hear of one change per summary (all of it), never of half of it.
        let (contact, joined) = match (current, owner) {
            (Some(current), Some(owner)) if current.id != owner.id => {
                // The same person, verified: one contact (never on a typed email).
                let by = if verified.is_some() { "verified identity" } else { "verified phone" };
                (self.merge_rows(owner, current, by, now)?, false)
            }
            (None, Some(mut owner)) => {
                owner.visitor_ids.push(summary.visitor_id.clone());
                owner.updated_at = now;
                self.save_contact(&owner)?;
                (owner, true)
            }
            (Some(current), _) => (current, false),
            (None, None) => {
                let made = contacts::for_visitor(
                    &summary.visitor_id,
                    seen,
                    contacts::new_id(env::random_bytes()?),
                    now,
                );
                let made = match &phone {
                    Some(phone) => contacts::with_phone(made.clone(), phone, now).unwrap_or(made),
                    None => made,
                };
                self.save_contact(&made)?;
                return self.contact_changed(EventType::ContactCreated, &made, None, now);
            }
        };
        let learnt = seen.and_then(|seen| contacts::learn(contact.clone(), seen, now));
        let learnt = match &phone {
            Some(phone) => {
                let base = learnt.clone().unwrap_or_else(|| contact.clone());
                contacts::with_phone(base, phone, now).or(learnt)
            }
            None => learnt,
        };
        match learnt {
            Some(learnt) => {
                self.save_contact(&learnt)?;
                self.contact_changed(EventType::ContactUpdated, &learnt, None, now)?;
            }
            None if joined => self.contact_changed(EventType::ContactUpdated, &contact, None, now)?,
            None => {}
        }
        Ok(())
    }

    fn merge_rows(
        &self,
        into: ContactRecord,
        from: ContactRecord,
        by: &str,
        now: i64,
    ) -> EdgeResult<ContactRecord> {
        let merged = contacts::merge(into, from.clone(), now)?;
        self.sql().exec("DELETE FROM contacts WHERE id = ?", vec![from.id.as_str().into()])?;
        self.sql().exec(
            "INSERT OR REPLACE INTO contact_merges (from_id, into_id, by_name, at) VALUES (?, ?, ?, ?)",
            vec![from.id.as_str().into(), merged.id.as_str().into(), by.into(), now.into()],
        )?;
        self.save_contact(&merged)?;
        self.contact_changed(EventType::ContactMerged, &merged, Some(&from.id), now)?;
        Ok(merged)
    }

    pub(super) fn list_contacts(&self, call: &ListContacts) -> EdgeResult<ListResponse> {
        let (at, id) = call.before.clone().unwrap_or((i64::MAX, String::new()));
        let pattern = call.needle.as_ref().map_or("%".to_owned(), |needle| {
            format!("%{}%", needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
        });
        let rows: Vec<Row> = self
            .sql()
            .exec(
                "SELECT json FROM contacts WHERE haystack LIKE ?1 ESCAPE '\\'
                 AND (updated_at < ?2 OR (updated_at = ?2 AND id < ?3))
                 ORDER BY updated_at DESC, id DESC LIMIT ?4",
                vec![pattern.into(), at.into(), id.into(), (i64::from(call.limit) + 1).into()],
            )?
            .to_array()?;
        let mut contacts: Vec<ContactRecord> =
            rows.iter().filter_map(|row| serde_json::from_str(&row.json).ok()).collect();
        let more = contacts.len() > call.limit as usize;
        contacts.truncate(call.limit as usize);
        let next_cursor = more
            .then(|| contacts.last().map(|c| switchboard_core::recency_cursor::encode(c.updated_at, &c.id)))
            .flatten();
        Ok(ListResponse { contacts, next_cursor })
    }

    pub(super) fn contact_detail(&self, id: &str) -> EdgeResult<ContactDetail> {
        let contact = self.contact(id)?;
        let conversations = self.contact_conversations(&contact.id)?;
        Ok(ContactDetail { contact, conversations })
    }

    pub(super) fn create_contact(
        &self,
        id: String,
        request: &CreateRequest,
        now: i64,
    ) -> EdgeResult<ContactRecord> {
        let contact = contacts::create(request, &self.contact_attributes()?.attributes, id, now)?;
        self.save_contact(&contact)?;
        self.contact_changed(EventType::ContactCreated, &contact, None, now)?;
        Ok(contact)
    }

    pub(super) fn update_contact(
        &self,
        id: &str,
        change: &UpdateRequest,
        now: i64,
    ) -> EdgeResult<ContactRecord> {
        let contact =
            contacts::update(self.contact(id)?, change, &self.contact_attributes()?.attributes, now)?;
        self.save_contact(&contact)?;
        self.contact_changed(EventType::ContactUpdated, &contact, None, now)?;
        Ok(contact)
    }

    pub(super) fn merge_contacts(
        &self,
        into: &str,
        from: &str,
        by: &str,
        now: i64,
    ) -> EdgeResult<ContactRecord> {
        let (into, from) = (self.contact(into)?, self.contact(from)?);
        self.merge_rows(into, from, by, now)
    }

    /// Erases contact `id` and the site's rows of its (already erased) conversations; answers
    /// the idempotency records whose kept answers are about them, for the caller to erase.
    pub(super) fn erase_contact(
        &self,
        id: &str,
        conversations: &[ConversationId],
        now: i64,
    ) -> EdgeResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Merged {
            from_id: String,
        }
        let contact = self.contact(id)?;
        for conversation in conversations {
            self.forget_conversation(conversation, now)?;
        }
        let merged: Vec<Merged> = self
            .sql()
            .exec("SELECT from_id FROM contact_merges WHERE into_id = ?", vec![contact.id.as_str().into()])?
            .to_array()?;
        let mut subjects: Vec<&str> = vec![contact.id.as_str()];
        subjects.extend(merged.iter().map(|m| m.from_id.as_str()));
        subjects.extend(conversations.iter().map(ConversationId::as_str));
        let answers = self.take_answers_about(&subjects)?;
        self.delete_contact_rows(&contact.id)?;
        Ok(answers)
    }

    /// Deletes contact `id`'s rows: its visitors, phones, the merges into it, itself.
    pub(super) fn delete_contact_rows(&self, id: &str) -> EdgeResult<()> {
        for statement in [
            "DELETE FROM contact_visitors WHERE contact_id = ?",
            "DELETE FROM contact_phones WHERE contact_id = ?",
            "DELETE FROM contact_merges WHERE into_id = ?",
            "DELETE FROM contacts WHERE id = ?",
        ] {
            self.sql().exec(statement, vec![id.into()])?;
        }
        Ok(())
    }

    pub(super) fn contact_attributes(&self) -> EdgeResult<AttributeDefinitions> {
        let rows: Vec<Row> = self.sql().exec("SELECT json FROM contact_attributes", None)?.to_array()?;
        Ok(rows.into_iter().next().and_then(|row| serde_json::from_str(&row.json).ok()).unwrap_or_default())
    }

    pub(super) fn set_contact_attributes(
        &self,
        definitions: AttributeDefinitions,
    ) -> EdgeResult<AttributeDefinitions> {
        switchboard_core::contact_attributes::check_definitions(&definitions.attributes)?;
        self.sql().exec(
            "INSERT OR REPLACE INTO contact_attributes (only, json) VALUES (1, ?)",
            vec![serde_json::to_string(&definitions)?.into()],
        )?;
        Ok(definitions)
    }
}
