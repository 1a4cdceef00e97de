//! How far the team's messages on SMS, WhatsApp and Messenger have come, as the provider
//! reports it: the conversation socket's `delivery` frames, kept per message.
//!
//! [`ClientLog`](switchboard_core::client_log::ClientLog) ignores those frames on purpose (the
//! widget shares it and must not grow), so the console keeps them itself, per conversation, in
//! the [`State`](super::State). A status only moves forward: `DeliveryStatus` is ordered and
//! `failed` is its highest, so keeping the highest one seen makes a late or replayed frame
//! harmless and `failed` final.

use std::collections::BTreeMap;

use switchboard_protocol::channels::{Channel, DeliveryStatus};
use switchboard_protocol::{Author, Message, Seq};

/// One conversation's provider statuses, by the `seq` of the message they are about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderDeliveries(BTreeMap<Seq, DeliveryStatus>);

impl ProviderDeliveries {
    /// Takes in the provider's word on message `seq`; true when it moved the status forward.
    pub fn record(&mut self, seq: Seq, status: DeliveryStatus) -> bool {
        match self.0.get(&seq) {
            Some(&known) if known >= status => false,
            _ => {
                self.0.insert(seq, status);
                true
            }
        }
    }

    /// The status known for message `seq`, if any.
    pub fn get(&self, seq: Seq) -> Option<DeliveryStatus> {
        self.0.get(&seq).copied()
    }

    /// The status to show on `message` in a conversation whose customer writes from
    /// `channel`: only the team's messages (agents', bots') that went to the customer through
    /// a provider — not webchat (the widget's own receipts say that), not private notes (they
    /// never leave the team), not system entries.
    pub fn shown_on(&self, channel: Channel, message: &Message) -> Option<DeliveryStatus> {
        let team = matches!(message.author, Author::Agent { .. } | Author::Bot { .. });
        if channel.is_webchat() || !team || message.internal {
            return None;
        }
        self.get(message.seq)
    }
}

/// The receipt's words, after the message's time.
pub fn receipt_words(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Queued => "Sending",
        DeliveryStatus::Sent => "Sent",
        DeliveryStatus::Delivered => "Delivered",
        DeliveryStatus::Read => "Read",
        DeliveryStatus::Failed => "Not delivered",
    }
}

/// The status as the `data-provider-delivery` attribute spells it (the wire's spelling).
pub fn receipt_attr(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Queued => "queued",
        DeliveryStatus::Sent => "sent",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Read => "read",
        DeliveryStatus::Failed => "failed",
    }
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::{AgentId, ClientMessageId, VisitorId};

    use super::*;

    const ALL: [DeliveryStatus; 5] = [
        DeliveryStatus::Queued,
        DeliveryStatus::Sent,
        DeliveryStatus::Delivered,
        DeliveryStatus::Read,
        DeliveryStatus::Failed,
    ];

    fn message(seq: u64, author: Author) -> Message {
        let client_id = ClientMessageId::parse(format!("m-{seq}")).unwrap();
        Message::plain(Seq(seq), client_id, author, "hi".into(), 0)
    }

    fn agent() -> Author {
        Author::Agent { id: AgentId::from_random([1; 16]), name: "Ada".into() }
    }

    #[test]
    fn a_status_only_moves_forward_and_failed_is_final() {
        let mut deliveries = ProviderDeliveries::default();
        assert_eq!(deliveries.get(Seq(3)), None);
        assert!(deliveries.record(Seq(3), DeliveryStatus::Sent));
        assert!(deliveries.record(Seq(3), DeliveryStatus::Delivered));
        // A late `sent` (frames cross, or the replay after a hello) changes nothing.
        assert!(!deliveries.record(Seq(3), DeliveryStatus::Sent));
        assert!(!deliveries.record(Seq(3), DeliveryStatus::Delivered));
        assert_eq!(deliveries.get(Seq(3)), Some(DeliveryStatus::Delivered));
        assert!(deliveries.record(Seq(3), DeliveryStatus::Failed));
        for later in ALL {
            assert!(!deliveries.record(Seq(3), later), "{later:?} after failed");
        }
        assert_eq!(deliveries.get(Seq(3)), Some(DeliveryStatus::Failed));
        // Each message keeps its own.
        assert!(deliveries.record(Seq(4), DeliveryStatus::Queued));
        assert_eq!(deliveries.get(Seq(4)), Some(DeliveryStatus::Queued));
        assert_eq!(deliveries.get(Seq(3)), Some(DeliveryStatus::Failed));
    }

    #[test]
    fn only_the_teams_messages_to_a_providers_customer_show_a_status() {
        let mut deliveries = ProviderDeliveries::default();
        for seq in 1..=5 {
            deliveries.record(Seq(seq), DeliveryStatus::Read);
        }
        let bot = Author::Bot { name: "Helper".into() };
        let visitor = Author::Visitor { id: VisitorId::from_random([2; 16]), name: None };
        let mut note = message(3, agent());
        note.internal = true;
        let shown = |channel, m: &Message| deliveries.shown_on(channel, m);

        assert_eq!(shown(Channel::Sms, &message(1, agent())), Some(DeliveryStatus::Read));
        assert_eq!(shown(Channel::Whatsapp, &message(2, bot)), Some(DeliveryStatus::Read));
        assert_eq!(shown(Channel::Messenger, &note), None, "a private note never leaves the team");
        assert_eq!(shown(Channel::Sms, &message(4, visitor)), None, "the customer's own message");
        assert_eq!(shown(Channel::Sms, &message(5, Author::System)), None);
        assert_eq!(shown(Channel::Webchat, &message(1, agent())), None, "webchat has its own receipts");
        assert_eq!(shown(Channel::Sms, &message(6, agent())), None, "no status known yet");
    }

    #[test]
    fn each_status_has_words_and_the_wires_spelling() {
        let words: Vec<_> = ALL.map(receipt_words).into();
        assert_eq!(words, ["Sending", "Sent", "Delivered", "Read", "Not delivered"]);
        for status in ALL {
            let wire = serde_json::to_value(status).unwrap();
            assert_eq!(wire.as_str(), Some(receipt_attr(status)));
        }
    }
}
