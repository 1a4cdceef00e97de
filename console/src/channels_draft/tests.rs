//! The Channels form, action by action, as an admin would notice it: what is sent, which
//! input an error lands on, what a reload keeps.

use std::rc::Rc;

use switchboard_protocol::channels::{
    Channel, ContactIdentity, HandlerStart, MessageHandler, Template, MAX_IDENTITIES,
};
use switchboard_protocol::{ApiError, ErrorCode, QueueId};
use yew::Reducible;

use super::*;

fn queue(name: &str) -> QueueId {
    QueueId::parse(name).unwrap()
}

fn queues() -> Vec<QueueId> {
    vec![queue("general"), queue("billing")]
}

fn sms(address: &str) -> ContactIdentity {
    ContactIdentity {
        channel: Channel::Sms,
        address: address.into(),
        access_token: None,
        handler: MessageHandler::default(),
        templates: Vec::new(),
        human_agent: false,
        continuity_minutes: None,
    }
}

fn page(token: Option<&str>) -> ContactIdentity {
    ContactIdentity {
        channel: Channel::Messenger,
        access_token: token.map(str::to_owned),
        ..sms("1234567890")
    }
}

fn inbox(continuity_minutes: Option<u32>) -> ContactIdentity {
    ContactIdentity { channel: Channel::Email, continuity_minutes, ..sms("support@shop.example") }
}

fn run(form: ChannelsDraft, actions: impl IntoIterator<Item = Action>) -> ChannelsDraft {
    let form = actions.into_iter().fold(Rc::new(form), |form, action| form.reduce(action));
    Rc::unwrap_or_clone(form)
}

#[test]
fn an_sms_number_straight_to_a_queue_and_a_whatsapp_number_with_a_template_are_sent_whole() {
    let form = run(
        ChannelsDraft::new(&[]),
        [
            Action::Add,
            Action::Edit(0, Edit::Address(" +15550100 ".into())),
            Action::Edit(0, Edit::Start(HandlerStart::Queue)),
            Action::Edit(0, Edit::Queue(Some(queue("billing")))),
            Action::Edit(0, Edit::Reopen("0".into())),
            Action::Add,
            Action::Edit(1, Edit::Channel(Channel::Whatsapp)),
            Action::Edit(1, Edit::Address("+15550101".into())),
            Action::Edit(1, Edit::AddTemplate),
            Action::Edit(1, Edit::TemplateName(0, "order_update".into())),
            Action::Edit(1, Edit::TemplateText(0, "Hi {{1}}, order {{2}} shipped.".into())),
        ],
    );
    assert_eq!(form.open, Some(1), "the identity added last is the one being edited");
    assert!(form.changed());
    let sent = form.to_send(&queues()).expect("valid");
    assert_eq!(sent[0].address, "+15550100");
    assert_eq!(
        sent[0].handler,
        MessageHandler {
            start: HandlerStart::Queue,
            queue: Some(queue("billing")),
            reopen_within_minutes: 0
        }
    );
    assert_eq!(sent[1].channel, Channel::Whatsapp);
    assert_eq!(
        sent[1].templates,
        [Template {
            name: "order_update".into(),
            text: "Hi {{1}}, order {{2}} shipped.".into(),
            content_sid: None
        }]
    );
    let body = serde_json::to_value(&sent).unwrap();
    assert_eq!(body[1]["handler"], serde_json::json!({ "start": "flow", "reopen_within_minutes": 60 }));
    // Saved: the list is the site's now, nothing left to save.
    let saved = run(form, [Action::Saving, Action::Saved(sent.clone())]);
    assert_eq!((saved.status.clone(), saved.open, saved.changed()), (Status::Saved, None, false));
    assert_eq!(saved.to_send(&queues()), Ok(sent));
}

