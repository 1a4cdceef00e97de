//! A conversation's labels as the console edits and shows them: the list an "Add label" or a
//! chip's "×" asks the edge for (`PUT …/labels` takes the whole list), spelled as the edge
//! stores it (`switchboard_core::conversation_labels`); what of an answer or a push is kept
//! when it crosses another change (the inbox socket stays the authority).

use switchboard_core::conversation_labels;
use switchboard_protocol::api::conversation_labels::{MAX_LABELS, MAX_LABEL_CHARS};
use switchboard_protocol::inbox::{ConversationSummary, Priority};
use switchboard_protocol::ConversationId;

use super::State;

/// What adding a typed label to `current` asks for: `Ok(None)` when it is there already
/// (nothing to send), `Ok(Some(list))` the new list to send, `Err` the sentence shown when
/// it cannot be a label or there are too many.
pub fn with_label(current: &[String], typed: &str) -> Result<Option<Vec<String>>, String> {
    let Some(label) = conversation_labels::label(typed) else {
        return Err(format!(
            "A label is 1 to {MAX_LABEL_CHARS} letters, digits, spaces or - _ : / . characters."
        ));
    };
    if current.contains(&label) {
        return Ok(None);
    }
    if current.len() >= MAX_LABELS {
        return Err(format!("A conversation has at most {MAX_LABELS} labels: remove one first."));
    }
    let mut labels = current.to_vec();
    labels.push(label);
    Ok(Some(labels))
}

/// `current` without `label`, the others in their order.
pub fn without_label(current: &[String], label: &str) -> Vec<String> {
    current.iter().filter(|l| *l != label).cloned().collect()
}

impl State {
    /// The open conversation's labels, in the order set (`None` until the inbox lists it).
    pub fn open_labels(&self) -> Option<Vec<String>> {
        self.open_summary().map(|summary| summary.labels.clone())
    }

    /// The edge answered a labels change made from `before` with `saved`. Taken only while
    /// the listed labels are still `before` (the inbox's push of the same change may have
    /// come first: then they are `saved` already): a later change pushed meanwhile, by a
    /// script or another agent, is newer than this answer and stays. Only the labels are
    /// taken: the rest of the listed summary may be newer too.
    pub(crate) fn labels_saved(&mut self, before: &[String], saved: ConversationSummary) {
        if let Some(listed) = self.listed_mut(&saved.id).filter(|listed| listed.labels == before) {
            listed.labels = saved.labels;
        }
    }

    /// The edge answered a priority change with `saved`: its priority is listed (the inbox's
    /// push of the same change carries the same).
    pub(crate) fn priority_saved(&mut self, saved: ConversationSummary) {
        if let Some(listed) = self.listed_mut(&saved.id) {
            listed.priority = saved.priority;
        }
    }

    /// The open conversation's priority, once the inbox lists it (`Some(None)`: none set).
    pub fn open_priority(&self) -> Option<Option<Priority>> {
        self.open_summary().map(|summary| summary.priority)
    }

    /// A summary pushed after a new message or a routing change comes from the conversation
    /// itself, which does not hold its labels or custom attributes (the site's index does):
    /// one with a newer `last_seq` and none of either keeps those already listed. A labels
    /// or attributes change never moves `last_seq`, so clearing them is still taken.
    pub(crate) fn keep_labels(&self, summary: &mut ConversationSummary) {
        let Some(listed) = self.conversations.iter().find(|c| c.id == summary.id) else { return };
        let bare = summary.labels.is_empty() && summary.attributes.is_empty() && summary.priority.is_none();
        if bare && summary.last_seq > listed.last_seq {
            summary.labels = listed.labels.clone();
            summary.attributes = listed.attributes.clone();
            summary.priority = listed.priority;
        }
    }

    fn listed_mut(&mut self, id: &ConversationId) -> Option<&mut ConversationSummary> {
        self.conversations.iter_mut().find(|c| &c.id == id)
    }
}
