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