#[test]
fn what_the_channel_or_start_does_not_use_is_not_sent() {
    let form = run(
        ChannelsDraft::new(&[]),
        [
            Action::Add,
            Action::Edit(0, Edit::Channel(Channel::Whatsapp)),
            Action::Edit(0, Edit::AddTemplate),
            Action::Edit(0, Edit::Start(HandlerStart::Queue)),
            Action::Edit(0, Edit::Queue(Some(queue("billing")))),
            // Back to SMS and the site's flow: the template and the queue stay in the inputs
            // in case the admin switches back, but do not travel.
            Action::Edit(0, Edit::Channel(Channel::Sms)),
            Action::Edit(0, Edit::Start(HandlerStart::Flow)),
            Action::Edit(0, Edit::Address("+15550100".into())),
            Action::Edit(0, Edit::Token("EAAB-not-for-sms-xxxxxxxx".into())),
        ],
    );
    assert_eq!(form.identities[0].templates.len(), 1);
    assert_eq!(form.to_send(&queues()), Ok(vec![sms("+15550100")]));
}

#[test]
fn core_refusals_land_on_their_identity_and_input() {
    let form = run(
        ChannelsDraft::new(&[sms("+15550100")]),
        [Action::Add, Action::Edit(1, Edit::Address("555-0101".into())), Action::Toggle(1)],
    );
    assert_eq!(form.open, None);
    let error = form.to_send(&queues()).unwrap_err();
    assert!(error.about(1, "address"), "{error:?}");
    assert_eq!(error.sentence(), "Address: a phone number in E.164 form (+ and 8 to 15 digits)");
    let form = run(form, [Action::Failed(error.clone())]);
    assert_eq!(form.open, Some(1), "the editor with the error opens");
    assert_eq!(form.error(), Some(&error));

    // A queue the site has not got, a twin, a template name.
    let queued = run(
        ChannelsDraft::new(&[]),
        [
            Action::Add,
            Action::Edit(0, Edit::Address("+15550100".into())),
            Action::Edit(0, Edit::Start(HandlerStart::Queue)),
        ],
    );
    assert!(queued.to_send(&queues()).unwrap_err().about(0, "handler.queue"));
    let unknown = run(queued, [Action::Edit(0, Edit::Queue(Some(queue("sales"))))]);
    assert!(unknown.to_send(&queues()).unwrap_err().about(0, "handler.queue"));
    let twin = ChannelsDraft::new(&[sms("+15550100"), sms("+15550100")]);
    assert!(twin.to_send(&[]).unwrap_err().about(1, "address"));
    let named = run(
        ChannelsDraft::new(&[]),
        [
            Action::Add,
            Action::Edit(0, Edit::Channel(Channel::Whatsapp)),
            Action::Edit(0, Edit::Address("+15550100".into())),
            Action::Edit(0, Edit::AddTemplate),
            Action::Edit(0, Edit::TemplateName(0, "Order Update".into())),
            Action::Edit(0, Edit::TemplateText(0, "Hi".into())),
        ],
    );
    let error = named.to_send(&[]).unwrap_err();
    assert!(error.about(0, "templates[0].name"), "{error:?}");
    assert!(error.sentence().starts_with("Template 1 name: "), "{}", error.sentence());
}

#[test]
fn a_reopen_window_that_is_not_a_number_is_refused_here() {
    let form =
        run(ChannelsDraft::new(&[sms("+15550100")]), [Action::Edit(0, Edit::Reopen("an hour".into()))]);
    let error = form.to_send(&[]).unwrap_err();
    assert!(error.about(0, "handler.reopen_within_minutes"));
    assert_eq!(form.identities[0].summary(), "Site's flow (bot first) · reopen window to fix");
    let long = run(form, [Action::Edit(0, Edit::Reopen("50000".into()))]);
    assert!(long.to_send(&[]).unwrap_err().about(0, "handler.reopen_within_minutes"));
}

#[test]
fn a_messenger_pages_token_is_kept_when_none_is_typed() {
    let stored = "EAAB".to_owned() + &"x".repeat(40);
    let form = ChannelsDraft::new(&[page(Some(&stored))]);
    assert!(form.identities[0].keeps_token());
    assert_eq!(form.identities[0].token, "", "the input starts empty");
    assert!(!form.changed());
    assert_eq!(form.to_send(&[]).unwrap()[0].access_token.as_deref(), Some(stored.as_str()));
    let typed = "EAAC".to_owned() + &"y".repeat(40);
    let form = run(form, [Action::Edit(0, Edit::Token(format!(" {typed} ")))]);
    assert!(!form.identities[0].keeps_token() && form.changed());
    assert_eq!(form.to_send(&[]).unwrap()[0].access_token.as_deref(), Some(typed.as_str()));
    // Shown without its token (not an admin) and none typed: core says one is needed.
    let hidden = ChannelsDraft::new(&[page(None)]);
    assert!(hidden.to_send(&[]).unwrap_err().about(0, "access_token"));
}

