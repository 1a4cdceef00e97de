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
    /// Their name as they typed it (a form, the bot, or an unsigned field of `identify`):
    /// their word, not verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their email as they typed it: their word, not verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// What the site's backend signed about them (`identify` with a valid token or hash):
    /// the only fields a "verified" badge vouches for. Kept apart from the typed fields, so a
    /// form or the bot never changes what the site vouched for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<VerifiedIdentity>,
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
    /// Whatever else the visitor or the page told us (the bot's other questions, unsigned
    /// `identify` attributes): not verified.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl Contact {
    /// The site vouched for who the visitor is.
    pub fn verified(&self) -> bool {
        self.identity.is_some()
    }

    /// The name to show: the verified one first, else the typed one.
    pub fn display_name(&self) -> Option<&str> {
        self.identity.as_ref().and_then(|i| i.name.as_deref()).or(self.name.as_deref())
    }

    /// The email to write to: the verified one first, else the typed one.
    pub fn best_email(&self) -> Option<&str> {
        self.identity.as_ref().and_then(|i| i.email.as_deref()).or(self.email.as_deref())
    }
}

/// What the site's backend signed about a visitor. With a token every field here was signed;
/// with the older `user_hash` form only `user_id` is (name, email and attributes sent beside
/// it are kept as the visitor's typed word, in [`Contact`]'s own fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedIdentity {
    /// The site's own id for the user.
    pub user_id: String,
    /// Their email, signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their name, signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Other signed claims (plan, company, …), as text.
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
/// by the widget in an `identify` frame. The edge accepts it only when signed by the site's
/// backend with the site's identity secret (see `docs/embed.md`): either `token`, an HS256
/// JSON Web Token whose claims (`sub`, `name`, `email`, `attributes`, `exp`) are all verified,
/// or the older `user_hash = hex(HMAC-SHA256(secret, user_id))`, which vouches for `user_id`
/// only. Otherwise it answers `forbidden` and nothing of it is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The signed token (the recommended form); `user_id` and `user_hash` are then unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The site's own id for the user (an account number, not secret), older form.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user_id: String,
    /// Hex HMAC-SHA256 of `user_id` under the site's identity secret, older form.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user_hash: String,
    /// Their email: unsigned, kept as their typed word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their name: unsigned, kept as their typed word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Anything else agents should see (plan, company, …), as text: unsigned.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}
