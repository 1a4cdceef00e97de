//! The panel's words in the languages it speaks, and which one it speaks.
//!
//! The language comes from the browser (`navigator.languages`, first one we have) unless the
//! host page chose one with `Switchboard('setLocale', 'de')`. Arabic also turns the frame's
//! layout right-to-left (`<html dir="rtl">`; the stylesheet uses logical properties).
//!
//! English is compiled in; every other language is a JSON file (`widget/i18n/*.json`,
//! published by the build under `/i18n/`) fetched the first time it is needed, so visitors
//! pay only for their own language (the six tables in the wasm cost ~8 KB of its size
//! budget). Until it arrives, and if it cannot be had, the panel stays in the language it
//! was in; missing keys fall back to English.
//!
//! The current table is a thread-local rather than a prop: the view is plain functions
//! re-run on every render (see `components::app`), so a change shows on the next render.
//! Texts that come from the edge (bot messages, greetings) are the site's own words.

use std::cell::{Cell, RefCell};

use wasm_bindgen::JsValue;
use yew::Callback;

use crate::wire::Json;

#[path = "i18n_tables.rs"]
mod tables;

/// A language the panel speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
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
    pub(crate) fn from_tag(tag: &str) -> Option<Lang> {
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

    /// Its tag, for `<html lang>` and its file's name.
    pub(crate) fn tag(self) -> &'static str {
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
    pub(crate) fn rtl(self) -> bool {
        self == Lang::Ar
    }
}

