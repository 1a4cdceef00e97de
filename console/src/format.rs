//! Pure text helpers: how people, previews, times and languages are written on screen.
//!
//! Times go through `js_sys::Date` so they are shown in the agent's own time zone without
//! shipping a time-zone database. An out-of-range timestamp gives a NaN date, whose getters
//! read as 0 here: a wrong-looking time, never a panic.

use js_sys::Date;
use switchboard_protocol::api::audit_log;
use switchboard_protocol::api::site_settings::LabelDefinition;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{Author, Message, Role};
use wasm_bindgen::JsValue;

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A language code from the edge (ISO 639-1, `de`) as the tags use it: trimmed, and `None`
/// when blank, so an empty detection never shows as an empty tag.
pub fn language(code: Option<&str>) -> Option<String> {
    code.map(str::trim).filter(|code| !code.is_empty()).map(str::to_owned)
}

/// The language tag a message shows: only a customer's, and only when it is not the
/// conversation's own (`conversation`), so the common case adds nothing to read.
pub fn message_language<'a>(message: &'a Message, conversation: Option<&str>) -> Option<&'a str> {
    let code = message.language.as_deref().map(str::trim).filter(|code| !code.is_empty())?;
    let visitor = matches!(message.author, Author::Visitor { .. });
    let same = conversation.is_some_and(|conversation| conversation.trim().eq_ignore_ascii_case(code));
    (visitor && !same).then_some(code)
}

/// How a conversation's visitor is named: their name when they gave a non-blank one, else
/// "Visitor" and the end of their id, which is enough to tell visitors apart in a list.
pub fn visitor_label(summary: &ConversationSummary) -> String {
    match summary.visitor_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        // A customer writing by SMS or WhatsApp is known by their number.
        _ if !summary.channel.is_webchat() => {
            let phone = summary.contact.as_ref().and_then(|c| c.attributes.get("phone"));
            phone.cloned().unwrap_or_else(|| summary.channel.label().to_owned())
        }
        _ => {
            let id = summary.visitor_id.as_str();
            let tail: String = id.chars().skip(id.chars().count().saturating_sub(6)).collect();
            format!("Visitor {tail}")
        }
    }
}

/// The inbox preview line. `by_me` says whether this console knows the last message to be
/// the signed-in agent's own (the preview itself only carries the author's role).
pub fn preview(summary: &ConversationSummary, by_me: bool) -> String {
    match &summary.last_message {
        None => "No messages yet".to_owned(),
        Some(last) => match last.role {
            Role::Visitor => last.text.clone(),
            Role::Agent if by_me => format!("You: {}", last.text),
            Role::Agent => format!("Agent: {}", last.text),
            Role::Bot => format!("Bot: {}", last.text),
            Role::System => last.text.clone(),
        },
    }
}

/// The typing line for the people typing now: "Visitor is typing…", "Ada is typing…",
/// "Visitor and Ada are typing…"; `None` when nobody is.
pub fn typing(authors: &[&Author]) -> Option<String> {
    let names: Vec<&str> = authors.iter().map(|author| author_name(author)).collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(format!("{one} is typing…")),
        [others @ .., last] => Some(format!("{} and {last} are typing…", others.join(", "))),
    }
}

/// How an author is named in the typing line: their name when it is not blank.
fn author_name(author: &Author) -> &str {
    let (name, fallback) = match author {
        Author::Visitor { name, .. } => (name.as_deref(), "Visitor"),
        Author::Agent { name, .. } => (Some(name.as_str()), "Another agent"),
        Author::Bot { name } => (Some(name.as_str()), "Bot"),
        Author::System => (None, "Switchboard"),
    };
    name.map(str::trim).filter(|name| !name.is_empty()).unwrap_or(fallback)
}

/// A conversation's state in a word, for the inbox badge.
pub fn state_label(state: ConversationState) -> &'static str {
    match state {
        ConversationState::New => "new",
        ConversationState::Bot => "bot",
        ConversationState::Queued => "queued",
        ConversationState::Assigned => "assigned",
        ConversationState::Pending => "pending",
        ConversationState::Snoozed => "snoozed",
        ConversationState::Resolved => "resolved",
    }
}

/// The class of a label's chip in the site's colour (`sb-label--red`), if the site defines it.
pub fn label_color_class(label: &str, defined: &[LabelDefinition]) -> Option<String> {
    defined.iter().find(|d| d.name == label).map(|d| format!("sb-label--{}", d.color.as_str()))
}

/// A priority in a word, for the inbox badge and the picker.
pub fn priority_label(priority: switchboard_protocol::inbox::Priority) -> &'static str {
    use switchboard_protocol::inbox::Priority;
    match priority {
        Priority::Low => "Low",
        Priority::Medium => "Medium",
        Priority::High => "High",
        Priority::Urgent => "Urgent",
    }
}

