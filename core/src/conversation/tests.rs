//! Unit tests of [`super::handle`].

use super::*;
use switchboard_protocol::{AgentId, VisitorId};

fn visitor() -> Author {
    Author::Visitor { id: VisitorId::from_random([1; 16]), name: None }
}

fn agent() -> Author {
    Author::Agent { id: AgentId::from_random([2; 16]), name: "Ada".into() }
}

fn run(
    store: &mut MemoryStore,
    author: &Author,
    limits: &mut ParticipantLimits,
    frame: ClientFrame,
    now: i64,
) -> Vec<Effect> {
    let id = ConversationId::from_random([9; 16]);
    let mut order = SendOrder::default();
    let sender = Sender { order: &mut order, conversation_id: &id, author, renewal: None, interceptors: &[] };
    match handle(store, sender, limits, frame, now) {
        Ok(outputs) => outputs,
        Err(never) => match never {},
    }
}

fn send(text: &str, id: &str) -> ClientFrame {
    ClientFrame::Send { client_id: ClientMessageId::parse(id).unwrap(), text: text.into(), internal: false }
}

#[test]
fn a_send_is_stored_then_relayed_then_acked() {
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(5, 0));
    let outputs = run(&mut store, &visitor(), &mut limits, send("hi", "a"), 7);
    let [Effect::Stored(_), Effect::Relay(relay), Effect::Reply(ServerFrame::Ack { seq: Seq(1), .. })] =
        &outputs[..]
    else {
        panic!("{outputs:?}")
    };
    assert!(matches!(**relay, Relay { to_agents: ServerFrame::Message { .. }, to_visitors: None }));
    assert_eq!(store.messages.len(), 1);
}

#[test]
fn a_flood_is_refused_with_rate_limited_but_resends_still_ack() {
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(1, 0));
    let burst = switchboard_protocol::limits::BURST_SECONDS as usize;
    for i in 0..burst {
        run(&mut store, &visitor(), &mut limits, send("x", &format!("m{i}")), 0);
    }
    let refused = run(&mut store, &visitor(), &mut limits, send("x", "over"), 0);
    assert!(matches!(
        &refused[..],
        [Effect::Reply(ServerFrame::Error { code: ErrorCode::RateLimited, client_id: Some(_), .. })]
    ));
    let resent = run(&mut store, &visitor(), &mut limits, send("x", "m0"), 0);
    assert!(matches!(&resent[..], [Effect::Reply(ServerFrame::Ack { seq: Seq(1), .. })]));
    assert_eq!(store.messages.len(), burst);
}

#[test]
fn frames_that_write_something_else_are_limited_too_and_messages_are_not_held_back_by_them() {
    use switchboard_protocol::contact::VisitorContext;
    use switchboard_protocol::limits::{BURST_SECONDS, OTHER_WRITES_PER_SECOND};
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(5, 0));
    let context = || ClientFrame::Context { context: VisitorContext::default() };
    let allowed = (OTHER_WRITES_PER_SECOND * BURST_SECONDS) as usize;
    for _ in 0..allowed {
        let outputs = run(&mut store, &visitor(), &mut limits, context(), 0);
        assert!(matches!(&outputs[..], [Effect::Context(_)]), "{outputs:?}");
    }
    for frame in [
        context(),
        ClientFrame::Read { up_to: Seq(1) },
        ClientFrame::Identify { identity: Default::default() },
    ] {
        let refused = run(&mut store, &visitor(), &mut limits, frame, 0);
        assert!(
            matches!(
                &refused[..],
                [Effect::Reply(ServerFrame::Error {
                    code: ErrorCode::RateLimited,
                    retry_after_ms: Some(_),
                    ..
                })]
            ),
            "{refused:?}"
        );
    }
    // Messages have their own allowance; and a second later the other frames flow again.
    assert!(matches!(
        run(&mut store, &visitor(), &mut limits, send("hi", "a"), 0)[..],
        [Effect::Stored(_), ..]
    ));
    assert!(matches!(run(&mut store, &visitor(), &mut limits, context(), 1_000)[..], [Effect::Context(_)]));
}

#[test]
fn read_marks_move_forward_only_and_never_past_the_head() {
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(5, 0));
    run(&mut store, &visitor(), &mut limits, send("one", "a"), 0);
    run(&mut store, &visitor(), &mut limits, send("two", "b"), 0);
    let read = run(&mut store, &agent(), &mut limits, ClientFrame::Read { up_to: Seq(99) }, 0);
    assert!(matches!(&read[..], [Effect::Everyone(ServerFrame::Read { up_to: Seq(2), .. })]));
    assert!(run(&mut store, &agent(), &mut limits, ClientFrame::Read { up_to: Seq(1) }, 0).is_empty());
    assert_eq!(store.marks.len(), 1);
}

#[test]
fn hello_welcomes_with_reads_and_replays_after_last_seq() {
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(5, 0));
    run(&mut store, &visitor(), &mut limits, send("one", "a"), 0);
    run(&mut store, &visitor(), &mut limits, send("two", "b"), 0);
    run(&mut store, &agent(), &mut limits, ClientFrame::Read { up_to: Seq(1) }, 0);
    let outputs = run(&mut store, &visitor(), &mut limits, ClientFrame::Hello { last_seq: Seq(1) }, 0);
    let [Effect::Reply(ServerFrame::Welcome { head_seq, reads, .. }), Effect::Replay(replay)] = &outputs[..]
    else {
        panic!("{outputs:?}")
    };
    let (ServerFrame::History { messages, complete: true }, None) = replay.next_page(&mut store).unwrap()
    else {
        panic!("one complete page")
    };
    assert_eq!((*head_seq, reads.len(), messages.len()), (Seq(2), 1, 1));
}

