//! Proactive messages: checking a site's list, what the page's `/launcher.js` is told of
//! them, and the first message of the conversation a visitor opens by answering one.
//!
//! The bubble and its triggers run on the page (`proactive.js`, added to `/launcher.js` by
//! [`crate::launcher::script`]): nothing is stored and no wasm loads before the visitor acts.

use serde::Serialize;
use switchboard_protocol::api::proactive::{
    ProactiveMessage, Sender, Trigger, MAX_AFTER_SECONDS, MAX_PROACTIVE_MESSAGES, MAX_PROACTIVE_NAME_CHARS,
    MAX_PROACTIVE_TEXT_CHARS, MAX_SENDER_NAME_CHARS, MAX_URL_PATTERN_CHARS,
};
use switchboard_protocol::{AgentId, ApiError, Author, ClientMessageId, Message, Seq};

/// The site's proactive messages as they will be stored: each checked (names lowercased,
/// texts trimmed), names unique; the first mistake named by its field.
pub fn validate(messages: Vec<ProactiveMessage>) -> Result<Vec<ProactiveMessage>, ApiError> {
    if messages.len() > MAX_PROACTIVE_MESSAGES {
        let why = format!("at most {MAX_PROACTIVE_MESSAGES} proactive messages");
        return Err(ApiError::bad_field("proactive_messages", why));
    }
    let mut checked: Vec<ProactiveMessage> = Vec::with_capacity(messages.len());
    for (i, message) in messages.into_iter().enumerate() {
        let at = |field: &str| format!("proactive_messages[{i}].{field}");
        let name = name_checked(&message.name).map_err(|why| ApiError::bad_field(at("name"), why))?;
        if checked.iter().any(|earlier| earlier.name == name) {
            return Err(ApiError::bad_field(at("name"), format!("{name:?} is taken by another message")));
        }
        let text = message.text.trim().to_owned();
        if text.is_empty() || text.chars().count() > MAX_PROACTIVE_TEXT_CHARS {
            return Err(ApiError::bad_field(
                at("text"),
                format!("1 to {MAX_PROACTIVE_TEXT_CHARS} characters"),
            ));
        }
        let from = match message.from {
            Sender::Bot {} => Sender::Bot {},
            Sender::Agent { agent_id, name } => {
                let name = name.trim().to_owned();
                if name.is_empty() || name.chars().count() > MAX_SENDER_NAME_CHARS {
                    let why = format!("1 to {MAX_SENDER_NAME_CHARS} characters");
                    return Err(ApiError::bad_field(at("from.name"), why));
                }
                Sender::Agent { agent_id, name }
            }
        };
        let trigger = trigger_checked(message.trigger, &at)?;
        checked.push(ProactiveMessage { name, text, from, trigger, ..message });
    }
    Ok(checked)
}

/// Whether any of `messages` is from an agent (whose account [`senders_checked`] checks).
pub fn names_agents(messages: &[ProactiveMessage]) -> bool {
    messages.iter().any(|message| matches!(message.from, Sender::Agent { .. }))
}

/// Every message from an agent names one of the site's `team`: a removed agent, or one of
/// another site, cannot speak for it.
pub fn senders_checked(messages: &[ProactiveMessage], team: &[AgentId]) -> Result<(), ApiError> {
    for (i, message) in messages.iter().enumerate() {
        if let Sender::Agent { agent_id, .. } = &message.from {
            if !team.contains(agent_id) {
                let field = format!("proactive_messages[{i}].from.agent_id");
                return Err(ApiError::bad_field(field, "not an agent of this site"));
            }
        }
    }
    Ok(())
}

fn trigger_checked(trigger: Trigger, at: &dyn Fn(&str) -> String) -> Result<Trigger, ApiError> {
    let url = trigger.url.map(|url| url.trim().to_owned()).filter(|url| !url.is_empty());
    if url.as_ref().is_some_and(|url| url.chars().count() > MAX_URL_PATTERN_CHARS) {
        let why = format!("a pattern of at most {MAX_URL_PATTERN_CHARS} characters");
        return Err(ApiError::bad_field(at("trigger.url"), why));
    }
    if trigger.after_seconds > MAX_AFTER_SECONDS {
        let why = format!("0 to {MAX_AFTER_SECONDS} seconds");
        return Err(ApiError::bad_field(at("trigger.after_seconds"), why));
    }
    let event = match trigger.event.as_deref().map(str::trim).filter(|event| !event.is_empty()) {
        Some(event) => {
            Some(name_checked(event).map_err(|why| ApiError::bad_field(at("trigger.event"), why))?)
        }
        None => None,
    };
    Ok(Trigger { url, event, ..trigger })
}

