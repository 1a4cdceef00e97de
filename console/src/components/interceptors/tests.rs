//! The fieldset's choices: read from a site's steps, and sent back as the edge keeps them.

use switchboard_protocol::interceptors::{default_interceptors, Interceptor};

use super::{split_languages, split_words, to_send, Choices};

fn mask(words: &[&str]) -> Interceptor {
    Interceptor::MaskWords { words: words.iter().map(|w| w.to_string()).collect() }
}

#[test]
fn words_are_split_on_lines_and_commas_not_spaces() {
    assert_eq!(split_words(" darn,\nheck ,, Darn\n\ntwo words\r\n"), ["darn", "heck", "two words"]);
    assert!(split_words(" \n , ").is_empty());
}

#[test]
fn the_defaults_are_cards_and_ibans() {
    let choices = Choices::of(&default_interceptors());
    assert_eq!(choices, Choices { cards: true, ibans: true, ..Choices::default() });
    assert_eq!(choices.steps(), default_interceptors());
}

#[test]
fn unchanged_choices_send_nothing_even_in_another_order() {
    let loaded = [Interceptor::Trim, mask(&["darn"]), Interceptor::RedactCards, mask(&["heck"])];
    let choices =
        Choices { cards: true, trim: true, words: vec!["darn".into(), "heck".into()], ..Choices::default() };
    assert_eq!(to_send(&choices, &loaded), Ok(None));
}

#[test]
fn changed_choices_send_the_whole_list_in_order() {
    let choices = Choices {
        cards: true,
        ibans: true,
        emails: true,
        phones: true,
        words: vec!["darn".into()],
        trim: true,
        ..Choices::default()
    };
    let sent = to_send(&choices, &default_interceptors());
    assert_eq!(
        sent,
        Ok(Some(vec![
            Interceptor::RedactCards,
            Interceptor::RedactIbans,
            Interceptor::RedactEmails,
            Interceptor::RedactPhones,
            mask(&["darn"]),
            Interceptor::Trim,
        ]))
    );
    // Everything off is a change too: an empty list.
    assert_eq!(to_send(&Choices::default(), &default_interceptors()), Ok(Some(vec![])));
}

#[test]
fn a_word_the_site_could_not_keep_is_named() {
    let choices =
        Choices { emails: true, words: vec!["darn".into(), "two words".into()], ..Choices::default() };
    let error = to_send(&choices, &default_interceptors()).unwrap_err();
    assert_eq!(error, "“two words” cannot be masked: a word is 1 to 40 letters or digits.");
}

#[test]
fn language_detection_is_a_step_with_its_languages() {
    let step = Interceptor::DetectLanguage { languages: vec!["de".into(), "fr".into()], route: true };
    let choices = Choices::of(&[Interceptor::Trim, step.clone()]);
    assert!(choices.detect_language && choices.route_by_language);
    assert_eq!(choices.languages, ["de", "fr"]);
    assert_eq!(choices.steps(), [Interceptor::Trim, step]);
    assert_eq!(split_languages(" DE, fr\nde "), ["de", "fr"]);
}

#[test]
fn routing_by_language_needs_the_languages_listed() {
    let choices = Choices { detect_language: true, route_by_language: true, ..Choices::default() };
    let error = to_send(&choices, &default_interceptors()).unwrap_err();
    assert!(error.starts_with("Privacy and message filters: list the languages"), "{error}");
}

#[test]
fn a_length_limit_keeps_the_channels_it_was_set_for() {
    use switchboard_protocol::channels::Channel;
    let loaded = [Interceptor::LimitLength { max_chars: 160, channels: vec![Channel::Sms] }];
    let choices = Choices::of(&loaded);
    assert_eq!((choices.max_chars, choices.limit_channels.as_slice()), (Some(160), &[Channel::Sms][..]));
    // As the form reads it (no channels): unchanged, nothing sent.
    let read = Choices { limit_channels: Vec::new(), ..choices.clone() };
    assert_eq!(to_send(&read, &loaded), Ok(None));
    // A new number keeps the channels.
    let longer = Choices { max_chars: Some(320), ..read };
    let sent = to_send(&longer, &loaded).unwrap().unwrap();
    assert_eq!(sent, [Interceptor::LimitLength { max_chars: 320, channels: vec![Channel::Sms] }]);
    // Out of range: refused in the form, by the edge's rule.
    let tiny = Choices { max_chars: Some(5), ..Choices::default() };
    assert!(to_send(&tiny, &loaded).unwrap_err().contains("20 to 4000"));
}
