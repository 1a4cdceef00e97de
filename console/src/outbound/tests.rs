//! The "Start a conversation" form, step by step: what is sent, and what stops it first.

use super::*;

fn me() -> AgentId {
    AgentId::from_random([7; 16])
}

fn queue() -> QueueId {
    QueueId::parse("billing").unwrap()
}

fn apply(steps: impl IntoIterator<Item = Step>) -> Outbound {
    let form = steps.into_iter().fold(Rc::new(Outbound::default()), |form, step| form.reduce(step));
    Rc::unwrap_or_clone(form)
}

#[test]
fn waiting_for_the_reply_is_the_default_and_the_text_goes_trimmed() {
    let form = apply([Step::Text("  Your order shipped today \n".into())]);
    assert_eq!(form.route, Route::OnReply);
    let request = form.request("ctc_1", &me(), &[]).unwrap();
    assert_eq!(request.contact_id, "ctc_1");
    assert_eq!(request.text, "Your order shipped today");
    assert_eq!(request.routing, Routing::OnReply);
    assert!(!request.as_bot && request.client_id.is_none());
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["routing"], serde_json::json!({ "mode": "on_reply" }));
}

#[test]
fn assign_to_me_names_the_signed_in_agent() {
    let form = apply([Step::Text("Hello".into()), Step::Route(Route::ToMe)]);
    let request = form.request("ctc_1", &me(), &[]).unwrap();
    assert_eq!(request.routing, Routing::Immediate { agent: Some(me()), queue: None });
}

#[test]
fn a_queue_must_be_chosen_and_is_sent_alone() {
    let form = apply([Step::Text("Hello".into()), Step::Route(Route::ToQueue)]);
    let error = form.request("ctc_1", &me(), &[]).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("routing.queue"));
    let form = apply([Step::Text("Hello".into()), Step::Route(Route::ToQueue), Step::Queue(Some(queue()))]);
    let request = form.request("ctc_1", &me(), &[]).unwrap();
    assert_eq!(request.routing, Routing::Immediate { agent: None, queue: Some(queue()) });
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["routing"], serde_json::json!({ "mode": "immediate", "queue": "billing" }));
    // The queue chosen earlier does not travel with another routing.
    let back = apply([Step::Text("Hi".into()), Step::Queue(Some(queue())), Step::Route(Route::OnReply)]);
    assert_eq!(back.request("ctc_1", &me(), &[]).unwrap().routing, Routing::OnReply);
}

#[test]
fn a_blank_message_is_refused_before_sending() {
    for text in ["", "   \n"] {
        let error = apply([Step::Text(text.into())]).request("ctc_1", &me(), &[]).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("text"));
        assert_eq!(error.message, "Write the first message.");
    }
}

#[test]
fn sending_then_started_empties_the_message_and_keeps_the_routing() {
    let id = ConversationId::from_random([3; 16]);
    let form = apply([Step::Text("Hello".into()), Step::Route(Route::ToMe), Step::Sending]);
    assert!(form.sending() && form.error().is_none() && form.started().is_none());
    let form = Rc::new(form).reduce(Step::Started(id.clone()));
    assert_eq!(form.text, "");
    assert_eq!(form.route, Route::ToMe);
    assert_eq!(form.started(), Some(&id));
    assert!(!form.sending());
}

#[test]
fn a_refusal_keeps_the_message_to_try_again() {
    let refused = FieldError::new(None, "this contact has never opened the chat");
    let form = apply([Step::Text("Hello".into()), Step::Sending, Step::Failed(refused.clone())]);
    assert_eq!(form.text, "Hello");
    assert_eq!(form.error(), Some(&refused));
    assert!(!form.sending() && form.started().is_none());
    // The next try clears it.
    let again = Rc::new(form).reduce(Step::Sending);
    assert!(again.error().is_none());
}

#[test]
fn every_route_has_its_own_value_and_label() {
    let values: std::collections::HashSet<_> = Route::ALL.iter().map(|r| r.value()).collect();
    let labels: std::collections::HashSet<_> = Route::ALL.iter().map(|r| r.label()).collect();
    assert_eq!((values.len(), labels.len()), (3, 3));
    assert_eq!(Route::default(), Route::ALL[0]);
}

fn identity(channel: Channel, address: &str, templates: &[(&str, &str)]) -> ContactIdentity {
    ContactIdentity {
        channel,
        address: address.into(),
        access_token: None,
        handler: Default::default(),
        templates: templates
            .iter()
            .map(|(name, text)| Template { name: (*name).into(), text: (*text).into(), content_sid: None })
            .collect(),
        human_agent: false,
        continuity_minutes: None,
    }
}

fn site() -> Vec<ContactIdentity> {
    vec![
        identity(Channel::Messenger, "1234567890", &[]),
        identity(Channel::Sms, "+15550100", &[]),
        identity(
            Channel::Whatsapp,
            "+15550101",
            &[("hello", "Hello!"), ("order_update", "Hi {{1}}, order {{2}}.")],
        ),
        identity(Channel::Whatsapp, "+15550102", &[("other", "Other {{1}}")]),
    ]
}

