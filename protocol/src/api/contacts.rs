//! Contacts: one per person, across their conversations (and, later, channels).
//!
//! - `GET /api/v1/contacts?q=&limit=&cursor=` — the site's contacts, most recently active
//!   first; `q` finds a name, an email or a phone number (any agent).
//! - `POST /api/v1/contacts` — makes one (`201`).
//! - `GET /api/v1/contacts/{id}` — one, with its conversations (an id merged away answers
//!   the contact it was merged into).
//! - `PATCH /api/v1/contacts/{id}` — changes one.
//! - `POST /api/v1/contacts/{id}/merge` `{"from"}` — merges `from` into `id`: every
//!   conversation, email, phone and visitor of `from` moves to `id`; who merged is recorded.
//! - `GET /api/v1/contacts/{id}/export` — everything about them (admins): [`ContactExport`].
//! - `DELETE /api/v1/contacts/{id}` — erases them and everything of theirs (admins; `204`):
//!   their conversations, messages, files, search entries and webhook deliveries.
//! - `GET`/`PUT /api/v1/contact-attributes` — the site's typed custom attributes (admins
//!   change them).
//!
//! A contact is made by itself for each new visitor; a visitor whose identity the site
//! verified (`identify`) joins the contact with that identity — merging, if the visitor had
//! a contact of their own. A typed email never merges anyone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::contact::VerifiedIdentity;
use crate::ids::VisitorId;
use crate::inbox::ConversationSummary;

/// Most emails, and most phones, one contact keeps.
pub const MAX_CONTACT_POINTS: usize = 10;

/// Longest notes, in characters.
pub const MAX_NOTES_CHARS: usize = 5_000;

/// Most attribute definitions a site may have.
pub const MAX_ATTRIBUTE_DEFINITIONS: usize = 50;

/// One contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRecord {
    /// Its id (`ctc_…`).
    pub id: String,
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their emails, normalised, the first the one to write to.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Their phone numbers, as given.
    #[serde(default)]
    pub phones: Vec<String>,
    /// What the site's backend verified about them, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<VerifiedIdentity>,
    /// Custom attributes, by the site's definitions' keys.
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// The team's notes about them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The visitors (browsers) that are this person.
    #[serde(default)]
    pub visitor_ids: Vec<VisitorId>,
    /// When it was made, ms since the Unix epoch.
    pub created_at: i64,
    /// When it last changed or wrote.
    pub updated_at: i64,
}

impl ContactRecord {
    /// A contact nothing is known of yet but its id, made (and last changed) at `at`.
    pub fn empty(id: String, at: i64) -> Self {
        ContactRecord {
            id,
            name: None,
            emails: Vec::new(),
            phones: Vec::new(),
            identity: None,
            attributes: BTreeMap::new(),
            notes: None,
            visitor_ids: Vec::new(),
            created_at: at,
            updated_at: at,
        }
    }
}

/// `POST` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their emails.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Their phones.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Custom attributes (checked against the site's definitions).
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `PATCH` body: what changes. An attribute set to `null` is removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// A new name (`""` removes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New emails (replacing all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<String>>,
    /// New phones (replacing all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<String>>,
    /// Attributes to set (`null` removes one); others stay.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// New notes (`""` removes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `POST …/merge` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The contact merged into this one (it goes away).
    pub from: String,
}

/// `GET` list body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListResponse {
    /// Most recently active first.
    pub contacts: Vec<ContactRecord>,
    /// Pass as `?cursor=` for the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `GET …/{id}` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactDetail {
    /// The contact.
    pub contact: ContactRecord,
    /// Their conversations, most recent first (at most 100).
    pub conversations: Vec<ConversationSummary>,
}

/// What kind of value an attribute holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttributeKind {
    /// Text up to 500 characters.
    Text,
    /// A number.
    Number,
    /// Yes or no.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// One of `options`.
    List {
        /// The choices.
        options: Vec<String>,
    },
}

/// One custom attribute a site defines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDefinition {
    /// Its key in `attributes` (`plan`, `signup_date`): lowercase letters, digits, `_`.
    pub key: String,
    /// What people read.
    pub label: String,
    /// Its kind.
    pub kind: AttributeKind,
}

/// `GET`/`PUT /api/v1/contact-attributes` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDefinitions {
    /// The definitions, in the order they are shown.
    pub attributes: Vec<AttributeDefinition>,
}

/// `GET …/export` body: everything the site holds about a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactExport {
    /// When it was made, ms since the Unix epoch.
    pub exported_at: i64,
    /// The contact.
    pub contact: ContactRecord,
    /// Each of their conversations with its whole log (messages, notes, routing events,
    /// ratings; files as download links valid for a week).
    pub conversations: Vec<ExportedConversation>,
    /// Audit log entries about them (merges, blocks).
    pub audit: Vec<crate::api::audit_log::Entry>,
}

/// One conversation in an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedConversation {
    /// Its summary.
    pub summary: ConversationSummary,
    /// Its log, oldest first.
    pub messages: Vec<crate::Message>,
}
