use proptest::prelude::*;
use switchboard_protocol::channels::{ContactIdentity, HandlerStart, MessageHandler};
use switchboard_protocol::{AgentId, ClientMessageId, QueueId, Seq, VisitorId};

use super::*;

fn sms(address: &str) -> ContactIdentity {
    ContactIdentity {
        channel: Channel::Sms,
        address: address.into(),
        handler: MessageHandler::default(),
        templates: Vec::new(),
        access_token: None,
        human_agent: false,
        continuity_minutes: None,
    }
}

fn said(author: Author, text: &str) -> Message {
    Message::plain(Seq(1), ClientMessageId::parse("c").unwrap(), author, text.into(), 0)
}

#[test]
fn identities_are_numbers_once_each_with_handlers_the_flow_can_honour() {
    let flow = Flow::default();
    assert!(check_identities(&[sms("+15550100"), sms("+15550101")], &flow).is_ok());
    let whatsapp = ContactIdentity { channel: Channel::Whatsapp, ..sms("+15550100") };
    assert!(check_identities(&[sms("+15550100"), whatsapp], &flow).is_ok(), "same number, two channels");
    let refused = |identities: &[ContactIdentity]| check_identities(identities, &flow).unwrap_err().field;
    assert_eq!(refused(&[sms("+15550100"), sms("+15550100")]).as_deref(), Some("channels[1].address"));
    assert_eq!(refused(&[sms("5550100")]).as_deref(), Some("channels[0].address"));
    assert_eq!(refused(&[sms("whatsapp:+15550100")]).as_deref(), Some("channels[0].address"));
    let webchat = ContactIdentity { channel: Channel::Webchat, ..sms("+15550100") };
    assert_eq!(refused(&[webchat]).as_deref(), Some("channels[0].channel"));
    let mut queue = sms("+15550100");
    queue.handler.start = HandlerStart::Queue;
    assert_eq!(refused(&[queue.clone()]).as_deref(), Some("channels[0].handler.queue"));
    queue.handler.queue = Some(QueueId::parse("nowhere").unwrap());
    assert_eq!(refused(&[queue.clone()]).as_deref(), Some("channels[0].handler.queue"));
    queue.handler.queue = Some(flow.queues[0].id.clone());
    assert!(check_identities(&[queue], &flow).is_ok());
    let mut long = sms("+15550100");
    long.handler.reopen_within_minutes = MAX_REOPEN_MINUTES + 1;
    assert!(check_identities(&[long], &flow).is_err());
    let many: Vec<_> = (0..=MAX_IDENTITIES).map(|n| sms(&format!("+1555010{n:04}"))).collect();
    assert_eq!(refused(&many).as_deref(), Some("channels"));
}

#[test]
fn a_message_reaches_the_identity_of_its_channel_and_number() {
    let identities = [sms("+15550100"), ContactIdentity { channel: Channel::Whatsapp, ..sms("+15550199") }];
    assert_eq!(identity(&identities, Channel::Sms, "+15550100").map(|i| i.channel), Some(Channel::Sms));
    assert!(identity(&identities, Channel::Whatsapp, "+15550100").is_none());
    assert!(identity(&identities, Channel::Sms, "+15550199").is_none());
}

#[test]
fn a_queue_handler_routes_before_the_first_message_and_a_flow_handler_leaves_it_to_the_flow() {
    let mut handler = MessageHandler::default();
    assert_eq!(first_step(&handler), None);
    handler.start = HandlerStart::Queue;
    handler.queue = Some(QueueId::parse("billing").unwrap());
    let Some(Outbound::Immediate(handover)) = first_step(&handler) else { panic!("not routed") };
    assert_eq!(handover.queue, handler.queue);
}

#[test]
fn only_the_teams_spoken_words_travel_back_with_choices_written_out() {
    let ada = Author::Agent { id: AgentId::from_random([1; 16]), name: "Ada".into() };
    let visitor = Author::Visitor { id: VisitorId::from_random([2; 16]), name: None };
    let texts = |channel, message: &Message| outgoing(channel, message).texts;
    assert_eq!(
        texts(Channel::Sms, &said(ada.clone(), " Your parcel left today. ")),
        ["Your parcel left today."]
    );
    assert!(outgoing(Channel::Webchat, &said(ada.clone(), "hi")).is_empty());
    assert!(outgoing(Channel::Sms, &said(visitor, "hi")).is_empty());
    assert!(outgoing(Channel::Sms, &said(Author::System, "Ada joined")).is_empty());
    let note = Message { internal: true, ..said(ada.clone(), "between us") };
    assert!(outgoing(Channel::Sms, &note).is_empty());
    let mut question = said(Author::Bot { name: "Bot".into() }, "What is it about?");
    question.quick_replies = vec!["Billing".into(), "Orders".into()];
    assert_eq!(texts(Channel::Whatsapp, &question), ["What is it about?\n\nBilling / Orders"]);
    // Messenger has buttons of its own.
    let on_messenger = outgoing(Channel::Messenger, &question);
    assert_eq!(
        (on_messenger.texts, on_messenger.quick_replies),
        (vec!["What is it about?".to_string()], question.quick_replies.clone())
    );
    let long = said(ada, &"word ".repeat(500));
    assert_eq!(texts(Channel::Sms, &long).len(), 2, "split at the Messages API's 1,600 characters");
}