/// Whether `text` is a name as stored: 1 to [`MAX_PROACTIVE_NAME_CHARS`] lowercase ASCII
/// letters, digits, `-` and `_`. (Plain bytes: the widget checks names too, and Unicode
/// tables would cost its frame kilobytes.)
pub fn is_name(text: &str) -> bool {
    (1..=MAX_PROACTIVE_NAME_CHARS).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A message's or a trigger event's name as stored: [`is_name`] once trimmed and lowercased.
pub fn name_checked(typed: &str) -> Result<String, String> {
    let name = typed.trim().to_ascii_lowercase();
    match is_name(&name) {
        true => Ok(name),
        false => Err(format!(
            "1 to {MAX_PROACTIVE_NAME_CHARS} lowercase letters, digits, '-' or '_' (got {typed:?})"
        )),
    }
}

/// What the page is told of one message: what the bubble shows and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnPage<'a> {
    name: &'a str,
    text: &'a str,
    /// The sender's name.
    from: &'a str,
    url: Option<&'a str>,
    after: u32,
    event: Option<&'a str>,
    returning: bool,
}

/// The messages the page may show: all of them while the team is online, those not
/// `only_when_online` otherwise (`bot_name`: the flow's bot's). No more than the bubble
/// needs reaches the page (no agent ids).
pub fn on_page<'a>(messages: &'a [ProactiveMessage], offline: bool, bot_name: &'a str) -> Vec<OnPage<'a>> {
    messages
        .iter()
        .filter(|message| !(offline && message.only_when_online))
        .map(|message| OnPage {
            name: &message.name,
            text: &message.text,
            from: sender_name(&message.from, bot_name),
            url: message.trigger.url.as_deref(),
            after: message.trigger.after_seconds,
            event: message.trigger.event.as_deref(),
            returning: message.trigger.returning_visitor,
        })
        .collect()
}

fn sender_name<'a>(from: &'a Sender, bot_name: &'a str) -> &'a str {
    match from {
        Sender::Bot {} => bot_name,
        Sender::Agent { name, .. } => name,
    }
}

/// The agent a message is from (`None`: the bot): the conversation it opens goes to them
/// first ([`crate::flow::lifecycle::Lifecycle::invited_by`]).
pub fn sender_agent(message: &ProactiveMessage) -> Option<AgentId> {
    match &message.from {
        Sender::Bot {} => None,
        Sender::Agent { agent_id, .. } => Some(agent_id.clone()),
    }
}

/// The message a visitor answered as `name`, if the site has it: the conversation opens
/// with it instead of the greeting.
pub fn answered<'a>(messages: &'a [ProactiveMessage], name: &str) -> Option<&'a ProactiveMessage> {
    messages.iter().find(|message| message.name == name)
}

/// The conversation's first entry, at `seq`: the message, from its sender. Its client id
/// (`proactive-N`) cannot clash with one a client picks for itself: the bot writes through no
/// client, and an agent's console names its messages with random ids.
pub fn first_message(message: &ProactiveMessage, bot_name: &str, seq: Seq, now: i64) -> Message {
    let author = match &message.from {
        Sender::Bot {} => Author::Bot { name: bot_name.to_owned() },
        Sender::Agent { agent_id, name } => Author::Agent { id: agent_id.clone(), name: name.clone() },
    };
    let client_id = ClientMessageId::parse(format!("proactive-{}", seq.0))
        .unwrap_or_else(|_| unreachable!("`proactive-` and digits are a valid client id"));
    Message::plain(seq, client_id, author, message.text.clone(), now)
}

#[cfg(test)]
#[path = "proactive_tests.rs"]
mod tests;
