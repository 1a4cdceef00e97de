//! Labels and custom attributes on a conversation, over REST (console session + CSRF, or an
//! API key of its site with the `conversations` scope; `404` for another site's):
//!
//! - `PUT /api/v1/conversations/{id}/labels` [`LabelsRequest`] → `200` the conversation's
//!   [`crate::inbox::ConversationSummary`]: its labels are now exactly these (lowercased,
//!   trimmed, duplicates dropped, in the order given). `GET /api/v1/conversations?label=…`
//!   lists the conversations carrying a label.
//! - `PATCH /api/v1/conversations/{id}/attributes` [`AttributesRequest`] → `200` the summary:
//!   each key given is set, a `null` value removes its key, keys not given are kept.
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
