//! A proactive message as the settings form builds it, and each one's trigger in a sentence
//! (pure, tested natively; the section is `components::proactive_settings`).

use switchboard_protocol::api::agents_list::AgentEntry;
use switchboard_protocol::api::proactive::{ProactiveMessage, Sender, Trigger};

/// The form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProactiveFields {
    /// Its name.
    pub name: String,
    /// What the bubble says.
    pub text: String,
    /// `bot`, or the id of the agent it is from.
    pub from: String,
    /// The page URL pattern (empty: any page).
    pub url: String,
    /// Seconds on the page (empty: at once).
    pub after_seconds: String,
    /// The page's trigger event (empty: none).
    pub event: String,
    /// Only for returning visitors.
    pub returning_visitor: bool,
    /// Only while the team is online.
    pub only_when_online: bool,
}

/// The message the fields describe, from the bot or one of `team`; or what is wrong, in the
/// admin's terms (the edge checks the rest and names the field).
pub fn to_message(fields: &ProactiveFields, team: &[AgentEntry]) -> Result<ProactiveMessage, String> {
    let from = match fields.from.as_str() {
        "" | "bot" => Sender::Bot {},
        id => {
            let agent = team.iter().find(|agent| agent.id.as_str() == id).ok_or("Pick who it is from.")?;
            Sender::Agent { agent_id: agent.id.clone(), name: agent.name.clone() }
        }
    };
    let after_seconds = match fields.after_seconds.trim() {
        "" => 0,
        typed => typed.parse().map_err(|_| "Seconds on the page are a whole number.")?,
    };
    let typed = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    Ok(ProactiveMessage {
        name: fields.name.trim().to_owned(),
        text: fields.text.trim().to_owned(),
        from,
        trigger: Trigger {
            url: typed(&fields.url),
            after_seconds,
            event: typed(&fields.event),
            returning_visitor: fields.returning_visitor,
        },
        only_when_online: fields.only_when_online,
    })
}

/// Who a message is from, as the list shows it.
pub fn sender(message: &ProactiveMessage) -> String {
    match &message.from {
        Sender::Bot {} => "The bot".into(),
        Sender::Agent { name, .. } => name.clone(),
    }
}

/// When it shows, in a sentence: "On pages matching */pricing*, after 20 s, to returning
/// visitors, while the team is online."
pub fn when(message: &ProactiveMessage) -> String {
    let trigger = &message.trigger;
    let mut parts = vec![match &trigger.url {
        Some(url) => format!("On pages matching {url}"),
        None => "On every page".to_owned(),
    }];
    if let Some(event) = &trigger.event {
        parts.push(format!("when the page fires “{event}”"));
    }
    if trigger.after_seconds > 0 {
        let after = if trigger.event.is_some() { "then after" } else { "after" };
        parts.push(format!("{after} {} s", trigger.after_seconds));
    }
    if trigger.returning_visitor {
        parts.push("to returning visitors".into());
    }
    if message.only_when_online {
        parts.push("while the team is online".into());
    }
    format!("{}.", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::api::agents_list::AgentEntry;
    use switchboard_protocol::AgentId;

    use super::*;

    fn anna() -> AgentEntry {
        serde_json::from_value(serde_json::json!({
            "id": AgentId::from_random([4; 16]), "name": "Anna", "email": "anna@example.com", "role": "agent"
        }))
        .unwrap()
    }

    #[test]
    fn the_form_makes_the_message_it_says() {
        let fields = ProactiveFields {
            name: " pricing ".into(),
            text: "Questions about plans?".into(),
            from: anna().id.to_string(),
            url: "*/pricing*".into(),
            after_seconds: "20".into(),
            returning_visitor: true,
            ..ProactiveFields::default()
        };
        let message = to_message(&fields, &[anna()]).unwrap();
        assert_eq!(message.name, "pricing");
        assert_eq!(message.from, Sender::Agent { agent_id: anna().id, name: "Anna".into() });
        assert_eq!((message.trigger.url.as_deref(), message.trigger.after_seconds), (Some("*/pricing*"), 20));
        assert_eq!(when(&message), "On pages matching */pricing*, after 20 s, to returning visitors.");
        assert_eq!(sender(&message), "Anna");
        let bot = ProactiveFields {
            from: "bot".into(),
            event: "cart".into(),
            only_when_online: true,
            ..fields.clone()
        };
        let message = to_message(&bot, &[]).unwrap();
        assert_eq!(sender(&message), "The bot");
        assert_eq!(
            when(&message),
            "On pages matching */pricing*, when the page fires “cart”, then after 20 s, to returning visitors, while the team is online."
        );
        assert!(to_message(&ProactiveFields { from: "someone-else".into(), ..fields.clone() }, &[anna()])
            .is_err());
        assert!(to_message(&ProactiveFields { after_seconds: "soon".into(), ..fields }, &[anna()]).is_err());
    }
}
