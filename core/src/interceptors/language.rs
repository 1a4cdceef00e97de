//! The `detect_language` step: which language a message is written in, as an ISO 639-1 code
//! (`de`), told by Quickwit's `whichlang` (a small linear model over letter n-grams, chosen
//! over trigram-profile detectors because it stays right on chat-length texts). It knows 16
//! languages ([`KNOWN`]). A text with too few words to tell is left untagged rather than
//! guessed: a wrong tag would send a customer to an agent who cannot read them.

use switchboard_protocol::interceptors::Interceptor;
use whichlang::Lang;

/// The languages the detector tells apart, with their ISO 639-1 codes (Mandarin's
/// macrolanguage, Chinese, is `zh`).
pub const KNOWN: [(&str, Lang); 16] = [
    ("ar", Lang::Ara),
    ("zh", Lang::Cmn),
    ("de", Lang::Deu),
    ("en", Lang::Eng),
    ("fr", Lang::Fra),
    ("hi", Lang::Hin),
    ("it", Lang::Ita),
    ("ja", Lang::Jpn),
    ("ko", Lang::Kor),
    ("nl", Lang::Nld),
    ("pt", Lang::Por),
    ("ru", Lang::Rus),
    ("es", Lang::Spa),
    ("sv", Lang::Swe),
    ("tr", Lang::Tur),
    ("vi", Lang::Vie),
];

/// Fewer letters than this, or fewer than two words with letters: too little to tell.
const MIN_LETTERS: usize = 10;

/// The language of `text`, when it is one of `languages` (ISO 639-1 codes; empty: any of
/// [`KNOWN`]) and the text is long enough to tell.
pub fn detect(languages: &[String], text: &str) -> Option<String> {
    if !long_enough(text) {
        return None;
    }
    let found = whichlang::detect_language(text);
    let (code, _) = KNOWN.iter().find(|(_, lang)| *lang == found)?;
    (languages.is_empty() || languages.iter().any(|l| l == code)).then(|| code.to_string())
}

/// Whether the detector knows the language of this ISO 639-1 code.
pub fn detectable(code: &str) -> bool {
    KNOWN.iter().any(|(known, _)| *known == code)
}

/// The language the site's steps find in `text`: the first detection step's answer.
pub fn of_text(steps: &[Interceptor], text: &str) -> Option<String> {
    steps.iter().find_map(|step| match step {
        Interceptor::DetectLanguage { languages, .. } => detect(languages, text),
        _ => None,
    })
}

/// The skill a conversation in `language` needs under the site's steps: the language's code,
/// when a detection step routes by it and lists it.
pub fn skill(steps: &[Interceptor], language: Option<&str>) -> Option<String> {
    let language = language?;
    steps.iter().find_map(|step| match step {
        Interceptor::DetectLanguage { languages, route: true } if languages.iter().any(|l| l == language) => {
            Some(language.to_owned())
        }
        _ => None,
    })
}

/// Enough letters, in at least two words — or any ideographs, syllables or kana, which carry
/// a word each.
fn long_enough(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let words = text.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count();
    let wide = text
        .chars()
        .filter(|c| ('\u{3040}'..='\u{9fff}').contains(c) || ('\u{ac00}'..='\u{d7af}').contains(c))
        .count();
    (letters >= MIN_LETTERS && words >= 2) || wide >= 4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(languages: &[&str], route: bool) -> Interceptor {
        Interceptor::DetectLanguage { languages: languages.iter().map(|l| l.to_string()).collect(), route }
    }

    #[test]
    fn chat_length_questions_are_told_apart() {
        for (text, code) in [
            ("Where is my parcel?", "en"),
            ("Can I change my delivery address?", "en"),
            ("Wo ist mein Paket?", "de"),
            ("Kann ich meine Lieferadresse ändern?", "de"),
            ("Où est mon colis ?", "fr"),
            ("Bonjour, je n'ai toujours pas reçu ma commande", "fr"),
            ("¿Puedo cambiar mi dirección de entrega?", "es"),
            ("Posso cambiare il mio indirizzo di consegna?", "it"),
            ("Ik wil mijn bestelling annuleren", "nl"),
            ("Hej, var är mitt paket?", "sv"),
            ("Где мой заказ? Я жду уже неделю", "ru"),
            ("我的包裹在哪里", "zh"),
            ("荷物はどこにありますか", "ja"),
        ] {
            assert_eq!(detect(&[], text).as_deref(), Some(code), "{text:?}");
        }
    }

    #[test]
    fn too_little_to_tell_stays_untagged() {
        for text in ["", "ok", "hi there", "danke", "4242 4242 4242 4242", "??", "👍👍👍"] {
            assert_eq!(detect(&[], text), None, "{text:?}");
        }
    }

    #[test]
    fn only_the_listed_languages_are_tagged() {
        let listed = ["de".to_string(), "en".to_string()];
        assert_eq!(detect(&listed, "Ich warte seit zwei Tagen auf eine Antwort").as_deref(), Some("de"));
        assert_eq!(detect(&listed, "Je voudrais annuler ma commande, s'il vous plaît"), None);
    }

    #[test]
    fn codes_are_known_or_not() {
        assert!(detectable("de") && detectable("zh"));
        assert!(!detectable("pl") && !detectable("DE") && !detectable("deu"));
    }

    #[test]
    fn a_language_is_a_skill_only_when_its_step_routes_by_it() {
        let routed = [step(&["de", "fr"], true)];
        assert_eq!(skill(&routed, Some("de")).as_deref(), Some("de"));
        assert_eq!(skill(&routed, Some("es")), None, "not listed");
        assert_eq!(skill(&routed, None), None);
        assert_eq!(skill(&[step(&["de"], false)], Some("de")), None, "tagged, not routed");
        assert_eq!(skill(&[], Some("de")), None);
    }

    #[test]
    fn only_a_detection_step_tags() {
        let text = "Hallo, ich habe eine Frage zu meiner Bestellung";
        assert_eq!(of_text(&[Interceptor::Trim], text), None);
        assert_eq!(of_text(&[Interceptor::Trim, step(&[], false)], text).as_deref(), Some("de"));
    }
}
