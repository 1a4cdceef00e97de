//! Macros (`protocol::api::macros`): checking a site's list before it is stored, finding the
//! one a run names, and turning its actions into the steps the edge performs — each the same
//! step an agent's button or REST call is, so a macro is logged as the actions it is made of.

use std::collections::BTreeSet;

use switchboard_protocol::api::macros::{
    Action, Macro, MAX_MACROS, MAX_MACRO_ACTIONS, MAX_MACRO_NAME_CHARS, MAX_SNOOZE_MINUTES,
};
use switchboard_protocol::inbox::Priority;
use switchboard_protocol::{AgentId, ApiError, ErrorCode, QueueId};

use crate::flow::Flow;
use crate::{canned, conversation_labels, ingest};

/// One step of a run, in the vocabulary of the calls that perform it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A message from the runner (`internal`: a private note).
    Post {
        /// Its text.
        text: String,
        /// A note for the team.
        internal: bool,
    },
    /// Labels added and taken off the conversation's (stored spellings).
    Labels {
        /// Added, kept ones staying where they are.
        add: Vec<String>,
        /// Taken off.
        remove: Vec<String>,
    },
    /// The conversation's priority.
    Priority(Option<Priority>),
    /// A transfer, to exactly one of a queue or an agent.
    Transfer {
        /// To this queue.
        queue: Option<QueueId>,
        /// To this agent.
        agent: Option<AgentId>,
    },
    /// Aside until then (ms since the Unix epoch).
    Snooze(i64),
    /// Resolved.
    Resolve,
    /// The `automation.rule_applied` webhook event (rules only).
    Webhook,
}

/// A site's macros as they will be stored: shortcuts and labels in their one spelling, names
/// trimmed, sorted by shortcut; or the first thing wrong, naming its field (`macros[2].…`).
pub fn validate(list: Vec<Macro>, flow: &Flow) -> Result<Vec<Macro>, ApiError> {
    if list.len() > MAX_MACROS {
        return Err(ApiError::bad_field("macros", format!("at most {MAX_MACROS} macros")));
    }
    let mut seen = BTreeSet::new();
    let mut checked = Vec::with_capacity(list.len());
    for (n, item) in list.into_iter().enumerate() {
        let at = |field: &str| format!("macros[{n}].{field}");
        let shortcut =
            canned::shortcut(&item.shortcut).map_err(|e| ApiError::bad_field(at("shortcut"), e.message))?;
        if !seen.insert(shortcut.clone()) {
            return Err(ApiError::bad_field(
                at("shortcut"),
                format!("/{shortcut} is already another macro's"),
            ));
        }
        let name = name_checked(&item.name, at("name"))?;
        let actions = actions_checked(item.actions, flow, Doer::Macro, &at("actions"))?;
        checked.push(Macro { shortcut, name, actions });
    }
    checked.sort_by(|a, b| a.shortcut.cmp(&b.shortcut));
    Ok(checked)
}

/// A macro's or a rule's name as stored (trimmed, 1 to [`MAX_MACRO_NAME_CHARS`]
/// characters), or the error naming `field`.
pub(crate) fn name_checked(typed: &str, field: String) -> Result<String, ApiError> {
    let name = typed.trim().to_owned();
    match (1..=MAX_MACRO_NAME_CHARS).contains(&name.chars().count()) {
        true => Ok(name),
        false => Err(ApiError::bad_field(field, format!("1 to {MAX_MACRO_NAME_CHARS} characters"))),
    }
}

/// Who performs a list of actions: an agent's macro, or an automation rule (which may also
/// send a webhook).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Doer {
    Macro,
    Rule,
}

/// A macro's or a rule's actions (at field `at`) as they will be stored: 1 to
/// [`MAX_MACRO_ACTIONS`], each checked, `snooze`/`resolve` only last.
pub(crate) fn actions_checked(
    actions: Vec<Action>,
    flow: &Flow,
    doer: Doer,
    at: &str,
) -> Result<Vec<Action>, ApiError> {
    if !(1..=MAX_MACRO_ACTIONS).contains(&actions.len()) {
        return Err(ApiError::bad_field(at, format!("1 to {MAX_MACRO_ACTIONS} actions")));
    }
    let last = actions.len() - 1;
    actions
        .into_iter()
        .enumerate()
        .map(|(i, action)| {
            action_checked(action, i == last, flow, doer).map_err(|e| nest(e, &format!("{at}[{i}]")))
        })
        .collect()
}

/// `error` about a field inside an action, said of the action's place in the list.
fn nest(error: ApiError, at: &str) -> ApiError {
    let field = match &error.field {
        Some(inner) => format!("{at}.{inner}"),
        None => at.to_owned(),
    };
    let message = error.message.split_once(": ").map_or(error.message.as_str(), |(_, m)| m).to_owned();
    ApiError::bad_field(field, message)
}