#[test]
fn a_full_conversation_refuses_new_messages_but_acknowledges_resends() {
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(5, 0));
    limits.max_log_messages = 2;
    run(&mut store, &visitor(), &mut limits, send("one", "a"), 0);
    run(&mut store, &visitor(), &mut limits, send("two", "b"), 0);
    let outputs = run(&mut store, &visitor(), &mut limits, send("three", "c"), 0);
    assert!(
        matches!(&outputs[..], [Effect::Reply(ServerFrame::Error { code: ErrorCode::Conflict, .. })]),
        "{outputs:?}"
    );
    let outputs = run(&mut store, &visitor(), &mut limits, send("two", "b"), 0);
    assert!(matches!(&outputs[..], [Effect::Reply(ServerFrame::Ack { seq: Seq(2), .. })]), "{outputs:?}");
    assert_eq!(store.head().unwrap(), Seq(2));
}

#[test]
fn typing_goes_to_the_others_only() {
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(5, 0));
    let outputs = run(&mut store, &visitor(), &mut limits, ClientFrame::Typing { active: true }, 0);
    assert!(matches!(&outputs[..], [Effect::Others(ServerFrame::Typing { active: true, .. })]));
}

#[test]
fn a_posted_message_is_stored_once_like_a_sent_one() {
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(100, 0));
    let mut order = SendOrder::default();
    let post = Post {
        client_id: ClientMessageId::parse("api-1").unwrap(),
        text: "from the CRM".into(),
        internal: false,
        original: None,
    };
    let outputs = store_message(&mut store, &agent(), &mut order, &mut limits, post.clone(), &[], 0).unwrap();
    assert!(outputs.iter().any(|o| matches!(o, Effect::Relay(_))), "{outputs:?}");
    let again = store_message(&mut store, &agent(), &mut order, &mut limits, post, &[], 0).unwrap();
    assert!(matches!(&again[..], [Effect::Reply(ServerFrame::Ack { seq: Seq(1), .. })]), "{again:?}");
    let note = Post {
        client_id: ClientMessageId::parse("api-2").unwrap(),
        text: "psst".into(),
        internal: true,
        original: None,
    };
    let refused = store_message(&mut store, &visitor(), &mut order, &mut limits, note, &[], 0).unwrap();
    assert!(matches!(&refused[..], [Effect::Reply(ServerFrame::Error { code: ErrorCode::Forbidden, .. })]));
}

#[test]
fn what_the_interceptors_remove_is_stored_relayed_and_acknowledged_nowhere() {
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(100, 0));
    let mut order = SendOrder::default();
    let steps = switchboard_protocol::interceptors::default_interceptors();
    let post = Post {
        client_id: ClientMessageId::parse("api-1").unwrap(),
        text: "card 4242 4242 4242 4242".into(),
        internal: true,
        original: None,
    };
    let outputs = store_message(&mut store, &agent(), &mut order, &mut limits, post, &steps, 0).unwrap();
    let shown = format!("{outputs:?}");
    assert!(shown.contains("card [card ending 4242]") && !shown.contains("4242 4242"), "{shown}");
    assert_eq!(store.messages[0].text, "card [card ending 4242]");
    // An email's original passes the same steps.
    let reply = Post {
        client_id: ClientMessageId::parse("mail-1").unwrap(),
        text: "Thanks!".into(),
        internal: false,
        original: Some("Thanks!\n\n> Pay with 4242 4242 4242 4242".into()),
    };
    store_message(&mut store, &visitor(), &mut order, &mut limits, reply, &steps, 0).unwrap();
    let kept = store.messages[1].original.clone().unwrap_or_default();
    assert!(kept.contains("[card ending 4242]") && !kept.contains("4242 4242"), "{kept}");
}

#[test]
fn pre_chat_answers_and_a_ratings_comment_pass_the_interceptors_too() {
    let (mut store, mut limits) = (MemoryStore::default(), ParticipantLimits::new(100, 0));
    let steps = switchboard_protocol::interceptors::default_interceptors();
    let id = ConversationId::from_random([9; 16]);
    let (author, mut order) = (visitor(), SendOrder::default());
    let mut frame = |frame: ClientFrame| {
        let sender = Sender {
            order: &mut order,
            conversation_id: &id,
            author: &author,
            renewal: None,
            interceptors: &steps,
        };
        handle(&mut store, sender, &mut limits, frame, 0).unwrap_or_else(|never| match never {})
    };
    let fields = [("order".to_owned(), "4242 4242 4242 4242".to_owned())].into_iter().collect();
    let outputs = frame(ClientFrame::Details { fields });
    assert!(
        matches!(&outputs[..], [Effect::Details(f)] if f["order"] == "[card ending 4242]"),
        "{outputs:?}"
    );
    let outputs =
        frame(ClientFrame::Rate { score: 2, comment: Some("charged 4242424242424242 twice".into()) });
    assert!(
        matches!(&outputs[..], [Effect::Rate { comment: Some(c), .. }] if c == "charged [card ending 4242] twice"),
        "{outputs:?}"
    );
}

#[test]
fn a_script_posts_as_itself_or_as_the_bot_but_the_bot_writes_no_notes() {
    let agent = Author::Agent { id: switchboard_protocol::AgentId::from_random([5; 16]), name: "CRM".into() };
    assert_eq!(super::poster(agent.clone(), false, true, "Sunny"), Ok(agent.clone()));
    assert_eq!(super::poster(agent.clone(), true, false, "Sunny"), Ok(Author::Bot { name: "Sunny".into() }));
    assert_eq!(super::poster(agent, true, true, "Sunny").unwrap_err().field.as_deref(), Some("internal"));
}
