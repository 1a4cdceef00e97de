//! Unit tests of [`super::ClientLog`].

use super::*;
use switchboard_protocol::{AgentId, ConversationId, VisitorId};

fn visitor() -> Author {
    Author::Visitor { id: VisitorId::from_random([1; 16]), name: None }
}

fn agent() -> Author {
    Author::Agent { id: AgentId::from_random([2; 16]), name: "Ada".into() }
}

fn stored(seq: u64, client_id: &str, author: Author) -> Message {
    Message::plain(Seq(seq), ClientMessageId::parse(client_id).unwrap(), author, format!("text {seq}"), 0)
}

fn welcome(reads: Vec<ReadMark>) -> ServerFrame {
    ServerFrame::Welcome {
        conversation_id: ConversationId::from_random([2; 16]),
        you: visitor(),
        head_seq: Seq(0),
        reads,
        session: None,
        send_rate: None,
    }
}

fn refusal(code: ErrorCode, id: &ClientMessageId, retry_after_ms: Option<u32>) -> ServerFrame {
    ServerFrame::Error { code, message: "no".into(), client_id: Some(id.clone()), retry_after_ms }
}

#[test]
fn a_sent_message_stays_pending_until_stored_then_appears_once() {
    let mut log = ClientLog::new();
    log.apply(welcome(vec![]), 0);
    let id = ClientMessageId::parse("a").unwrap();
    assert_eq!(log.queue(id.clone(), "hello".into(), 5).len(), 1);
    assert_eq!(log.pending().len(), 1);
    assert!(log.apply(ServerFrame::Message { message: stored(1, "a", visitor()) }, 0));
    log.apply(ServerFrame::Ack { client_id: id, seq: Seq(1) }, 0);
    assert!(log.pending().is_empty());
    assert_eq!(log.messages().count(), 1);
    assert_eq!(log.hello(), ClientFrame::Hello { last_seq: Seq(1) });
}

#[test]
fn replays_and_repeats_do_not_duplicate() {
    let mut log = ClientLog::new();
    let page = vec![stored(1, "a", visitor()), stored(2, "b", visitor())];
    log.apply(ServerFrame::History { messages: page.clone(), complete: true }, 0);
    assert!(!log.apply(ServerFrame::History { messages: page, complete: false }, 0));
    assert!(!log.apply(ServerFrame::Message { message: stored(2, "b", visitor()) }, 0));
    assert_eq!(log.messages().count(), 2);
}

#[test]
fn refused_messages_are_marked_and_not_resent() {
    let mut log = ClientLog::new();
    log.apply(welcome(vec![]), 0);
    let id = ClientMessageId::parse("x").unwrap();
    log.queue(id.clone(), "   ".into(), 0);
    log.apply(refusal(ErrorCode::EmptyMessage, &id, None), 0);
    assert!(log.pending()[0].refused.is_some());
    log.apply(welcome(vec![]), 1);
    assert!(log.take_due(1).is_empty());
    assert_eq!(log.next_due_at(), None);
}