#[test]
fn the_human_agent_feature_is_kept_and_sent_for_pages_only() {
    let stored = "EAAB".to_owned() + &"x".repeat(40);
    let with = ContactIdentity { human_agent: true, ..page(Some(&stored)) };
    let form = ChannelsDraft::new(std::slice::from_ref(&with));
    assert!(form.identities[0].human_agent && !form.changed());
    assert!(form.to_send(&[]).unwrap()[0].human_agent, "kept as loaded");
    let off = run(form, [Action::Edit(0, Edit::HumanAgent(false))]);
    assert!(off.changed() && !off.to_send(&[]).unwrap()[0].human_agent);
    let sms_form = run(ChannelsDraft::new(&[sms("+15550100")]), [Action::Edit(0, Edit::HumanAgent(true))]);
    assert!(!sms_form.to_send(&[]).unwrap()[0].human_agent, "not a page's feature elsewhere");
}

#[test]
fn a_reload_with_the_same_list_keeps_the_edits_and_another_list_replaces_them() {
    let form = run(ChannelsDraft::new(&[sms("+15550100")]), [Action::Edit(0, Edit::Reopen("5".into()))]);
    let same = run(form.clone(), [Action::Loaded(vec![sms("+15550100")])]);
    assert_eq!(same, form);
    let other = run(form, [Action::Loaded(vec![sms("+15550199")])]);
    assert_eq!(other, ChannelsDraft::new(&[sms("+15550199")]));
}

#[test]
fn removing_one_keeps_the_open_editor_on_its_identity() {
    let list = [sms("+15550100"), sms("+15550101"), sms("+15550102")];
    let form = run(ChannelsDraft::new(&list), [Action::Toggle(2), Action::Remove(0)]);
    assert_eq!(form.open, Some(1));
    assert_eq!(form.identities[1].address, "+15550102");
    let form = run(form, [Action::Remove(1), Action::Remove(7), Action::Toggle(9)]);
    assert_eq!((form.open, form.identities.len()), (None, 1));
    // Template rows out of range change nothing.
    let same =
        run(form.clone(), [Action::Edit(0, Edit::RemoveTemplate(3)), Action::Edit(4, Edit::AddTemplate)]);
    assert_eq!(same, form);
}

#[test]
fn no_more_than_the_limit_can_be_added() {
    let many: Vec<_> = (0..MAX_IDENTITIES).map(|n| sms(&format!("+1555010{n:04}"))).collect();
    let form = run(ChannelsDraft::new(&many), [Action::Add]);
    assert!(!form.can_add());
    assert_eq!(form.identities.len(), MAX_IDENTITIES);
}

#[test]
fn an_edge_refusal_without_a_channel_field_is_shown_whole() {
    let error =
        ApiError::new(ErrorCode::BadRequest, "channels: at most 20 contact identities").at_field("channels");
    assert_eq!(ChannelError::of(&error), ChannelError::whole("at most 20 contact identities"));
    let plain = ApiError::new(ErrorCode::Forbidden, "admins only");
    assert_eq!(ChannelError::of(&plain).sentence(), "admins only");
}

#[test]
fn summaries_say_where_conversations_go() {
    let mut draft = IdentityDraft::of(&sms("+15550100"));
    assert_eq!(draft.summary(), "Site's flow (bot first) · reopens within 60 min");
    draft.apply(Edit::Start(HandlerStart::Queue));
    draft.apply(Edit::Queue(Some(queue("billing"))));
    draft.apply(Edit::Reopen("0".into()));
    draft.apply(Edit::Channel(Channel::Whatsapp));
    draft.apply(Edit::AddTemplate);
    assert_eq!(draft.summary(), "Straight to queue billing · never reopens · 1 template");
    assert_eq!(channel_of(&channel_value(Channel::Whatsapp)), Some(Channel::Whatsapp));
    assert_eq!(CHANNELS.map(channel_value), ["sms", "whatsapp", "messenger", "email"]);
}

