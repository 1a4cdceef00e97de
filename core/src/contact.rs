//! Keeping a conversation's contact up to date: what the widget reports (page, language),
//! what the edge sees (browser, country), and what the bot collected (name, email).

use std::collections::BTreeMap;

use switchboard_protocol::contact::{
    Contact, VisitorContext, MAX_CONTACT_ATTRIBUTES, MAX_CONTACT_FIELD_CHARS,
};

/// What the edge itself knows about a visitor's connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClientInfo {
    /// The `User-Agent` of the socket's handshake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// The country the connection comes from, when the platform says (`CF-IPCountry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The network address it comes from (`CF-Connecting-IP`): kept only so an agent can
    /// block it ([`crate::blocks`]), never shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Longest `User-Agent` kept, in characters. The socket carries its client's details in its
/// hibernation attachment, which the runtime limits to 2 KiB: a huge header must be cut here,
/// not break the socket.
pub const MAX_USER_AGENT_CHARS: usize = 300;

impl ClientInfo {
    /// The details of a connection from its handshake's headers, cut to what is kept.
    pub fn from_headers(
        user_agent: Option<String>,
        country: Option<String>,
        address: Option<String>,
    ) -> Self {
        let cut = |value: String, most: usize| value.chars().take(most).collect::<String>();
        ClientInfo {
            user_agent: user_agent.map(|ua| cut(ua, MAX_USER_AGENT_CHARS)),
            country: country.map(|c| cut(c, 2)),
            // An IPv6 address is at most 45 characters.
            address: address.map(|a| cut(a, 45)),
        }
    }
}

/// `contact` with the widget's report and the connection's details taken in. Values are cut
/// to [`MAX_CONTACT_FIELD_CHARS`]; blank ones leave the old value; a country must be two
/// letters (Cloudflare sends `XX` or `T1` for unknown and Tor, which are dropped).
pub fn merge(mut contact: Contact, context: &VisitorContext, client: &ClientInfo) -> Contact {
    let take = |old: &mut Option<String>, new: &Option<String>| {
        if let Some(value) = new.as_deref().map(clean).filter(|v| !v.is_empty()) {
            *old = Some(value);
        }
    };
    take(&mut contact.page_url, &context.page_url);
    take(&mut contact.referrer, &context.referrer);
    take(&mut contact.locale, &context.locale);
    take(&mut contact.browser, &client.user_agent);
    let country = client.country.as_deref().map(str::to_ascii_uppercase);
    if let Some(country) =
        country.filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) && c != "XX")
    {
        contact.country = Some(country);
    }
    contact
}

/// `contact` with what the bot collected: `name` and `email` fill the contact's own fields,
/// other fields become attributes.
pub fn with_collected(mut contact: Contact, collected: &BTreeMap<String, String>) -> Contact {
    for (field, value) in collected {
        let value = clean(value);
        match field.as_str() {
            "name" => contact.name = Some(value),
            "email" => contact.email = Some(value),
            // Beyond the cap, new keys are dropped (existing ones still update).
            _ if contact.attributes.len() < MAX_CONTACT_ATTRIBUTES
                || contact.attributes.contains_key(field) =>
            {
                contact.attributes.insert(clean(field), value);
            }
            _ => {}
        }
    }
    contact
}

/// One line, trimmed, at most [`MAX_CONTACT_FIELD_CHARS`] characters.
pub(crate) fn clean(value: &str) -> String {
    value.trim().chars().filter(|c| !c.is_control()).take(MAX_CONTACT_FIELD_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_fill_the_contact_and_blanks_keep_old_values() {
        let context = VisitorContext {
            page_url: Some("https://shop.example/cart".into()),
            referrer: Some("  ".into()),
            locale: Some("de-DE".into()),
        };
        let client = ClientInfo {
            user_agent: Some("Mozilla/5.0\n".into()),
            country: Some("de".into()),
            address: None,
        };
        let old = Contact { referrer: Some("https://search.example/".into()), ..Contact::default() };
        let merged = merge(old, &context, &client);
        assert_eq!(merged.page_url.as_deref(), Some("https://shop.example/cart"));
        assert_eq!(merged.referrer.as_deref(), Some("https://search.example/"));
        assert_eq!(merged.browser.as_deref(), Some("Mozilla/5.0"));
        assert_eq!(merged.country.as_deref(), Some("DE"));
        let unknown = ClientInfo { country: Some("XX".into()), ..ClientInfo::default() };
        let huge = ClientInfo::from_headers(Some("Mozilla/5.0 ".repeat(1_000)), Some("DEU".into()), None);
        assert_eq!(huge.user_agent.map(|ua| ua.chars().count()), Some(MAX_USER_AGENT_CHARS));
        assert_eq!(huge.country.as_deref(), Some("DE"));
        assert_eq!(merge(Contact::default(), &VisitorContext::default(), &unknown).country, None);
        let long = VisitorContext { page_url: Some("x".repeat(10_000)), ..VisitorContext::default() };
        let cut = merge(Contact::default(), &long, &ClientInfo::default());
        assert_eq!(cut.page_url.map(|u| u.len()), Some(MAX_CONTACT_FIELD_CHARS));
    }

    #[test]
    fn collected_fields_fill_name_email_and_attributes() {
        let collected = BTreeMap::from([
            ("email".to_string(), "ada@example.com".to_string()),
            ("order".to_string(), "1234".to_string()),
        ]);
        let contact = with_collected(Contact::default(), &collected);
        assert_eq!(contact.email.as_deref(), Some("ada@example.com"));
        assert_eq!(contact.attributes.get("order").map(String::as_str), Some("1234"));
    }
}