#[test]
fn a_file_travels_as_itself_by_its_absolute_link() {
    let ada = Author::Agent { id: AgentId::from_random([1; 16]), name: "Ada".into() };
    let mut file = said(ada, "label.pdf");
    file.attachment = Some(switchboard_protocol::attachment::Attachment {
        name: "label.pdf".into(),
        content_type: "application/pdf".into(),
        size: 10,
        url: "/api/v1/attachments/v1.abc".into(),
    });
    let sent = outgoing(Channel::Whatsapp, &file);
    assert_eq!(
        (sent.texts.len(), sent.file.as_ref().map(|f| f.url.as_str())),
        (0, Some("/api/v1/attachments/v1.abc"))
    );
    assert!(!sent.is_empty());
    let callback = "https://edge.example/api/v1/channels/twilio/site_1/status";
    assert_eq!(
        absolute(callback, "/api/v1/attachments/v1.abc").as_deref(),
        Some("https://edge.example/api/v1/attachments/v1.abc")
    );
    assert_eq!(absolute("http://127.0.0.1:8787/x", "/a").as_deref(), Some("http://127.0.0.1:8787/a"));
    assert_eq!(absolute("", "/a"), None, "no callback: no address");
    assert_eq!(absolute("ftp://x/y", "/a"), None);
}

#[test]
fn read_moves_the_mark_and_failure_tells_the_team_with_the_providers_code() {
    assert_eq!(receipt(Channel::Whatsapp, DeliveryStatus::Read, None), Receipt::Read);
    assert_eq!(receipt(Channel::Sms, DeliveryStatus::Delivered, None), Receipt::Nothing);
    assert_eq!(
        receipt(Channel::Sms, DeliveryStatus::Failed, Some(30003)),
        Receipt::NotDelivered("Not delivered by SMS (provider error 30003).".into())
    );
}

proptest! {
    /// An unresolved conversation always goes on; a resolved one exactly within the window.
    #[test]
    fn a_customer_goes_on_within_the_window_or_while_unresolved(
        minutes in 0u32..=MAX_REOPEN_MINUTES,
        since in 0i64..(40 * 24 * 3_600_000),
        resolved: bool,
    ) {
        let handler = MessageHandler { reopen_within_minutes: minutes, ..MessageHandler::default() };
        let state = if resolved { ConversationState::Resolved } else { ConversationState::Assigned };
        let now = 1_800_000_000_000;
        let on = goes_on(state, now - since, &handler, now);
        prop_assert_eq!(on, !resolved || since <= i64::from(minutes) * 60_000);
    }
}

#[test]
fn the_team_writes_from_the_sites_number_to_the_contacts_first_international_phone() {
    let identities = [sms("+15550100"), ContactIdentity { channel: Channel::Whatsapp, ..sms("+15550199") }];
    let phones = ["555 0101".to_owned(), "+44 7700 900123".to_owned()];
    let (line, _) = outbound_line(&identities, Channel::Whatsapp, &phones).unwrap();
    assert_eq!((line.ours.as_str(), line.theirs.as_str()), ("+15550199", "+447700900123"));
    let refused = outbound_line(&identities, Channel::Messenger, &phones).unwrap_err();
    assert!(refused.message.contains("cannot start a conversation by Messenger"), "{refused:?}");
    let refused = outbound_line(&identities[..1], Channel::Whatsapp, &phones).unwrap_err();
    assert!(refused.message.contains("no WhatsApp number"), "{refused:?}");
    let refused = outbound_line(&identities, Channel::Sms, &["555 0101".to_owned()]).unwrap_err();
    assert!(refused.message.contains("no phone number"), "{refused:?}");
}

#[test]
fn a_messenger_page_is_its_id_with_its_access_token() {
    let flow = Flow::default();
    let page = ContactIdentity {
        channel: Channel::Messenger,
        address: "1122334455".into(),
        access_token: Some("EAAB".to_owned() + &"x".repeat(40)),
        ..sms("+15550100")
    };
    assert!(check_identities(std::slice::from_ref(&page), &flow).is_ok());
    let field = |identity: ContactIdentity| check_identities(&[identity], &flow).unwrap_err().field;
    assert_eq!(
        field(ContactIdentity { access_token: None, ..page.clone() }).as_deref(),
        Some("channels[0].access_token")
    );
    assert_eq!(
        field(ContactIdentity { address: "+15550100".into(), ..page.clone() }).as_deref(),
        Some("channels[0].address")
    );
    let sms_with_token = ContactIdentity { access_token: page.access_token.clone(), ..sms("+15550100") };
    assert_eq!(field(sms_with_token).as_deref(), Some("channels[0].access_token"));
}

