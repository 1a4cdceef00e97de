//! Tests of [`super`]: what a site may store as macros, and what one run does.

use proptest::prelude::*;
use switchboard_protocol::api::macros::{Action, Macro, MAX_MACRO_ACTIONS};
use switchboard_protocol::inbox::Priority;
use switchboard_protocol::{AgentId, ErrorCode, QueueId};

use super::*;
use crate::flow::Flow;

fn item(shortcut: &str, actions: Vec<Action>) -> Macro {
    Macro { shortcut: shortcut.into(), name: format!("Macro {shortcut}"), actions }
}

fn field_of(list: Vec<Macro>) -> String {
    let error = validate(list, &Flow::default()).unwrap_err();
    assert_eq!(error.code, ErrorCode::BadRequest);
    error.field.unwrap_or_default()
}

#[test]
fn a_macro_is_stored_in_its_one_spelling() {
    let typed = Macro {
        shortcut: " /Close-Spam ".into(),
        name: "  Close as spam ".into(),
        actions: vec![
            Action::AddLabels { labels: vec!["  Spam ".into(), "spam".into()] },
            Action::SetPriority { priority: Some(Priority::Low) },
            Action::Resolve {},
        ],
    };
    let stored = validate(vec![typed, item("a", vec![Action::Resolve {}])], &Flow::default()).unwrap();
    assert_eq!(stored[0].shortcut, "a", "sorted by shortcut");
    assert_eq!(stored[1].shortcut, "close-spam");
    assert_eq!(stored[1].name, "Close as spam");
    assert_eq!(stored[1].actions[0], Action::AddLabels { labels: vec!["spam".into()] });
}

#[test]
fn each_mistake_is_named_by_its_field() {
    let text = |t: &str| Action::SendMessage { text: t.into() };
    assert_eq!(field_of(vec![item("two words", vec![Action::Resolve {}])]), "macros[0].shortcut");
    assert_eq!(
        field_of(vec![item("a", vec![Action::Resolve {}]), item("/A", vec![Action::Resolve {}])]),
        "macros[1].shortcut"
    );
    assert_eq!(
        field_of(vec![Macro { name: " ".into(), ..item("a", vec![Action::Resolve {}]) }]),
        "macros[0].name"
    );
    assert_eq!(field_of(vec![item("a", vec![])]), "macros[0].actions");
    assert_eq!(
        field_of(vec![item("a", vec![Action::Resolve {}; MAX_MACRO_ACTIONS + 1])]),
        "macros[0].actions"
    );
    assert_eq!(field_of(vec![item("a", vec![text("hi"), text("  ")])]), "macros[0].actions[1].text");
    assert_eq!(
        field_of(vec![item("a", vec![Action::AddLabels { labels: vec!["no!".into()] }])]),
        "macros[0].actions[0].labels[0]"
    );
    assert_eq!(
        field_of(vec![item("a", vec![Action::RemoveLabels { labels: vec![] }])]),
        "macros[0].actions[0].labels"
    );
    let nowhere = Action::AssignQueue { queue: QueueId::parse("nowhere").unwrap() };
    assert_eq!(field_of(vec![item("a", vec![nowhere])]), "macros[0].actions[0].queue");
    assert_eq!(
        field_of(vec![item("a", vec![Action::Snooze { minutes: 0 }])]),
        "macros[0].actions[0].minutes"
    );
    assert_eq!(field_of(vec![item("a", vec![Action::Resolve {}, text("bye")])]), "macros[0].actions[0].type");
    assert_eq!(field_of(vec![item("a", vec![Action::SendWebhook {}])]), "macros[0].actions[0].type");
    assert_eq!(
        field_of(vec![item("a", vec![Action::Snooze { minutes: 60 }, Action::Resolve {}])]),
        "macros[0].actions[0].type"
    );
}

