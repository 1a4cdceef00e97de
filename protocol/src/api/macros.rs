//! Macros: named sequences of actions an agent runs on a conversation with one click or a
//! `/shortcut` in the reply box (send a canned text, add a note, label, set the priority,
//! hand to a queue or an agent, snooze, resolve).
//!
//! - The site's macros are part of its settings: `GET /api/v1/site` (any agent) lists them
//!   as `macros`; `PATCH /api/v1/site` with `{"macros": […]}` replaces the list (admins),
//!   each checked (`400` naming the field otherwise).
//! - `POST /api/v1/conversations/{id}/macros/{shortcut}` → `200` the conversation's
//!   [`crate::inbox::ConversationSummary`] after the run (console session + CSRF, or an API key
//!   of the site with the `conversations` scope). Each action is performed as the caller
//!   doing it by hand, in order, and logged as such; `404` for an unknown macro or
//!   conversation (nothing done). When an action is refused (a queue routing does not
//!   allow, an agent not online) the run stops there: `409`/`404` naming the action, the ones
//!   before it done.

use serde::{Deserialize, Serialize};

use crate::inbox::Priority;
use crate::{AgentId, QueueId};

/// Most macros a site keeps.
pub const MAX_MACROS: usize = 100;

/// Most actions in one macro.
pub const MAX_MACRO_ACTIONS: usize = 10;

/// Longest macro name, in characters.
pub const MAX_MACRO_NAME_CHARS: usize = 60;

/// Longest snooze a macro may ask for, in minutes (30 days).
pub const MAX_SNOOZE_MINUTES: u32 = 43_200;

/// One macro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Macro {
    /// What follows the `/` in the reply box, and its name in the run route: lowercase
    /// letters, digits, `-` and `_` (as a canned response's shortcut), unique in the site.
    pub shortcut: String,
    /// What agents see on its button, 1 to [`MAX_MACRO_NAME_CHARS`] characters.
    pub name: String,
    /// What it does, in order: 1 to [`MAX_MACRO_ACTIONS`]; `snooze` or `resolve` only last;
    /// never `send_webhook` (automation rules' only).
    pub actions: Vec<Action>,
}

/// One thing done to a conversation, as an agent would do it by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// A reply to the customer, from whoever runs it (checked like any message).
    SendMessage {
        /// The reply.
        text: String,
    },
    /// A private note for the team.
    AddNote {
        /// The note.
        text: String,
    },
    /// Labels added (kept ones stay; spelled as in `PUT …/labels`).
    AddLabels {
        /// 1 or more labels.
        labels: Vec<String>,
    },
    /// Labels taken off (absent ones are no error).
    RemoveLabels {
        /// 1 or more labels.
        labels: Vec<String>,
    },
    /// The conversation's priority (`null` clears it).
    SetPriority {
        /// Its priority from then on.
        priority: Option<Priority>,
    },
    /// Handed to a queue of the site's flow (as `transfer` to a queue).
    AssignQueue {
        /// The queue.
        queue: QueueId,
    },
    /// Handed to an agent (as `transfer` to an agent; they must be online).
    AssignAgent {
        /// The agent.
        agent: AgentId,
    },
    /// Set aside for this long, or until the customer writes.
    Snooze {
        /// 1 to [`MAX_SNOOZE_MINUTES`].
        minutes: u32,
    },
    /// Resolved.
    Resolve {},
    /// Automation rules only: the event `automation.rule_applied` (the rule, the
    /// conversation) goes to every webhook subscription that asked for it, signed and
    /// retried as every event is.
    SendWebhook {},
}

impl Action {
    /// Its wire name (`send_message`, …), for error messages and the console.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::SendMessage { .. } => "send_message",
            Action::AddNote { .. } => "add_note",
            Action::AddLabels { .. } => "add_labels",
            Action::RemoveLabels { .. } => "remove_labels",
            Action::SetPriority { .. } => "set_priority",
            Action::AssignQueue { .. } => "assign_queue",
            Action::AssignAgent { .. } => "assign_agent",
            Action::Snooze { .. } => "snooze",
            Action::Resolve {} => "resolve",
            Action::SendWebhook {} => "send_webhook",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_tagged_by_type_and_refuse_strangers() {
        let read = |json: &str| serde_json::from_str::<Action>(json);
        assert_eq!(read(r#"{"type":"resolve"}"#).unwrap(), Action::Resolve {});
        assert_eq!(
            read(r#"{"type":"set_priority","priority":null}"#).unwrap(),
            Action::SetPriority { priority: None }
        );
        let labels = read(r#"{"type":"add_labels","labels":["vip"]}"#).unwrap();
        assert_eq!(labels.kind(), "add_labels");
        let json = serde_json::to_string(&labels).unwrap();
        assert_eq!(json, r#"{"type":"add_labels","labels":["vip"]}"#);
        for bad in [r#"{"type":"explode"}"#, r#"{"type":"resolve","when":"now"}"#, r#"{"text":"hi"}"#] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
