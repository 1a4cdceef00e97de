//! Reports against a brute-force recomputation: random logs of many conversations, their
//! entries applied one at a time (each conversation's facts stored and read back between
//! entries, as the row is), compared at every step with figures worked out again from the
//! whole logs by a second, deliberately plain implementation.

use std::collections::BTreeMap;

use proptest::prelude::*;
use switchboard_protocol::channels::Channel;
use switchboard_protocol::routing::{ConversationEvent, ConversationState, HandoverReason, SlaKind};
use switchboard_protocol::{AgentId, Author, ClientMessageId, Message, QueueId, Seq, VisitorId};

use super::*;

/// What happens next in a conversation.
#[derive(Debug, Clone)]
enum Step {
    Customer,
    Agent(u8),
    Note(u8),
    Bot,
    HandedOver,
    Assigned(u8),
    Breach,
    Resolved,
    Snoozed,
    Rated(u8),
}

fn agent(n: u8) -> AgentId {
    AgentId::from_random([n + 1; 16])
}

fn entry(seq: u64, at: i64, step: &Step) -> Message {
    let id = ClientMessageId::parse(format!("m-{seq}")).unwrap();
    let visitor = Author::Visitor { id: VisitorId::from_random([9; 16]), name: None };
    let by = |n: u8| Author::Agent { id: agent(n), name: format!("Agent {n}") };
    let system = |event| Message {
        event: Some(event),
        ..Message::plain(Seq(seq), id.clone(), Author::System, String::new(), at)
    };
    match step {
        Step::Customer => Message::plain(Seq(seq), id, visitor, "help".into(), at),
        Step::Agent(n) => Message::plain(Seq(seq), id, by(*n), "answer".into(), at),
        Step::Note(n) => {
            Message { internal: true, ..Message::plain(Seq(seq), id, by(*n), "note".into(), at) }
        }
        Step::Bot => Message::plain(Seq(seq), id, Author::Bot { name: "Sam".into() }, "bot".into(), at),
        Step::HandedOver => system(ConversationEvent::HandedOver {
            queue: QueueId::parse("support").unwrap(),
            reason: HandoverReason::Flow,
            agent: None,
        }),
        Step::Assigned(n) => {
            system(ConversationEvent::Assigned { agent: agent(*n), name: format!("Agent {n}") })
        }
        Step::Breach => {
            system(ConversationEvent::SlaBreached { agent: agent(0), target: SlaKind::FirstResponse })
        }
        Step::Resolved => system(ConversationEvent::StateChanged { state: ConversationState::Resolved }),
        Step::Snoozed => system(ConversationEvent::StateChanged { state: ConversationState::Snoozed }),
        Step::Rated(score) => {
            let comment = (score % 2 == 1).then(|| format!("rated {score}"));
            system(ConversationEvent::Rated { score: *score, comment })
        }
    }
}

fn any_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => Just(Step::Customer),
        3 => (0u8..3).prop_map(Step::Agent),
        1 => (0u8..3).prop_map(Step::Note),
        1 => Just(Step::Bot),
        2 => Just(Step::HandedOver),
        2 => (0u8..3).prop_map(Step::Assigned),
        1 => Just(Step::Breach),
        2 => Just(Step::Resolved),
        1 => Just(Step::Snoozed),
        1 => (1u8..=5).prop_map(Step::Rated),
    ]
}

/// One conversation's figures worked out from its whole log, plainly.
#[derive(Debug, Default)]
struct Plain {
    opened_at: Option<i64>,
    answered_waits: Vec<i64>,
    queue_wait: Option<i64>,
    resolved_at: Option<i64>,
    handed_over: bool,
    agent: Option<AgentId>,
    breaches: u64,
    rating: Option<u8>,
    comment: Option<String>,
}

