//! Automation rules as the settings screen shows and edits them (pure, tested natively; the
//! section is `components::automation_rules`): each rule in a sentence, and the list as JSON
//! text an admin edits, read back with the reason when it is not a list of rules.

use switchboard_core::macros::summary_of;
use switchboard_protocol::api::automation::{Condition, Rule, RuleEvent};
use switchboard_protocol::routing::ConversationState;

/// The rule in a sentence: "When a conversation starts, if the page URL has “/pricing”:
/// label sales".
pub fn describe(rule: &Rule) -> String {
    let when = match rule.event {
        RuleEvent::ConversationCreated => "When a conversation starts".to_owned(),
        RuleEvent::MessageCreated => "When the customer writes".to_owned(),
        RuleEvent::StateChanged => "When its state changes".to_owned(),
        RuleEvent::NoReply => {
            format!(
                "When the customer has waited {} min for an answer",
                rule.after_minutes.unwrap_or_default()
            )
        }
    };
    let conditions: Vec<String> = rule.conditions.iter().map(condition).collect();
    let condition = match conditions.is_empty() {
        true => String::new(),
        false => format!(", if {}", conditions.join(" and ")),
    };
    format!("{when}{condition}: {}", summary_of(&rule.actions))
}

fn condition(condition: &Condition) -> String {
    let states = |states: &[ConversationState]| {
        states.iter().map(|s| crate::format::state_label(*s)).collect::<Vec<_>>().join(" or ")
    };
    match condition {
        Condition::Channel { channels } => {
            let names: Vec<&str> = channels.iter().map(|c| c.label()).collect();
            format!("it comes by {}", names.join(" or "))
        }
        Condition::PageUrl { contains } => format!("the page URL has “{contains}”"),
        Condition::MessageText { contains } => format!("the message has “{contains}”"),
        Condition::HasLabel { label } => format!("it is labelled {label}"),
        Condition::LacksLabel { label } => format!("it is not labelled {label}"),
        Condition::ContactAttribute { key, equals } if equals.is_null() => {
            format!("the contact has no {key}")
        }
        Condition::ContactAttribute { key, equals } => format!("the contact's {key} is {equals}"),
        Condition::BusinessHours { open: true } => "the team is open".into(),
        Condition::BusinessHours { open: false } => "the team is closed".into(),
        Condition::State { states: list } => format!("it is {}", states(list)),
    }
}

/// The list as an admin edits it: pretty JSON.
pub fn to_text(rules: &[Rule]) -> String {
    serde_json::to_string_pretty(rules).unwrap_or_else(|_| "[]".into())
}

/// The list an admin typed, or why it is not one (the edge checks the rest).
pub fn from_text(text: &str) -> Result<Vec<Rule>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(text).map_err(|e| format!("Not a list of rules: {e}"))
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::api::macros::Action;
    use switchboard_protocol::channels::Channel;

    use super::*;

    fn pricing() -> Rule {
        Rule {
            name: "Pricing page".into(),
            enabled: true,
            event: RuleEvent::ConversationCreated,
            after_minutes: None,
            conditions: vec![
                Condition::PageUrl { contains: "/pricing".into() },
                Condition::Channel { channels: vec![Channel::Webchat] },
            ],
            actions: vec![Action::AddLabels { labels: vec!["sales".into()] }, Action::SendWebhook {}],
        }
    }

    #[test]
    fn a_rule_reads_as_a_sentence() {
        assert_eq!(
            describe(&pricing()),
            "When a conversation starts, if the page URL has “/pricing” and it comes by Chat: label sales → send webhook"
        );
        let bare = Rule { conditions: vec![], event: RuleEvent::StateChanged, ..pricing() };
        assert_eq!(describe(&bare), "When its state changes: label sales → send webhook");
    }

    #[test]
    fn the_list_goes_to_text_and_back() {
        let rules = vec![pricing()];
        assert_eq!(from_text(&to_text(&rules)).unwrap(), rules);
        assert_eq!(from_text("  ").unwrap(), vec![]);
        assert!(from_text("[{\"name\": 1}]").unwrap_err().starts_with("Not a list of rules"));
    }
}
