//! The panel's reducer, event by event, as a visitor would notice it: the badge's unread
//! count, the pre-chat form, the rating card, switching conversations, read receipts.

use std::collections::BTreeMap;

use switchboard_core::fields::FieldKind;
use switchboard_core::prechat::PrechatField;
use switchboard_protocol::{
    AgentId, Author, ClientFrame, ClientMessageId, ConversationId, Message, Seq, ServerFrame,
};

use super::{Event, State, Status};

fn agent_says(seq: u64) -> Event {
    let author = Author::Agent { id: AgentId::from_random([1; 16]), name: "Ada".into() };
    let client_id = ClientMessageId::parse(format!("a{seq}")).unwrap();
    let message = Message::plain(Seq(seq), client_id, author, "Hello".into(), 0);
    Event::Frame(Box::new(ServerFrame::Message { message }), 0)
}

fn welcome() -> Event {
    let you = Author::Visitor { id: switchboard_protocol::VisitorId::from_random([2; 16]), name: None };
    let frame = ServerFrame::Welcome {
        conversation_id: ConversationId::from_random([3; 16]),
        you,
        head_seq: Seq(0),
        reads: Vec::new(),
        session: None,
        send_rate: None,
    };
    Event::Frame(Box::new(frame), 0)
}

#[test]
fn replies_count_as_unread_until_the_panel_opens() {
    let mut state = State::default();
    state.reduce(agent_says(1));
    state.reduce(agent_says(2));
    assert_eq!(state.unread(), 2);
    state.reduce(Event::Opened(true));
    assert_eq!((state.unread(), state.read_seq), (0, Seq(2)));
    state.reduce(Event::Opened(false));
    state.reduce(agent_says(3));
    assert_eq!(state.unread(), 1, "only what came while closed");
}

#[test]
fn the_pre_chat_form_stands_until_good_answers_and_they_go_again_after_every_hello() {
    let email =
        PrechatField { name: "email".into(), label: "Email".into(), kind: FieldKind::Email, required: true };
    let mut state = State { prechat: vec![email], ..State::default() };
    assert!(state.asks_prechat());
    let answers = |value: &str| BTreeMap::from([("email".to_string(), value.to_string())]);
    assert!(state.reduce(Event::PrechatSubmitted(answers("nope"))).is_empty());
    assert_eq!(state.prechat_problems.len(), 1);
    let sent = state.reduce(Event::PrechatSubmitted(answers("ada@example.com")));
    assert!(matches!(&sent[..], [ClientFrame::Details { .. }]));
    assert!(!state.asks_prechat() && state.prechat_problems.is_empty());
    let hello = state.reduce(Event::SocketOpened);
    assert!(matches!(&hello[..], [ClientFrame::Hello { .. }, ClientFrame::Details { .. }]), "{hello:?}");
}

#[test]
fn a_rating_goes_once_with_its_comment() {
    let mut state = State::default();
    assert!(state.reduce(Event::Rated("Thanks".into())).is_empty(), "no score picked");
    state.reduce(Event::ScoreChosen(4));
    let sent = state.reduce(Event::Rated("  ".into()));
    assert!(matches!(&sent[..], [ClientFrame::Rate { score: 4, comment: None }]));
    assert_eq!(state.csat_score, None);
}

#[test]
fn a_refused_token_starts_over_with_what_was_not_sent() {
    let mut state = State::default();
    state.reduce(welcome());
    state.reduce(agent_says(1));
    state.reduce(Event::Wrote(ClientMessageId::parse("mine").unwrap(), "Still there?".into(), 5));
    let unsent = state.unsent();
    state.reduce(Event::Switched(unsent));
    assert!(state.log.messages().next().is_none() && state.status == Status::Connecting);
    assert_eq!(state.log.pending().len(), 1, "the unsent message moves along");
}

#[test]
fn read_receipts_wait_for_an_open_panel_a_visible_page_and_an_open_socket() {
    let mut state = State::default();
    state.reduce(welcome());
    state.reduce(agent_says(1));
    assert!(state.reduce(Event::Looked(true)).is_empty(), "panel closed");
    state.reduce(Event::Opened(true));
    assert!(state.reduce(Event::Looked(false)).is_empty(), "page hidden or socket down");
    assert!(matches!(&state.reduce(Event::Looked(true))[..], [ClientFrame::Read { up_to: Seq(1) }]));
    assert!(state.reduce(Event::Looked(true)).is_empty(), "said once");
}

#[test]
fn after_a_shutdown_nothing_of_the_visitor_remains_and_nothing_can_be_sent() {
    let mut state = State { open: true, ..State::default() };
    state.reduce(agent_says(1));
    state.reduce(Event::Identified(switchboard_protocol::contact::Identity::default()));
    state.reduce(Event::Shutdown);
    assert!(!state.has_messages() && state.identity.is_none() && !state.can_send());
    assert!(state.open, "the panel stays where the page put it");
}

#[test]
fn a_greeting_alone_is_no_conversation_worth_reopening() {
    let mut state = State::default();
    state.reduce(welcome());
    let greeting = Message::plain(
        Seq(1),
        ClientMessageId::parse("bot-1").unwrap(),
        Author::Bot { name: "Sam".into() },
        "Hi! What can I do for you?".into(),
        0,
    );
    state.reduce(Event::Frame(Box::new(ServerFrame::Message { message: greeting }), 0));
    assert!(!state.has_messages(), "only the bot spoke");
    state.reduce(Event::Wrote(ClientMessageId::parse("mine").unwrap(), "Hello?".into(), 5));
    assert!(state.has_messages(), "the visitor wrote (unsent yet)");
    let mut answered = State::default();
    answered.reduce(welcome());
    answered.reduce(agent_says(1));
    assert!(answered.has_messages(), "an agent wrote first (a proactive message, an outbound one)");
}