fn plain(log: &[Message]) -> Plain {
    let mut plain = Plain {
        opened_at: log
            .iter()
            .find(|m| m.author.role() == switchboard_protocol::Role::Visitor)
            .map(|m| m.sent_at),
        ..Plain::default()
    };
    // Waits: from a customer's message nobody answered yet to the next answer by a person;
    // a resolution ends a wait unanswered.
    let mut wait: Option<i64> = None;
    let mut first_handover: Option<i64> = None;
    // An agent's message before the customer ever wrote (a proactive message, the first of
    // a conversation the team started) answers nobody.
    let mut customer_wrote = false;
    for m in log {
        customer_wrote |= m.author.role() == switchboard_protocol::Role::Visitor;
        let is_answer = matches!(m.author, Author::Agent { .. }) && !m.internal && customer_wrote;
        match (&m.author, &m.event) {
            (Author::Visitor { .. }, _) if wait.is_none() => wait = Some(m.sent_at),
            (Author::Agent { id, .. }, _) if is_answer => {
                if let Some(since) = wait.take() {
                    plain.answered_waits.push(m.sent_at - since);
                }
                plain.agent = Some(id.clone());
                plain.handed_over = true;
            }
            (_, Some(ConversationEvent::HandedOver { .. })) => {
                plain.handed_over = true;
                first_handover = first_handover.or(Some(m.sent_at));
                plain.resolved_at = None;
            }
            (_, Some(ConversationEvent::Assigned { agent, .. })) => {
                plain.agent = Some(agent.clone());
                if let (None, Some(since)) = (plain.queue_wait, first_handover) {
                    plain.queue_wait = Some(m.sent_at - since);
                }
            }
            (_, Some(ConversationEvent::SlaBreached { .. })) => plain.breaches += 1,
            (_, Some(ConversationEvent::StateChanged { state: ConversationState::Resolved })) => {
                plain.resolved_at = Some(m.sent_at);
                wait = None;
            }
            (_, Some(ConversationEvent::StateChanged { .. })) => plain.resolved_at = None,
            (_, Some(ConversationEvent::Rated { score, comment })) => {
                plain.rating = Some(*score);
                plain.comment = comment.clone();
            }
            _ => {}
        }
    }
    plain
}

/// The nearest-rank percentile by its definition: the smallest value with at least
/// `percent`% of all at or below it.
fn by_definition(values: &[i64], percent: usize) -> Option<i64> {
    let needed = (percent * values.len()).div_ceil(100);
    let mut candidates: Vec<i64> = values.to_vec();
    candidates.sort();
    candidates.into_iter().find(|v| values.iter().filter(|x| *x <= v).count() >= needed.max(1))
}

