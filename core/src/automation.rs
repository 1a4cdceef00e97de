//! Automation rules (`protocol::api::automation`): checking a site's list before it is
//! stored, and which rules an event applies to a conversation — pure, so every rule about
//! rules is tested here; the conversation's object gathers the [`Facts`] and performs the
//! actions ([`crate::macros::steps_of`]).
//!
//! Loop safety, by construction:
//! - what rules do is never an event for rules (the object performs their actions without
//!   asking for rules again, and routing's answer to a rule's transfer is marked, see
//!   [`Budget::hears_routing`]);
//! - within one event, [`apply`] passes over the rules until none more applies, each rule
//!   applying at most once, so it ends after at most as many passes as there are rules;
//! - what rules do can still lead to events of others (a transfer a person then accepts):
//!   a conversation's [`Budget`] lets at most [`MAX_APPLIED_PER_HOUR`] applications
//!   through an hour, so no chain of rules and people runs on without end.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use switchboard_protocol::api::automation::{
    Condition, Rule, RuleEvent, MAX_CONDITIONS, MAX_CONDITION_CHARS, MAX_NO_REPLY_MINUTES, MAX_RULES,
};
use switchboard_protocol::api::macros::Action;
use switchboard_protocol::channels::Channel;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::ApiError;

use crate::conversation_labels;
use crate::flow::Flow;
use crate::macros::{actions_checked, name_checked, Doer};

/// Most rule applications a conversation gets in an hour.
pub const MAX_APPLIED_PER_HOUR: u32 = 50;

const HOUR_MS: i64 = 3_600_000;

