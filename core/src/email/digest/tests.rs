use proptest::prelude::*;
use switchboard_protocol::inbox::MessagePreview;
use switchboard_protocol::routing::Release;

use super::*;

fn agent() -> AgentId {
    AgentId::from_random([1; 16])
}

fn conversation() -> ConversationId {
    ConversationId::from_random([2; 16])
}

fn summary(assignee: Option<AgentId>, role: Role) -> ConversationSummary {
    let mut summary = crate::inbox_summary::test_summary(Default::default(), None);
    summary.id = conversation();
    summary.assignee = assignee;
    summary.last_message = Some(MessagePreview { role, text: "hello".into(), sent_at: 1 });
    summary
}

#[test]
fn what_counts_as_missed() {
    let lapsed =
        Effect::Released { conversation: conversation(), agent: agent(), reason: Release::OfferExpired };
    assert_eq!(from_effect(&lapsed, |_| true), Some((agent(), conversation(), Missed::Offer)));
    let declined =
        Effect::Released { conversation: conversation(), agent: agent(), reason: Release::Declined };
    assert_eq!(from_effect(&declined, |_| false), None);
    let assigned = Effect::Assigned { conversation: conversation(), agent: agent() };
    assert_eq!(from_effect(&assigned, |_| false), Some((agent(), conversation(), Missed::Assignment)));
    assert_eq!(from_effect(&assigned, |_| true), None, "they saw it happen");

    assert_eq!(
        from_activity(&summary(Some(agent()), Role::Visitor), |_| false),
        Some((agent(), conversation(), Missed::Message))
    );
    assert_eq!(from_activity(&summary(Some(agent()), Role::Visitor), |_| true), None);
    assert_eq!(from_activity(&summary(Some(agent()), Role::Agent), |_| false), None, "their own words");
    assert_eq!(from_activity(&summary(None, Role::Visitor), |_| false), None, "nobody's yet");
    for missed in [Missed::Offer, Missed::Assignment, Missed::Message] {
        assert_eq!(Missed::parse(missed.as_str()), Some(missed));
    }
}

#[test]
fn the_digest_lists_each_conversation_once() {
    let items = [
        Item {
            missed: Missed::Message,
            count: 3,
            who: Some("Ada".into()),
            text: Some("Where is it?".into()),
        },
        Item { missed: Missed::Offer, count: 1, who: None, text: None },
    ];
    let email = compose("Shop", "Nia", &items, "https://chat.example/console/");
    assert_eq!(email.subject, "What you missed on Shop");
    assert!(email.text.contains("Ada wrote to you 3 times: \u{201c}Where is it?\u{201d}"), "{}", email.text);
    assert!(email.text.contains("A visitor's conversation was offered to you\n"));
    assert!(email.html.contains("href=\"https://chat.example/console/\""));
}

proptest! {
    #[test]
    fn names_and_words_never_become_markup_or_headers(who in ".{0,40}", said in ".{0,80}", site in ".{0,30}") {
        let items = [Item { missed: Missed::Message, count: 1, who: Some(who), text: Some(said) }];
        let email = compose(&site, "Nia <b>", &items, "https://x/console/");
        prop_assert!(!email.subject.contains('\n') && !email.subject.contains('\r'));
        let without_ours = email.html.replace("<p>", "").replace("</p>", "").replace("<ul>", "").replace("</ul>", "")
            .replace("<li>", "").replace("</li>", "").replace("<a href=\"https://x/console/\">", "").replace("</a>", "")
            .replace("<p style=\"color:#666\">", "");
        prop_assert!(!without_ours.contains('<') && !without_ours.contains('>'), "{}", email.html);
    }
}
