//! Flow scenarios: the rule bot's answers, collection and handovers, and the lifecycle
//! around them (business hours, resolve and reopen, routing notices).

use switchboard_protocol::routing::{ConversationEvent, ConversationState, HandoverReason, Release};
use switchboard_protocol::{AgentId, QueueId};

use super::bot::{BotMemory, Say};
use switchboard_protocol::api::bot_webhook::{BotAnswer, BotMessage};

use super::hours::tests::ChronoZones;
use super::lifecycle::FlowIn;
use super::lifecycle::{Effect, Lifecycle, RoutingNotice};
use super::*;
use crate::conversation::AgentAction;

/// A shop's flow: two FAQs, one rule that hands over to billing, an email asked before any
/// handover.
fn shop() -> Flow {
    let toml_like = serde_json::json!({
        "bot": {
            "name": "Sam",
            "greeting": "Hi! What can I do for you?",
            "menu": ["Shipping", "Returns", "Talk to a person"],
            "intents": [
                {"name": "shipping", "phrases": ["delivery", "how long", "ship to"], "answer": "We ship in 2 days.", "quick_replies": ["Returns"]},
                {"name": "returns", "phrases": ["refund", "send back"], "answer": "30 days to return.",
                 "cards": [{"title": "Returns policy", "text": "Free within 30 days.", "link": {"label": "Read it", "url": "https://shop.example/returns"}}]},
                {"name": "invoice", "phrases": ["invoice", "billing problem"], "answer": "Billing can help.", "handover": {"queue": "billing"}}
            ],
            "collect": [{"name": "email", "prompt": "Your email?", "kind": {"type": "email"}}]
        },
        "queues": [{"id": "support"}, {"id": "billing", "skills": ["billing"]}]
    });
    let flow: Flow = serde_json::from_value(toml_like).unwrap();
    flow.validate(&ChronoZones).unwrap();
    flow
}

fn says(steps: &[Effect]) -> Vec<&str> {
    steps
        .iter()
        .filter_map(|s| if let Effect::Say(Say { text, .. }) = s { Some(text.as_str()) } else { None })
        .collect()
}

fn routes(steps: &[Effect]) -> Option<&QueueId> {
    steps.iter().find_map(|s| if let Effect::Route { queue, .. } = s { Some(queue) } else { None })
}

#[test]
fn the_bot_greets_answers_faqs_and_offers_quick_replies() {
    let flow = shop();
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let mut life = Lifecycle::default();
    let greeting = life.start(&flow);
    assert!(matches!(&greeting[..], [Effect::Say(Say { quick_replies, .. })] if quick_replies.len() == 3));
    let steps = life.visitor_wrote(&flow, "How LONG does delivery take?!", 0);
    assert_eq!(says(&steps), ["We ship in 2 days."]);
    assert!(steps.contains(&Effect::Status), "new -> bot is announced");
    assert_eq!(life.state, ConversationState::Bot);
    // A quick reply is just its text, matched by the intent's name; the answer's card comes
    // with it.
    let steps = life.visitor_wrote(&flow, "Returns", 1);
    assert_eq!(says(&steps), ["30 days to return."]);
    let Some(Effect::Say(Say { cards, .. })) = steps.iter().find(|s| matches!(s, Effect::Say(_))) else {
        panic!("no answer: {steps:?}")
    };
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].link.as_ref().map(|l| l.url.as_str()), Some("https://shop.example/returns"));
}

#[test]
fn a_card_that_links_anywhere_but_a_web_page_makes_the_flow_invalid() {
    let mut flow = serde_json::to_value(shop()).unwrap();
    flow["bot"]["intents"][1]["cards"][0]["link"]["url"] = "javascript:alert(1)".into();
    let flow: Flow = serde_json::from_value(flow).unwrap();
    let error = flow.validate(&ChronoZones).unwrap_err();
    assert!(
        matches!(&error, FlowError::Cards(intent, why) if intent == "returns" && why.contains("http")),
        "{error}"
    );
}

#[test]
fn asking_for_a_person_collects_the_email_then_hands_over() {
    let flow = shop();
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let mut life = Lifecycle::default();
    let steps = life.visitor_wrote(&flow, "Can I talk to a real person please", 0);
    assert_eq!(says(&steps), ["Your email?"]);
    assert_eq!(routes(&steps), None);
    let steps = life.visitor_wrote(&flow, "not an email", 1);
    assert!(says(&steps)[0].starts_with("That doesn't look like an email address."));
    let steps = life.visitor_wrote(&flow, " Ada@Example.com ", 2);
    assert!(steps.contains(&Effect::Record(ConversationEvent::FieldCollected {
        field: "email".into(),
        value: "ada@example.com".into()
    })));
    assert_eq!(routes(&steps).map(QueueId::as_str), Some("support"));
    assert!(steps.contains(&Effect::Record(ConversationEvent::HandedOver {
        queue: QueueId::parse("support").unwrap(),
        reason: HandoverReason::VisitorAsked,
        agent: None
    })));
    assert_eq!(life.state, ConversationState::Queued);
    // From now on the visitor writes to humans; the bot stays quiet.
    assert_eq!(life.visitor_wrote(&flow, "hello?", 3), vec![]);
    assert_eq!(life.waiting_since, Some(0));
    assert_eq!(life.waiting(2, 60_000), vec![Effect::Status]);
    assert_eq!(life.waiting(2, 60_000), vec![]);
}

