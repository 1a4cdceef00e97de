//! Auto-resolve: a conversation whose visitor went quiet after the team's last word resolves
//! itself after the site's idle time, with an optional closing message from the bot.
//!
//! The idle clock runs only while nothing is owed to the visitor: after an agent's answer
//! (an assigned conversation with no unanswered visitor message) or the bot's (a conversation
//! the bot holds). It never runs while the visitor waits for an agent (queued, pending until
//! opening time, or assigned with a message unanswered), nor for a conversation the team
//! started and whose answer it awaits. A visitor typing when the time comes gets another
//! [`TYPING_GRACE_MS`]: they are about to answer.
//!
//! The clock stops when the visitor writes (`Lifecycle::visitor_wrote_to_humans` and
//! `visitor_wrote`, which every visitor message passes), when the conversation is handed to a
//! queue or changes hands (the new holder's answer starts it), and on any recorded state
//! change (resolve, snooze).

use serde::{Deserialize, Serialize};
use switchboard_protocol::routing::ConversationState;

use super::bot::Say;
use super::lifecycle::{Effect, FlowIn, Lifecycle};
use super::FlowError;

/// How long a visitor who was typing when the idle time ran out gets to send it, ms.
pub const TYPING_GRACE_MS: i64 = 60_000;

/// Longest idle time a site may set: thirty days, in minutes.
pub const MAX_AFTER_MINUTES: u32 = 43_200;

/// Longest closing message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1_000;

/// A site's auto-resolve setting (the flow's `auto_resolve`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoResolve {
    /// Minutes of the visitor's silence after the team's last word.
    pub after_minutes: u32,
    /// What the bot says as it resolves ("We'll close this chat for now — write any time
    /// to open it again."); none: it resolves silently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl AutoResolve {
    /// Checks the numbers and the message.
    pub fn validate(&self) -> Result<(), FlowError> {
        if !(1..=MAX_AFTER_MINUTES).contains(&self.after_minutes) {
            return Err(FlowError::Range("auto_resolve.after_minutes must be 1 to 43200 (30 days)"));
        }
        if self.message.as_ref().is_some_and(|m| m.trim().is_empty() || m.chars().count() > MAX_MESSAGE_CHARS)
        {
            return Err(FlowError::Range("auto_resolve.message must be 1 to 1000 characters"));
        }
        Ok(())
    }

    fn after_ms(&self) -> i64 {
        i64::from(self.after_minutes) * 60_000
    }
}

impl Lifecycle {
    /// The team (an agent's answer, or the bot) just spoke: with `auto` set the idle clock
    /// starts afresh where it may run, else it stops. Says whether the alarm moves.
    pub fn team_spoke(&mut self, auto: Option<&AutoResolve>, now: i64) -> bool {
        let until = auto.filter(|_| self.idle_clock_may_run()).map(|auto| now + auto.after_ms());
        std::mem::replace(&mut self.idle_until, until) != until
    }

    /// Whether an agent's answer here would start the idle clock (the edge asks before it
    /// looks the site's setting up).
    pub fn idle_clock_may_run(&self) -> bool {
        if self.awaiting_reply {
            return false;
        }
        match self.state {
            ConversationState::Bot => true,
            ConversationState::Assigned => self.waiting_since.is_none(),
            _ => false,
        }
    }

    /// When the object's alarm is next needed by the flow: the soonest of its wake-up and
    /// the idle clock.
    pub fn next_wake(&self) -> Option<i64> {
        self.wake_at.into_iter().chain(self.idle_until).min()
    }

    /// The alarm rang: resolves an idle conversation whose time is up, unless the visitor is
    /// typing (seen at `visitor_typed_at`) — then it looks again after a grace.
    pub(super) fn idle_check(
        &mut self,
        flow: &FlowIn<'_>,
        visitor_typed_at: Option<i64>,
        now: i64,
    ) -> Vec<Effect> {
        let Some(until) = self.idle_until.filter(|until| *until <= now) else { return Vec::new() };
        self.idle_until = None;
        let Some(auto) = flow.auto_resolve.as_ref().filter(|_| self.idle_clock_may_run()) else {
            return Vec::new();
        };
        if visitor_typed_at.is_some_and(|typed| now - typed < TYPING_GRACE_MS) {
            self.idle_until = Some(now.max(until) + TYPING_GRACE_MS);
            return vec![Effect::Wake(self.next_wake())];
        }
        self.wake_at = None;
        let mut steps: Vec<Effect> =
            auto.message.iter().map(|text| Effect::Say(Say::text(text.clone()))).collect();
        steps.extend(self.change(ConversationState::Resolved, vec![Effect::Unroute, Effect::Wake(None)]));
        steps
    }
}

#[cfg(test)]
mod tests;
