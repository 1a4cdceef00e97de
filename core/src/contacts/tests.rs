use proptest::prelude::*;
use switchboard_protocol::contact::VerifiedIdentity;

use super::*;

fn visitor(n: u8) -> VisitorId {
    VisitorId::from_random([n; 16])
}

fn person(id: &str, emails: &[&str], visitors: &[u8]) -> ContactRecord {
    let mut contact = for_visitor(&visitor(visitors[0]), None, id.into(), 1);
    contact.emails = emails.iter().map(|e| e.to_string()).collect();
    contact.visitor_ids = visitors.iter().map(|n| visitor(*n)).collect();
    contact
}

#[test]
fn typed_details_are_checked_and_normalised() {
    let request = CreateRequest {
        name: Some("  Noor Haddad ".into()),
        emails: vec!["Noor@Example.com".into(), "noor@example.com".into()],
        phones: vec!["+1 555-0142".into(), "15550142".into()],
        ..CreateRequest::default()
    };
    let contact = create(&request, &[], new_id([1; 16]), 5).expect("valid");
    assert_eq!(
        (contact.name.as_deref(), contact.emails.len(), contact.phones.len()),
        (Some("Noor Haddad"), 1, 1)
    );
    assert!(is_id(&contact.id) && !is_id("ctc_nothex"));
    let bad_email =
        CreateRequest { emails: vec!["ok@example.com".into(), "nope".into()], ..CreateRequest::default() };
    assert_eq!(create(&bad_email, &[], new_id([1; 16]), 5).unwrap_err().field.as_deref(), Some("emails[1]"));
    let bad_phone = CreateRequest { phones: vec!["call me".into()], ..CreateRequest::default() };
    assert_eq!(create(&bad_phone, &[], new_id([1; 16]), 5).unwrap_err().field.as_deref(), Some("phones[0]"));
}

#[test]
fn a_conversation_teaches_a_contact_but_never_replaces_what_it_has() {
    let contact = for_visitor(&visitor(1), None, new_id([2; 16]), 1);
    let seen =
        Contact { name: Some("Sam".into()), email: Some("SAM@example.com".into()), ..Contact::default() };
    let learnt = learn(contact, &seen, 2).expect("new details");
    assert_eq!(
        (learnt.name.as_deref(), learnt.emails.as_slice()),
        (Some("Sam"), &["sam@example.com".to_owned()][..])
    );
    assert_eq!(learn(learnt.clone(), &seen, 3), None, "nothing new the second time");
    let renamed = Contact { name: Some("Samuel".into()), ..Contact::default() };
    assert_eq!(learn(learnt, &renamed, 4), None, "a typed name does not replace one");
}

#[test]
fn merging_two_people_verified_as_different_users_is_refused() {
    let verified =
        |user: &str| Some(VerifiedIdentity { user_id: user.into(), ..VerifiedIdentity::default() });
    let mut a = person("ctc_a", &[], &[1]);
    let mut b = person("ctc_b", &[], &[2]);
    a.identity = verified("u-1");
    b.identity = verified("u-2");
    assert_eq!(merge(a.clone(), b.clone(), 9).unwrap_err().code, ErrorCode::Conflict);
    b.identity = verified("u-1");
    assert!(merge(a.clone(), b, 9).is_ok());
    assert_eq!(merge(a.clone(), a, 9).unwrap_err().field.as_deref(), Some("from"));
}

#[test]
fn search_finds_names_emails_and_phone_digits() {
    let mut contact = person("ctc_a", &["noor@example.com"], &[1]);
    contact.name = Some("Noor Haddad".into());
    contact.phones = vec!["+1 555-0142".into()];
    let hay = haystack(&contact);
    for typed in ["noor", "HADDAD", "noor@example.com", "555-0142", "(555) 0142"] {
        let needle = needle(typed).expect("searchable");
        assert!(hay.contains(&needle), "{typed} → {needle} in {hay}");
    }
    assert_eq!(needle("   "), None);
    assert_eq!(needle(&"0".repeat(200)).map(|n| n.len()), Some(MAX_NEEDLE_BYTES));
    assert!(needle(&"é".repeat(100)).is_some_and(|n| n.len() <= MAX_NEEDLE_BYTES));
}

#[test]
fn only_a_channels_own_or_a_signed_number_is_a_verified_phone_and_it_joins_the_contact_once() {
    use switchboard_protocol::channels::Channel;
    let mut contact = Contact::default();
    contact.attributes.insert("phone".into(), "+15551234567".into());
    let summary = |channel| crate::inbox_summary::test_summary(channel, Some(contact.clone()));
    assert_eq!(verified_phone(&summary(Channel::Sms)), Some("+15551234567"));
    assert_eq!(verified_phone(&summary(Channel::Whatsapp)), Some("+15551234567"));
    // A chat visitor claiming a number (an unsigned attribute) proves nothing.
    assert_eq!(verified_phone(&summary(Channel::Webchat)), None);
    // The site's backend signing it does, when it is an international number.
    let signed = |phone: &str| {
        let mut claims = switchboard_protocol::contact::VerifiedIdentity {
            user_id: "u-1".into(),
            email: None,
            name: None,
            attributes: Default::default(),
        };
        claims.attributes.insert("phone".into(), phone.into());
        Contact { identity: Some(claims), ..contact.clone() }
    };
    let mut chat = summary(Channel::Webchat);
    chat.contact = Some(signed("+44 7700 900123"));
    assert_eq!(verified_phone(&chat), Some("+44 7700 900123"));
    for not_a_number in ["07700 900123", "+12", "+1 555 CALL NOW", ""] {
        chat.contact = Some(signed(not_a_number));
        assert_eq!(verified_phone(&chat), None, "{not_a_number:?}");
    }
    let person = person("ctc_a", &[], &[1]);
    let with = with_phone(person, "+15551234567", 7).expect("added");
    assert_eq!((with.phones.as_slice(), with.updated_at), (&["+15551234567".to_owned()][..], 7));
    assert!(with_phone(with.clone(), "+15551234567", 8).is_none(), "once");
    assert!(with_phone(with, "+1 (555) 123-4567", 8).is_none(), "however it is written");
    assert_eq!(phone_key("+1 (555) 123-4567"), phone_key("+15551234567"));
}

fn emails_strategy() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("[a-c]{1,2}@x\\.com", 0..4)
}

proptest! {
    /// A merge keeps every email, phone and visitor of both contacts, once each.
    #[test]
    fn merge_loses_nothing(a in emails_strategy(), b in emails_strategy(), va in 1u8..5, vb in 1u8..5) {
        let a_emails: Vec<&str> = a.iter().map(String::as_str).collect();
        let b_emails: Vec<&str> = b.iter().map(String::as_str).collect();
        let into = person("ctc_a", &a_emails, &[va]);
        let from = person("ctc_b", &b_emails, &[vb]);
        let merged = merge(into.clone(), from.clone(), 10).expect("mergeable");
        for email in into.emails.iter().chain(&from.emails) {
            prop_assert!(merged.emails.contains(email));
        }
        for visitor in into.visitor_ids.iter().chain(&from.visitor_ids) {
            prop_assert!(merged.visitor_ids.contains(visitor));
        }
        let mut unique = merged.visitor_ids.clone();
        unique.dedup();
        prop_assert_eq!(unique.len(), merged.visitor_ids.len());
        prop_assert_eq!(merged.id, into.id);
    }
}
