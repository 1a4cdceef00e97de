//! Interceptors: the ordered steps every message passes before it is stored, relayed or sent
//! anywhere (`PATCH /api/v1/site {"interceptors": [...]}`), applied by
//! `switchboard_core::interceptors`. What a step removes is never stored: the visitor, the
//! console, the API and webhooks all see the message as stored.

use serde::{Deserialize, Serialize};

/// One step. Steps run in the site's order; each sees what the one before it left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Interceptor {
    /// Payment card numbers (13–19 digits, spaces or dashes between, passing the Luhn check)
    /// become `[card ending 4242]`.
    RedactCards,
    /// IBANs (country, check digits, account; passing the ISO 13616 mod-97 check, spaces
    /// allowed) become `[IBAN ending 1234]`.
    RedactIbans,
    /// Email addresses become `[email]`.
    RedactEmails,
    /// Phone numbers (7–15 digits, written with `+`, spaces, dashes, dots or brackets) become
    /// `[phone]`.
    RedactPhones,
    /// Each of the site's words (whole words, any case) becomes asterisks.
    MaskWords {
        /// The words (1–40 characters each, at most 500).
        words: Vec<String>,
    },
    /// Spaces at either end go; runs of blank lines become one.
    Trim,
    /// A text longer than `max_chars` characters is cut at a word boundary and ends in `…`,
    /// on the listed channels (empty: on every channel).
    LimitLength {
        /// The longest text kept, in characters ([`MIN_LIMIT_CHARS`] to
        /// [`crate::limits::MAX_MESSAGE_CHARS`]).
        max_chars: u32,
        /// Where it applies (`webchat`, `sms`, `whatsapp`, `messenger`); empty: everywhere.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        channels: Vec<crate::channels::Channel>,
    },
    /// The message's language is detected from its words and kept with it (its `language`,
    /// an ISO 639-1 code such as `de`); texts too short or too mixed to tell stay untagged.
    /// The text is left as it is. A conversation takes the language of its customer's first
    /// tagged message.
    DetectLanguage {
        /// The languages to tell apart (ISO 639-1 codes, at most [`MAX_LANGUAGES`]); empty:
        /// every language the detector knows (about 70).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        languages: Vec<String>,
        /// Whether a conversation in one of `languages` (which must then be listed) needs an
        /// agent who has the language's code among their skills (`flow.agents.{id}.skills`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        route: bool,
    },
}

/// What a site has until it says otherwise: card numbers and IBANs never stored.
pub fn default_interceptors() -> Vec<Interceptor> {
    vec![Interceptor::RedactCards, Interceptor::RedactIbans]
}

/// At most this many steps per site.
pub const MAX_INTERCEPTORS: usize = 20;

/// The shortest length limit a site may set, in characters.
pub const MIN_LIMIT_CHARS: u32 = 20;

/// At most this many languages per detection step.
pub const MAX_LANGUAGES: usize = 20;

/// At most this many masked words per step.
pub const MAX_MASKED_WORDS: usize = 500;