/// Local wall-clock time, `HH:MM`.
pub fn clock_time(ms: i64) -> String {
    let date = date(ms);
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// A short time for lists: "now", "5m", the clock time today, else "3 Mar".
pub fn short_time(ms: i64, now: i64) -> String {
    let age = now.saturating_sub(ms);
    if age < 60_000 {
        // Also covers timestamps slightly in the future (clock skew with the edge).
        return "now".to_owned();
    }
    if age < 3_600_000 {
        return format!("{}m", age / 60_000);
    }
    let (then, today) = (date(ms), date(now));
    let same_day = then.get_full_year() == today.get_full_year()
        && then.get_month() == today.get_month()
        && then.get_date() == today.get_date();
    if same_day {
        clock_time(ms)
    } else {
        let month = MONTHS.get(then.get_month() as usize).copied().unwrap_or("");
        format!("{} {month}", then.get_date())
    }
}

/// A calendar date: "3 Mar 2027".
pub fn day(ms: i64) -> String {
    let date = date(ms);
    let month = MONTHS.get(date.get_month() as usize).copied().unwrap_or("");
    format!("{} {month} {}", date.get_date(), date.get_full_year())
}

/// A local date and time, for logs: "3 Mar 2027, 14:05".
pub fn date_time(ms: i64) -> String {
    format!("{}, {}", day(ms), clock_time(ms))
}

/// The instant in ISO 8601 (UTC), for a `<time datetime>`; `None` for an out-of-range
/// timestamp (whose `toISOString` would throw).
pub fn iso_time(ms: i64) -> Option<String> {
    let date = date(ms);
    (!date.get_time().is_nan()).then(|| date.to_iso_string().into())
}

/// What an audit-log entry says was done, as the log's "What" column reads it; `detail` (which
/// settings changed) follows after a colon.
pub fn audit_action(action: audit_log::Action, detail: Option<&str>) -> String {
    use audit_log::Action;
    let what = match action {
        Action::SignedIn => "Signed in",
        Action::SignInFailed => "Failed sign-in",
        Action::PasswordChanged => "Changed their password",
        Action::PasswordResetLinkCreated => "Made a password reset link",
        Action::PasswordReset => "Set a new password with a reset link",
        Action::SessionsEnded => "Ended every session",
        Action::TwoFactorOn => "Turned on two-factor sign-in",
        Action::TwoFactorOff => "Turned off two-factor sign-in",
        Action::TwoFactorReset => "Reset two-factor sign-in",
        Action::RecoveryCodesRenewed => "Made new recovery codes",
        Action::Invited => "Invited someone",
        Action::InviteAccepted => "Accepted an invite",
        Action::AccountRemoved => "Removed an account",
        Action::ApiKeyCreated => "Made an API key",
        Action::ApiKeyRevoked => "Revoked an API key",
        Action::SettingsChanged => "Changed settings",
        Action::FlowChanged => "Changed the flow",
        Action::VisitorBlocked => "Blocked a visitor",
        Action::BlockLifted => "Lifted a block",
        Action::SiteCreated => "Created the site",
        Action::WebhookCreated => "Added a webhook",
        Action::WebhookChanged => "Changed a webhook",
        Action::WebhookRemoved => "Removed a webhook",
        Action::WebhookDisabled => "Turned off a failing webhook",
        Action::ContactsMerged => "Merged two contacts",
        Action::ContactErased => "Erased a contact and their data",
    };
    match detail.map(str::trim).filter(|detail| !detail.is_empty()) {
        Some(detail) => format!("{what}: {detail}"),
        None => what.to_owned(),
    }
}

fn date(ms: i64) -> Date {
    Date::new(&JsValue::from_f64(ms as f64))
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::api::audit_log::Action;

    use switchboard_protocol::{Author, ClientMessageId, Message, Seq, VisitorId};

    use super::{audit_action, language, message_language};

    #[test]
    fn audit_entries_read_as_sentences() {
        assert_eq!(audit_action(Action::SignInFailed, None), "Failed sign-in");
        assert_eq!(audit_action(Action::TwoFactorOn, None), "Turned on two-factor sign-in");
        assert_eq!(audit_action(Action::SettingsChanged, Some("name")), "Changed settings: name");
        assert_eq!(audit_action(Action::SettingsChanged, Some("  ")), "Changed settings");
        assert_eq!(audit_action(Action::ApiKeyCreated, None), "Made an API key");
    }

    #[test]
    fn a_language_code_is_trimmed_and_a_blank_one_is_none() {
        assert_eq!(language(Some("de")).as_deref(), Some("de"));
        assert_eq!(language(Some(" pt ")).as_deref(), Some("pt"));
        assert_eq!(language(Some("  ")), None);
        assert_eq!(language(None), None);
    }

    #[test]
    fn only_a_customer_message_in_another_language_than_the_conversations_is_tagged() {
        let written = |author: Author, language: Option<&str>| {
            let mut message =
                Message::plain(Seq(1), ClientMessageId::parse("m-1").unwrap(), author, "hi".into(), 0);
            message.language = language.map(str::to_owned);
            message
        };
        let visitor = || Author::Visitor { id: VisitorId::from_random([1; 16]), name: None };
        let french = written(visitor(), Some("fr"));
        assert_eq!(message_language(&french, Some("de")), Some("fr"));
        assert_eq!(message_language(&french, None), Some("fr"));
        assert_eq!(message_language(&french, Some("FR")), None, "the conversation's own");
        assert_eq!(message_language(&written(visitor(), Some(" ")), None), None);
        assert_eq!(message_language(&written(visitor(), None), None), None);
        assert_eq!(
            message_language(&written(Author::Bot { name: "Bot".into() }, Some("fr")), Some("de")),
            None
        );
    }
}