#[test]
fn a_run_finds_its_macro_and_does_each_action_in_order() {
    let agent = AgentId::parse(format!("agt_{}", "a".repeat(32))).unwrap();
    let stored = validate(
        vec![item(
            "follow-up",
            vec![
                Action::SendMessage { text: "We'll write again tomorrow.".into() },
                Action::AddNote { text: "Asked for the invoice".into() },
                Action::RemoveLabels { labels: vec!["new".into()] },
                Action::AssignAgent { agent: agent.clone() },
                Action::Snooze { minutes: 1_440 },
            ],
        )],
        &Flow::default(),
    )
    .unwrap();
    assert_eq!(find(&stored, "/nope").unwrap_err().code, ErrorCode::NotFound);
    let found = find(&stored, "/Follow-Up").unwrap();
    assert_eq!(
        steps(found, 1_000),
        vec![
            Step::Post { text: "We'll write again tomorrow.".into(), internal: false },
            Step::Post { text: "Asked for the invoice".into(), internal: true },
            Step::Labels { add: vec![], remove: vec!["new".into()] },
            Step::Transfer { queue: None, agent: Some(agent) },
            Step::Snooze(1_000 + 86_400_000),
        ]
    );
}

#[test]
fn suggestions_include_macros_by_shortcut() {
    let list =
        vec![item("resolve-spam", vec![Action::Resolve {}]), item("escalate", vec![Action::Resolve {}])];
    let shortcuts =
        |draft: &str| suggestions(&list, draft).iter().map(|m| m.shortcut.clone()).collect::<Vec<_>>();
    assert_eq!(shortcuts("/es"), vec!["escalate", "resolve-spam"]);
    assert!(shortcuts("hello /es").is_empty());
}

proptest! {
    /// Whatever a site stored, storing it again changes nothing: the checks are a fixed point
    /// (what the console reads back, edits and sends is accepted as it was).
    #[test]
    fn validated_macros_validate_to_themselves(
        shortcuts in proptest::collection::btree_set("[a-z0-9_-]{1,12}", 0..6),
        labels in proptest::collection::vec("[A-Za-z ]{1,10}", 1..4),
        minutes in 1u32..10_000,
        resolve in any::<bool>(),
    ) {
        let list: Vec<Macro> = shortcuts
            .iter()
            .map(|s| {
                let mut actions = vec![Action::AddLabels { labels: labels.clone() }];
                actions.push(if resolve { Action::Resolve {} } else { Action::Snooze { minutes } });
                item(&format!("/{}", s.to_uppercase()), actions)
            })
            .rev()
            .collect();
        let flow = Flow::default();
        match validate(list, &flow) {
            Ok(once) => prop_assert_eq!(validate(once.clone(), &flow).unwrap(), once),
            // Letters and spaces only: a label is refused only when it is blank.
            Err(error) => prop_assert!(labels.iter().any(|l| l.trim().is_empty()), "{:?}", error),
        }
    }

    /// Labels edited by a run: added ones are there once, removed ones gone, the rest kept in order.
    #[test]
    fn label_edits_keep_the_rest(
        current in proptest::collection::btree_set("[a-e]", 0..5),
        add in proptest::collection::vec("[a-e]", 0..4),
        remove in proptest::collection::vec("[a-e]", 0..3),
    ) {
        let current: Vec<String> = current.into_iter().collect();
        let edited = crate::conversation_labels::edit(&current, &add, &remove).unwrap();
        for label in &edited {
            prop_assert_eq!(edited.iter().filter(|l| *l == label).count(), 1);
            prop_assert!(!remove.contains(label));
        }
        for label in add.iter().chain(&current) {
            prop_assert_eq!(edited.contains(label), !remove.contains(label));
        }
        let kept: Vec<&String> = current.iter().filter(|l| !remove.contains(l)).collect();
        prop_assert_eq!(edited.iter().take(kept.len()).collect::<Vec<_>>(), kept);
    }
}