#[test]
fn after_a_rate_limit_everything_waits_then_goes_out_in_order() {
    let mut log = ClientLog::new();
    log.apply(welcome(vec![]), 0);
    let first = ClientMessageId::parse("first").unwrap();
    assert_eq!(log.queue(first.clone(), "one".into(), 0).len(), 1);
    let second = ClientMessageId::parse("second").unwrap();
    assert_eq!(log.queue(second.clone(), "two".into(), 0).len(), 1);
    log.apply(refusal(ErrorCode::RateLimited, &first, Some(300)), 1_000);
    log.apply(refusal(ErrorCode::RateLimited, &second, Some(300)), 1_001);
    assert_eq!(log.next_due_at(), Some(1_301));
    // Written while held: kept back, not sent ahead of the refused ones.
    assert!(log.queue(ClientMessageId::parse("third").unwrap(), "three".into(), 1_100).is_empty());
    assert!(log.take_due(1_300).is_empty());
    let resent: Vec<_> = log
        .take_due(1_301)
        .into_iter()
        .map(|f| match f {
            ClientFrame::Send { text, .. } => text,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(resent, ["one", "two", "three"]);
    assert_eq!(log.next_due_at(), None);
    assert!(log.pending().iter().all(|p| p.refused.is_none()), "a rate limit is not a refusal");
}

#[test]
fn another_authors_message_with_the_same_client_id_keeps_ours_pending() {
    let mut log = ClientLog::new();
    log.apply(welcome(vec![]), 0);
    log.queue(ClientMessageId::parse("same").unwrap(), "mine".into(), 0);
    let other = Author::Visitor { id: VisitorId::from_random([9; 16]), name: None };
    log.apply(ServerFrame::Message { message: stored(1, "same", other) }, 0);
    assert_eq!(log.pending().len(), 1);
    log.apply(welcome(vec![]), 1);
    assert_eq!(log.take_due(1).len(), 1, "sent again on the next connection");
}

#[test]
fn nothing_goes_before_welcome_and_a_backlog_goes_at_the_edges_pace() {
    let mut log = ClientLog::with_pending(Vec::new());
    let ids: Vec<ClientMessageId> =
        (0..30).map(|i| ClientMessageId::parse(format!("m{i}")).unwrap()).collect();
    for id in &ids {
        assert!(log.queue(id.clone(), "backlog".into(), 0).is_empty(), "not before welcome");
    }
    assert_eq!(log.next_due_at(), None);
    let rate = switchboard_protocol::SendRate { per_second: 5, burst: 20 };
    let mut paced = welcome(vec![]);
    if let ServerFrame::Welcome { send_rate, .. } = &mut paced {
        *send_rate = Some(rate);
    }
    log.apply(paced.clone(), 1_000);
    assert_eq!(log.take_due(1_000).len(), 20, "the burst goes at once");
    assert_eq!(log.next_due_at(), Some(1_200));
    assert_eq!(log.take_due(1_200).len(), 1);
    // A reconnect sends every pending message again, in order, still at the edge's pace.
    log.apply(paced, 10_000);
    let again = log.take_due(10_000);
    assert_eq!(again.len(), 20);
    assert!(
        matches!(&again[0], ClientFrame::Send { client_id, .. } if *client_id == ids[0]),
        "from the first"
    );
}

#[test]
fn read_marks_are_sent_once_and_others_marks_make_messages_read() {
    let mut log = ClientLog::new();
    log.apply(welcome(vec![ReadMark { reader: visitor(), up_to: Seq(1) }]), 0);
    log.apply(
        ServerFrame::History {
            messages: vec![stored(1, "a", visitor()), stored(2, "b", agent())],
            complete: true,
        },
        0,
    );
    assert_eq!(log.mark_read(Seq(1)), None, "the edge already has our mark at 1");
    assert_eq!(log.mark_read(Seq(9)), Some(ClientFrame::Read { up_to: Seq(2) }));
    log.apply(ServerFrame::Message { message: stored(3, "c", visitor()) }, 0);
    assert_eq!(log.mark_read(Seq(3)), None, "our own message needs no read mark");
    assert_eq!(log.mark_read(Seq(2)), None);
    assert_eq!(log.delivery(Seq(1)), Delivery::Delivered);
    log.apply(ServerFrame::Read { reader: agent(), up_to: Seq(1) }, 0);
    assert_eq!(log.delivery(Seq(1)), Delivery::Read);
}

#[test]
fn typing_is_throttled_and_expires() {
    let mut log = ClientLog::new();
    assert_eq!(log.typing(true, 0), Some(ClientFrame::Typing { active: true }));
    assert_eq!(log.typing(true, 1_000), None);
    assert!(log.typing(true, i64::from(TYPING_REPEAT_MS)).is_some());
    assert_eq!(log.typing(false, 3_000), Some(ClientFrame::Typing { active: false }));
    assert_eq!(log.typing(false, 3_001), None);

    log.apply(ServerFrame::Typing { author: agent(), active: true }, 10_000);
    assert_eq!(log.typing_now(10_000).len(), 1);
    assert!(log.typing_now(10_000 + i64::from(TYPING_EXPIRY_MS)).is_empty());
    log.apply(ServerFrame::Typing { author: agent(), active: true }, 20_000);
    log.apply(ServerFrame::Message { message: stored(1, "z", agent()) }, 20_001);
    assert!(log.typing_now(20_001).is_empty(), "a sent message ends the indicator");
}

#[test]
fn hello_asks_from_the_end_of_the_gap_free_prefix() {
    let mut log = ClientLog::new();
    log.apply(ServerFrame::History { messages: vec![stored(1, "a", visitor())], complete: true }, 0);
    // A live message overtook the replay of 2 and 3, and the socket dropped.
    log.apply(ServerFrame::Message { message: stored(4, "d", agent()) }, 0);
    assert_eq!(log.hello(), ClientFrame::Hello { last_seq: Seq(1) });
    log.apply(
        ServerFrame::History {
            messages: vec![stored(2, "b", agent()), stored(3, "c", agent())],
            complete: true,
        },
        0,
    );
    assert_eq!(log.hello(), ClientFrame::Hello { last_seq: Seq(4) });
}

#[test]
fn a_read_mark_lost_with_its_socket_is_sent_again() {
    let mut log = ClientLog::new();
    log.apply(welcome(vec![]), 0);
    log.apply(ServerFrame::History { messages: vec![stored(1, "a", agent())], complete: true }, 0);
    assert!(log.mark_read(Seq(1)).is_some());
    // The socket dropped before the mark arrived: the edge's welcome still says nothing.
    log.apply(welcome(vec![]), 0);
    assert_eq!(log.mark_read(Seq(1)), Some(ClientFrame::Read { up_to: Seq(1) }));
}

#[test]
fn a_resolved_conversation_awaits_one_rating_per_resolution() {
    use switchboard_protocol::routing::{ConversationEvent, ConversationState};
    let event = |seq: u64, event: ConversationEvent| ServerFrame::Message {
        message: Message {
            event: Some(event),
            ..Message::plain(
                Seq(seq),
                ClientMessageId::parse(format!("sys-{seq}")).unwrap(),
                Author::System,
                String::new(),
                0,
            )
        },
    };
    let status = |state| ServerFrame::Status { state, position: None, wait_ms: None };
    let resolved = || ConversationEvent::StateChanged { state: ConversationState::Resolved };
    let mut log = ClientLog::new();
    assert!(!log.awaits_rating());
    log.apply(event(1, resolved()), 0);
    log.apply(status(ConversationState::Resolved), 0);
    assert!(log.awaits_rating());
    log.apply(event(2, ConversationEvent::Rated { score: 5, comment: None }), 0);
    assert!(!log.awaits_rating());
    // Reopened and resolved again: a new rating is welcome.
    log.apply(status(ConversationState::Assigned), 0);
    assert!(!log.awaits_rating());
    log.apply(event(3, resolved()), 0);
    log.apply(status(ConversationState::Resolved), 0);
    assert!(log.awaits_rating());
}