fn check(
    logs: &BTreeMap<u8, Vec<Message>>,
    facts: &BTreeMap<u8, ConversationFacts>,
    period: Period,
) -> Result<(), TestCaseError> {
    let report = figures(facts.values(), period);
    let plains: Vec<Plain> = logs.values().map(|log| plain(log)).collect();
    let within = |at: &Option<i64>| at.is_some_and(|at| (period.from..period.to).contains(&at));
    let opened: Vec<&Plain> = plains.iter().filter(|p| within(&p.opened_at)).collect();
    let resolved: Vec<&Plain> =
        plains.iter().filter(|p| p.opened_at.is_some() && within(&p.resolved_at)).collect();
    prop_assert_eq!(report.opened, opened.len() as u64);
    prop_assert_eq!(report.resolved, resolved.len() as u64);
    let firsts: Vec<i64> = opened.iter().filter_map(|p| p.answered_waits.first().copied()).collect();
    let nexts: Vec<i64> = opened.iter().flat_map(|p| p.answered_waits.iter().skip(1).copied()).collect();
    prop_assert_eq!(report.first_response.median_ms, by_definition(&firsts, 50));
    prop_assert_eq!(report.first_response.p90_ms, by_definition(&firsts, 90));
    prop_assert_eq!(report.next_response.count, nexts.len() as u64);
    prop_assert_eq!(report.next_response.p90_ms, by_definition(&nexts, 90));
    let resolutions: Vec<i64> =
        resolved.iter().map(|p| p.resolved_at.unwrap() - p.opened_at.unwrap()).collect();
    prop_assert_eq!(report.resolution.median_ms, by_definition(&resolutions, 50));
    let waits: Vec<i64> = opened.iter().filter_map(|p| p.queue_wait).collect();
    prop_assert_eq!(report.queue_wait.median_ms, by_definition(&waits, 50));
    prop_assert_eq!(report.sla_breaches, opened.iter().map(|p| p.breaches).sum::<u64>());
    prop_assert_eq!(report.handed_over, opened.iter().filter(|p| p.handed_over).count() as u64);
    prop_assert_eq!(report.bot_contained, resolved.iter().filter(|p| !p.handed_over).count() as u64);
    // Comments: every rated and resolved one with words, newest first, the first fifty.
    let mut said: Vec<(std::cmp::Reverse<i64>, u8, String)> = resolved
        .iter()
        .filter_map(|p| Some((std::cmp::Reverse(p.resolved_at?), p.rating?, p.comment.clone()?)))
        .collect();
    said.sort();
    said.truncate(50);
    let listed: Vec<(std::cmp::Reverse<i64>, u8, String)> = report
        .ratings
        .comments
        .iter()
        .map(|c| (std::cmp::Reverse(c.resolved_at), c.score, c.comment.clone()))
        .collect();
    prop_assert_eq!(listed, said);
    let scores: Vec<u8> = resolved.iter().filter_map(|p| p.rating).collect();
    prop_assert_eq!(report.ratings.count, scores.len() as u64);
    for score in 1..=5u8 {
        prop_assert_eq!(
            report.ratings.distribution[usize::from(score - 1)],
            scores.iter().filter(|&&s| s == score).count() as u64
        );
    }
    let handled = |n: u8| opened.iter().filter(|p| p.agent == Some(agent(n))).count() as u64;
    for n in 0..3 {
        prop_assert_eq!(report.agents.get(&agent(n)).map_or(0, |a| a.handled), handled(n));
    }
    // Days and hours by their definition: the calendar in the site's zone, from UTC.
    let local = |at: i64| at + i64::from(period.offset_minutes) * 60_000;
    let mut days: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    let mut hours = [(0u64, 0u64); 24];
    for p in &opened {
        let at = local(p.opened_at.unwrap());
        days.entry(at.div_euclid(86_400_000)).or_default().0 += 1;
        hours[(at.rem_euclid(86_400_000) / 3_600_000) as usize].0 += 1;
    }
    for p in &resolved {
        let at = local(p.resolved_at.unwrap());
        days.entry(at.div_euclid(86_400_000)).or_default().1 += 1;
        hours[(at.rem_euclid(86_400_000) / 3_600_000) as usize].1 += 1;
    }
    let reported: BTreeMap<i64, (u64, u64)> =
        report.days.iter().map(|(start, c)| (local(*start) / 86_400_000, (c.opened, c.resolved))).collect();
    prop_assert_eq!(reported, days);
    let reported_hours: Vec<(u64, u64)> = report.hours.iter().map(|c| (c.opened, c.resolved)).collect();
    prop_assert_eq!(reported_hours, hours.to_vec());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Entries of many conversations, interleaved, applied one at a time to facts stored and
    /// read back as their rows are: the figures always equal the plain recomputation.
    #[test]
    fn incremental_figures_equal_a_recomputation_from_the_logs(
        steps in proptest::collection::vec((0u8..6, any_step(), 1i64..3_600_000), 1..80),
        from in 0i64..40_000_000,
        length in 1i64..200_000_000,
        offset_minutes in -720i32..840,
    ) {
        let period = Period { from, to: from + length, offset_minutes };
        let mut logs: BTreeMap<u8, Vec<Message>> = BTreeMap::new();
        let mut rows: BTreeMap<u8, String> = BTreeMap::new();
        let mut now = 0i64;
        for (conversation, step, gap) in steps {
            now += gap;
            let log = logs.entry(conversation).or_default();
            let message = entry(log.len() as u64 + 1, now, &step);
            log.push(message.clone());
            let mut facts: ConversationFacts = rows
                .get(&conversation)
                .map(|row| serde_json::from_str(row).unwrap())
                .unwrap_or_else(|| ConversationFacts::new(Channel::Webchat));
            facts.apply(&message);
            rows.insert(conversation, serde_json::to_string(&facts).unwrap());
            let facts: BTreeMap<u8, ConversationFacts> =
                rows.iter().map(|(c, row)| (*c, serde_json::from_str(row).unwrap())).collect();
            check(&logs, &facts, period)?;
        }
    }
}

#[test]
fn the_nearest_rank_is_a_time_someone_had() {
    assert_eq!(figures::rank(&[], 50), None);
    assert_eq!(figures::rank(&[7], 90), Some(7));
    assert_eq!(figures::rank(&[1, 2, 3, 4], 50), Some(2));
    assert_eq!(figures::rank(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), Some(9));
    let period = Period { from: 0, to: 1, offset_minutes: 120 };
    // 23:00 UTC is the next day two hours east.
    assert_eq!(period.day_of(23 * 3_600_000), 86_400_000 - 7_200_000);
}

#[test]
fn a_report_narrows_by_channel_and_queue_and_refuses_what_is_not_one() {
    let sms =
        ConversationFacts { queue: QueueId::parse("billing").ok(), ..ConversationFacts::new(Channel::Sms) };
    let by_sms = Narrowed::checked(Some("sms"), None, None).unwrap();
    assert!(by_sms.admits(&sms) && !by_sms.admits(&ConversationFacts::new(Channel::Webchat)));
    let billing = Narrowed::checked(None, Some("billing"), Some(" VIP ")).unwrap();
    assert!(billing.admits(&sms));
    assert_eq!(billing.label.as_deref(), Some("vip"));
    for (channel, queue, label, field) in [
        (Some("pigeon"), None, None, "channel"),
        (None, Some("no way"), None, "queue"),
        (None, None, Some("<b>"), "label"),
    ] {
        assert_eq!(Narrowed::checked(channel, queue, label).unwrap_err().field.as_deref(), Some(field));
    }
}