#[test]
fn chat_is_offered_always_and_each_other_channel_where_the_site_has_a_number_or_page() {
    assert_eq!(channels(&[]), [Channel::Webchat]);
    assert_eq!(channels(&site()), [Channel::Webchat, Channel::Sms, Channel::Whatsapp, Channel::Messenger]);
    assert_eq!(channels(&site()[..2]), [Channel::Webchat, Channel::Sms, Channel::Messenger]);
    assert_eq!(channels(&site()[1..2]), [Channel::Webchat, Channel::Sms]);
    // An email address is no channel to start a conversation on.
    let inbox = identity(Channel::Email, "support@shop.example", &[]);
    assert_eq!(
        channels(&[inbox, identity(Channel::Sms, "+15550100", &[])]),
        [Channel::Webchat, Channel::Sms]
    );
    // The edge writes from the first WhatsApp number: its templates are the ones offered.
    let site = site();
    let names: Vec<&str> = whatsapp_templates(&site).iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["hello", "order_update"]);
    assert!(whatsapp_templates(&site[..2]).is_empty());
}

#[test]
fn an_sms_conversation_sends_the_text_on_sms() {
    let form = apply([Step::Channel(Channel::Sms), Step::Text(" Your parcel is here ".into())]);
    let request = form.request("ctc_1", &me(), &site()).unwrap();
    assert_eq!(
        (request.channel, request.text.as_str(), &request.template),
        (Channel::Sms, "Your parcel is here", &None)
    );
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["channel"], "sms");
    assert!(sent.get("template").is_none());
    // The text is still required.
    let blank = apply([Step::Channel(Channel::Sms)]).request("ctc_1", &me(), &site()).unwrap_err();
    assert_eq!(blank.field.as_deref(), Some("text"));
}

#[test]
fn a_channel_the_site_has_no_number_on_falls_back_to_chat() {
    let form = apply([Step::Channel(Channel::Whatsapp), Step::Text("Hello".into())]);
    let only_sms = &site()[1..2];
    assert_eq!(form.channel_in(&channels(only_sms)), Channel::Webchat);
    let request = form.request("ctc_1", &me(), only_sms).unwrap();
    assert_eq!((request.channel, request.text.as_str()), (Channel::Webchat, "Hello"));
    // Messenger, where the site has a page: a plain text.
    let messenger = apply([Step::Channel(Channel::Messenger), Step::Text("Hi".into())]);
    let request = messenger.request("ctc_1", &me(), &site()).unwrap();
    assert_eq!((request.channel, request.text.as_str(), request.template), (Channel::Messenger, "Hi", None));
    assert_eq!(messenger.request("ctc_1", &me(), only_sms).unwrap().channel, Channel::Webchat);
}

#[test]
fn whatsapp_sends_the_chosen_template_with_its_values_and_no_text() {
    let form = apply([
        Step::Text("typed before switching".into()),
        Step::Channel(Channel::Whatsapp),
        Step::Template("order_update".into()),
        Step::Variable(1, "AB-12".into()),
    ]);
    let site = site();
    let chosen = form.template(whatsapp_templates(&site)).unwrap();
    assert_eq!(form.variables(chosen), ["", "AB-12"]);
    let error = form.request("ctc_1", &me(), &site).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("template.variables"));
    assert_eq!(error.message, "Fill in {{1}} first.");

    let form = Rc::new(form).reduce(Step::Variable(0, "Grace".into()));
    let request = form.request("ctc_1", &me(), &site).unwrap();
    assert_eq!(request.channel, Channel::Whatsapp);
    assert_eq!(request.text, "");
    assert_eq!(
        request.template,
        Some(TemplateUse { name: "order_update".into(), variables: vec!["Grace".into(), "AB-12".into()] })
    );
    // Started: the values go with the message, the template stays chosen.
    let started = form.reduce(Step::Started(ConversationId::from_random([4; 16])));
    assert!(started.variables.is_empty());
    assert_eq!(started.template.as_deref(), Some("order_update"));
}

#[test]
fn whatsapp_starts_on_the_first_template_and_another_one_empties_the_slots() {
    let form = apply([Step::Channel(Channel::Whatsapp)]);
    let request = form.request("ctc_1", &me(), &site()).unwrap();
    assert_eq!(request.template, Some(TemplateUse { name: "hello".into(), variables: vec![] }));
    let form = apply([
        Step::Channel(Channel::Whatsapp),
        Step::Template("order_update".into()),
        Step::Variable(0, "Grace".into()),
        Step::Template("hello".into()),
    ]);
    assert!(form.variables.is_empty());
    // A template the number no longer has: its first is used.
    let gone = apply([Step::Channel(Channel::Whatsapp), Step::Template("retired".into())]);
    assert_eq!(gone.template(whatsapp_templates(&site())).map(|t| t.name.as_str()), Some("hello"));
}

#[test]
fn a_whatsapp_number_without_templates_cannot_start_a_conversation() {
    let site = [identity(Channel::Whatsapp, "+15550101", &[])];
    let error = apply([Step::Channel(Channel::Whatsapp), Step::Text("Hello".into())])
        .request("ctc_1", &me(), &site)
        .unwrap_err();
    assert_eq!((error.field.as_deref(), error.message.as_str()), (Some("template.name"), NO_TEMPLATES));
}
