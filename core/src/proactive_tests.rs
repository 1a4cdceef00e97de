//! Tests of [`super`]: what a site may store as proactive messages, and the message a
//! conversation opens with.

use proptest::prelude::*;
use switchboard_protocol::api::proactive::{ProactiveMessage, Sender, Trigger, MAX_PROACTIVE_MESSAGES};
use switchboard_protocol::{AgentId, Author, Seq};

use super::*;

fn message(name: &str) -> ProactiveMessage {
    ProactiveMessage {
        name: name.into(),
        text: "Need a hand with your order?".into(),
        from: Sender::Bot {},
        trigger: Trigger::default(),
        only_when_online: false,
    }
}

fn field_of(messages: Vec<ProactiveMessage>) -> String {
    validate(messages).expect_err("refused").field.unwrap_or_default()
}

#[test]
fn each_mistake_is_named_by_its_field() {
    assert_eq!(field_of(vec![message("two words")]), "proactive_messages[0].name");
    assert_eq!(field_of(vec![message("a"), message("A ")]), "proactive_messages[1].name");
    assert_eq!(
        field_of(vec![ProactiveMessage { text: "  ".into(), ..message("a") }]),
        "proactive_messages[0].text"
    );
    assert_eq!(
        field_of(vec![ProactiveMessage { text: "x".repeat(281), ..message("a") }]),
        "proactive_messages[0].text"
    );
    let nameless = Sender::Agent { agent_id: AgentId::from_random([1; 16]), name: " ".into() };
    assert_eq!(
        field_of(vec![ProactiveMessage { from: nameless, ..message("a") }]),
        "proactive_messages[0].from.name"
    );
    let slow = Trigger { after_seconds: 3_601, ..Trigger::default() };
    assert_eq!(
        field_of(vec![ProactiveMessage { trigger: slow, ..message("a") }]),
        "proactive_messages[0].trigger.after_seconds"
    );
    let odd_event = Trigger { event: Some("add to cart".into()), ..Trigger::default() };
    assert_eq!(
        field_of(vec![message("a"), ProactiveMessage { trigger: odd_event, ..message("b") }]),
        "proactive_messages[1].trigger.event"
    );
    let long_url = Trigger { url: Some("*".repeat(301)), ..Trigger::default() };
    assert_eq!(
        field_of(vec![ProactiveMessage { trigger: long_url, ..message("a") }]),
        "proactive_messages[0].trigger.url"
    );
    let many = (0..=MAX_PROACTIVE_MESSAGES).map(|i| message(&format!("m{i}"))).collect();
    assert_eq!(field_of(many), "proactive_messages");
}

#[test]
fn a_message_from_an_agent_names_one_of_the_team() {
    let anna = AgentId::from_random([2; 16]);
    let from = |id: &AgentId| ProactiveMessage {
        from: Sender::Agent { agent_id: id.clone(), name: "Anna".into() },
        ..message("a")
    };
    assert!(!names_agents(&[message("bot")]) && names_agents(&[message("bot"), from(&anna)]));
    assert!(senders_checked(&[message("bot"), from(&anna)], std::slice::from_ref(&anna)).is_ok());
    let stranger = AgentId::from_random([9; 16]);
    let refused = senders_checked(&[message("bot"), from(&stranger)], &[anna]).unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("proactive_messages[1].from.agent_id"));
}

#[test]
fn stored_messages_are_tidied() {
    let given = ProactiveMessage {
        name: " Pricing-Help ".into(),
        text: "  Questions about plans?\n".into(),
        trigger: Trigger { url: Some("  ".into()), event: Some(" Cart ".into()), ..Trigger::default() },
        ..message("x")
    };
    let stored = validate(vec![given]).unwrap();
    assert_eq!(
        (stored[0].name.as_str(), stored[0].text.as_str()),
        ("pricing-help", "Questions about plans?")
    );
    assert_eq!((stored[0].trigger.url.as_deref(), stored[0].trigger.event.as_deref()), (None, Some("cart")));
}

#[test]
fn the_answered_message_opens_the_conversation_from_its_sender() {
    let anna = AgentId::from_random([2; 16]);
    let from_anna = ProactiveMessage {
        from: Sender::Agent { agent_id: anna.clone(), name: "Anna".into() },
        ..message("pricing")
    };
    let list = [message("cart"), from_anna];
    assert_eq!(answered(&list, "pricing").map(|m| m.name.as_str()), Some("pricing"));
    assert!(answered(&list, "gone").is_none());
    let first = first_message(&list[1], "Sam", Seq(1), 42);
    assert_eq!(first.author, Author::Agent { id: anna, name: "Anna".into() });
    assert_eq!(
        (first.seq, first.text.as_str(), first.sent_at, first.internal),
        (Seq(1), list[1].text.as_str(), 42, false)
    );
    assert_eq!(first.client_id.as_str(), "proactive-1");
    assert_eq!(first_message(&list[0], "Sam", Seq(1), 42).author, Author::Bot { name: "Sam".into() });
}

proptest! {
    /// Whatever an admin types, a stored list is one the page can use as it is: unique names
    /// a page can spell, texts within the bubble's limit; and checking it again changes nothing.
    #[test]
    fn a_stored_list_is_well_formed_and_checking_is_idempotent(
        names in prop::collection::vec("[ a-zA-Z0-9_-]{0,12}", 0..6),
        texts in prop::collection::vec(".{0,300}", 6),
        events in prop::collection::vec(prop::option::of("[ a-z_-]{0,8}"), 6),
    ) {
        let given: Vec<_> = names.iter().enumerate().map(|(i, name)| ProactiveMessage {
            text: texts[i].clone(),
            trigger: Trigger { event: events[i].clone(), ..Trigger::default() },
            ..message(name)
        }).collect();
        if let Ok(stored) = validate(given) {
            for (i, m) in stored.iter().enumerate() {
                prop_assert!(name_checked(&m.name).as_deref() == Ok(m.name.as_str()));
                prop_assert!(stored[..i].iter().all(|earlier| earlier.name != m.name));
                prop_assert!(!m.text.is_empty() && m.text.chars().count() <= 280 && m.text.trim() == m.text);
            }
            prop_assert_eq!(validate(stored.clone()).unwrap(), stored);
        }
    }
}