fn action_checked(action: Action, is_last: bool, flow: &Flow, doer: Doer) -> Result<Action, ApiError> {
    Ok(match action {
        Action::SendMessage { ref text } | Action::AddNote { ref text } => {
            ingest::check_text(text).map_err(|e| ApiError::bad_field("text", e.message))?;
            action
        }
        Action::AddLabels { labels } => Action::AddLabels { labels: some_labels(&labels)? },
        Action::RemoveLabels { labels } => Action::RemoveLabels { labels: some_labels(&labels)? },
        Action::AssignQueue { queue } if !flow.queues.iter().any(|q| q.id == queue) => {
            return Err(ApiError::bad_field("queue", format!("the flow has no queue {queue}")));
        }
        Action::Snooze { minutes } if !(1..=MAX_SNOOZE_MINUTES).contains(&minutes) => {
            return Err(ApiError::bad_field("minutes", format!("1 to {MAX_SNOOZE_MINUTES} minutes")));
        }
        Action::SendWebhook {} if doer == Doer::Macro => {
            return Err(ApiError::bad_field("type", "only automation rules send webhooks"));
        }
        Action::Snooze { .. } | Action::Resolve {} if !is_last => {
            return Err(ApiError::bad_field("type", "snooze and resolve end a macro: only the last action"));
        }
        other => other,
    })
}

fn some_labels(typed: &[String]) -> Result<Vec<String>, ApiError> {
    if typed.is_empty() {
        return Err(ApiError::bad_field("labels", "at least one label"));
    }
    conversation_labels::labels(typed)
}

/// The macro a run names (its shortcut as typed, with or without the `/`).
pub fn find<'a>(macros: &'a [Macro], shortcut: &str) -> Result<&'a Macro, ApiError> {
    let wanted = shortcut.trim_start_matches('/').to_lowercase();
    macros
        .iter()
        .find(|m| m.shortcut == wanted)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no macro /{wanted}")))
}

/// The steps a run at `now` performs, in order: one for each action.
pub fn steps(item: &Macro, now: i64) -> Vec<Step> {
    steps_of(&item.actions, now)
}

/// The steps `actions` make at `now` (a macro's or a rule's), in order.
pub fn steps_of(actions: &[Action], now: i64) -> Vec<Step> {
    actions
        .iter()
        .map(|action| match action.clone() {
            Action::SendMessage { text } => Step::Post { text, internal: false },
            Action::AddNote { text } => Step::Post { text, internal: true },
            Action::AddLabels { labels } => Step::Labels { add: labels, remove: Vec::new() },
            Action::RemoveLabels { labels } => Step::Labels { add: Vec::new(), remove: labels },
            Action::SetPriority { priority } => Step::Priority(priority),
            Action::AssignQueue { queue } => Step::Transfer { queue: Some(queue), agent: None },
            Action::AssignAgent { agent } => Step::Transfer { queue: None, agent: Some(agent) },
            Action::Snooze { minutes } => Step::Snooze(now + i64::from(minutes) * 60_000),
            Action::Resolve {} => Step::Resolve,
            Action::SendWebhook {} => Step::Webhook,
        })
        .collect()
}

/// The macros a reply draft asks for (`/` and part of a shortcut), ordered as canned
/// responses are ([`canned::matching`]).
pub fn suggestions<'a>(macros: &'a [Macro], draft: &str) -> Vec<&'a Macro> {
    canned::matching(macros, draft, |m| &m.shortcut)
}

/// What an action does, in a few words for the macro's list and button title.
pub fn describe(action: &Action) -> String {
    match action {
        Action::SendMessage { text } => format!("reply “{}”", short(text)),
        Action::AddNote { text } => format!("note “{}”", short(text)),
        Action::AddLabels { labels } => format!("label {}", labels.join(", ")),
        Action::RemoveLabels { labels } => format!("unlabel {}", labels.join(", ")),
        Action::SetPriority { priority: Some(priority) } => format!("priority {}", priority.as_str()),
        Action::SetPriority { priority: None } => "no priority".into(),
        Action::AssignQueue { queue } => format!("to queue {queue}"),
        Action::AssignAgent { .. } => "to an agent".into(),
        Action::Snooze { minutes } if minutes % 1_440 == 0 => format!("snooze {} d", minutes / 1_440),
        Action::Snooze { minutes } if minutes % 60 == 0 => format!("snooze {} h", minutes / 60),
        Action::Snooze { minutes } => format!("snooze {minutes} min"),
        Action::Resolve {} => "resolve".into(),
        Action::SendWebhook {} => "send webhook".into(),
    }
}

/// The whole macro in a line: its actions described, in order.
pub fn summary(item: &Macro) -> String {
    summary_of(&item.actions)
}

/// `actions` (a macro's or a rule's) in a line, in order.
pub fn summary_of(actions: &[Action]) -> String {
    actions.iter().map(describe).collect::<Vec<_>>().join(" → ")
}

fn short(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
#[path = "macros_tests.rs"]
mod tests;