#[test]
fn an_email_address_and_its_continuity_delay_round_trip() {
    for stored in [inbox(Some(15)), inbox(Some(0)), inbox(None)] {
        let form = ChannelsDraft::new(std::slice::from_ref(&stored));
        assert!(!form.changed(), "{stored:?}");
        assert_eq!(form.identities[0].identity(0), Ok(stored.clone()));
    }
    let draft = IdentityDraft::of(&inbox(Some(15)));
    assert_eq!(
        (draft.channel, draft.address.as_str(), draft.continuity.as_str()),
        (Channel::Email, "support@shop.example", "15")
    );
    assert_eq!(IdentityDraft::of(&inbox(None)).continuity, "", "empty: the default");
    // Typed afresh: the address goes trimmed and lowercased; empty minutes go as none, and
    // what only SMS, WhatsApp or Messenger use does not go at all.
    let form = run(
        ChannelsDraft::new(&[]),
        [
            Action::Add,
            Action::Edit(0, Edit::Channel(Channel::Email)),
            Action::Edit(0, Edit::Address(" Support@Shop.Example ".into())),
            Action::Edit(0, Edit::Token("EAAB-not-for-email-xxxxxxxxxx".into())),
            Action::Edit(0, Edit::HumanAgent(true)),
            Action::Edit(0, Edit::AddTemplate),
        ],
    );
    assert_eq!(form.identities[0].identity(0), Ok(inbox(None)));
    assert_eq!(form.to_send(&[]), Ok(vec![inbox(None)]), "core takes it as sent");
    let never = run(form, [Action::Edit(0, Edit::Continuity(" 0 ".into()))]);
    assert_eq!(never.identities[0].identity(0), Ok(inbox(Some(0))));
    assert!(never.changed());
    // Another channel chosen: the delay stays in its input but is not sent.
    let back = run(never, [Action::Edit(0, Edit::Channel(Channel::Sms))]);
    assert_eq!(back.identities[0].continuity, " 0 ");
    assert_eq!(back.identities[0].identity(0).unwrap().continuity_minutes, None);
}

#[test]
fn an_email_delay_that_is_not_whole_minutes_up_to_a_day_is_refused_here() {
    let form = ChannelsDraft::new(&[inbox(None)]);
    for typed in ["soon", "-1", "2.5", "1441", "99999999999"] {
        let form = run(form.clone(), [Action::Edit(0, Edit::Continuity(typed.into()))]);
        let error = form.to_send(&[]).unwrap_err();
        assert!(error.about(0, "continuity_minutes"), "{typed}: {error:?}");
        assert_eq!(
            error.sentence(),
            "Email unread replies after: whole minutes, 0 to 1440 (empty: 5; 0: never)"
        );
        assert_eq!(run(form, [Action::Failed(error)]).open, Some(0), "the editor with the error opens");
    }
    let day = run(form.clone(), [Action::Edit(0, Edit::Continuity("1440".into()))]);
    assert_eq!(day.identities[0].identity(0).unwrap().continuity_minutes, Some(MAX_CONTINUITY_MINUTES));
    // On another channel the input is not read: nothing to refuse.
    let sms_form =
        run(ChannelsDraft::new(&[sms("+15550100")]), [Action::Edit(0, Edit::Continuity("soon".into()))]);
    assert_eq!(sms_form.to_send(&[]), Ok(vec![sms("+15550100")]));
    // The edge's refusal of the delay lands on the same input.
    let refused = ApiError::new(ErrorCode::BadRequest, "channels[0].continuity_minutes: at most 1440")
        .at_field("channels[0].continuity_minutes");
    assert_eq!(ChannelError::of(&refused).sentence(), "Email unread replies after: at most 1440");
}

#[test]
fn an_email_summary_says_when_unread_replies_are_emailed() {
    let summary = |minutes: &str| {
        let mut draft = IdentityDraft::of(&inbox(None));
        draft.apply(Edit::Continuity(minutes.into()));
        draft.summary()
    };
    let flow = "Site's flow (bot first) · reopens within 60 min";
    assert_eq!(
        summary(""),
        format!("{flow} · unread replies emailed after {DEFAULT_CONTINUITY_MINUTES} min")
    );
    assert_eq!(summary("30"), format!("{flow} · unread replies emailed after 30 min"));
    assert_eq!(summary("0"), format!("{flow} · unread replies never emailed"));
    assert_eq!(summary("later"), format!("{flow} · email delay to fix"));
}
