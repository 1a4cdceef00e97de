//! Auto-resolve: when the idle clock runs, stops and rings, one rule at a time and over
//! random conversations.

use proptest::prelude::*;
use switchboard_protocol::routing::ConversationState;

use super::*;
use crate::flow::hours::tests::ChronoZones;
use crate::flow::input::Input;
use crate::flow::Flow;

const MINUTE: i64 = 60_000;

fn flow_with(auto: Option<AutoResolve>) -> Flow {
    Flow { auto_resolve: auto, ..Flow::default() }
}

fn ten_minutes(message: Option<&str>) -> Option<AutoResolve> {
    Some(AutoResolve { after_minutes: 10, message: message.map(str::to_owned) })
}

fn assigned() -> Lifecycle {
    Lifecycle { state: ConversationState::Assigned, ..Lifecycle::default() }
}

fn alarm(life: &mut Lifecycle, flow: &Flow, typed: Option<i64>, now: i64) -> Vec<Effect> {
    let flow = FlowIn { flow, zones: &ChronoZones };
    life.handle(&flow, Input::Alarm { visitor_typed_at: typed }, now).unwrap()
}

fn agent_answers(life: &mut Lifecycle, flow: &Flow, now: i64) -> Vec<Effect> {
    life.agent_wrote();
    let flow = FlowIn { flow, zones: &ChronoZones };
    life.handle(&flow, Input::TeamSpoke, now).unwrap()
}

fn visitor_writes(life: &mut Lifecycle, now: i64) {
    life.visitor_wrote_to_humans(now);
}

#[test]
fn a_quiet_visitor_after_the_agents_answer_is_resolved_with_the_closing_message() {
    let flow = flow_with(ten_minutes(Some("Closing this chat for now.")));
    let mut life = assigned();
    let steps = agent_answers(&mut life, &flow, 0);
    assert_eq!(steps, vec![Effect::Wake(Some(10 * MINUTE))]);
    assert_eq!(alarm(&mut life, &flow, None, 10 * MINUTE - 1), Vec::new(), "not yet");
    let steps = alarm(&mut life, &flow, None, 10 * MINUTE);
    assert!(matches!(&steps[0], Effect::Say(say) if say.text == "Closing this chat for now."), "{steps:?}");
    assert!(steps.contains(&Effect::Unroute) && steps.contains(&Effect::Status));
    assert_eq!(life.state, ConversationState::Resolved);
    assert_eq!(life.next_wake(), None);
}

#[test]
fn the_clock_stops_when_the_visitor_writes_and_never_runs_while_an_agent_is_owed() {
    let flow = flow_with(ten_minutes(None));
    let mut life = assigned();
    agent_answers(&mut life, &flow, 0);
    visitor_writes(&mut life, MINUTE);
    assert_eq!(life.next_wake(), None);
    assert_eq!(alarm(&mut life, &flow, None, 20 * MINUTE), Vec::new());
    assert_eq!(life.state, ConversationState::Assigned);
    // Waiting for an agent: queued, pending until opening, or the team's own outbound.
    for mut waiting in [
        Lifecycle { state: ConversationState::Queued, ..Lifecycle::default() },
        Lifecycle { state: ConversationState::Pending, ..Lifecycle::default() },
        Lifecycle { awaiting_reply: true, ..assigned() },
    ] {
        assert_eq!(agent_answers(&mut waiting, &flow, 0), Vec::new(), "{waiting:?}");
        assert_eq!(waiting.next_wake(), None);
    }
    // A site without auto-resolve: nothing runs.
    let mut life = assigned();
    assert_eq!(agent_answers(&mut life, &flow_with(None), 0), Vec::new());
}

#[test]
fn a_typing_visitor_gets_a_grace_and_a_setting_removed_meanwhile_stops_it() {
    let flow = flow_with(ten_minutes(None));
    let mut life = assigned();
    agent_answers(&mut life, &flow, 0);
    let steps = alarm(&mut life, &flow, Some(10 * MINUTE - 5_000), 10 * MINUTE);
    assert_eq!(steps, vec![Effect::Wake(Some(10 * MINUTE + TYPING_GRACE_MS))]);
    assert_eq!(life.state, ConversationState::Assigned);
    // They stopped typing without sending: resolved at the end of the grace.
    alarm(&mut life, &flow, Some(10 * MINUTE - 5_000), 10 * MINUTE + TYPING_GRACE_MS);
    assert_eq!(life.state, ConversationState::Resolved);

    let mut life = assigned();
    agent_answers(&mut life, &flow, 0);
    assert_eq!(alarm(&mut life, &flow_with(None), None, 10 * MINUTE), Vec::new());
    assert_eq!((life.state, life.next_wake()), (ConversationState::Assigned, None));
}

