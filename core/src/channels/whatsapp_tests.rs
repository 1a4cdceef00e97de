use proptest::prelude::*;
use switchboard_protocol::channels::{Channel, Template, TemplateUse, REPLY_WINDOW_MS};

use super::*;

fn template(name: &str, text: &str) -> Template {
    Template { name: name.into(), text: text.into(), content_sid: None }
}

fn chosen(name: &str, variables: &[&str]) -> TemplateUse {
    TemplateUse { name: name.into(), variables: variables.iter().map(|v| v.to_string()).collect() }
}

#[test]
fn free_replies_close_24_hours_after_the_customers_last_message_on_whatsapp_only() {
    let now = 1_800_000_000_000;
    assert!(
        free_reply(Channel::Whatsapp, Some(now - REPLY_WINDOW_MS + 1), REPLY_WINDOW_MS, false, now).is_ok()
    );
    let closed =
        free_reply(Channel::Whatsapp, Some(now - REPLY_WINDOW_MS), REPLY_WINDOW_MS, false, now).unwrap_err();
    assert!(closed.message.contains("24 hours") && closed.message.contains("template"), "{closed:?}");
    assert_eq!(closed.field.as_deref(), Some("template"));
    assert!(
        free_reply(Channel::Whatsapp, None, REPLY_WINDOW_MS, false, now).is_err(),
        "the customer never wrote"
    );
    assert!(free_reply(Channel::Sms, Some(0), REPLY_WINDOW_MS, false, now).is_ok(), "SMS has no window");
    assert!(free_reply(Channel::Webchat, None, REPLY_WINDOW_MS, false, now).is_ok());
}

#[test]
fn people_on_a_human_agent_page_answer_for_seven_days_tagged() {
    use switchboard_protocol::channels::HUMAN_AGENT_WINDOW_MS;
    let now = 1_800_000_000_000;
    let day_old = Some(now - REPLY_WINDOW_MS - 1);
    let messenger =
        |last, human_agent| free_reply(Channel::Messenger, last, REPLY_WINDOW_MS, human_agent, now);
    assert!(messenger(day_old, true).is_ok());
    let refused = messenger(day_old, false).unwrap_err();
    assert!(refused.message.contains("Human Agent") && !refused.message.contains("template"), "{refused:?}");
    let week_old = Some(now - HUMAN_AGENT_WINDOW_MS);
    assert!(messenger(week_old, true).unwrap_err().message.contains("7 days"));
    // WhatsApp has no such feature.
    assert!(free_reply(Channel::Whatsapp, day_old, REPLY_WINDOW_MS, true, now).is_err());
    // Tagged only past the 24 hours, only a person's, only on such a page.
    let tag = |person, human_agent, last| {
        human_agent_tag(Channel::Messenger, person, human_agent, last, REPLY_WINDOW_MS, now)
    };
    assert!(tag(true, true, day_old));
    assert!(!tag(true, true, Some(now - 1_000)), "within the day: no tag needed");
    assert!(!tag(false, true, day_old), "the bot is never tagged");
    assert!(!tag(true, false, day_old));
    assert!(!human_agent_tag(Channel::Whatsapp, true, true, day_old, REPLY_WINDOW_MS, now));
}

#[test]
fn only_the_teams_words_to_the_customer_are_held_to_the_window() {
    use switchboard_protocol::{AgentId, Author, VisitorId};
    let agent = Author::Agent { id: AgentId::from_random([1; 16]), name: "Ada".into() };
    let bot = Author::Bot { name: "Bot".into() };
    let customer = Author::Visitor { id: VisitorId::from_random([2; 16]), name: None };
    assert!(bound_by_window(Channel::Whatsapp, &agent, false));
    assert!(bound_by_window(Channel::Messenger, &bot, false));
    assert!(!bound_by_window(Channel::Whatsapp, &agent, true), "a private note");
    assert!(!bound_by_window(Channel::Whatsapp, &customer, false), "the customer's own words");
    assert!(!bound_by_window(Channel::Sms, &agent, false), "SMS has no window");
}

#[test]
fn slots_are_numbered_from_one_without_gaps() {
    assert_eq!(slots("Hello"), Some(0));
    assert_eq!(slots("Hi {{1}}, order {{2}} ships {{2}}"), Some(2));
    assert_eq!(slots("{{2}} before {{1}}"), Some(2));
    assert_eq!(slots("{{1}} then {{3}}"), None);
    assert_eq!(slots("{{0}}"), None);
    assert_eq!(slots("{{name}}"), None);
    assert_eq!(slots("{{ 1 }}"), None);
}

#[test]
fn a_chosen_template_is_filled_slot_by_slot_or_refused_by_field() {
    let templates =
        [template("order_update", "Hi {{1}}, your order {{2}} has shipped."), template("hello", "Hello!")];
    let (text, used) = fill(&templates, &chosen("order_update", &["Grace", " AB-12 "])).unwrap();
    assert_eq!(
        (text.as_str(), used.name.as_str()),
        ("Hi Grace, your order AB-12 has shipped.", "order_update")
    );
    assert_eq!(fill(&templates, &chosen("hello", &[])).unwrap().0, "Hello!");
    let field = |use_: TemplateUse| fill(&templates, &use_).unwrap_err().field;
    assert_eq!(field(chosen("nope", &[])).as_deref(), Some("template.name"));
    assert_eq!(field(chosen("order_update", &["Grace"])).as_deref(), Some("template.variables"));
    assert_eq!(field(chosen("order_update", &["Grace", " "])).as_deref(), Some("template.variables[1]"));
    assert_eq!(field(chosen("order_update", &["{{1}}", "x"])).as_deref(), Some("template.variables[0]"));
}

#[test]
fn a_numbers_templates_are_named_once_with_ordered_slots_and_twilio_content_sids() {
    let ok = [
        template("order_update", "Hi {{1}}"),
        Template { content_sid: Some(format!("HX{}", "a".repeat(32))), ..template("hello", "Hello") },
    ];
    assert!(check_templates(&ok, "channels[0].templates").is_ok());
    let field = |templates: &[Template]| check_templates(templates, "t").unwrap_err().field;
    assert_eq!(field(&[template("Order", "x")]).as_deref(), Some("t[0].name"));
    assert_eq!(field(&[template("a", "x"), template("a", "y")]).as_deref(), Some("t[1].name"));
    assert_eq!(field(&[template("a", "{{2}}")]).as_deref(), Some("t[0].text"));
    assert_eq!(field(&[template("a", " ")]).as_deref(), Some("t[0].text"));
    let bad_sid = Template { content_sid: Some("HX123".into()), ..template("a", "x") };
    assert_eq!(field(&[bad_sid]).as_deref(), Some("t[0].content_sid"));
}

proptest! {
    /// Whatever the values, a filled template has no slot left and holds every value.
    #[test]
    fn a_filled_template_has_every_value_and_no_slot(values in proptest::collection::vec("[a-zA-Z0-9 ]{1,20}", 0..5)) {
        let values: Vec<String> = values.into_iter().filter(|v| !v.trim().is_empty()).collect();
        let text: String = (1..=values.len()).map(|n| format!("<{{{{{n}}}}}>")).collect();
        let templates = [template("t", if text.is_empty() { "plain" } else { &text })];
        let (filled, _) = fill(&templates, &TemplateUse { name: "t".into(), variables: values.clone() }).unwrap();
        prop_assert!(!filled.contains("{{"));
        for value in &values {
            let wrapped = format!("<{}>", value.trim());
            prop_assert!(filled.contains(&wrapped));
        }
    }
}
