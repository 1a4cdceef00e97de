//! A macro as the settings form builds it (pure, tested
//! natively; the form is `components::macro_settings`). The form covers the common shape — a note,
//! a reply, labels, a priority, a queue, then resolve or snooze — in that order; a macro of
//! any other shape is made over REST (`docs/protocol.md`) and listed here like the rest.

use switchboard_protocol::api::macros::{Action, Macro};
use switchboard_protocol::inbox::Priority;
use switchboard_protocol::QueueId;

/// The form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacroFields {
    /// `/shortcut`.
    pub shortcut: String,
    /// Its button's name.
    pub name: String,
    /// A reply to send (empty: none).
    pub reply: String,
    /// A private note to add (empty: none).
    pub note: String,
    /// Labels to add, separated by commas.
    pub labels: String,
    /// `""` leaves the priority, `none` clears it, else a priority's name.
    pub priority: String,
    /// A queue to hand it to (empty: none).
    pub queue: String,
    /// `""`, `resolve`, or `snooze:<minutes>`.
    pub finish: String,
}

/// The macro the fields describe, or what is missing, in the admin's terms (the edge checks
/// the rest and names the field).
pub fn to_macro(fields: &MacroFields) -> Result<Macro, String> {
    let mut actions = Vec::new();
    let text = |typed: &str| Some(typed.trim().to_owned()).filter(|t| !t.is_empty());
    if let Some(text) = text(&fields.note) {
        actions.push(Action::AddNote { text });
    }
    if let Some(text) = text(&fields.reply) {
        actions.push(Action::SendMessage { text });
    }
    let labels: Vec<String> = fields.labels.split(',').filter_map(text).collect();
    if !labels.is_empty() {
        actions.push(Action::AddLabels { labels });
    }
    match fields.priority.as_str() {
        "" => {}
        "none" => actions.push(Action::SetPriority { priority: None }),
        name => {
            let priority = Priority::parse(name).ok_or("Choose a priority.")?;
            actions.push(Action::SetPriority { priority: Some(priority) });
        }
    }
    if let Some(queue) = text(&fields.queue) {
        actions.push(Action::AssignQueue { queue: QueueId::parse(queue).map_err(|e| e.to_string())? });
    }
    match fields.finish.split_once(':') {
        _ if fields.finish == "resolve" => actions.push(Action::Resolve {}),
        Some(("snooze", minutes)) => actions
            .push(Action::Snooze { minutes: minutes.parse().map_err(|_| "Choose how long to snooze.")? }),
        _ => {}
    }
    if actions.is_empty() {
        return Err("A macro needs at least one thing to do.".into());
    }
    Ok(Macro { shortcut: fields.shortcut.trim().into(), name: fields.name.trim().into(), actions })
}

/// `list` with `new` in it, replacing the macro with its shortcut.
pub fn with(list: &[Macro], new: Macro) -> Vec<Macro> {
    let key = shortcut_key(&new.shortcut);
    let mut list: Vec<Macro> = list.iter().filter(|m| shortcut_key(&m.shortcut) != key).cloned().collect();
    list.push(new);
    list
}

/// `list` without the macro `shortcut`.
pub fn without(list: &[Macro], shortcut: &str) -> Vec<Macro> {
    list.iter().filter(|m| m.shortcut != shortcut).cloned().collect()
}

fn shortcut_key(typed: &str) -> String {
    typed.trim().trim_start_matches('/').to_lowercase()
}

#[cfg(test)]
mod tests {
    use switchboard_core::macros::summary;

    use super::*;

    fn fields() -> MacroFields {
        MacroFields { shortcut: " /spam ".into(), name: "Close as spam".into(), ..MacroFields::default() }
    }

    #[test]
    fn the_form_makes_its_actions_in_their_order() {
        let typed = MacroFields {
            reply: "Closing this.".into(),
            note: " spam ".into(),
            labels: "Spam, , junk".into(),
            priority: "low".into(),
            queue: "billing".into(),
            finish: "resolve".into(),
            ..fields()
        };
        let made = to_macro(&typed).unwrap();
        assert_eq!(made.shortcut, "/spam");
        let kinds: Vec<&str> = made.actions.iter().map(Action::kind).collect();
        assert_eq!(
            kinds,
            ["add_note", "send_message", "add_labels", "set_priority", "assign_queue", "resolve"]
        );
        assert_eq!(made.actions[2], Action::AddLabels { labels: vec!["Spam".into(), "junk".into()] });
        assert_eq!(summary(&made), "note “spam” → reply “Closing this.” → label Spam, junk → priority low → to queue billing → resolve");
        let snooze = to_macro(&MacroFields { finish: "snooze:1440".into(), ..fields() }).unwrap();
        assert_eq!(snooze.actions, vec![Action::Snooze { minutes: 1_440 }]);
        assert_eq!(summary(&snooze), "snooze 1 d");
        let cleared = to_macro(&MacroFields { priority: "none".into(), ..fields() }).unwrap();
        assert_eq!(cleared.actions, vec![Action::SetPriority { priority: None }]);
    }

    #[test]
    fn a_macro_that_does_nothing_is_refused() {
        assert!(to_macro(&fields()).is_err());
        assert!(to_macro(&MacroFields { reply: "  ".into(), labels: " , ".into(), ..fields() }).is_err());
    }

    #[test]
    fn saving_replaces_the_same_shortcut_and_removing_takes_it_out() {
        let resolve = |shortcut: &str, name: &str| Macro {
            shortcut: shortcut.into(),
            name: name.into(),
            actions: vec![Action::Resolve {}],
        };
        let list = vec![resolve("spam", "Old"), resolve("bye", "Bye")];
        let saved = with(&list, resolve("/Spam", "New"));
        assert_eq!(saved.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["Bye", "New"]);
        assert_eq!(without(&list, "spam"), vec![resolve("bye", "Bye")]);
    }
}