#[test]
fn a_skipped_question_is_not_asked_again_and_the_visitor_reaches_a_person() {
    let mut flow = shop();
    flow.bot.collect[0].optional = true;
    flow.hours = Some(BusinessHours { time_zone: "UTC".into(), ..Default::default() });
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let mut life = Lifecycle::default();
    assert_eq!(says(&life.visitor_wrote(&flow, "Talk to a person", 0)), ["Your email?"]);
    let steps = life.visitor_wrote(&flow, "Skip", 1);
    assert!(!says(&steps).contains(&"Your email?"), "asked again after a skip: {steps:?}");
    // Closed all week: the offline fallback takes over, and does not ask for the address
    // the visitor just declined to give either.
    assert_eq!(life.state, ConversationState::Pending);
    assert!(says(&steps).iter().all(|text| !text.contains("email")), "{steps:?}");
}

#[test]
fn a_visitor_who_cannot_answer_or_insists_on_a_person_still_gets_one() {
    let flow = shop();
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    // A required question refused three times is given up.
    let mut life = Lifecycle::default();
    life.visitor_wrote(&flow, "human", 0);
    assert!(routes(&life.visitor_wrote(&flow, "no", 1)).is_none());
    assert!(routes(&life.visitor_wrote(&flow, "no!", 2)).is_none());
    assert_eq!(routes(&life.visitor_wrote(&flow, "no!!", 3)).map(QueueId::as_str), Some("support"));
    // Asking for a person while a question is pending ends the questions at once.
    let mut life = Lifecycle::default();
    life.visitor_wrote(&flow, "human", 0);
    assert_eq!(
        routes(&life.visitor_wrote(&flow, "just let me talk to a person", 1)).map(QueueId::as_str),
        Some("support")
    );
}

#[test]
fn a_bot_without_a_way_to_a_person_is_refused() {
    let mut flow = shop();
    flow.bot.handover_phrases = vec![" ?! ".into()];
    assert_eq!(flow.validate(&ChronoZones), Err(FlowError::NoWayToAPerson));
}

#[test]
fn rules_hand_over_to_their_queue_and_the_bot_gives_up_after_two_misses() {
    let flow = shop();
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let mut life = Lifecycle {
        bot: BotMemory { collected: [("email".into(), "a@b.co".into())].into(), ..Default::default() },
        ..Default::default()
    };
    let steps = life.visitor_wrote(&flow, "I have a billing problem", 0);
    assert_eq!(says(&steps)[0], "Billing can help.");
    assert_eq!(routes(&steps).map(QueueId::as_str), Some("billing"));

    let mut life = Lifecycle { bot: life.bot.clone(), ..Default::default() };
    assert_eq!(routes(&life.visitor_wrote(&flow, "qwerty", 0)), None);
    let steps = life.visitor_wrote(&flow, "asdf", 1);
    assert!(steps.iter().any(|s| matches!(
        s,
        Effect::Record(ConversationEvent::HandedOver { reason: HandoverReason::BotGaveUp, .. })
    )));
}

#[test]
fn a_flow_without_a_bot_goes_straight_to_the_queue() {
    let flow = Flow::default();
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let mut life = Lifecycle::default();
    assert!(life.start(&flow).is_empty(), "no greeting from a bot that knows nothing");
    assert_eq!(routes(&life.visitor_wrote(&flow, "hi", 0)).map(QueueId::as_str), Some("support"));
}

#[test]
fn a_visitor_answering_an_agents_proactive_message_goes_to_that_agent_first() {
    let flow = Flow::default();
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let anna = AgentId::from_random([5; 16]);
    let mut life = Lifecycle { invited_by: Some(anna.clone()), ..Lifecycle::default() };
    let steps = life.visitor_wrote(&flow, "Is there a yearly plan?", 0);
    assert!(
        steps
            .iter()
            .any(|s| matches!(s, Effect::Route { agent: Some(a), taken_over: false, .. } if *a == anna)),
        "{steps:?}"
    );
    assert!(steps.iter().any(|s| matches!(s,
        Effect::Record(ConversationEvent::HandedOver { agent: Some(a), .. }) if *a == anna)));
    // Once: a later handover (a reopening after it was resolved) follows the usual rules.
    assert_eq!(life.invited_by, None);
}