/// Declares [`Strings`] and the list of its fields, from one list.
macro_rules! strings {
    ($($field:ident,)*) => {
        /// Every text the panel shows. `{n}` stands for a number. (Fields are named for what
        /// they say; the English table is the reference.)
        #[allow(missing_docs)]
        #[derive(Clone, Copy)]
        pub(crate) struct Strings {
            $(pub(crate) $field: &'static str,)*
        }

        impl Strings {
            /// Every field's name, as the JSON files spell them.
            pub(crate) const FIELDS: &'static [&'static str] = &[$(stringify!($field),)*];

            /// A table from a language file or the site's own words; what it lacks is
            /// `base`'s. Its texts live as long as the frame (at most two tables per
            /// language are ever made).
            fn from_json(json: &JsValue, base: &Strings) -> Strings {
                let mut texts = *base;
                // One loop over the fields' places rather than a call per field (the
                // frame's size budget).
                let slots: [&mut &'static str; Self::FIELDS.len()] = [$(&mut texts.$field,)*];
                for (slot, key) in slots.into_iter().zip(Self::FIELDS) {
                    if let Some(text) = json.field(key).and_then(|v| v.text()) {
                        *slot = Box::leak(text.into_boxed_str());
                    }
                }
                texts
            }
        }
    };
}

strings! {
    message_label,
    placeholder,
    send,
    chat_title,
    history_title,
    back,
    past_conversations,
    here_to_help,
    online,
    away,
    close,
    new_conversation,
    loading,
    no_conversations,
    you_prefix,
    empty,
    suggested,
    next_in_line,
    number_in_line,
    wait_one,
    wait_many,
    read,
    sent,
    sending,
    not_sent,
    dismiss,
    someone,
    is_typing,
    are_typing,
    and,
    connecting,
    offline,
    ended,
    error_network,
    error_decode,
    error_origin,
    error_unknown_site,
    error_rate_limited,
    error_trouble,
    error_could_not_start,
    error_no_site,
    history_unavailable,
    history_failed,
    rate_title,
    rate_score,
    rate_comment,
    rate_send,
    prechat_title,
    prechat_start,
    error_required,
    error_email,
    error_phone,
    error_digits,
    error_text,
    attach,
    new_message,
    download_transcript,
    today,
    yesterday,
    back_at,
}

impl Strings {
    /// `template` with `{n}` replaced by `n`.
    pub(crate) fn with_number(template: &str, n: impl std::fmt::Display) -> String {
        template.replace("{n}", &n.to_string())
    }
}

thread_local! {
    static CURRENT: Cell<&'static Strings> = const { Cell::new(&tables::EN) };
    /// The language asked for last (a late file for another one is kept but not shown).
    static WANTED: Cell<Lang> = const { Cell::new(Lang::En) };
    static LOADED: RefCell<Vec<(Lang, &'static Strings)>> = const { RefCell::new(Vec::new()) };
    /// The site's own words (`{"de": {"chat_title": …}}`, from the frame page's config).
    static SITE_TEXTS: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// Tables with the site's words laid over them, per language.
    static CUSTOMISED: RefCell<Vec<(Lang, &'static Strings)>> = const { RefCell::new(Vec::new()) };
}

/// Remembers the site's own words for the widget's texts; they apply from the next [`set`].
pub(crate) fn set_site_texts(texts: Option<JsValue>) {
    SITE_TEXTS.set(texts);
}

/// The current language's texts.
pub(crate) fn t() -> &'static Strings {
    CURRENT.get()
}

/// The language shown (or on its way).
pub(crate) fn lang() -> Lang {
    WANTED.get()
}

/// Switches to `lang`: at once when its texts are here, else once its file arrives;
/// `render` is asked to render then.
pub(crate) fn set(lang: Lang, render: Callback<()>) {
    WANTED.set(lang);
    let loaded = LOADED.with_borrow(|loaded| loaded.iter().find(|(l, _)| *l == lang).map(|(_, s)| *s));
    match (lang, loaded) {
        (Lang::En, _) => apply(lang, &tables::EN, &render),
        (_, Some(strings)) => apply(lang, strings, &render),
        (_, None) => wasm_bindgen_futures::spawn_local(async move {
            let url = format!("/i18n/{}.json", lang.tag());
            match crate::http::fetch("GET", &url, None, None).await {
                Ok(json) => {
                    let strings: &'static Strings =
                        Box::leak(Box::new(Strings::from_json(&json, &tables::EN)));
                    LOADED.with_borrow_mut(|loaded| loaded.push((lang, strings)));
                    if WANTED.get() == lang {
                        apply(lang, strings, &render);
                    }
                }
                Err(_) => {
                    web_sys::console::warn_1(&format!("Switchboard: texts for {url} unavailable").into())
                }
            }
        }),
    }
}

/// Shows `strings` (with the site's words for `lang` over them) and sets the frame's `lang`
/// and `dir`.
fn apply(lang: Lang, strings: &'static Strings, render: &Callback<()>) {
    let customised = CUSTOMISED.with_borrow(|done| done.iter().find(|(l, _)| *l == lang).map(|(_, s)| *s));
    let site = SITE_TEXTS.with_borrow(|texts| texts.as_ref().and_then(|t| t.field(lang.tag())));
    let strings = match (customised, site) {
        (Some(customised), _) => customised,
        (None, Some(site)) => {
            let customised: &'static Strings = Box::leak(Box::new(Strings::from_json(&site, strings)));
            CUSTOMISED.with_borrow_mut(|done| done.push((lang, customised)));
            customised
        }
        (None, None) => strings,
    };
    CURRENT.set(strings);
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = root.set_attribute("lang", lang.tag());
        let _ = root.set_attribute("dir", if lang.rtl() { "rtl" } else { "ltr" });
    }
    render.emit(());
}

/// The browser's first preferred language the panel speaks, else English.
pub(crate) fn from_browser() -> Lang {
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
    fn sites_may_replace_exactly_the_texts_the_widget_has() {
        let mut named = switchboard_protocol::api::site_settings::WIDGET_TEXTS.to_vec();
        let mut fields = Strings::FIELDS.to_vec();
        named.sort_unstable();
        fields.sort_unstable();
        assert_eq!(named, fields);
    }

    #[test]
    fn tags_pick_the_language_by_their_primary_subtag() {
        assert_eq!(Lang::from_tag("de-AT"), Some(Lang::De));
        assert_eq!(Lang::from_tag("AR_eg"), Some(Lang::Ar));
        assert_eq!(Lang::from_tag("ja"), Some(Lang::Ja));
        assert_eq!(Lang::from_tag("pt-BR"), None);
        assert_eq!(Lang::from_tag(""), None);
        assert!(Lang::Ar.rtl() && !Lang::Fr.rtl());
    }

    /// Every language file has every text (and nothing else), each non-empty, keeping the
    /// `{n}` slots where English has them.
    #[test]
    fn every_language_file_fills_every_text_and_keeps_the_number_slots() {
        let files = [
            ("de", include_str!("../i18n/de.json")),
            ("es", include_str!("../i18n/es.json")),
            ("fr", include_str!("../i18n/fr.json")),
            ("ja", include_str!("../i18n/ja.json")),
            ("ar", include_str!("../i18n/ar.json")),
        ];
        let english = switchboard_protocol::api::site_settings::WIDGET_NUMBERED_TEXTS;
        for (tag, text) in files {
            let table: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).unwrap();
            let mut keys: Vec<&str> = table.keys().map(String::as_str).collect();
            let mut fields = Strings::FIELDS.to_vec();
            keys.sort_unstable();
            fields.sort_unstable();
            assert_eq!(keys, fields, "{tag}");
            for (key, value) in &table {
                let value = value.as_str().unwrap_or_default();
                assert!(!value.is_empty(), "{tag}.{key}");
                assert_eq!(value.contains("{n}"), english.contains(&key.as_str()), "{tag}.{key}");
            }
        }
        assert_eq!(Strings::with_number(tables::EN.number_in_line, 3), "You're number 3 in line");
    }
}