#[test]
fn a_pages_customer_has_an_id_there_never_a_phone() {
    let line = |channel| Thread { channel, ours: "1122334455".into(), theirs: "9988776655".into() };
    let page = customer_contact(&line(Channel::Messenger), Some("Grace Hopper".into()));
    assert_eq!(page.attributes.get("messenger_id").map(String::as_str), Some("9988776655"));
    assert_eq!(page.attributes.get("messenger_page").map(String::as_str), Some("1122334455"));
    assert!(!page.attributes.contains_key("phone"));
    assert_eq!(page.name.as_deref(), Some("Grace Hopper"));
    let texted = customer_contact(&line(Channel::Sms), None);
    assert_eq!(texted.attributes.get("phone").map(String::as_str), Some("9988776655"));
    assert_eq!(texted.attributes.get("channel").map(String::as_str), Some("SMS"));
}

#[test]
fn a_reply_the_line_cannot_take_is_retried_later_each_time_then_given_up() {
    let schedule = crate::webhook_delivery::Schedule::default();
    let mut last = 0;
    for attempts in 1..MAX_SEND_ATTEMPTS {
        let at = retry_hand_over(&schedule, attempts, 1_000, 0.5).expect("tried again");
        assert!(at > 1_000 && at >= last, "attempt {attempts}: {at}");
        last = at;
    }
    assert_eq!(retry_hand_over(&schedule, MAX_SEND_ATTEMPTS, 1_000, 0.5), None);
}

#[test]
fn a_bots_cards_are_written_out_after_its_words() {
    use switchboard_protocol::{Card, CardLink};
    let mut answer = said(Author::Bot { name: "Sam".into() }, "30 days to return.");
    answer.cards = vec![Card {
        title: "Returns policy".into(),
        text: Some("Free within 30 days.".into()),
        link: Some(CardLink { label: "Read it".into(), url: "https://shop.example/returns".into() }),
    }];
    answer.quick_replies = vec!["Talk to a person".into()];
    assert_eq!(
        outgoing(Channel::Sms, &answer).texts,
        ["30 days to return.\n\nReturns policy\nFree within 30 days.\nRead it: https://shop.example/returns\n\nTalk to a person"]
    );
    let messenger = outgoing(Channel::Messenger, &answer);
    assert!(messenger.texts[0].contains("Read it: https://shop.example/returns"), "{messenger:?}");
    assert_eq!(messenger.quick_replies, ["Talk to a person"]);
}

#[test]
fn the_team_writes_on_messenger_along_the_contacts_newest_line_there() {
    let page = ContactIdentity {
        channel: Channel::Messenger,
        address: "1122334455".into(),
        access_token: Some("EAAB".into()),
        ..sms("+15550100")
    };
    let summary = crate::inbox_summary::test_summary;
    let line = Thread { channel: Channel::Messenger, ours: "1122334455".into(), theirs: "9988776655".into() };
    let from_page = summary(Channel::Messenger, Some(customer_contact(&line, None)));
    let (found, _) = messenger_line(std::slice::from_ref(&page), std::slice::from_ref(&from_page)).unwrap();
    assert_eq!(found, line);
    // The same attributes typed on the web chat prove nothing.
    let typed = summary(Channel::Webchat, Some(customer_contact(&line, None)));
    assert_eq!(messenger_line(std::slice::from_ref(&page), &[typed]).unwrap_err().code, ErrorCode::Conflict);
    // A page the site dropped since.
    assert!(messenger_line(&[], &[from_page]).is_err());
}

#[test]
fn an_email_address_is_an_inbox_and_its_customers_write_from_theirs() {
    let flow = Flow::default();
    let inbox = ContactIdentity {
        channel: Channel::Email,
        address: "support@shop.example".into(),
        continuity_minutes: Some(10),
        ..sms("+15550100")
    };
    assert!(check_identities(std::slice::from_ref(&inbox), &flow).is_ok());
    let field = |identity: ContactIdentity| check_identities(&[identity], &flow).unwrap_err().field;
    let upper = ContactIdentity { address: "Support@Shop.example".into(), ..inbox.clone() };
    assert_eq!(field(upper).as_deref(), Some("channels[0].address"));
    let long = ContactIdentity { continuity_minutes: Some(MAX_CONTINUITY_MINUTES + 1), ..inbox.clone() };
    assert_eq!(field(long).as_deref(), Some("channels[0].continuity_minutes"));
    let sms_minutes = ContactIdentity { continuity_minutes: Some(5), ..sms("+15550100") };
    assert_eq!(field(sms_minutes).as_deref(), Some("channels[0].continuity_minutes"));

    let line =
        Thread { channel: Channel::Email, ours: inbox.address.clone(), theirs: "ada@example.com".into() };
    let contact = customer_contact(&line, Some("Ada".into()));
    assert_eq!(contact.email.as_deref(), Some("ada@example.com"));
    assert!(!contact.attributes.contains_key("phone"));
}