#[test]
fn outside_business_hours_the_visitor_is_told_when_and_asked_for_an_email() {
    let flow = Flow {
        hours: Some(BusinessHours {
            time_zone: "UTC".into(),
            mon: vec!["09:00-17:00".into()],
            ..Default::default()
        }),
        ..Default::default()
    };
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let sunday_noon = 1_796_558_400_000; // 2026-12-06T12:00:00Z
    let monday_nine = sunday_noon + 21 * 3_600_000;
    let mut life = Lifecycle::default();
    let steps = life.visitor_wrote(&flow, "hello", sunday_noon);
    assert_eq!(life.state, ConversationState::Pending);
    assert!(says(&steps)[0].contains("tomorrow at 09:00 (UTC)"), "{:?}", says(&steps));
    assert!(steps.contains(&Effect::Wake(Some(monday_nine))));
    let steps = life.visitor_wrote(&flow, "me@example.org", sunday_noon + 1);
    assert!(says(&steps)[0].contains("me@example.org"));
    // The alarm at opening time puts it in the queue.
    assert!(life.wake(&flow, monday_nine - 1).is_empty());
    let steps = life.wake(&flow, monday_nine);
    assert_eq!(routes(&steps).map(QueueId::as_str), Some("support"));
}

#[test]
fn an_agents_message_while_the_bot_holds_the_conversation_takes_it_over() {
    let flow = shop();
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let ada = AgentId::from_random([1; 16]);
    let mut life = Lifecycle::default();
    life.visitor_wrote(&flow, "human", 0);
    assert!(life.bot.asking.is_some(), "the bot asks for the email first");
    assert!(life.agent_wrote(), "the bot holds it: the agent's message takes it over");
    let steps = life.agent_took_over(&flow, ada.clone());
    assert_eq!(
        steps[0],
        Effect::Record(ConversationEvent::HandedOver {
            queue: QueueId::parse("support").unwrap(),
            reason: HandoverReason::AgentTookOver,
            agent: Some(ada.clone()),
        })
    );
    assert!(steps.contains(&Effect::Route {
        queue: QueueId::parse("support").unwrap(),
        agent: Some(ada),
        taken_over: true
    }));
    // The bot is silent from now on, even to the answer it was waiting for.
    assert_eq!(life.visitor_wrote(&flow, "ada@example.com", 1), vec![]);
    assert!(life.bot.asking.is_none());
}

#[test]
fn resolve_then_a_new_visitor_message_reopens_to_the_same_agent() {
    let flow = Flow::default();
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let ada = AgentId::from_random([1; 16]);
    let mut life = Lifecycle::default();
    life.visitor_wrote(&flow, "hi", 0);
    life.routing(RoutingNotice::Assigned { agent: ada.clone(), name: "Ada".into() });
    assert_eq!(life.state, ConversationState::Assigned);
    assert!(!life.agent_wrote(), "a human holds it already");
    assert_eq!(life.waiting_since, None);
    let steps = life.agent_action(&flow, AgentAction::Resolve, 5);
    assert_eq!(
        steps[0],
        Effect::Record(ConversationEvent::StateChanged { state: ConversationState::Resolved })
    );
    assert!(steps.contains(&Effect::Unroute));
    // A late routing notice does not undo the resolve.
    assert!(life.routing(RoutingNotice::Released { agent: ada.clone(), reason: Release::Closed }).is_empty());
    let steps = life.visitor_wrote(&flow, "one more thing", 10);
    assert!(steps.contains(&Effect::Route {
        queue: QueueId::parse("support").unwrap(),
        agent: Some(ada),
        taken_over: false
    }));
}

#[test]
fn snoozed_conversations_come_back_on_their_alarm() {
    let flow = Flow::default();
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let mut life = Lifecycle::default();
    life.visitor_wrote(&flow, "hi", 0);
    assert!(
        life.agent_action(&flow, AgentAction::Snooze(50), 100).is_empty(),
        "a snooze into the past is ignored"
    );
    let steps = life.agent_action(&flow, AgentAction::Snooze(1_000), 100);
    assert!(steps.contains(&Effect::Wake(Some(1_000))));
    assert!(routes(&life.wake(&flow, 1_000)).is_some());
    assert_eq!(life.state, ConversationState::Queued);
}

