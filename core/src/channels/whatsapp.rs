//! WhatsApp's rules for businesses (Messenger has the same window): a free-form message only
//! within 24 hours of the customer's last message; after that, only a pre-approved template,
//! its numbered slots (`{{1}}`, `{{2}}`…) filled with variables. What a template may be, and
//! the message one makes.

#[cfg(doc)]
use switchboard_protocol::channels::REPLY_WINDOW_MS;
use switchboard_protocol::channels::{Channel, Template, TemplateUse, HUMAN_AGENT_WINDOW_MS, MAX_TEMPLATES};
use switchboard_protocol::{ApiError, ErrorCode};

/// The longest template text and variable, in characters (WhatsApp's limit for a body).
pub const MAX_TEMPLATE_CHARS: usize = 1_024;

/// Whether `channel` has a reply window at all.
pub fn has_window(channel: Channel) -> bool {
    matches!(channel, Channel::Whatsapp | Channel::Messenger)
}

/// Whether a message is held to the reply window at all: the team's words to the customer
/// (an agent's or the bot's) on a channel with one; never a private note or the customer's
/// own words.
pub fn bound_by_window(channel: Channel, author: &switchboard_protocol::Author, internal: bool) -> bool {
    use switchboard_protocol::Author;
    let team = matches!(author, Author::Agent { .. } | Author::Bot { .. });
    team && !internal && has_window(channel)
}

/// Whether a free-form message from the team may go to a customer on `channel` whose last
/// message arrived at `last_customer_at`, at `now`, with a window of `window_ms` (the
/// provider's [`REPLY_WINDOW_MS`]; tests shorten it); the refusal says why and what to do.
/// `human_agent`: a person writes on a Messenger page with Meta's Human Agent feature, who
/// may answer for [`HUMAN_AGENT_WINDOW_MS`] (tagged: [`human_agent_tag`]).
pub fn free_reply(
    channel: Channel,
    last_customer_at: Option<i64>,
    window_ms: i64,
    human_agent: bool,
    now: i64,
) -> Result<(), ApiError> {
    if !has_window(channel) || last_customer_at.is_some_and(|at| now - at < window_ms) {
        return Ok(());
    }
    let person_may = channel == Channel::Messenger && human_agent;
    if person_may && last_customer_at.is_some_and(|at| now - at < HUMAN_AGENT_WINDOW_MS) {
        return Ok(());
    }
    let message = match channel {
        Channel::Messenger if person_may => {
            "Messenger allows people to answer only within 7 days of the customer's last message".into()
        }
        Channel::Messenger => "Messenger allows replies only within 24 hours of the customer's last message \
                               (7 days for people when the page has Meta's Human Agent feature: Settings → Channels)"
            .to_owned(),
        _ => format!(
            "{} allows free-form replies only within 24 hours of the customer's last message; \
             send one of the number's approved templates instead",
            channel.label()
        ),
    };
    Err(ApiError::new(ErrorCode::Conflict, message).at_field("template"))
}

/// Whether `author` answers as a human agent on a page that has the feature: people do, the
/// bot never does.
pub fn as_human_agent(author: &switchboard_protocol::Author, page_has_feature: bool) -> bool {
    page_has_feature && matches!(author, switchboard_protocol::Author::Agent { .. })
}

/// Whether a message written at `now` goes with Messenger's `HUMAN_AGENT` tag: a person's on a
/// page with the feature, past the 24-hour window (within it no tag is needed).
pub fn human_agent_tag(
    channel: Channel,
    person: bool,
    human_agent: bool,
    last_customer_at: Option<i64>,
    window_ms: i64,
    now: i64,
) -> bool {
    let past_window = last_customer_at.is_none_or(|at| now - at >= window_ms);
    channel == Channel::Messenger && person && human_agent && past_window
}

/// The slots a template's text has: `{{1}}`…`{{n}}`, each number once or more, none skipped.
/// `None` when it names a slot out of that order (`{{0}}`, `{{3}}` without `{{2}}`).
pub fn slots(text: &str) -> Option<usize> {
    let mut highest = 0;
    let mut seen = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let number: usize = after[..end].parse().ok().filter(|n| *n > 0)?;
        highest = highest.max(number);
        seen.push(number);
        rest = &after[end + 2..];
    }
    (1..=highest).all(|n| seen.contains(&n)).then_some(highest)
}

/// Checks a number's templates: at most [`MAX_TEMPLATES`], names once each in lowercase
/// letters, digits and `_`, texts of 1 to [`MAX_TEMPLATE_CHARS`] characters with slots in
/// order, Twilio Content SIDs shaped `HX` and 32 hex digits. `at` names the list's field.
pub fn check_templates(templates: &[Template], at: &str) -> Result<(), ApiError> {
    let bad = |field: String, what: &str| {
        Err(ApiError::new(ErrorCode::BadRequest, format!("{field}: {what}")).at_field(field))
    };
    if templates.len() > MAX_TEMPLATES {
        return bad(at.to_owned(), "at most 50 templates");
    }
    for (n, template) in templates.iter().enumerate() {
        let field = |name: &str| format!("{at}[{n}].{name}");
        let name_ok = (1..=64).contains(&template.name.len())
            && template.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !name_ok {
            return bad(field("name"), "1 to 64 lowercase letters, digits or _");
        }
        if templates[..n].iter().any(|other| other.name == template.name) {
            return bad(field("name"), "listed twice");
        }
        let chars = template.text.trim().chars().count();
        if chars == 0 || chars > MAX_TEMPLATE_CHARS || slots(&template.text).is_none() {
            return bad(field("text"), "1 to 1,024 characters, slots {{1}}, {{2}}… in order");
        }
        let sid_ok = |sid: &String| {
            sid.len() == 34 && sid.starts_with("HX") && sid[2..].bytes().all(|b| b.is_ascii_hexdigit())
        };
        if template.content_sid.as_ref().is_some_and(|sid| !sid_ok(sid)) {
            return bad(field("content_sid"), "Twilio's Content SID: HX and 32 hex digits");
        }
    }
    Ok(())
}

/// The message `chosen` makes from one of `templates`: its text with the slots filled, and
/// the template (for its Content SID). Every slot needs a value, and no value is extra.
pub fn fill<'a>(templates: &'a [Template], chosen: &TemplateUse) -> Result<(String, &'a Template), ApiError> {
    let bad = |field: &str, what: String| Err(ApiError::new(ErrorCode::BadRequest, what).at_field(field));
    let Some(template) = templates.iter().find(|t| t.name == chosen.name) else {
        let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
        let known = if names.is_empty() { "none".to_owned() } else { names.join(", ") };
        return bad(
            "template.name",
            format!("no template {:?} on this number (it has {known})", chosen.name),
        );
    };
    let wanted = slots(&template.text).unwrap_or_default();
    if chosen.variables.len() != wanted {
        return bad(
            "template.variables",
            format!("{} takes {wanted} variables, {} given", template.name, chosen.variables.len()),
        );
    }
    let fits = |value: &String| {
        let chars = value.trim().chars().count();
        chars > 0 && chars <= MAX_TEMPLATE_CHARS && !value.contains("{{")
    };
    if let Some(n) = chosen.variables.iter().position(|value| !fits(value)) {
        return bad(&format!("template.variables[{n}]"), "1 to 1,024 characters, no {{ }}".to_owned());
    }
    let mut text = template.text.clone();
    for (n, value) in chosen.variables.iter().enumerate() {
        text = text.replace(&format!("{{{{{}}}}}", n + 1), value.trim());
    }
    Ok((text, template))
}

#[cfg(test)]
#[path = "whatsapp_tests.rs"]
mod tests;
