//! What the console knows about a conversation's visitor: who they are (when they said or
//! the site vouched for it) and where they are (page, browser, locale, country).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Longest value kept for any contact field, in characters (longer ones are cut).
pub const MAX_CONTACT_FIELD_CHARS: usize = 500;

/// Most custom attributes kept per contact.
pub const MAX_CONTACT_ATTRIBUTES: usize = 50;

/// A conversation's visitor as the console shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Their name, from a form, the bot or `identify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their email, from a form, the bot or `identify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The site's backend vouched for who they are (`identify` with a valid `user_hash`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
    /// The page they are on (the last one they opened the chat from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// The page that sent them to the site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// Their browser's `User-Agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// Their browser's language (BCP 47, `de-DE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Their country (ISO 3166 alpha-2), when the edge knows it (Cloudflare's `CF-IPCountry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Whatever else the site told us (`identify`'s `attributes`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// Where the visitor is, as their widget reports it in every `hello`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorContext {
    /// The host page's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// The host page's `document.referrer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// `navigator.language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// Who the site says the visitor is: `Switchboard('identify', …)` on the host page, passed on
/// by the widget in an `identify` frame. The edge accepts it only when `user_hash` is
/// `hex(HMAC-SHA256(site identity secret, user_id))`, computed by the site's backend (see
/// `docs/embed.md`); otherwise it answers `forbidden` and nothing of it is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The site's own id for the user (an account number, not secret).
    pub user_id: String,
    /// Hex HMAC-SHA256 of `user_id` under the site's identity secret.
    pub user_hash: String,
    /// Their email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Anything else agents should see (plan, company, …), as text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}
