//! The Site object's labels, custom attributes and priority of its conversations (checked in
//! `core::conversation_labels`): labels in their own table, indexed by label so the list's
//! `label=` filter reads only the conversations carrying it; attributes as a JSON column of
//! the conversation's index row, the priority as a column. Each change is pushed to every
//! open inbox at once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_core::conversation_labels;
use switchboard_protocol::inbox::{ConversationSummary, Priority};
use switchboard_protocol::{ConversationId, ErrorCode};

use super::SiteObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::call::object_call;
use crate::objects::site::calls::Site;

pub(super) const SCHEMA: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS conversation_labels (
        conversation_id TEXT NOT NULL,
        label TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, label))",
    "CREATE INDEX IF NOT EXISTS conversation_labels_by_label ON conversation_labels (label, conversation_id)",
];

/// A conversation's labels from now on (checked here); answers its summary.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SetLabels {
    /// The conversation.
    pub id: ConversationId,
    /// As typed.
    pub labels: Vec<String>,
}
object_call!(SetLabels => Site, "/labels", ConversationSummary);

/// Labels added to and taken off a conversation's (a macro's step, in stored spellings);
/// answers its summary.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EditLabels {
    /// The conversation.
    pub id: ConversationId,
    /// Added.
    pub add: Vec<String>,
    /// Taken off.
    pub remove: Vec<String>,
    /// The conversation's own summary, recorded first when the index does not have it yet
    /// (an automation rule labelling a conversation its first message just made).
    #[serde(default)]
    pub summary: Option<Box<ConversationSummary>>,
}
object_call!(EditLabels => Site, "/labels/edit", ConversationSummary);

/// Custom attributes set or (`null`) removed on a conversation; answers its summary.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PatchAttributes {
    /// The conversation.
    pub id: ConversationId,
    /// What changes.
    pub patch: BTreeMap<String, serde_json::Value>,
}
object_call!(PatchAttributes => Site, "/attributes", ConversationSummary);

/// A conversation's priority from now on (`None`: none); answers its summary.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SetPriority {
    /// The conversation.
    pub id: ConversationId,
    /// Its priority.
    pub priority: Option<Priority>,
    /// As [`EditLabels::summary`].
    #[serde(default)]
    pub summary: Option<Box<ConversationSummary>>,
}
object_call!(SetPriority => Site, "/priority", ConversationSummary);

impl SiteObject {
    fn known_summary(&self, id: &ConversationId) -> EdgeResult<ConversationSummary> {
        self.summary(id)?.ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))
    }

    pub(super) fn set_labels(
        &self,
        SetLabels { id, labels }: SetLabels,
        now: i64,
    ) -> EdgeResult<ConversationSummary> {
        let labels = conversation_labels::labels(&labels)?;
        self.known_summary(&id)?;
        self.store_labels(&id, labels, now)
    }

    pub(super) fn edit_labels(
        &self,
        EditLabels { id, add, remove, summary }: EditLabels,
        now: i64,
    ) -> EdgeResult<ConversationSummary> {
        self.record_unknown(&id, summary, now)?;
        let current = self.known_summary(&id)?.labels;
        // Through the one spelling again: the call may come from anywhere.
        let (add, remove) = (conversation_labels::labels(&add)?, conversation_labels::labels(&remove)?);
        let labels = conversation_labels::edit(&current, &add, &remove)?;
        self.store_labels(&id, labels, now)
    }

    fn store_labels(
        &self,
        id: &ConversationId,
        labels: Vec<String>,
        now: i64,
    ) -> EdgeResult<ConversationSummary> {
        let sql = self.sql();
        sql.exec("DELETE FROM conversation_labels WHERE conversation_id = ?", vec![id.as_str().into()])?;
        for (position, label) in labels.into_iter().enumerate() {
            sql.exec(
                "INSERT INTO conversation_labels (conversation_id, label, position) VALUES (?, ?, ?)",
                vec![id.as_str().into(), label.into(), (position as i64).into()],
            )?;
        }
        self.pushed_summary(id, now)
    }

    pub(super) fn patch_attributes(
        &self,
        PatchAttributes { id, patch }: PatchAttributes,
        now: i64,
    ) -> EdgeResult<ConversationSummary> {
        let current = self.known_summary(&id)?.attributes;
        let attributes = conversation_labels::patch_attributes(&current, &patch)?;
        let stored = (!attributes.is_empty()).then(|| serde_json::to_string(&attributes)).transpose()?;
        self.sql().exec(
            "UPDATE conversations SET attributes = ? WHERE id = ?",
            vec![stored.into(), id.as_str().into()],
        )?;
        self.pushed_summary(&id, now)
    }

    /// Stores the priority and tells routing, which moves the conversation in its queue.
    pub(super) fn set_priority(
        &self,
        SetPriority { id, priority, summary }: SetPriority,
        now: i64,
    ) -> EdgeResult<ConversationSummary> {
        self.record_unknown(&id, summary, now)?;
        self.known_summary(&id)?;
        self.sql().exec(
            "UPDATE conversations SET priority = ? WHERE id = ?",
            vec![priority.map(Priority::as_str).into(), id.as_str().into()],
        )?;
        self.route(&self.flow(), now, |router, now| router.prioritise(&id, priority, now))?;
        self.pushed_summary(&id, now)
    }

    /// Records a conversation's own `summary` when the index does not know it yet.
    fn record_unknown(
        &self,
        id: &ConversationId,
        summary: Option<Box<ConversationSummary>>,
        now: i64,
    ) -> EdgeResult<()> {
        match summary {
            Some(summary) if summary.id == *id && self.summary(id)?.is_none() => {
                self.record(*summary, None, now)
            }
            _ => Ok(()),
        }
    }

    /// The conversation's summary as now stored, sent to every open inbox too.
    fn pushed_summary(&self, id: &ConversationId, now: i64) -> EdgeResult<ConversationSummary> {
        let summary = self.known_summary(id)?;
        self.push_to_inboxes(summary.clone(), now)?;
        Ok(summary)
    }

    /// Forgets an erased conversation's labels.
    pub(super) fn forget_labels(&self, id: &str) -> EdgeResult<()> {
        self.sql().exec("DELETE FROM conversation_labels WHERE conversation_id = ?", vec![id.into()])?;
        Ok(())
    }
}
