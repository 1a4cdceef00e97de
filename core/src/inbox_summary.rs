//! What the inbox shows of a conversation: the summary its object sends the site after each
//! entry (coalesced), and which messages may be its preview.

use switchboard_protocol::contact::Contact;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{Author, ConversationId, Message, Seq, VisitorId};

use crate::flow::lifecycle::Lifecycle;
use crate::{contact, ingest};

/// What never changes about a conversation.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The conversation.
    pub conversation: &'a ConversationId,
    /// Its visitor.
    pub visitor: &'a VisitorId,
    /// When the visitor first connected.
    pub created_at: i64,
    /// Where the customer writes from.
    pub channel: switchboard_protocol::channels::Channel,
}

/// Whether `message` may be an inbox preview: something someone wrote, never a routing event
/// or a private note (the visitor's own history list shows previews too). The store's
/// lookup of the newest such message applies the same rule in SQL.
pub fn previewable(message: &Message) -> bool {
    message.author != Author::System && !message.internal
}

/// The conversation's summary after `newest` (`None`: nothing new in the log — new visitor
/// details, a routing request), with `head` the last `seq` stored and `stored_contact` what
/// the widget and the edge reported about the visitor. `last_spoken` finds the newest
/// previewable message when `newest` is not one: summaries are coalesced, so the one naming
/// the last spoken message may never be sent, and each must carry its preview.
pub fn summary<E>(
    facts: Facts<'_>,
    life: &Lifecycle,
    stored_contact: Contact,
    head: Seq,
    newest: Option<&Message>,
    last_spoken: impl FnOnce() -> Result<Option<Message>, E>,
    now: i64,
) -> Result<ConversationSummary, E> {
    let last_message = match newest {
        Some(message) if previewable(message) => Some(ingest::preview(message)),
        _ => last_spoken()?.as_ref().map(ingest::preview),
    };
    let assignee = (life.state == ConversationState::Assigned).then(|| life.agent.clone()).flatten();
    // What the bot collected fills the contact's own fields (name, email).
    let contact = contact::with_collected(stored_contact, &life.bot.collected);
    Ok(ConversationSummary {
        id: facts.conversation.clone(),
        visitor_id: facts.visitor.clone(),
        channel: facts.channel,
        language: life.language.clone(),
        visitor_name: contact.display_name().map(str::to_owned),
        last_message,
        last_seq: newest.map_or(head, |message| message.seq),
        created_at: facts.created_at,
        updated_at: newest.map_or(now, |message| message.sent_at),
        state: life.state,
        assignee,
        queue: life.queue.clone(),
        waiting_since: life.waiting_since,
        contact: (contact != Contact::default()).then_some(contact),
        labels: Vec::new(),
        attributes: Default::default(),
        priority: None,
    })
}

/// A conversation's summary on `channel` with `contact`, the rest empty: for tests of rules
/// that read summaries.
#[cfg(test)]
pub(crate) fn test_summary(
    channel: switchboard_protocol::channels::Channel,
    contact: Option<Contact>,
) -> ConversationSummary {
    let empty =
        ConversationSummary::empty(ConversationId::from_random([1; 16]), VisitorId::from_random([1; 16]), 0);
    ConversationSummary { channel, last_seq: Seq(1), contact, ..empty }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use switchboard_protocol::{AgentId, ClientMessageId};

    use super::*;

    #[test]
    fn a_note_or_an_event_keeps_the_last_spoken_preview_and_the_bot_fills_the_contact() {
        let (conversation, visitor) = (ConversationId::from_random([1; 16]), VisitorId::from_random([2; 16]));
        let facts = Facts {
            conversation: &conversation,
            visitor: &visitor,
            created_at: 5,
            channel: Default::default(),
        };
        let ada = AgentId::from_random([3; 16]);
        let author = Author::Agent { id: ada.clone(), name: "Ada".into() };
        let spoken = Message::plain(
            Seq(3),
            ClientMessageId::parse("a").unwrap(),
            author.clone(),
            "Hi there".into(),
            40,
        );
        let note = Message { internal: true, text: "secret".into(), seq: Seq(4), ..spoken.clone() };
        let mut life =
            Lifecycle { state: ConversationState::Assigned, agent: Some(ada.clone()), ..Default::default() };
        life.bot.collected.insert("email".into(), "vi@example.com".into());
        let found = summary(
            facts,
            &life,
            Contact::default(),
            Seq(4),
            Some(&note),
            || Ok::<_, Infallible>(Some(spoken.clone())),
            99,
        )
        .unwrap();
        assert_eq!(found.last_message.map(|p| p.text), Some("Hi there".into()));
        assert_eq!((found.last_seq, found.updated_at, found.assignee), (Seq(4), 40, Some(ada)));
        assert_eq!(found.contact.and_then(|c| c.email).as_deref(), Some("vi@example.com"));
        // Nothing new: the head and the time now.
        let quiet = summary(
            facts,
            &Lifecycle::default(),
            Contact::default(),
            Seq(4),
            None,
            || Ok::<_, Infallible>(None),
            99,
        )
        .unwrap();
        assert_eq!(
            (quiet.last_seq, quiet.updated_at, quiet.contact, quiet.assignee),
            (Seq(4), 99, None, None)
        );
    }
}