#[test]
fn an_external_bot_answers_or_hands_over_when_it_fails() {
    let flow = Flow {
        webhook: Some(WebhookBot {
            url: "http://127.0.0.1:9/bot".into(),
            signing_secret: "s".into(),
            api_token: None,
            timeout_ms: 500,
        }),
        ..Default::default()
    };
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let mut life = Lifecycle::default();
    assert!(life.visitor_wrote(&flow, "hi", 0).contains(&Effect::AskWebhook));
    let answer = BotAnswer {
        messages: vec![BotMessage {
            text: "Hello from the bot".into(),
            quick_replies: vec![],
            cards: vec![],
        }],
        handover: None,
    };
    assert_eq!(says(&life.bot_answered(&flow, answer, 1)), ["Hello from the bot"]);
    let steps = life.bot_failed(&flow, 2);
    assert!(steps.iter().any(|s| matches!(
        s,
        Effect::Record(ConversationEvent::HandedOver { reason: HandoverReason::BotFailed, .. })
    )));
    // A bot that promises an answer and misses its deadline hands over too.
    let mut late = Lifecycle::default();
    late.visitor_wrote(&flow, "hi", 0);
    assert_eq!(late.bot_deferred(500), vec![Effect::Wake(Some(500))]);
    assert!(late.wake(&flow, 500).iter().any(|s| matches!(s, Effect::Route { .. })));
    // Once humans have it, a late bot answer is dropped.
    assert!(life.bot_answered(&flow, BotAnswer::default(), 3).is_empty());
}

#[test]
fn flows_naming_unknown_queues_or_bad_hours_are_refused() {
    let mut flow = shop();
    flow.queues.retain(|q| q.id.as_str() != "billing");
    assert_eq!(flow.validate(&ChronoZones), Err(FlowError::UnknownQueue(QueueId::parse("billing").unwrap())));
    let flow = Flow {
        hours: Some(BusinessHours { time_zone: "Nowhere/City".into(), ..Default::default() }),
        ..Default::default()
    };
    assert!(matches!(flow.validate(&ChronoZones), Err(FlowError::Hours(_))));
    assert!(serde_json::from_str::<Flow>(r#"{"strat":"bot"}"#).is_err(), "typos in keys are refused");
}

#[test]
fn the_sites_greeting_opens_every_conversation_whoever_answers_first() {
    let queue_first = Flow { start: Start::Queue, greeting: Some("Hej!".into()), ..Flow::default() };
    let mut life = Lifecycle::default();
    assert_eq!(says(&life.start(&FlowIn { flow: &queue_first, zones: &ChronoZones })), ["Hej!"]);
    let bot_first = Flow { greeting: Some("Hej!".into()), ..shop() };
    let steps = Lifecycle::default().start(&FlowIn { flow: &bot_first, zones: &ChronoZones });
    assert_eq!(says(&steps), ["Hej!"]);
    // The bot keeps its menu under the site's greeting.
    assert!(matches!(&steps[0], Effect::Say(Say { quick_replies, .. }) if !quick_replies.is_empty()));
    let plain = Flow { start: Start::Queue, ..Flow::default() };
    assert!(Lifecycle::default().start(&FlowIn { flow: &plain, zones: &ChronoZones }).is_empty());
}

#[test]
fn a_rule_steers_a_new_conversation_and_transfers_one_with_humans() {
    let mut flow = shop();
    flow.start = Start::Queue;
    let flow = FlowIn { flow: &flow, zones: &ChronoZones };
    let billing = QueueId::parse("billing").unwrap();
    // Before anyone handed it over: remembered, and its handover goes there.
    let mut life = Lifecycle::default();
    assert!(!life.steer(billing.clone()));
    let steps = life.visitor_wrote(&flow, "Hello?", 0);
    assert_eq!(routes(&steps), Some(&billing));
    assert_eq!(life.steered, None, "used once");
    // With humans already: routing is asked to transfer it — unless it is there already
    // (a transfer would take it from its agent for nothing).
    assert!(life.steer(QueueId::parse("support").unwrap()));
    assert!(!life.steer(billing.clone()));
    assert_eq!(life.steered, None);
    // Resolved, then steered: reopening goes to the rule's queue, not back to the last one.
    life.agent_action(&flow, AgentAction::Resolve, 1);
    assert_eq!(life.waiting_since, None, "a resolved conversation keeps nobody waiting");
    assert!(!life.steer(QueueId::parse("support").unwrap()));
    let reopened = life.visitor_wrote(&flow, "Me again", 2);
    assert_eq!(routes(&reopened).map(QueueId::as_str), Some("support"));
    assert_eq!(life.waiting_since, Some(2), "a new wait");
    // A queue the flow no longer has is not used: the flow's queue is.
    let mut life = Lifecycle::default();
    life.steer(QueueId::parse("gone").unwrap());
    assert_eq!(routes(&life.visitor_wrote(&flow, "Hello?", 0)).map(QueueId::as_str), Some("support"));
}