#[test]
fn a_clock_started_before_a_take_over_or_a_transfer_does_not_resolve_under_the_new_holder() {
    use crate::flow::lifecycle::RoutingNotice;
    use switchboard_protocol::AgentId;
    let flow = flow_with(ten_minutes(None));
    let flow_in = FlowIn { flow: &flow, zones: &ChronoZones };
    let agent = AgentId::from_random([7; 16]);
    // The bot answered; an agent takes over just before the idle time is up.
    let mut life = Lifecycle { state: ConversationState::Bot, ..Lifecycle::default() };
    assert!(life.team_spoke(flow.auto_resolve.as_ref(), 0));
    life.handle(&flow_in, Input::AgentTookOver(agent.clone()), 9 * MINUTE).unwrap();
    let assigned = RoutingNotice::Assigned { agent: agent.clone(), name: "Ada".into() };
    life.handle(&flow_in, Input::Routing(assigned.clone()), 9 * MINUTE).unwrap();
    assert_eq!(alarm(&mut life, &flow, None, 10 * MINUTE), Vec::new());
    assert_eq!((life.state, life.next_wake()), (ConversationState::Assigned, None));
    // An agent answered, then the conversation was transferred and taken by another.
    agent_answers(&mut life, &flow, 11 * MINUTE);
    let released = RoutingNotice::Released { agent, reason: switchboard_protocol::routing::Release::Moved };
    life.handle(&flow_in, Input::Routing(released), 12 * MINUTE).unwrap();
    life.handle(&flow_in, Input::Routing(assigned), 12 * MINUTE).unwrap();
    assert_eq!(alarm(&mut life, &flow, None, 21 * MINUTE), Vec::new());
    assert_eq!(life.state, ConversationState::Assigned);
    // The new holder's answer starts it again.
    agent_answers(&mut life, &flow, 22 * MINUTE);
    alarm(&mut life, &flow, None, 32 * MINUTE);
    assert_eq!(life.state, ConversationState::Resolved);
}

#[test]
fn settings_out_of_range_are_refused() {
    for (auto, ok) in [
        (AutoResolve { after_minutes: 0, message: None }, false),
        (AutoResolve { after_minutes: MAX_AFTER_MINUTES + 1, message: None }, false),
        (AutoResolve { after_minutes: 5, message: Some("  ".into()) }, false),
        (AutoResolve { after_minutes: 5, message: Some("x".repeat(MAX_MESSAGE_CHARS + 1)) }, false),
        (AutoResolve { after_minutes: MAX_AFTER_MINUTES, message: Some("Bye".into()) }, true),
    ] {
        assert_eq!(flow_with(Some(auto.clone())).validate(&ChronoZones).is_ok(), ok, "{auto:?}");
    }
}

#[derive(Debug, Clone)]
enum Step {
    Visitor,
    Agent,
    Alarm,
}

proptest! {
    /// Over random conversations (visitor and agent messages and alarms at random times), a
    /// conversation resolves exactly when an alarm comes at least the idle time after the
    /// agent's answer with no visitor message since — never while the visitor waits.
    #[test]
    fn it_resolves_exactly_when_the_visitor_stayed_quiet_after_the_teams_last_word(
        steps in proptest::collection::vec(
            (prop_oneof![Just(Step::Visitor), Just(Step::Agent), Just(Step::Alarm)], 0_i64..15 * MINUTE),
            1..40,
        ),
    ) {
        let flow = flow_with(ten_minutes(None));
        let mut life = assigned();
        let (mut now, mut last_answer) = (0, None::<i64>);
        for (step, gap) in steps {
            now += gap;
            match step {
                Step::Visitor => {
                    visitor_writes(&mut life, now);
                    last_answer = None;
                }
                Step::Agent => {
                    agent_answers(&mut life, &flow, now);
                    last_answer = Some(now);
                }
                Step::Alarm => {
                    let due = last_answer.is_some_and(|at| now >= at + 10 * MINUTE);
                    alarm(&mut life, &flow, None, now);
                    prop_assert_eq!(life.state == ConversationState::Resolved, due);
                    if due {
                        return Ok(());
                    }
                }
            }
        }
    }
}
