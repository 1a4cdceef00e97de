//! A site's settings as admins change them (name, origins, look, flow), checked; the text
//! colour that reads on the theme colour; and the stylesheet the widget frame loads.

use std::collections::BTreeMap;

use switchboard_protocol::api::site_settings::{
    Appearance, Patch, DEFAULT_COLOR, MAX_GREETING_CHARS, MAX_LAUNCHER_TEXT_CHARS, MAX_TEXT_CHARS,
    WIDGET_LANGUAGES, WIDGET_NUMBERED_TEXTS, WIDGET_TEXTS,
};
use switchboard_protocol::limits::MAX_MACROS_AND_RULES_BYTES;
use switchboard_protocol::{ApiError, ErrorCode};

use crate::flow::Zones;
use crate::identity::MIN_SECRET_CHARS;
use crate::origin::AllowedOrigins;
use crate::prechat::{validate_config, PrechatField};
use crate::site::{parse_flow, SiteConfig};

/// `config` with `patch` applied, checked: a colour `#rrggbb`, a greeting of at most
/// [`MAX_GREETING_CHARS`] characters (blank means none), a name of 1 to 80 characters, origins
/// that parse.
pub fn apply(mut config: SiteConfig, patch: Patch, zones: &dyn Zones) -> Result<SiteConfig, ApiError> {
    let bad = |message: String| ApiError::new(ErrorCode::BadRequest, message);
    if let Some(flow) = patch.flow {
        config.flow =
            parse_flow(&flow.to_string(), zones).map_err(|e| bad(format!("the flow is not valid: {e}")))?;
        config.flow_edited = true;
    }
    if let Some(name) = patch.name {
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(bad("a site name has 1 to 80 characters".into()));
        }
        config.name = name;
    }
    if let Some(origins) = patch.allowed_origins {
        AllowedOrigins::parse(&origins).map_err(|e| bad(e.to_string()))?;
        config.allowed_origins = origins;
    }
    if let Some(appearance) = patch.appearance {
        let color = appearance.color.trim().to_ascii_lowercase();
        if parse_color(&color).is_none() {
            return Err(bad(format!("colours are written #rrggbb (got {:?})", appearance.color)));
        }
        let greeting = appearance.greeting.map(|g| g.trim().to_owned()).filter(|g| !g.is_empty());
        if greeting.as_ref().is_some_and(|g| g.chars().count() > MAX_GREETING_CHARS) {
            return Err(bad(format!("a greeting has at most {MAX_GREETING_CHARS} characters")));
        }
        let launcher_text = appearance.launcher_text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        if launcher_text.as_ref().is_some_and(|t| t.chars().count() > MAX_LAUNCHER_TEXT_CHARS) {
            return Err(bad(format!("a launcher text has at most {MAX_LAUNCHER_TEXT_CHARS} characters")));
        }
        check_texts(&appearance.texts).map_err(bad)?;
        config.appearance = Appearance { color, greeting, launcher_text, ..appearance };
    }
    if let Some(prechat) = patch.prechat {
        let fields: Vec<PrechatField> = serde_json::from_value(prechat)
            .map_err(|e| bad(format!("the pre-chat form is not valid: {e}")))?;
        validate_config(&fields).map_err(|e| bad(format!("the pre-chat form is not valid: {e}")))?;
        config.prechat = fields;
    }
    if let Some(secret) = patch.identity_secret {
        let secret = secret.trim();
        let fits =
            (MIN_SECRET_CHARS..=200).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_graphic());
        if !secret.is_empty() && !fits {
            return Err(bad(format!(
                "an identity secret has {MIN_SECRET_CHARS} to 200 visible ASCII characters (empty turns verification off)"
            )));
        }
        config.identity_secret = Some(secret.to_owned()).filter(|s| !s.is_empty());
        config.identity_edited = true;
    }
    if let Some(limits) = patch.session_limits {
        crate::session_limits::validate(&limits)?;
        config.session_limits = Some(limits);
    }
    if let Some(policy) = patch.two_factor_policy {
        config.two_factor_policy = policy;
    }
    if let Some(days) = patch.retention_days {
        config.retention_days = crate::retention::days(days)?;
    }
    if let Some(steps) = patch.interceptors {
        crate::interceptors::check(&steps)?;
        config.interceptors = steps;
    }
    if let Some(identities) = patch.channels {
        config.channels = identities;
    }
    // Also after a new flow alone: a handler may name a queue the new flow dropped.
    crate::channels::thread::check_identities(&config.channels, &config.flow)?;
    if let Some(macros) = patch.macros {
        config.macros = macros;
    }
    // Also after a new flow alone: a macro or a rule may name a queue the new flow dropped.
    config.macros = crate::macros::validate(std::mem::take(&mut config.macros), &config.flow)?;
    if let Some(rules) = patch.automation_rules {
        config.automation_rules = rules;
    }
    config.automation_rules =
        crate::automation::validate(std::mem::take(&mut config.automation_rules), &config.flow)?;
    if let Some(labels) = patch.labels {
        config.labels = crate::conversation_labels::definitions(labels)?;
    }
    if let Some(messages) = patch.proactive_messages {
        config.proactive_messages = crate::proactive::validate(messages)?;
    }
    let size =
        serde_json::to_vec(&(&config.macros, &config.automation_rules)).map_or(usize::MAX, |json| json.len());
    if size > MAX_MACROS_AND_RULES_BYTES {
        return Err(bad(format!(
            "macros and automation rules take at most {} KB together ({} KB here)",
            MAX_MACROS_AND_RULES_BYTES / 1024,
            size / 1024
        )));
    }
    Ok(config)
}

