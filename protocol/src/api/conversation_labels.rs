//! Labels and custom attributes on a conversation, over REST (console session + CSRF, or an
//! API key of its site with the `conversations` scope; `404` for another site's):
//!
//! - `PUT /api/v1/conversations/{id}/labels` [`LabelsRequest`] → `200` the conversation's
//!   [`crate::inbox::ConversationSummary`]: its labels are now exactly these (lowercased,
//!   trimmed, duplicates dropped, in the order given). `GET /api/v1/conversations?label=…`
//!   lists the conversations carrying a label.
//! - `PATCH /api/v1/conversations/{id}/attributes` [`AttributesRequest`] → `200` the summary:
//!   each key given is set, a `null` value removes its key, keys not given are kept.
//! - `PUT /api/v1/conversations/{id}/priority` [`PriorityRequest`] → `200` the summary with its
//!   priority (`low`, `medium`, `high`, `urgent`; `null` clears it). `GET
//!   /api/v1/conversations?priority=…` lists the conversations of that priority.
//!
//! Attributes are free-form (as in Twilio Conversations), unlike a contact's typed ones: keys
//! of lowercase letters, digits and `_`; values text, numbers or true/false.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Most labels on one conversation.
pub const MAX_LABELS: usize = 20;

/// Most characters in a label.
pub const MAX_LABEL_CHARS: usize = 40;

/// Most custom attributes on one conversation.
pub const MAX_ATTRIBUTES: usize = 30;

/// Most characters in an attribute's text value.
pub const MAX_ATTRIBUTE_CHARS: usize = 500;

/// `PUT …/labels` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelsRequest {
    /// The labels the conversation has from now on (empty: none).
    pub labels: Vec<String>,
}

/// `PATCH …/attributes` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributesRequest {
    /// Keys to set (`null`: to remove).
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// `PUT …/priority` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityRequest {
    /// The conversation's priority from now on (`null`: none). Required: a body without it
    /// is refused rather than read as clearing it.
    #[serde(deserialize_with = "present")]
    pub priority: Option<crate::inbox::Priority>,
}

/// Reads an `Option` like any other, so that (unlike serde's default for `Option` fields) a
/// missing field is an error and only an explicit `null` is `None`.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<crate::inbox::Priority>, D::Error> {
    Option::deserialize(deserializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::Priority;

    #[test]
    fn a_priority_request_names_its_priority_or_null_and_nothing_else() {
        let read = |json: &str| serde_json::from_str::<PriorityRequest>(json).map(|r| r.priority);
        assert_eq!(read(r#"{"priority":"urgent"}"#).unwrap(), Some(Priority::Urgent));
        assert_eq!(read(r#"{"priority":null}"#).unwrap(), None);
        for bad in [r#"{}"#, r#"{"priority":"asap"}"#, r#"{"priority":"low","colour":"red"}"#] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
