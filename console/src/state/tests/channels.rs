//! Conversations whose customer writes from SMS, WhatsApp or Messenger: how rows and the
//! header name them, the templates offered, the customer's language, and the provider's
//! delivery statuses kept per message.

use switchboard_protocol::channels::{Channel, DeliveryStatus};
use switchboard_protocol::inbox::InboxFrame;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::Seq;

use super::{id, inbox, run, signed_in, summary};
use crate::state::{Action, ProviderDeliveries};

#[test]
fn a_customer_on_sms_is_named_by_their_number_with_the_channel_on_the_row_and_header() {
    let mut sms = summary(1, 10, ConversationState::Queued);
    sms.visitor_name = None;
    sms.channel = Channel::Sms;
    let mut contact = switchboard_protocol::contact::Contact::default();
    contact.attributes.insert("phone".into(), "+15551234567".into());
    sms.contact = Some(contact);
    let state = run(
        signed_in(),
        [
            inbox(InboxFrame::Snapshot {
                conversations: vec![sms, summary(2, 10, ConversationState::Queued)],
            }),
            Action::Open(id(1)),
        ],
    );
    let rows = state.inbox_rows();
    let row = |n| rows.iter().find(|r| r.id == id(n)).map(|r| (r.label.clone(), r.channel));
    assert_eq!(row(1), Some(("+15551234567".to_owned(), Some("SMS"))));
    assert_eq!(row(2).and_then(|(_, channel)| channel), None, "webchat carries no tag");
    assert_eq!(state.open_label().as_deref(), Some("+15551234567 · SMS"));
}

#[test]
fn a_whatsapp_conversation_offers_the_sites_whatsapp_templates_once_each_when_loaded() {
    let mut whatsapp = summary(1, 10, ConversationState::Queued);
    whatsapp.channel = Channel::Whatsapp;
    let snapshot = inbox(InboxFrame::Snapshot {
        conversations: vec![whatsapp, summary(2, 20, ConversationState::Queued)],
    });
    let state = run(signed_in(), [snapshot, Action::Open(id(1))]);
    assert!(state.open_on_whatsapp());
    assert_eq!(state.whatsapp_templates(), None, "the site's settings are not loaded yet");

    // Two WhatsApp numbers sharing a name, and an SMS number (no templates there).
    let template = |name: &str, text: &str| serde_json::json!({ "name": name, "text": text });
    let site = serde_json::json!({
        "id": "demo", "name": "Demo", "allowed_origins": [], "appearance": {},
        "channels": [
            { "channel": "sms", "address": "+15550199" },
            { "channel": "whatsapp", "address": "+15550100",
              "templates": [template("order_update", "Hi {{1}}, order {{2}} shipped."), template("hello", "Hello!")] },
            { "channel": "whatsapp", "address": "+15550101",
              "templates": [template("order_update", "Other text {{1}}"), template("bye", "Bye {{1}}")] },
        ],
    });
    let site = serde_json::from_value(site).expect("site settings");
    let state = run(state, [Action::SiteLoaded(Box::new(site))]);
    let templates = state.whatsapp_templates().expect("loaded");
    let listed: Vec<(&str, &str)> = templates.iter().map(|t| (t.name.as_str(), t.text.as_str())).collect();
    assert_eq!(
        listed,
        [("order_update", "Hi {{1}}, order {{2}} shipped."), ("hello", "Hello!"), ("bye", "Bye {{1}}")]
    );

    // A webchat conversation offers no templates.
    let state = run(state, [Action::Open(id(2))]);
    assert!(!state.open_on_whatsapp());
}

#[test]
fn the_customers_language_shows_on_the_row_and_the_open_conversation_when_told() {
    let mut german = summary(1, 10, ConversationState::Queued);
    german.language = Some("de".into());
    let mut blank = summary(2, 20, ConversationState::Queued);
    blank.language = Some(" ".into());
    let snapshot = inbox(InboxFrame::Snapshot {
        conversations: vec![german, blank, summary(3, 30, ConversationState::Queued)],
    });
    let state = run(signed_in(), [snapshot, Action::Open(id(1))]);
    let rows = state.inbox_rows();
    let language = |n| rows.iter().find(|r| r.id == id(n)).and_then(|r| r.language.clone());
    assert_eq!(language(1).as_deref(), Some("de"));
    assert_eq!(language(2), None, "a blank detection shows no tag");
    assert_eq!(language(3), None);
    assert_eq!(state.open_language().as_deref(), Some("de"));
    assert_eq!(state.open_channel(), Channel::Webchat);

    let state = run(state, [Action::Open(id(3))]);
    assert_eq!(state.open_language(), None);
}

fn delivery(n: u8, seq: u64, delivery: DeliveryStatus) -> Action {
    Action::ProviderDelivery { id: id(n), seq: Seq(seq), delivery }
}

#[test]
fn provider_statuses_are_kept_per_conversation_only_move_forward_and_outlive_a_switch() {
    let mut sms = summary(1, 10, ConversationState::Assigned);
    sms.channel = Channel::Sms;
    let snapshot =
        inbox(InboxFrame::Snapshot { conversations: vec![sms, summary(2, 20, ConversationState::Queued)] });
    let state = run(signed_in(), [snapshot, Action::Open(id(1))]);
    assert_eq!(state.open_channel(), Channel::Sms);
    assert_eq!(*state.open_deliveries(), ProviderDeliveries::default());

    let state = run(
        state,
        [
            delivery(1, 4, DeliveryStatus::Queued),
            delivery(1, 4, DeliveryStatus::Delivered),
            // Frames crossing, or the replay after a reconnect's hello: never backwards.
            delivery(1, 4, DeliveryStatus::Sent),
            delivery(1, 5, DeliveryStatus::Failed),
            delivery(1, 5, DeliveryStatus::Read),
        ],
    );
    let open = state.open_deliveries();
    assert_eq!(open.get(Seq(4)), Some(DeliveryStatus::Delivered));
    assert_eq!(open.get(Seq(5)), Some(DeliveryStatus::Failed), "failed is final");

    // Another conversation's statuses stay its own; a late frame from the link just closed
    // is kept for when the agent comes back.
    let state = run(state, [Action::Open(id(2)), delivery(1, 4, DeliveryStatus::Read)]);
    assert_eq!(state.open_deliveries().get(Seq(4)), None);
    let state = run(state, [Action::Open(id(1))]);
    assert_eq!(state.open_deliveries().get(Seq(4)), Some(DeliveryStatus::Read));

    // Signing out forgets them with the rest.
    let state = run(state, [Action::SignedOut { error: None }]);
    assert!(state.provider.is_empty());
}
