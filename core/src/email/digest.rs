//! The digest of what an agent missed: offers they let lapse, conversations given to them
//! while their console was closed, and customers' messages in their conversations while it
//! was closed — one email a while after the first such thing (never one per event), none if
//! they came back in the meantime (they see it all in the console), none if they turned it off.
//! Here: what counts as missed, when the digest is due, and what it says.

use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::routing::Release;
use switchboard_protocol::{AgentId, ConversationId, Role};

use super::continuity::{escape, Composed};
use crate::routing::Effect;

/// How long after the first missed thing the digest goes, unless the deployment says otherwise.
pub const DEFAULT_DELAY_MS: i64 = 15 * 60 * 1000;

/// The most conversations one agent's digest keeps (the rest are counted, not listed).
pub const MAX_ITEMS: usize = 50;

/// What an agent missed in one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Missed {
    /// It was offered to them and the offer lapsed unanswered.
    Offer,
    /// It was given to them while their console was closed.
    Assignment,
    /// Its customer wrote while it was theirs and their console was closed.
    Message,
}

impl Missed {
    /// Its name in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Missed::Offer => "offer",
            Missed::Assignment => "assignment",
            Missed::Message => "message",
        }
    }

    /// From its name in storage.
    pub fn parse(name: &str) -> Option<Missed> {
        [Missed::Offer, Missed::Assignment, Missed::Message].into_iter().find(|m| m.as_str() == name)
    }
}

/// What a routing decision means for the digest: a lapsed offer is missed whatever the
/// agent's console; an assignment only when it is closed (`present` says whether it is open).
pub fn from_effect(
    effect: &Effect,
    present: impl Fn(&AgentId) -> bool,
) -> Option<(AgentId, ConversationId, Missed)> {
    match effect {
        Effect::Released { conversation, agent, reason: Release::OfferExpired } => {
            Some((agent.clone(), conversation.clone(), Missed::Offer))
        }
        Effect::Assigned { conversation, agent } if !present(agent) => {
            Some((agent.clone(), conversation.clone(), Missed::Assignment))
        }
        _ => None,
    }
}

/// What a conversation's news means for the digest: its customer wrote while it was an
/// agent's and that agent's console was closed.
pub fn from_activity(
    summary: &ConversationSummary,
    present: impl Fn(&AgentId) -> bool,
) -> Option<(AgentId, ConversationId, Missed)> {
    let agent = summary.assignee.as_ref()?;
    let customer_wrote = summary.last_message.as_ref().is_some_and(|m| m.role == Role::Visitor);
    (customer_wrote && !present(agent)).then(|| (agent.clone(), summary.id.clone(), Missed::Message))
}

/// When the digest of things first missed at `first_at` goes.
pub fn due_at(first_at: i64, delay_ms: i64) -> i64 {
    first_at + delay_ms
}

/// One conversation in a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What was missed in it.
    pub missed: Missed,
    /// How many times (messages, offers).
    pub count: u32,
    /// Who the customer is, as the inbox names them.
    pub who: Option<String>,
    /// The newest words, as the inbox previews them.
    pub text: Option<String>,
}

/// The digest for `agent_name` of `site_name`, with the console's address.
pub fn compose(site_name: &str, agent_name: &str, items: &[Item], console_url: &str) -> Composed {
    let one_line = |text: &str| text.chars().filter(|c| !c.is_control()).collect::<String>();
    let subject = one_line(&format!("What you missed on {site_name}"));
    let mut text = format!("Hi {},\n\nWhile you were away from {site_name}:\n\n", one_line(agent_name));
    let mut html = format!(
        "<p>Hi {},</p><p>While you were away from {}:</p><ul>",
        escape(agent_name),
        escape(site_name)
    );
    for item in items {
        let who = item.who.as_deref().unwrap_or("A visitor");
        let what = match (item.missed, item.count) {
            (Missed::Offer, 1) => format!("{who}'s conversation was offered to you"),
            (Missed::Offer, n) => format!("{who}'s conversation was offered to you {n} times"),
            (Missed::Assignment, _) => format!("{who}'s conversation was given to you"),
            (Missed::Message, 1) => format!("{who} wrote to you"),
            (Missed::Message, n) => format!("{who} wrote to you {n} times"),
        };
        let said =
            item.text.as_deref().map(|t| format!(": \u{201c}{}\u{201d}", one_line(t))).unwrap_or_default();
        text.push_str(&format!("- {what}{said}\n"));
        html.push_str(&format!("<li>{}{}</li>", escape(&what), escape(&said)));
    }
    text.push_str(&format!(
        "\nOpen the console: {console_url}\n\nYou can turn these emails off in the console.\n"
    ));
    html.push_str(&format!(
        "</ul><p><a href=\"{}\">Open the console</a></p><p style=\"color:#666\">You can turn these emails off in the console.</p>",
        escape(console_url)
    ));
    Composed { subject, text, html }
}

#[cfg(test)]
mod tests;
