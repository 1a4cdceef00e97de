//! Entries on their way to a conversation's sockets, and the entries the edge writes itself.
//!
//! A private note or an internal routing event is for agents only: visitors receive a
//! content-free placeholder with the same `seq`, so their log stays gap-free. The frame each
//! side gets is decided here, once ([`Relay`]), so no adapter can send a note's text to a
//! visitor by relaying the wrong frame.

use switchboard_protocol::routing::ConversationEvent;
use switchboard_protocol::{Author, ClientMessageId, Message, Seq, ServerFrame};

use crate::flow::bot::Say;

/// A stored entry for every socket of its conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    /// What agents' sockets get: the entry whole.
    pub to_agents: ServerFrame,
    /// What visitors' sockets get, when it differs: the placeholder of an entry for agents
    /// only. `None`: the same frame as agents (sent as one text to everyone).
    pub to_visitors: Option<ServerFrame>,
}

impl Relay {
    /// `message`, stored, for everyone who may see it.
    pub fn of(message: Message) -> Relay {
        let to_visitors = message.internal.then(|| ServerFrame::Message { message: message.for_visitor() });
        Relay { to_agents: ServerFrame::Message { message }, to_visitors }
    }
}

/// What the edge writes into a log itself: a bot's message, or a system entry for `event`
/// (internal unless visitors may see that kind of event), at `seq`. Their client ids (`bot-N`,
/// `sys-N`) cannot clash with a client's: a client id is unique per author, and no client
/// writes as the bot or the system.
pub fn entry(seq: Seq, bot_name: &str, say: Say, event: Option<ConversationEvent>, now: i64) -> Message {
    let (prefix, author) = match &event {
        Some(_) => ("sys", Author::System),
        None => ("bot", Author::Bot { name: bot_name.to_owned() }),
    };
    let client_id = ClientMessageId::parse(format!("{prefix}-{}", seq.0))
        .unwrap_or_else(|_| unreachable!("`{prefix}-` and digits are a valid client id"));
    let internal = event.as_ref().is_some_and(|event| !event.visible_to_visitor());
    let Say { text, quick_replies, cards } = say;
    Message { quick_replies, cards, event, internal, ..Message::plain(seq, client_id, author, text, now) }
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::routing::ConversationState;
    use switchboard_protocol::{AgentId, QueueId};

    use super::*;

    #[test]
    fn visitors_get_a_placeholder_of_what_is_for_agents_only() {
        let handed_over = ConversationEvent::HandedOver {
            queue: QueueId::parse("support").unwrap(),
            reason: switchboard_protocol::routing::HandoverReason::VisitorAsked,
            agent: Some(AgentId::from_random([1; 16])),
        };
        let internal =
            entry(Seq(4), "Sam", Say::text("Waiting for the support team".into()), Some(handed_over), 9);
        assert_eq!((internal.client_id.as_str(), internal.internal), ("sys-4", true));
        let relay = Relay::of(internal.clone());
        assert_eq!(relay.to_agents, ServerFrame::Message { message: internal });
        let Some(ServerFrame::Message { message }) = relay.to_visitors else { panic!("no placeholder") };
        assert_eq!((message.seq, message.text.as_str(), message.event), (Seq(4), "", None));

        // Entries visitors may see go to everyone as one frame.
        let resolved = ConversationEvent::StateChanged { state: ConversationState::Resolved };
        let visible = entry(Seq(5), "Sam", Say::text("Conversation resolved".into()), Some(resolved), 9);
        assert_eq!(Relay::of(visible).to_visitors, None);
        let said = entry(Seq(6), "Sam", Say::text("Hi!".into()), None, 9);
        assert_eq!((said.client_id.as_str(), &said.author), ("bot-6", &Author::Bot { name: "Sam".into() }));
    }
}