/// The site's own words for the widget's texts: known languages and texts only, each 1 to
/// [`MAX_TEXT_CHARS`] characters, with the `{n}` slot where the widget puts a number.
fn check_texts(texts: &BTreeMap<String, BTreeMap<String, String>>) -> Result<(), String> {
    for (lang, table) in texts {
        if !WIDGET_LANGUAGES.contains(&lang.as_str()) {
            return Err(format!("texts: the widget speaks {} (not {lang:?})", WIDGET_LANGUAGES.join(", ")));
        }
        for (key, text) in table {
            if !WIDGET_TEXTS.contains(&key.as_str()) {
                return Err(format!("texts: the widget has no text {key:?} (docs/embed.md lists them)"));
            }
            if text.trim().is_empty() || text.chars().count() > MAX_TEXT_CHARS {
                return Err(format!("texts: {lang}.{key} has 1 to {MAX_TEXT_CHARS} characters"));
            }
            if WIDGET_NUMBERED_TEXTS.contains(&key.as_str()) != text.contains("{n}") {
                return Err(format!(
                    "texts: {lang}.{key} must keep {{n}} exactly where the widget puts a number"
                ));
            }
        }
    }
    Ok(())
}

/// The appearance's colour, or the default one if it is not `#rrggbb` (a config written by
/// hand): what the frame's theme and the launcher both paint with.
pub(crate) fn theme_color(appearance: &Appearance) -> &str {
    parse_color(&appearance.color).map_or(DEFAULT_COLOR, |_| appearance.color.as_str())
}

/// `#rrggbb` as its three channels.
fn parse_color(color: &str) -> Option<[u8; 3]> {
    let hex = color.strip_prefix('#').filter(|h| h.len() == 6 && h.is_ascii())?;
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG relative luminance of `#rrggbb`.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// White or black, whichever contrasts more with the theme colour.
pub fn text_on(color: &str) -> &'static str {
    let Some(rgb) = parse_color(color) else { return "#ffffff" };
    let l = luminance(rgb);
    // Contrast ratios against white (luminance 1) and black (0): the better one is never
    // below 4.58:1, whatever the colour.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        "#ffffff"
    } else {
        "#000000"
    }
}

