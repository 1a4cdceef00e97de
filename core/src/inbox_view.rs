//! The console's inbox views: which conversations each view (Mine, Unassigned, All, Bot,
//! Resolved) shows, narrowed to a queue and a search, and how many each holds.

use std::collections::BTreeSet;
use switchboard_protocol::contact::Contact;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::routing::ConversationState;

use switchboard_protocol::{AgentId, ConversationId, QueueId};

/// One inbox view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum View {
    /// Assigned to the signed-in agent.
    Mine,
    /// Waiting for an agent: in a queue, or left for the team outside business hours.
    Unassigned,
    /// Everything (the view a console opens on: small teams watch it all).
    #[default]
    All,
    /// With the bot (or just started).
    Bot,
    /// Done or put aside.
    Resolved,
}

impl View {
    /// Every view, in the order the console lists them.
    pub const ALL: [View; 5] = [View::Mine, View::Unassigned, View::All, View::Bot, View::Resolved];

    /// Its name on screen.
    pub fn label(self) -> &'static str {
        match self {
            View::Mine => "Mine",
            View::Unassigned => "Unassigned",
            View::All => "All",
            View::Bot => "Bot",
            View::Resolved => "Resolved",
        }
    }

    /// Whether this view shows `summary` to agent `me`.
    pub fn shows(self, summary: &ConversationSummary, me: &AgentId) -> bool {
        use ConversationState::*;
        match self {
            View::Mine => summary.state == Assigned && summary.assignee.as_ref() == Some(me),
            View::Unassigned => matches!(summary.state, Queued | Pending),
            View::All => true,
            View::Bot => matches!(summary.state, Bot | New),
            View::Resolved => matches!(summary.state, Resolved | Snoozed),
        }
    }
}

/// What the inbox list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The view.
    pub view: View,
    /// Only this queue's conversations, when set.
    pub queue: Option<QueueId>,
    /// Only conversations of this priority, when set.
    pub priority: Option<switchboard_protocol::inbox::Priority>,
    /// Only conversations carrying this label, when set.
    pub label: Option<String>,
    /// Only conversations whose visitor or last message matches this text (case-insensitive,
    /// every word must match somewhere); empty matches everything.
    pub query: String,
    /// Conversations the edge's full-text search found for `query` (in any message, not
    /// only the last): shown too.
    pub hits: BTreeSet<ConversationId>,
}

impl Filter {
    /// Whether the list shows `summary` to agent `me`.
    pub fn shows(&self, summary: &ConversationSummary, me: &AgentId) -> bool {
        self.view.shows(summary, me)
            && self.queue.as_ref().is_none_or(|queue| summary.queue.as_ref() == Some(queue))
            && self.priority.is_none_or(|priority| summary.priority == Some(priority))
            && self.label.as_ref().is_none_or(|label| summary.labels.contains(label))
            && (matches_query(summary, &self.query) || self.hits.contains(&summary.id))
    }

    /// How many conversations each view would show with this filter's queue and search.
    pub fn counts(&self, summaries: &[ConversationSummary], me: &AgentId) -> Vec<(View, usize)> {
        View::ALL
            .iter()
            .map(|&view| {
                let filter = Filter { view, ..self.clone() };
                (view, summaries.iter().filter(|s| filter.shows(s, me)).count())
            })
            .collect()
    }
}

/// Whether every word of `query` occurs (case-insensitively) in the visitor's name, id,
/// email or the last message.
pub fn matches_query(summary: &ConversationSummary, query: &str) -> bool {
    let haystack = [
        summary.visitor_name.as_deref().unwrap_or_default(),
        summary.visitor_id.as_str(),
        summary.contact.as_ref().and_then(|c| c.email.as_deref()).unwrap_or_default(),
        summary.contact.as_ref().and_then(Contact::best_email).unwrap_or_default(),
        summary
            .contact
            .as_ref()
            .and_then(|c| Some(c.identity.as_ref()?.user_id.as_str()))
            .unwrap_or_default(),
        summary.last_message.as_ref().map(|m| m.text.as_str()).unwrap_or_default(),
    ]
    .join("\n")
    .to_lowercase();
    query.split_whitespace().all(|word| haystack.contains(&word.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::inbox::{MessagePreview, Priority};
    use switchboard_protocol::{ConversationId, Role, Seq, VisitorId};

    use super::*;

    fn summary(
        n: u8,
        state: ConversationState,
        assignee: Option<&AgentId>,
        text: &str,
    ) -> ConversationSummary {
        ConversationSummary {
            visitor_name: (n == 1).then(|| "Ada Lovelace".to_owned()),
            last_message: Some(MessagePreview { role: Role::Visitor, text: text.into(), sent_at: 0 }),
            last_seq: Seq(1),
            state,
            assignee: assignee.cloned(),
            queue: n.is_multiple_of(2).then(|| QueueId::parse("sales").unwrap()),
            ..ConversationSummary::empty(
                ConversationId::from_random([n; 16]),
                VisitorId::from_random([n; 16]),
                0,
            )
        }
    }

    #[test]
    fn each_view_shows_its_conversations_and_counts_them() {
        let me = AgentId::from_random([1; 16]);
        let other = AgentId::from_random([2; 16]);
        let all = [
            summary(1, ConversationState::Assigned, Some(&me), "Where is my parcel?"),
            summary(2, ConversationState::Assigned, Some(&other), "Invoice please"),
            summary(3, ConversationState::Queued, None, "Hello?"),
            summary(4, ConversationState::Bot, None, "shipping"),
            summary(5, ConversationState::Resolved, None, "thanks"),
            summary(6, ConversationState::Pending, None, "anyone?"),
        ];
        assert_eq!(Filter::default().view, View::All);
        let counts = Filter::default().counts(&all, &me);
        assert_eq!(
            counts,
            [(View::Mine, 1), (View::Unassigned, 2), (View::All, 6), (View::Bot, 1), (View::Resolved, 1)]
        );
        let sales = Filter { view: View::All, queue: QueueId::parse("sales").ok(), ..Filter::default() };
        assert_eq!(all.iter().filter(|s| sales.shows(s, &me)).count(), 3);
        let mut urgent = all.clone();
        urgent[2].priority = Some(Priority::Urgent);
        urgent[3].priority = Some(Priority::Low);
        let only_urgent = Filter { priority: Some(Priority::Urgent), ..Filter::default() };
        let shown: Vec<_> =
            urgent.iter().filter(|s| only_urgent.shows(s, &me)).map(|s| s.id.clone()).collect();
        assert_eq!(shown, vec![urgent[2].id.clone()]);
        let mut labelled = all.clone();
        labelled[1].labels = vec!["vip".into(), "refund".into()];
        let only_vip = Filter { label: Some("vip".into()), ..Filter::default() };
        let shown: Vec<_> =
            labelled.iter().filter(|s| only_vip.shows(s, &me)).map(|s| s.id.clone()).collect();
        assert_eq!(shown, vec![labelled[1].id.clone()]);
    }

    #[test]
    fn search_matches_every_word_in_name_or_message() {
        let me = AgentId::from_random([1; 16]);
        let ada = summary(1, ConversationState::Assigned, Some(&me), "Where is my PARCEL?");
        assert!(matches_query(&ada, "ada parcel"));
        assert!(matches_query(&ada, "  "));
        assert!(!matches_query(&ada, "ada invoice"));
    }
}
