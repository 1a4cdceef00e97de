//! Automation rules: when something happens to a conversation (an event) and it is as the
//! rule says (conditions, all of them), do these things (actions, as a macro's, plus sending
//! a webhook). Per site, in order.
//!
//! - Part of the site's settings: `GET /api/v1/site` lists them as `automation_rules` (any
//!   agent); `PATCH /api/v1/site {"automation_rules": […]}` replaces the list (admins), each
//!   checked (`400` naming the field otherwise).
//!
//! Rules react to what customers and agents do, never to what rules do: a rule's message,
//! label or resolution is no event for rules, so no rule can set itself off again. Within
//! one event, the rules are passed over until none more applies, each doing its actions at
//! most once: a rule that adds a label sets off, in the same event, a later *or earlier*
//! rule that looks for that label (`docs/automation.md`).

use serde::{Deserialize, Serialize};

use super::macros::Action;
use crate::channels::Channel;
use crate::routing::ConversationState;

/// Most rules a site keeps.
pub const MAX_RULES: usize = 50;

/// Most conditions in one rule.
pub const MAX_CONDITIONS: usize = 10;

/// Longest wait a `no_reply` rule may name, in minutes (a week).
pub const MAX_NO_REPLY_MINUTES: u32 = 10_080;

/// Most characters of text a condition looks for.
pub const MAX_CONDITION_CHARS: usize = 200;

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Its name, 1 to 60 characters, unique in the site (logged with what it did).
    pub name: String,
    /// Whether it runs (`true` unless said).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// What sets it off.
    pub event: RuleEvent,
    /// For `no_reply`: how long the customer has waited for a person's answer, 1 to
    /// [`MAX_NO_REPLY_MINUTES`] minutes (absent for other events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_minutes: Option<u32>,
    /// What must all hold (none: always).
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// What it does, in order: 1 to [`super::macros::MAX_MACRO_ACTIONS`], `snooze` or
    /// `resolve` only last; messages are the bot's.
    pub actions: Vec<Action>,
}

fn yes() -> bool {
    true
}

/// What sets a rule off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleEvent {
    /// A new conversation's first message from its customer (before the flow sees it).
    ConversationCreated,
    /// A message from the customer (the first one too, after `conversation_created`).
    MessageCreated,
    /// The conversation's state changed (queued, assigned, resolved…), not by a rule.
    StateChanged,
    /// The customer's oldest unanswered message has waited `after_minutes` for a person's
    /// answer (once per wait: an agent's answer ends it, the next message starts another).
    NoReply,
}

/// One thing a rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The customer writes from one of these channels.
    Channel {
        /// Any of them.
        channels: Vec<Channel>,
    },
    /// The page the visitor is on (webchat) has this in its URL (letters in any case).
    PageUrl {
        /// 1 to [`MAX_CONDITION_CHARS`] characters.
        contains: String,
    },
    /// The message that set the rule off has this in its text (letters in any case; only
    /// for `conversation_created` and `message_created`).
    MessageText {
        /// 1 to [`MAX_CONDITION_CHARS`] characters.
        contains: String,
    },
    /// The conversation carries this label (also one an earlier rule added).
    HasLabel {
        /// The label.
        label: String,
    },
    /// The conversation does not carry this label.
    LacksLabel {
        /// The label.
        label: String,
    },
    /// The customer's contact has this attribute with this value (`null`: without it).
    ContactAttribute {
        /// The attribute's key.
        key: String,
        /// Its value.
        equals: serde_json::Value,
    },
    /// The team's business hours are (`true`) or are not (`false`) open now.
    BusinessHours {
        /// Open or closed.
        open: bool,
    },
    /// The conversation is in one of these states now.
    State {
        /// Any of them.
        states: Vec<ConversationState>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_reads_as_written_and_refuses_strangers() {
        let rule: Rule = serde_json::from_str(
            r#"{"name":"Pricing to sales","event":"conversation_created",
                "conditions":[{"type":"page_url","contains":"/pricing"}],
                "actions":[{"type":"add_labels","labels":["sales"]}]}"#,
        )
        .unwrap();
        assert!(rule.enabled);
        assert_eq!(rule.conditions, [Condition::PageUrl { contains: "/pricing".into() }]);
        for bad in [
            r#"{"name":"x","event":"tuesday","actions":[]}"#,
            r#"{"name":"x","event":"state_changed","actions":[],"when":1}"#,
            r#"{"name":"x","event":"state_changed","conditions":[{"type":"moon"}],"actions":[]}"#,
        ] {
            assert!(serde_json::from_str::<Rule>(bad).is_err(), "{bad}");
        }
    }
}
