//! The panel's words in the languages it speaks, and which one it speaks.
//!
//! The language comes from the browser (`navigator.languages`, first one we have) unless the
//! host page chose one with `Switchboard('setLocale', 'de')`. Arabic also turns the frame's
//! layout right-to-left (`<html dir="rtl">`; the stylesheet uses logical properties).
//!
//! The current table is a thread-local rather than a prop: the view is plain functions
//! re-run on every render (see `components::app`), so a change shows on the next render.
//! Texts that come from the edge (bot messages, greetings) are the site's own words.

use std::cell::Cell;

#[path = "i18n_tables.rs"]
mod tables;

/// A language the panel speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (the default).
    En,
    /// German.
    De,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// Japanese.
    Ja,
    /// Arabic (right to left).
    Ar,
}

impl Lang {
    /// The language of a BCP 47 tag (`de-AT` → German), if the panel speaks it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Some(match primary.as_str() {
            "en" => Lang::En,
            "de" => Lang::De,
            "es" => Lang::Es,
            "fr" => Lang::Fr,
            "ja" => Lang::Ja,
            "ar" => Lang::Ar,
            _ => return None,
        })
    }

    /// Its tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::Ja => "ja",
            Lang::Ar => "ar",
        }
    }

    /// Whether it is written right to left.
    pub fn rtl(self) -> bool {
        self == Lang::Ar
    }

    fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &tables::EN,
            Lang::De => &tables::DE,
            Lang::Es => &tables::ES,
            Lang::Fr => &tables::FR,
            Lang::Ja => &tables::JA,
            Lang::Ar => &tables::AR,
        }
    }
}

/// Every text the panel shows. `{n}` stands for a number. (Fields are named for what they
/// say; the English table is the reference.)
#[allow(missing_docs)]
pub struct Strings {
    pub message_label: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub chat_title: &'static str,
    pub history_title: &'static str,
    pub back: &'static str,
    pub past_conversations: &'static str,
    pub here_to_help: &'static str,
    pub online: &'static str,
    pub away: &'static str,
    pub close: &'static str,
    pub new_conversation: &'static str,
    pub loading: &'static str,
    pub no_conversations: &'static str,
    pub you_prefix: &'static str,
    pub empty: &'static str,
    pub suggested: &'static str,
    pub next_in_line: &'static str,
    pub number_in_line: &'static str,
    pub wait_one: &'static str,
    pub wait_many: &'static str,
    pub read: &'static str,
    pub sent: &'static str,
    pub sending: &'static str,
    pub not_sent: &'static str,
    pub dismiss: &'static str,
    pub someone: &'static str,
    pub is_typing: &'static str,
    pub are_typing: &'static str,
    pub and: &'static str,
    pub connecting: &'static str,
    pub offline: &'static str,
    pub ended: &'static str,
    pub error_network: &'static str,
    pub error_decode: &'static str,
    pub error_origin: &'static str,
    pub error_unknown_site: &'static str,
    pub error_rate_limited: &'static str,
    pub error_trouble: &'static str,
    pub error_could_not_start: &'static str,
    pub error_no_site: &'static str,
    pub history_unavailable: &'static str,
    pub history_failed: &'static str,
    pub rate_title: &'static str,
    pub rate_score: &'static str,
    pub rate_comment: &'static str,
    pub rate_send: &'static str,
}

impl Strings {
    /// `template` with `{n}` replaced by `n`.
    pub fn with_number(template: &str, n: impl std::fmt::Display) -> String {
        template.replace("{n}", &n.to_string())
    }
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The current language's texts.
pub fn t() -> &'static Strings {
    CURRENT.get().strings()
}

/// Switches to `lang` and sets the frame's `lang` and `dir`.
pub fn set(lang: Lang) {
    CURRENT.set(lang);
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = root.set_attribute("lang", lang.tag());
        let _ = root.set_attribute("dir", if lang.rtl() { "rtl" } else { "ltr" });
    }
}

/// The browser's first preferred language the panel speaks, else English.
pub fn from_browser() -> Lang {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else { return Lang::En };
    navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .chain(navigator.language())
        .find_map(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_the_language_by_their_primary_subtag() {
        assert_eq!(Lang::from_tag("de-AT"), Some(Lang::De));
        assert_eq!(Lang::from_tag("AR_eg"), Some(Lang::Ar));
        assert_eq!(Lang::from_tag("ja"), Some(Lang::Ja));
        assert_eq!(Lang::from_tag("pt-BR"), None);
        assert_eq!(Lang::from_tag(""), None);
        assert!(Lang::Ar.rtl() && !Lang::Fr.rtl());
    }

    #[test]
    fn every_language_fills_every_text_and_keeps_the_number_slots() {
        for lang in [Lang::En, Lang::De, Lang::Es, Lang::Fr, Lang::Ja, Lang::Ar] {
            let s = lang.strings();
            assert!(s.number_in_line.contains("{n}") && s.wait_many.contains("{n}"), "{lang:?}");
            assert!(s.rate_score.contains("{n}"), "{lang:?}");
            assert!(!s.chat_title.is_empty() && !s.error_could_not_start.is_empty(), "{lang:?}");
        }
        assert_eq!(Strings::with_number(Lang::En.strings().number_in_line, 3), "You're number 3 in line");
    }
}
