use proptest::prelude::*;

use super::*;

#[test]
fn subjects_of_one_thread_share_a_key() {
    assert_eq!(subject_key("Re: RE: Fwd:  Where is my  order?"), "where is my order?");
    assert_eq!(subject_key("AW: Where is my order?"), subject_key("where is my order?"));
    assert_eq!(subject_key("Re:"), "");
    assert_eq!(reply_subject("Where is my order?", "x"), "Re: Where is my order?");
    assert_eq!(reply_subject("RE: Where is my order?", "x"), "Re: Where is my order?");
    assert_eq!(reply_subject("  ", "Your conversation with Shop"), "Your conversation with Shop");
}

#[test]
fn an_email_goes_on_when_it_names_one_of_ours_or_carries_the_subject() {
    let known = vec!["sb.ab.3.0@mail.example".to_owned(), "CAF123@mail.gmail.com".to_owned()];
    assert!(continues(&known, "Order 42", "something else", &["caf123@mail.gmail.com".into()]));
    assert!(continues(&known, "Order 42", "Re: order 42", &[]));
    assert!(!continues(&known, "Order 42", "A new question", &["other@x".into()]));
    // An empty subject alone never joins.
    assert!(!continues(&known, "", "", &[]));
}

#[test]
fn headers_name_the_newest_and_every_known_id() {
    let known = vec!["a@x".to_owned(), "b@x".to_owned()];
    let headers = headers("c@x", &known);
    assert_eq!(headers[0], ("Message-ID".to_owned(), "<c@x>".to_owned()));
    assert_eq!(headers[1], ("In-Reply-To".to_owned(), "<b@x>".to_owned()));
    assert_eq!(headers[2], ("References".to_owned(), "<a@x> <b@x>".to_owned()));
    assert_eq!(super::headers("c@x", &[]).len(), 1);
}

#[test]
fn an_entry_always_gets_the_same_id() {
    let conversation = ConversationId::parse("cnv_00112233445566778899aabbccddeeff").unwrap();
    let id = message_id(&conversation, Seq(7), 0, "mail.example");
    assert_eq!(id, "sb.00112233445566778899aabbccddeeff.7.0@mail.example");
}

proptest! {
    #[test]
    fn remembered_ids_stay_bounded_unique_and_newest(ids in proptest::collection::vec("[a-z]{1,3}@x", 0..60)) {
        let mut known = Vec::new();
        for id in &ids {
            known = remember(known, id);
        }
        prop_assert!(known.len() <= MAX_KNOWN_IDS);
        let mut unique = known.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), known.len());
        if let Some(last) = ids.last() {
            prop_assert!(known.contains(last));
        }
    }

    #[test]
    fn a_key_survives_any_number_of_prefixes(subject in "[a-zA-Z ]{1,30}", n in 0usize..5) {
        let prefixed = format!("{}{subject}", "Re: ".repeat(n));
        prop_assert_eq!(subject_key(&prefixed), subject_key(&subject));
    }
}