/// A site's rules as they will be stored, in their order: names trimmed and unique, texts
/// looked for in lowercase, labels in their one spelling; or the first thing wrong, naming
/// its field (`automation_rules[1].conditions[0].contains`).
pub fn validate(rules: Vec<Rule>, flow: &Flow) -> Result<Vec<Rule>, ApiError> {
    if rules.len() > MAX_RULES {
        return Err(ApiError::bad_field("automation_rules", format!("at most {MAX_RULES} rules")));
    }
    let mut names = BTreeSet::new();
    rules
        .into_iter()
        .enumerate()
        .map(|(n, rule)| {
            let at = |field: &str| format!("automation_rules[{n}].{field}");
            let name = name_checked(&rule.name, at("name"))?;
            if !names.insert(name.to_lowercase()) {
                return Err(ApiError::bad_field(at("name"), format!("another rule is named {name:?}")));
            }
            if rule.conditions.len() > MAX_CONDITIONS {
                return Err(ApiError::bad_field(
                    at("conditions"),
                    format!("at most {MAX_CONDITIONS} conditions"),
                ));
            }
            match (rule.event, rule.after_minutes) {
                (RuleEvent::NoReply, Some(minutes)) if (1..=MAX_NO_REPLY_MINUTES).contains(&minutes) => {}
                (RuleEvent::NoReply, _) => {
                    return Err(ApiError::bad_field(
                        at("after_minutes"),
                        format!("1 to {MAX_NO_REPLY_MINUTES} minutes"),
                    ));
                }
                (_, Some(_)) => return Err(ApiError::bad_field(at("after_minutes"), "only for no_reply")),
                (_, None) => {}
            }
            let conditions = rule
                .conditions
                .into_iter()
                .enumerate()
                .map(|(i, condition)| {
                    condition_checked(condition, rule.event, &at(&format!("conditions[{i}]")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let actions = actions_checked(rule.actions, flow, Doer::Rule, &at("actions"))?;
            Ok(Rule { name, conditions, actions, ..rule })
        })
        .collect()
}

fn condition_checked(condition: Condition, event: RuleEvent, at: &str) -> Result<Condition, ApiError> {
    let text = |typed: String, field: &str| {
        let text = typed.trim().to_lowercase();
        match (1..=MAX_CONDITION_CHARS).contains(&text.chars().count()) {
            true => Ok(text),
            false => Err(ApiError::bad_field(
                format!("{at}.{field}"),
                format!("1 to {MAX_CONDITION_CHARS} characters"),
            )),
        }
    };
    let label = |typed: String| {
        conversation_labels::label(&typed)
            .ok_or_else(|| ApiError::bad_field(format!("{at}.label"), "not a label (see PUT …/labels)"))
    };
    Ok(match condition {
        Condition::Channel { channels } if channels.is_empty() => {
            return Err(ApiError::bad_field(format!("{at}.channels"), "at least one channel"));
        }
        Condition::State { states } if states.is_empty() => {
            return Err(ApiError::bad_field(format!("{at}.states"), "at least one state"));
        }
        Condition::MessageText { .. } if matches!(event, RuleEvent::StateChanged | RuleEvent::NoReply) => {
            return Err(ApiError::bad_field(
                format!("{at}.type"),
                "only a message event has a message to look at",
            ));
        }
        Condition::PageUrl { contains } => Condition::PageUrl { contains: text(contains, "contains")? },
        Condition::MessageText { contains } => {
            Condition::MessageText { contains: text(contains, "contains")? }
        }
        Condition::HasLabel { label: typed } => Condition::HasLabel { label: label(typed)? },
        Condition::LacksLabel { label: typed } => Condition::LacksLabel { label: label(typed)? },
        Condition::ContactAttribute { key, equals } => {
            let well_formed = (1..=40).contains(&key.len())
                && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !well_formed {
                return Err(ApiError::bad_field(
                    format!("{at}.key"),
                    "1 to 40 lowercase letters, digits or _",
                ));
            }
            if equals.is_array() || equals.is_object() {
                return Err(ApiError::bad_field(
                    format!("{at}.equals"),
                    "text, a number, true/false or null",
                ));
            }
            Condition::ContactAttribute { key, equals }
        }
        other => other,
    })
}

/// What rules see of a conversation when an event happens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Where its customer writes from.
    pub channel: Channel,
    /// The page its visitor is on (webchat).
    pub page_url: Option<String>,
    /// The text of the message that set the rules off, if one did.
    pub text: Option<String>,
    /// Its labels (with those rules added in this event).
    pub labels: Vec<String>,
    /// Its contact's attributes (as the page, the bot or the site's backend told them).
    pub contact: BTreeMap<String, String>,
    /// The team's business hours are open now.
    pub open: bool,
    /// Its state (as rules in this event left it).
    pub state: ConversationState,
}

/// Whether an event's rules look at what the site's index holds (labels), which the
/// conversation must ask for.
pub fn needs_labels(rules: &[Rule], event: RuleEvent) -> bool {
    rules.iter().filter(|rule| rule.enabled && rule.event == event).any(|rule| {
        rule.conditions.iter().any(|c| matches!(c, Condition::HasLabel { .. } | Condition::LacksLabel { .. }))
    })
}

/// Whether `condition` holds for `facts`.
pub fn holds(condition: &Condition, facts: &Facts) -> bool {
    let has = |haystack: &Option<String>, needle: &str| {
        haystack.as_ref().is_some_and(|text| text.to_lowercase().contains(needle))
    };
    match condition {
        Condition::Channel { channels } => channels.contains(&facts.channel),
        Condition::PageUrl { contains } => has(&facts.page_url, contains),
        Condition::MessageText { contains } => has(&facts.text, contains),
        Condition::HasLabel { label } => facts.labels.contains(label),
        Condition::LacksLabel { label } => !facts.labels.contains(label),
        Condition::ContactAttribute { key, equals } => match (facts.contact.get(key), equals) {
            (None, serde_json::Value::Null) => true,
            (Some(value), serde_json::Value::String(wanted)) => value == wanted,
            (Some(value), wanted @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                value.as_str() == wanted.to_string().as_str()
            }
            _ => false,
        },
        Condition::BusinessHours { open } => facts.open == *open,
        Condition::State { states } => states.contains(&facts.state),
    }
}

/// A rule that applied, and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The rule's name.
    pub rule: String,
    /// Its actions, in order.
    pub actions: Vec<Action>,
}

/// The rules `event` applies, in the order they apply: passes over the site's rules until
/// none more applies, each at most once, every one seeing `facts` as the actions of those
/// before it left them (labels, state).
pub fn apply(rules: &[Rule], event: RuleEvent, facts: &mut Facts) -> Vec<Applied> {
    let mut applied = Vec::new();
    let mut done = vec![false; rules.len()];
    loop {
        let mut any = false;
        for (n, rule) in rules.iter().enumerate() {
            if done[n] || !rule.enabled || rule.event != event {
                continue;
            }
            if rule.conditions.iter().all(|condition| holds(condition, facts)) {
                done[n] = true;
                any = true;
                for action in &rule.actions {
                    facts.after(action);
                }
                applied.push(Applied { rule: rule.name.clone(), actions: rule.actions.clone() });
            }
        }
        if !any {
            return applied;
        }
    }
}

impl Facts {
    /// The facts once `action` is done.
    fn after(&mut self, action: &Action) {
        match action {
            Action::AddLabels { labels } => {
                self.labels = conversation_labels::edit(&self.labels, labels, &[])
                    .unwrap_or_else(|_| self.labels.clone())
            }
            Action::RemoveLabels { labels } => self.labels.retain(|label| !labels.contains(label)),
            Action::Resolve {} => self.state = ConversationState::Resolved,
            Action::Snooze { .. } => self.state = ConversationState::Snoozed,
            Action::AssignAgent { .. } if self.with_humans() => self.state = ConversationState::Assigned,
            Action::AssignQueue { .. } if self.with_humans() => self.state = ConversationState::Queued,
            _ => {}
        }
    }

    fn with_humans(&self) -> bool {
        matches!(self.state, ConversationState::Queued | ConversationState::Assigned)
    }
}

/// The events a customer's message sets off, in order, for a conversation in `state` when it
/// came: `conversation_created` for a new one's first, then `message_created`.
pub fn events_of_customer_message(state: ConversationState) -> Vec<RuleEvent> {
    let created = (state == ConversationState::New).then_some(RuleEvent::ConversationCreated);
    created.into_iter().chain([RuleEvent::MessageCreated]).collect()
}

/// Whether the rules `applied` to a customer's message close it on arrival (one resolves or
/// snoozes the conversation): the flow then does not see the message — the bot does not
/// answer it, it is not routed, it reopens nothing.
pub fn closes(applied: &[Applied]) -> bool {
    applied
        .iter()
        .flat_map(|a| &a.actions)
        .any(|action| matches!(action, Action::Resolve {} | Action::Snooze { .. }))
}

/// The note that logs a rule's application for agents: what it did, and what it could not
/// (each with the reason).
pub fn note(rule: &str, done: &[Action], failed: &[(Action, String)]) -> String {
    let mut note = format!("Automation rule “{rule}”: {}", crate::macros::summary_of(done));
    if done.is_empty() {
        note = format!("Automation rule “{rule}”:");
    }
    for (action, why) in failed {
        note.push_str(&format!(" (could not {}: {why})", crate::macros::describe(action)));
    }
    note
}

/// When the next `no_reply` rule comes due for a customer waiting since `waiting_since`
/// (none waiting, or every one done for this wait: none).
pub fn no_reply_due(rules: &[Rule], waiting_since: Option<i64>, budget: &Budget) -> Option<i64> {
    let since = waiting_since?;
    let done = if budget.wait == Some(since) { budget.waited_minutes } else { 0 };
    no_reply_minutes(rules)
        .filter(|&minutes| minutes > done)
        .min()
        .map(|minutes| since + i64::from(minutes) * 60_000)
}

/// The `no_reply` rules whose time has come at `now` for a customer waiting since
/// `waiting_since`, each once a wait (recorded in `budget`); their conditions are then
/// [`apply`]'s to check.
pub fn no_reply_now(rules: &[Rule], waiting_since: Option<i64>, budget: &mut Budget, now: i64) -> Vec<Rule> {
    let Some(since) = waiting_since else { return Vec::new() };
    if budget.wait != Some(since) {
        (budget.wait, budget.waited_minutes) = (Some(since), 0);
    }
    let waited = ((now - since).max(0) / 60_000).min(i64::from(u32::MAX)) as u32;
    let done = budget.waited_minutes;
    let due: Vec<Rule> = rules
        .iter()
        .filter(|rule| rule.enabled && rule.event == RuleEvent::NoReply)
        .filter(|rule| rule.after_minutes.is_some_and(|m| m > done && m <= waited))
        .cloned()
        .collect();
    budget.waited_minutes = due.iter().filter_map(|rule| rule.after_minutes).fold(done, u32::max);
    due
}

fn no_reply_minutes(rules: &[Rule]) -> impl Iterator<Item = u32> + '_ {
    rules
        .iter()
        .filter(|rule| rule.enabled && rule.event == RuleEvent::NoReply)
        .filter_map(|rule| rule.after_minutes)
}

/// What a conversation remembers for its rules: how many applications it had in the
/// current hour, how far the current wait's `no_reply` rules have run, and whether routing's
/// next notice answers a rule's transfer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// A rule asked routing for a transfer: the state change its notice brings is the rule's
    /// doing, no event for rules.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rule_routed: bool,
    /// When the current hour started.
    #[serde(default)]
    pub window_start: i64,
    /// Applications in it.
    #[serde(default)]
    pub applied: u32,
    /// The wait (its start) whose `no_reply` rules ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<i64>,
    /// How far they ran: rules for up to this many minutes are done.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waited_minutes: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Budget {
    /// Whether a routing notice's change of state is an event for rules: not the one that
    /// answers a rule's transfer (which it uses up).
    pub fn hears_routing(&mut self) -> bool {
        !std::mem::take(&mut self.rule_routed)
    }

    /// How many of `wanted` applications may go ahead at `now` (counted as spent).
    pub fn spend(&mut self, wanted: usize, now: i64) -> usize {
        if now - self.window_start >= HOUR_MS || now < self.window_start {
            (self.window_start, self.applied) = (now, 0);
        }
        let allowed = (MAX_APPLIED_PER_HOUR.saturating_sub(self.applied) as usize).min(wanted);
        self.applied += allowed as u32;
        allowed
    }
}

#[cfg(test)]
#[path = "automation_tests.rs"]
mod tests;