/// The widget frame's theme stylesheet: the custom properties `frame.css` reads.
pub fn frame_css(appearance: &Appearance) -> String {
    let color = theme_color(appearance);
    format!(":root{{--sb-theme:{color};--sb-on-theme:{}}}\n", text_on(color))
}

/// A short version tag of a stylesheet (16 hex digits of its SHA-256), for its URL and ETag.
pub fn version(css: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(css.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::SiteId;

    use super::*;
    use crate::flow::hours::tests::ChronoZones;

    fn site() -> SiteConfig {
        SiteConfig {
            id: SiteId::parse("demo").unwrap(),
            name: "Demo".into(),
            allowed_origins: vec!["https://shop.example".into()],
            flow: Default::default(),
            appearance: Appearance::default(),
            flow_edited: false,
            identity_edited: false,
            blocks: Vec::new(),
            identity_secret: None,
            prechat: Vec::new(),
            avatars: Default::default(),
            session_limits: None,
            two_factor_policy: Default::default(),
            retention_days: None,
            interceptors: switchboard_protocol::interceptors::default_interceptors(),
            channels: Vec::new(),
            macros: Vec::new(),
            automation_rules: Vec::new(),
            labels: Vec::new(),
            proactive_messages: Vec::new(),
        }
    }

    #[test]
    fn patches_change_only_what_they_name_and_are_checked() {
        let patch = Patch {
            appearance: Some(Appearance {
                color: "#0A7D4F".into(),
                greeting: Some("  Hej!  ".into()),
                launcher_text: Some(" Help ".into()),
                ..Appearance::default()
            }),
            ..Patch::default()
        };
        let changed = apply(site(), patch, &ChronoZones).unwrap();
        assert_eq!(
            changed.appearance,
            Appearance {
                color: "#0a7d4f".into(),
                greeting: Some("Hej!".into()),
                launcher_text: Some("Help".into()),
                ..Appearance::default()
            }
        );
        assert_eq!(changed.allowed_origins, site().allowed_origins);

        for color in ["red", "#12345", "#gggggg", "#1234567"] {
            let patch = Patch {
                appearance: Some(Appearance { color: color.into(), ..Appearance::default() }),
                ..Patch::default()
            };
            assert_eq!(
                apply(site(), patch, &ChronoZones).unwrap_err().code,
                ErrorCode::BadRequest,
                "{color}"
            );
        }
        let origins = Patch { allowed_origins: Some(vec!["not an origin".into()]), ..Patch::default() };
        assert!(apply(site(), origins, &ChronoZones).is_err());
        let long = Patch {
            appearance: Some(Appearance { greeting: Some("x".repeat(501)), ..Appearance::default() }),
            ..Patch::default()
        };
        assert!(apply(site(), long, &ChronoZones).is_err());
        let long = Patch {
            appearance: Some(Appearance { launcher_text: Some("x".repeat(25)), ..Appearance::default() }),
            ..Patch::default()
        };
        assert!(apply(site(), long, &ChronoZones).is_err());
    }

    #[test]
    fn replaced_texts_name_a_known_language_and_text_and_keep_the_number_slot() {
        let with = |lang: &str, key: &str, text: &str| {
            let texts =
                BTreeMap::from([(lang.to_owned(), BTreeMap::from([(key.to_owned(), text.to_owned())]))]);
            let appearance = Appearance { texts, ..Appearance::default() };
            apply(site(), Patch { appearance: Some(appearance), ..Patch::default() }, &ChronoZones)
        };
        let changed = with("de", "chat_title", "Frag Ada").unwrap();
        assert_eq!(changed.appearance.texts["de"]["chat_title"], "Frag Ada");
        assert!(with("de", "wait_many", "etwa {n} Minuten").is_ok());
        for (lang, key, text, why) in [
            ("pt", "chat_title", "Olá", "speaks"),
            ("en", "chat_titel", "Hi", "no text"),
            ("en", "chat_title", " ", "1 to"),
            ("en", "wait_many", "a few minutes", "{n}"),
            ("en", "send", "Send {n}", "{n}"),
        ] {
            let error = with(lang, key, text).unwrap_err();
            assert!(error.message.contains(why), "{lang}.{key}: {}", error.message);
        }
    }

    #[test]
    fn text_on_the_theme_colour_reads_at_4_5_to_1_or_better() {
        assert_eq!(text_on("#3d5afe"), "#ffffff");
        assert_eq!(text_on("#ffd400"), "#000000");
        assert_eq!(text_on("#ffffff"), "#000000");
        assert_eq!(text_on("#000000"), "#ffffff");
        // Every grey gets the better of the two, which is always at least 4.5:1.
        for v in 0..=255u8 {
            let color = format!("#{v:02x}{v:02x}{v:02x}");
            let l = luminance([v, v, v]);
            let ratio = if text_on(&color) == "#ffffff" { 1.05 / (l + 0.05) } else { (l + 0.05) / 0.05 };
            assert!(ratio >= 4.5, "{color}: {ratio}");
        }
        assert_eq!(frame_css(&Appearance::default()), ":root{--sb-theme:#3d5afe;--sb-on-theme:#ffffff}\n");
    }

    #[test]
    fn a_flow_is_checked_before_it_replaces_the_old_one() {
        let flow = serde_json::json!({ "start": "queue", "queue": "sales", "queues": [{ "id": "sales" }, { "id": "support" }],
            "hours": { "time_zone": "Europe/Berlin", "mon": ["09:00-17:00"] } });
        let patch = Patch { flow: Some(flow), ..Patch::default() };
        let changed = apply(site(), patch, &ChronoZones).unwrap();
        assert!(changed.flow_edited);
        assert_eq!(changed.flow.queues.len(), 2);
        let unknown_queue =
            Patch { flow: Some(serde_json::json!({ "queue": "nowhere" })), ..Patch::default() };
        let error = apply(site(), unknown_queue, &ChronoZones).unwrap_err();
        assert!(error.message.contains("nowhere"), "{}", error.message);
        let bad_zone = Patch {
            flow: Some(serde_json::json!({ "hours": { "time_zone": "Mars/Olympus" } })),
            ..Patch::default()
        };
        assert!(apply(site(), bad_zone, &ChronoZones).is_err());
    }

    #[test]
    fn an_identity_secret_is_long_enough_or_empty_to_turn_it_off() {
        let set = |secret: &str| {
            apply(site(), Patch { identity_secret: Some(secret.into()), ..Patch::default() }, &ChronoZones)
        };
        let secret = "f".repeat(64);
        assert_eq!(set(&secret).unwrap().identity_secret, Some(secret.clone()));
        assert!(set("short").unwrap_err().message.contains("32 to 200"));
        assert!(set(&format!("{} x", "a".repeat(40))).is_err(), "spaces are not allowed inside");
        assert_eq!(set("").unwrap().identity_secret, None);
    }

    #[test]
    fn macros_and_rules_stay_within_what_one_stored_configuration_holds() {
        use switchboard_protocol::api::macros::{Action, Macro};
        let long = |n: usize| Macro {
            shortcut: format!("m{n}"),
            name: format!("Macro {n}"),
            actions: vec![Action::SendMessage { text: "x".repeat(4_000) }; 10],
        };
        let few = Patch { macros: Some((0..4).map(long).collect()), ..Patch::default() };
        assert_eq!(apply(site(), few, &ChronoZones).unwrap().macros.len(), 4);
        let many = Patch { macros: Some((0..10).map(long).collect()), ..Patch::default() };
        let error = apply(site(), many, &ChronoZones).unwrap_err();
        assert!(error.message.contains("at most 192 KB"), "{}", error.message);
    }
}
