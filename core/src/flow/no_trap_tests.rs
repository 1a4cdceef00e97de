//! "The bot can never trap a customer", as properties over random flows and random visitors:
//! whoever asks for a person reaches a queue within a bounded number of turns, whatever they
//! type afterwards, and a question the visitor skipped is never asked again.

use proptest::prelude::*;
use switchboard_protocol::routing::ConversationState;

use super::bot::{Field, FieldKind, Intent, Say, MAX_REFUSED_ANSWERS};
use super::hours::tests::ChronoZones;
use super::lifecycle::{Effect, FlowIn, Lifecycle};
use super::{Flow, RuleBot};

/// The most fields a generated flow asks for.
const MAX_FIELDS: usize = 4;

/// Turns after asking for a person by which the visitor is in a queue: the request itself,
/// then at most every field refused as often as the bot tolerates.
const BOUND: usize = 1 + MAX_FIELDS * MAX_REFUSED_ANSWERS as usize;

const PERSON_PHRASES: [&str; 4] = ["human", "talk to a person", "agent", "operator"];
const TOPICS: [&str; 4] = ["shipping", "returns", "price", "opening hours"];

/// What a visitor types.
#[derive(Debug, Clone)]
enum Input {
    Skip,
    Empty,
    Nonsense,
    Email,
    Digits,
    Phone,
    Topic(usize),
    /// One of the flow's phrases for "I want a person".
    AskPerson(usize),
    Anything(String),
}

impl Input {
    fn text(&self, flow: &Flow) -> String {
        match self {
            Input::Skip => "Skip".into(),
            Input::Empty => String::new(),
            Input::Nonsense => "qwerty zxcv".into(),
            Input::Email => "ada@example.com".into(),
            Input::Digits => "12345".into(),
            Input::Phone => "+1 555-0142".into(),
            Input::Topic(i) => TOPICS[i % TOPICS.len()].into(),
            Input::AskPerson(i) => {
                let phrases = &flow.bot.handover_phrases;
                phrases[i % phrases.len()].clone()
            }
            Input::Anything(text) => text.clone(),
        }
    }
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        Just(Input::Skip),
        Just(Input::Empty),
        Just(Input::Nonsense),
        Just(Input::Email),
        Just(Input::Digits),
        Just(Input::Phone),
        (0..TOPICS.len()).prop_map(Input::Topic),
        (0..8usize).prop_map(Input::AskPerson),
        ".{0,30}".prop_map(Input::Anything),
    ]
}

fn field_kind() -> impl Strategy<Value = FieldKind> {
    prop_oneof![
        Just(FieldKind::Text),
        Just(FieldKind::Email),
        Just(FieldKind::Phone),
        (1u8..4, 4u8..9).prop_map(|(min, max)| FieldKind::Digits { min, max }),
    ]
}

fn flow() -> impl Strategy<Value = Flow> {
    let intents = prop::collection::vec((0..TOPICS.len(), any::<bool>()), 0..4);
    let fields = prop::collection::vec((field_kind(), any::<bool>()), 0..=MAX_FIELDS);
    let phrases = prop::sample::subsequence(PERSON_PHRASES.to_vec(), 1..=PERSON_PHRASES.len());
    (intents, fields, phrases, 0u32..4).prop_map(|(intents, fields, phrases, max_unmatched)| {
        let bot = RuleBot {
            intents: intents
                .into_iter()
                .enumerate()
                .map(|(i, (topic, hands_over))| Intent {
                    name: format!("intent{i}"),
                    phrases: vec![TOPICS[topic].into()],
                    answer: format!("Answer {i}."),
                    quick_replies: Vec::new(),
                    cards: Vec::new(),
                    handover: hands_over.then(Default::default),
                })
                .collect(),
            collect: fields
                .into_iter()
                .enumerate()
                .map(|(i, (kind, optional))| Field {
                    name: format!("f{i}"),
                    prompt: format!("Question f{i}?"),
                    kind,
                    optional,
                })
                .collect(),
            handover_phrases: phrases.into_iter().map(String::from).collect(),
            max_unmatched,
            ..RuleBot::default()
        };
        Flow { bot, ..Flow::default() }
    })
}

fn routed(steps: &[Effect]) -> bool {
    steps.iter().any(|step| matches!(step, Effect::Route { .. }))
}

fn said(steps: &[Effect]) -> impl Iterator<Item = &str> {
    steps.iter().filter_map(|step| match step {
        Effect::Say(Say { text, .. }) => Some(text.as_str()),
        _ => None,
    })
}

proptest! {
    #[test]
    fn whoever_asks_for_a_person_reaches_a_queue_and_skipped_questions_stay_skipped(
        flow in flow(),
        before in prop::collection::vec(input(), 0..12),
        ask in 0..8usize,
        after in prop::collection::vec(input(), BOUND),
    ) {
        flow.validate(&ChronoZones).unwrap();
        let flow_in = FlowIn { flow: &flow, zones: &ChronoZones };
        let mut life = Lifecycle::default();
        life.start(&flow_in);
        let inputs: Vec<Input> =
            before.iter().cloned().chain([Input::AskPerson(ask)]).chain(after).collect();
        let asked_at = before.len();
        let mut reached_at = None;
        for (turn, input) in inputs.iter().enumerate() {
            let skipped_before = life.bot.skipped.clone();
            let steps = life.visitor_wrote(&flow_in, &input.text(&flow), turn as i64);
            if routed(&steps) || matches!(life.state, ConversationState::Queued) {
                reached_at.get_or_insert(turn);
            }
            for text in said(&steps) {
                for field in flow.bot.collect.iter().filter(|f| skipped_before.contains(&f.name)) {
                    prop_assert!(
                        !text.contains(&field.prompt),
                        "turn {turn}: {:?} asked again after it was skipped: {text:?}", field.name
                    );
                }
            }
        }
        let reached_at = reached_at.unwrap_or(usize::MAX);
        prop_assert!(
            reached_at < asked_at + BOUND,
            "asked for a person at turn {asked_at}, still not in a queue after {BOUND} more turns ({:?})",
            life
        );
    }
}
