//! Tests of [`super`]: what a site may store as rules, which rules an event applies, and
//! that no rule runs on without end.

use proptest::prelude::*;
use serde_json::json;
use switchboard_protocol::api::automation::{Condition, Rule, RuleEvent};
use switchboard_protocol::api::macros::Action;
use switchboard_protocol::channels::Channel;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{ErrorCode, QueueId};

use super::*;
use crate::flow::Flow;

fn rule(name: &str, event: RuleEvent, conditions: Vec<Condition>, actions: Vec<Action>) -> Rule {
    Rule { name: name.into(), enabled: true, event, after_minutes: None, conditions, actions }
}

fn labels(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn field_of(rules: Vec<Rule>) -> String {
    let error = validate(rules, &Flow::default()).unwrap_err();
    assert_eq!(error.code, ErrorCode::BadRequest);
    error.field.unwrap_or_default()
}

#[test]
fn rules_are_stored_in_their_one_spelling_and_their_order() {
    let typed = vec![
        rule(
            " Pricing to sales ",
            RuleEvent::ConversationCreated,
            vec![Condition::PageUrl { contains: " /Pricing ".into() }],
            vec![Action::AddLabels { labels: labels(&["Sales"]) }, Action::SendWebhook {}],
        ),
        rule("Anything", RuleEvent::StateChanged, vec![], vec![Action::Resolve {}]),
    ];
    let stored = validate(typed, &Flow::default()).unwrap();
    assert_eq!(stored[0].name, "Pricing to sales");
    assert_eq!(stored[0].conditions, [Condition::PageUrl { contains: "/pricing".into() }]);
    assert_eq!(stored[0].actions[0], Action::AddLabels { labels: labels(&["sales"]) });
    assert_eq!(stored[1].name, "Anything", "kept in the order given");
}

#[test]
fn each_mistake_is_named_by_its_field() {
    let created = RuleEvent::ConversationCreated;
    let ok = || vec![Action::Resolve {}];
    let with = |c: Condition| vec![rule("r", created, vec![c], ok())];
    assert_eq!(field_of(vec![rule("  ", created, vec![], ok())]), "automation_rules[0].name");
    assert_eq!(
        field_of(vec![rule("r", created, vec![], ok()), rule("R", created, vec![], ok())]),
        "automation_rules[1].name"
    );
    assert_eq!(
        field_of(with(Condition::Channel { channels: vec![] })),
        "automation_rules[0].conditions[0].channels"
    );
    assert_eq!(
        field_of(with(Condition::PageUrl { contains: " ".into() })),
        "automation_rules[0].conditions[0].contains"
    );
    assert_eq!(
        field_of(with(Condition::HasLabel { label: "<b>".into() })),
        "automation_rules[0].conditions[0].label"
    );
    assert_eq!(
        field_of(with(Condition::ContactAttribute { key: "Plan".into(), equals: json!("pro") })),
        "automation_rules[0].conditions[0].key"
    );
    assert_eq!(
        field_of(with(Condition::ContactAttribute { key: "plan".into(), equals: json!(["pro"]) })),
        "automation_rules[0].conditions[0].equals"
    );
    let text = Condition::MessageText { contains: "refund".into() };
    assert_eq!(
        field_of(vec![rule("r", RuleEvent::StateChanged, vec![text], ok())]),
        "automation_rules[0].conditions[0].type"
    );
    assert_eq!(field_of(vec![rule("r", created, vec![], vec![])]), "automation_rules[0].actions");
    let nowhere = Action::AssignQueue { queue: QueueId::parse("nowhere").unwrap() };
    assert_eq!(
        field_of(vec![rule("r", created, vec![], vec![nowhere])]),
        "automation_rules[0].actions[0].queue"
    );
}

fn facts() -> Facts {
    Facts {
        channel: Channel::Webchat,
        page_url: Some("https://shop.example/Pricing?plan=pro".into()),
        text: Some("Do you have a REFUND policy?".into()),
        state: ConversationState::New,
        open: true,
        ..Facts::default()
    }
}

#[test]
fn each_condition_looks_at_its_fact() {
    let mut facts = facts();
    facts.contact.insert("plan".into(), "pro".into());
    facts.contact.insert("seats".into(), "12".into());
    facts.labels = labels(&["vip"]);
    let cases = [
        (Condition::Channel { channels: vec![Channel::Sms, Channel::Webchat] }, true),
        (Condition::Channel { channels: vec![Channel::Sms] }, false),
        (Condition::PageUrl { contains: "/pricing".into() }, true),
        (Condition::PageUrl { contains: "/cart".into() }, false),
        (Condition::MessageText { contains: "refund".into() }, true),
        (Condition::HasLabel { label: "vip".into() }, true),
        (Condition::LacksLabel { label: "vip".into() }, false),
        (Condition::ContactAttribute { key: "plan".into(), equals: json!("pro") }, true),
        (Condition::ContactAttribute { key: "seats".into(), equals: json!(12) }, true),
        (Condition::ContactAttribute { key: "vat".into(), equals: json!(null) }, true),
        (Condition::ContactAttribute { key: "plan".into(), equals: json!(null) }, false),
        (Condition::BusinessHours { open: false }, false),
        (Condition::State { states: vec![ConversationState::New, ConversationState::Bot] }, true),
    ];
    for (condition, expected) in cases {
        assert_eq!(holds(&condition, &facts), expected, "{condition:?}");
    }
}

#[test]
fn a_label_added_by_one_rule_sets_off_another_whatever_their_order() {
    let sales = QueueId::parse("sales").unwrap();
    let to_sales = rule(
        "Sales label to sales queue",
        RuleEvent::ConversationCreated,
        vec![Condition::HasLabel { label: "sales".into() }],
        vec![Action::AssignQueue { queue: sales.clone() }],
    );
    let pricing = rule(
        "Pricing page",
        RuleEvent::ConversationCreated,
        vec![Condition::PageUrl { contains: "/pricing".into() }],
        vec![Action::AddLabels { labels: labels(&["sales"]) }],
    );
    let other_event = rule("On messages", RuleEvent::MessageCreated, vec![], vec![Action::Resolve {}]);
    let off = Rule {
        enabled: false,
        ..rule("Off", RuleEvent::ConversationCreated, vec![], vec![Action::Resolve {}])
    };
    let rules = vec![to_sales, other_event, off, pricing];
    let mut seen = facts();
    let applied = apply(&rules, RuleEvent::ConversationCreated, &mut seen);
    let names: Vec<&str> = applied.iter().map(|a| a.rule.as_str()).collect();
    assert_eq!(names, ["Pricing page", "Sales label to sales queue"]);
    assert_eq!(seen.labels, ["sales"]);
    assert!(needs_labels(&rules, RuleEvent::ConversationCreated));
    assert!(!needs_labels(&rules, RuleEvent::MessageCreated));
}

#[test]
fn the_budget_lets_a_conversation_have_its_share_an_hour() {
    let mut budget = Budget::default();
    assert!(budget.hears_routing());
    budget.rule_routed = true;
    assert!(!budget.hears_routing(), "the answer to a rule's transfer");
    assert!(budget.hears_routing(), "used up");
    assert_eq!(budget.spend(30, 1_000), 30);
    assert_eq!(budget.spend(30, 2_000), (MAX_APPLIED_PER_HOUR - 30) as usize);
    assert_eq!(budget.spend(1, 3_000), 0);
    assert_eq!(budget.spend(1, 1_000 + 3_600_000), 1, "a new hour");
}

#[test]
fn a_customer_message_sets_off_created_once_and_rules_that_resolve_close_it() {
    use ConversationState::*;
    assert_eq!(events_of_customer_message(New), [RuleEvent::ConversationCreated, RuleEvent::MessageCreated]);
    for state in [Bot, Queued, Assigned, Resolved, Snoozed, Pending] {
        assert_eq!(events_of_customer_message(state), [RuleEvent::MessageCreated], "{state:?}");
    }
    let applied = |actions: Vec<Action>| vec![Applied { rule: "r".into(), actions }];
    assert!(closes(&applied(vec![Action::AddLabels { labels: labels(&["spam"]) }, Action::Resolve {}])));
    assert!(closes(&applied(vec![Action::Snooze { minutes: 5 }])));
    assert!(!closes(&applied(vec![Action::AddLabels { labels: labels(&["spam"]) }])));
    let agent = switchboard_protocol::AgentId::from_random([7; 16]);
    assert_eq!(
        note(
            "Spam",
            &[Action::AddLabels { labels: labels(&["spam"]) }],
            &[(Action::AssignAgent { agent }, "not online".into())]
        ),
        "Automation rule “Spam”: label spam (could not to an agent: not online)"
    );
}

#[test]
fn no_reply_rules_come_due_once_a_wait_in_the_order_of_their_minutes() {
    let waiting = |name: &str, minutes: u32| Rule {
        after_minutes: Some(minutes),
        ..rule(name, RuleEvent::NoReply, vec![], vec![Action::SendMessage { text: "Still here".into() }])
    };
    let rules = vec![
        waiting("ten", 10),
        waiting("five", 5),
        rule("other", RuleEvent::MessageCreated, vec![], vec![Action::Resolve {}]),
    ];
    let (minute, since) = (60_000, 1_000_000);
    let mut budget = Budget::default();
    assert_eq!(no_reply_due(&rules, None, &budget), None, "nobody waits");
    assert_eq!(no_reply_due(&rules, Some(since), &budget), Some(since + 5 * minute));
    assert!(no_reply_now(&rules, Some(since), &mut budget, since + 4 * minute).is_empty());
    let names = |due: Vec<Rule>| due.into_iter().map(|r| r.name).collect::<Vec<_>>();
    assert_eq!(names(no_reply_now(&rules, Some(since), &mut budget, since + 6 * minute)), ["five"]);
    assert!(no_reply_now(&rules, Some(since), &mut budget, since + 7 * minute).is_empty(), "once a wait");
    assert_eq!(no_reply_due(&rules, Some(since), &budget), Some(since + 10 * minute));
    assert_eq!(names(no_reply_now(&rules, Some(since), &mut budget, since + 60 * minute)), ["ten"]);
    assert_eq!(no_reply_due(&rules, Some(since), &budget), None, "all done for this wait");
    // A new wait (an agent answered, the customer wrote again) starts them afresh.
    let again = since + 90 * minute;
    assert_eq!(no_reply_due(&rules, Some(again), &budget), Some(again + 5 * minute));
    assert_eq!(names(no_reply_now(&rules, Some(again), &mut budget, again + 11 * minute)), ["ten", "five"]);
    // A resolved conversation keeps no one waiting.
    let mut life = crate::flow::lifecycle::Lifecycle { waiting_since: Some(since), ..Default::default() };
    assert_eq!(life.awaiting_person_since(), Some(since));
    life.state = ConversationState::Resolved;
    assert_eq!(life.awaiting_person_since(), None);
    // Checked: minutes only for no_reply, and within range.
    assert_eq!(
        field_of(vec![Rule { after_minutes: None, ..waiting("r", 5) }]),
        "automation_rules[0].after_minutes"
    );
    assert_eq!(
        field_of(vec![Rule { after_minutes: Some(0), ..waiting("r", 5) }]),
        "automation_rules[0].after_minutes"
    );
    let created = Rule {
        after_minutes: Some(5),
        ..rule("r", RuleEvent::ConversationCreated, vec![], vec![Action::Resolve {}])
    };
    assert_eq!(field_of(vec![created]), "automation_rules[0].after_minutes");
}

/// A random rule over a handful of labels: conditions on labels, actions on labels.
fn any_rule() -> impl Strategy<Value = Rule> {
    let label = || proptest::sample::select(vec!["a", "b", "c", "d"]).prop_map(String::from);
    let condition = prop_oneof![
        label().prop_map(|label| Condition::HasLabel { label }),
        label().prop_map(|label| Condition::LacksLabel { label }),
    ];
    let action = prop_oneof![
        label().prop_map(|l| Action::AddLabels { labels: vec![l] }),
        label().prop_map(|l| Action::RemoveLabels { labels: vec![l] }),
    ];
    (
        any::<bool>(),
        proptest::collection::vec(condition, 0..3),
        proptest::collection::vec(action, 1..3),
        proptest::sample::select(vec![RuleEvent::ConversationCreated, RuleEvent::MessageCreated]),
    )
        .prop_map(|(enabled, conditions, actions, event)| Rule {
            name: String::new(),
            after_minutes: None,
            enabled,
            event,
            conditions,
            actions,
        })
}

proptest! {
    /// Whatever the rules (even ones undoing each other's labels), an event ends: each rule
    /// applies at most once, only enabled rules of the event apply, and when it ends no rule
    /// left out would apply (it ran until none more did).
    #[test]
    fn an_event_ends_with_each_rule_at_most_once_and_none_left_that_applies(
        rules in proptest::collection::vec(any_rule(), 0..8),
        start in proptest::collection::btree_set(proptest::sample::select(vec!["a", "b", "c", "d"]), 0..4),
    ) {
        let rules: Vec<Rule> =
            rules.into_iter().enumerate().map(|(n, r)| Rule { name: format!("r{n}"), ..r }).collect();
        let mut seen = Facts { labels: start.iter().map(|l| l.to_string()).collect(), ..Facts::default() };
        let applied = apply(&rules, RuleEvent::ConversationCreated, &mut seen);
        let names: BTreeSet<&str> = applied.iter().map(|a| a.rule.as_str()).collect();
        prop_assert_eq!(names.len(), applied.len(), "a rule applied twice");
        for rule in &rules {
            let fired = names.contains(rule.name.as_str());
            let eligible = rule.enabled && rule.event == RuleEvent::ConversationCreated;
            prop_assert!(!fired || eligible, "{} applied", rule.name);
            if eligible && !fired {
                prop_assert!(!rule.conditions.iter().all(|c| holds(c, &seen)), "{} still applies", rule.name);
            }
        }
    }

    /// However many events a conversation has, rules apply at most the budget an hour.
    #[test]
    fn no_conversation_gets_more_than_its_budget_an_hour(
        events in proptest::collection::vec((0i64..600_000, 0usize..20), 1..60),
    ) {
        let mut budget = Budget::default();
        let (mut now, mut within_hour) = (1_000_000i64, Vec::<(i64, usize)>::new());
        for (gap, wanted) in events {
            now += gap;
            let allowed = budget.spend(wanted, now);
            prop_assert!(allowed <= wanted);
            within_hour.push((now, allowed));
            let window: usize = within_hour.iter().filter(|(at, _)| now - at < 3_600_000).map(|(_, n)| n).sum();
            prop_assert!(window <= 2 * MAX_APPLIED_PER_HOUR as usize, "{window} in an hour");
        }
    }
}
