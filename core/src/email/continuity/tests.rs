//! The continuity email: which replies, when, and what a typed address may be told.

use proptest::prelude::*;
use switchboard_protocol::{AgentId, ClientMessageId, VisitorId};

use super::*;

fn message(seq: u64, author: Author, text: &str, at: i64) -> Message {
    Message::plain(Seq(seq), ClientMessageId::parse(format!("m-{seq}")).unwrap(), author, text.into(), at)
}

fn ada() -> Author {
    Author::Agent { id: AgentId::from_random([1; 16]), name: "Ada".into() }
}

fn log() -> Vec<Message> {
    let visitor = Author::Visitor { id: VisitorId::from_random([2; 16]), name: None };
    vec![
        message(1, visitor, "Where is my order?", 1_000),
        message(2, ada(), "Checking now", 2_000),
        Message { internal: true, ..message(3, ada(), "courier is late again", 3_000) },
        message(4, Author::System, "Ada joined", 3_500),
        message(5, ada(), "It ships <today> & arrives Friday", 4_000),
    ]
}

#[test]
fn only_the_teams_unread_words_once_each() {
    let log = log();
    let unread = unread_replies(&log, Seq(1), Seq(0));
    assert_eq!(unread.iter().map(|m| m.seq.0).collect::<Vec<_>>(), [2, 5], "no note, no event");
    assert_eq!(unread_replies(&log, Seq(2), Seq(0)).len(), 1, "what was read is not sent");
    assert!(unread_replies(&log, Seq(1), Seq(5)).is_empty(), "what was emailed is not sent again");
    assert_eq!(due_at(&unread, DEFAULT_DELAY_MS), Some(2_000 + DEFAULT_DELAY_MS));
    assert_eq!(due_at(&[], DEFAULT_DELAY_MS), None);
}

#[test]
fn the_email_carries_the_replies_escaped_or_only_that_one_waits() {
    let log = log();
    let unread = unread_replies(&log, Seq(1), Seq(0));
    let sender = Sender { name: "Shop", color: "#0b5fff\"onmouseover" };
    let full = compose(&sender, &unread, "https://shop.example/?sb=1", Disclosure::Replies);
    assert_eq!(full.subject, "New reply from Shop");
    assert!(full.text.contains("Ada:\nChecking now") && full.text.contains("It ships <today>"));
    assert!(full.html.contains("It ships &lt;today&gt; &amp; arrives Friday"));
    assert!(!full.html.contains("\"onmouseover"), "the colour cannot break out of its attribute");
    assert!(!full.text.contains("courier"), "no private note");
    let waiting = compose(&sender, &unread, "https://shop.example/?sb=1", Disclosure::WaitingOnly);
    assert!(!waiting.text.contains("Checking now") && !waiting.html.contains("Checking now"));
    assert!(waiting.text.contains("https://shop.example/?sb=1"));
}

proptest! {
    /// Whatever an agent writes, the HTML part holds no tag of theirs.
    #[test]
    fn replies_never_become_markup(text in "\\PC{0,200}") {
        let log = [message(1, ada(), &text, 0)];
        let replies: Vec<&Message> = log.iter().collect();
        let html = compose(&Sender { name: "Shop", color: "#000" }, &replies, "https://x", Disclosure::Replies).html;
        let escaped = escape(&text);
        prop_assert!(html.contains(&escaped.replace('\n', "<br>")));
        prop_assert!(!escape(&text).contains('<'));
    }
}

#[test]
fn a_signed_address_sees_the_replies_a_typed_one_once_that_one_waits() {
    use switchboard_protocol::contact::{Contact, VerifiedIdentity};
    let typed = Contact { email: Some("Ada@Example.com".into()), ..Default::default() };
    assert_eq!(recipient(&typed, None), Some(("ada@example.com".into(), Disclosure::WaitingOnly)));
    assert_eq!(
        recipient(&typed, Some("ada@example.com")),
        Some(("ada@example.com".into(), Disclosure::Replies))
    );
    assert_eq!(recipient(&typed, Some("eve@example.com")).unwrap().1, Disclosure::WaitingOnly);
    let identity = VerifiedIdentity { email: Some("ada@corp.example".into()), ..test_identity() };
    let signed = Contact { identity: Some(identity), ..typed };
    assert_eq!(recipient(&signed, None), Some(("ada@corp.example".into(), Disclosure::Replies)));
    assert_eq!(recipient(&Contact::default(), None), None);

    let log = log();
    let progress = Progress { read_up_to: Seq(1), ..Progress::default() };
    let to = || Some(("ada@example.com".to_owned(), Disclosure::WaitingOnly));
    assert_eq!(next(&log, to(), progress, 10_000, 5_000), Next::At(12_000));
    assert!(
        matches!(next(&log, to(), progress, 10_000, 12_000), Next::Send { ref replies, .. } if replies.len() == 2)
    );
    let told = Progress { waiting_told: true, ..progress };
    assert_eq!(next(&log, to(), told, 10_000, 12_000), Next::Nothing, "a typed address is told once");
    assert_eq!(next(&log, None, progress, 10_000, 12_000), Next::Nothing);
}

fn test_identity() -> switchboard_protocol::contact::VerifiedIdentity {
    serde_json::from_value(serde_json::json!({ "user_id": "u-1" })).unwrap()
}

proptest! {
    /// Whatever the log and progress, an email is never due for what was read or emailed, and
    /// never sooner than the delay after the oldest reply it carries.
    #[test]
    fn nothing_read_or_emailed_is_sent_and_never_early(
        read in 0u64..7, emailed in 0u64..7, now in 0i64..20_000, delay in 0i64..10_000,
    ) {
        let log = log();
        let progress = Progress { read_up_to: Seq(read), emailed_up_to: Seq(emailed), waiting_told: false };
        let to = Some(("ada@example.com".to_owned(), Disclosure::Replies));
        if let Next::Send { replies, .. } = next(&log, to, progress, delay, now) {
            prop_assert!(!replies.is_empty());
            for reply in &replies {
                prop_assert!(reply.seq.0 > read.max(emailed));
                prop_assert!(!reply.internal);
            }
            prop_assert!(replies.iter().map(|m| m.sent_at).min().unwrap() + delay <= now);
        }
    }
}

#[test]
fn the_sites_email_address_sets_the_delay() {
    use switchboard_protocol::channels::{Channel, ContactIdentity};
    let address = |minutes: Option<u32>| ContactIdentity {
        channel: Channel::Email,
        address: "support@shop.example".into(),
        access_token: None,
        human_agent: false,
        handler: Default::default(),
        continuity_minutes: minutes,
        templates: Vec::new(),
    };
    assert_eq!(delay_ms(&[]), Some(DEFAULT_DELAY_MS));
    assert_eq!(delay_ms(&[address(None)]), Some(DEFAULT_DELAY_MS));
    assert_eq!(delay_ms(&[address(Some(2))]), Some(120_000));
    assert_eq!(delay_ms(&[address(Some(0))]), None, "0: never");
}
