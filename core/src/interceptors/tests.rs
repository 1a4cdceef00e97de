//! Each step as a person would write what it must catch, and what it must leave alone.

use proptest::prelude::*;
use switchboard_protocol::interceptors::{default_interceptors, Interceptor};

use super::*;

fn cards(text: &str) -> String {
    apply(&[Interceptor::RedactCards], text)
}

#[test]
fn card_numbers_go_however_they_are_written() {
    assert_eq!(
        cards("my card is 4242 4242 4242 4242, exp 12/27"),
        "my card is [card ending 4242], exp 12/27"
    );
    assert_eq!(cards("4111-1111-1111-1111"), "[card ending 1111]");
    assert_eq!(cards("Amex 378282246310005."), "Amex [card ending 0005].");
    assert_eq!(cards("ref 12 5555 5555 5555 4444"), "ref 12 [card ending 4444]");
    // The card, then a date written after it with a space.
    assert_eq!(cards("4242 4242 4242 4242 12 27"), "[card ending 4242] 12 27");
}

#[test]
fn numbers_that_are_not_cards_stay() {
    for kept in [
        "order AB-1234 shipped",
        "4242 4242 4242 4241",           // fails Luhn
        "call 555-0142",                 // too short
        "tracking 42424242424242424242", // 20 digits: no card
        "x4242424242424242",             // part of a longer word
        "2026-12-06",
    ] {
        assert_eq!(cards(kept), kept);
    }
}

#[test]
fn ibans_go_spaced_or_not_and_other_codes_stay() {
    let ibans = [Interceptor::RedactIbans];
    assert_eq!(apply(&ibans, "IBAN: DE89 3704 0044 0532 0130 00 please"), "IBAN: [IBAN ending 3000] please");
    assert_eq!(apply(&ibans, "gb82west12345698765432"), "[IBAN ending 5432]");
    assert_eq!(apply(&ibans, "FR14 2004 1010 0505 0001 3M02 606."), "[IBAN ending 2606].");
    for kept in ["DE89 3704 0044 0532 0130 01", "AB12 order", "UK12345678901235"] {
        assert_eq!(apply(&ibans, kept), kept);
    }
    assert!(mod97("NL91ABNA0417164300") && !mod97("NL91ABNA0417164301"));
}

#[test]
fn emails_and_phones_go_when_switched_on() {
    let both = [Interceptor::RedactEmails, Interceptor::RedactPhones];
    assert_eq!(apply(&both, "write to ada.l+shop@example.co.uk."), "write to [email].");
    assert_eq!(apply(&both, "call +1 (555) 014-2233 or 030 1234567"), "call [phone] or [phone]");
    for kept in ["meet @ noon", "a@b", "on 2026-12-06 or 06.12.2026", "order 1234", "v1.2.3"] {
        assert_eq!(apply(&both, kept), kept);
    }
}

#[test]
fn masked_words_become_asterisks_whole_words_any_case() {
    let mask = [Interceptor::MaskWords { words: vec!["darn".into(), "heck".into()] }];
    assert_eq!(apply(&mask, "Darn it, what the HECK"), "**** it, what the ****");
    assert_eq!(apply(&mask, "darned hecks"), "darned hecks");
}

#[test]
fn trim_keeps_one_blank_line() {
    assert_eq!(apply(&[Interceptor::Trim], "  hi  \n\n\n\n  there \n"), "hi\n\n  there", "indentation stays");
}

#[test]
fn steps_run_in_order_and_the_default_redacts_cards_and_ibans() {
    let text = "card 4242424242424242, iban DE89370400440532013000, ada@example.com";
    assert_eq!(
        apply(&default_interceptors(), text),
        "card [card ending 4242], iban [IBAN ending 3000], ada@example.com"
    );
    // Phones first would take the card's digits as a phone number.
    let phones_first = [Interceptor::RedactPhones, Interceptor::RedactCards];
    assert_eq!(apply(&phones_first, "4242 4242 4242 4242"), "4242 [phone]");
}

#[test]
fn settings_a_site_could_not_mean_are_refused_by_field() {
    assert!(check(&default_interceptors()).is_ok());
    let spaced = [Interceptor::Trim, Interceptor::MaskWords { words: vec!["ok".into(), "two words".into()] }];
    assert_eq!(check(&spaced).unwrap_err().field.as_deref(), Some("interceptors[1].words[1]"));
    let many = vec![Interceptor::Trim; 21];
    assert_eq!(check(&many).unwrap_err().field.as_deref(), Some("interceptors"));
}

/// A Luhn-valid number of `len` digits from `seed` digits.
fn card_number(seed: &[u8], len: usize) -> String {
    let mut digits: String = seed.iter().take(len - 1).map(|d| char::from(b'0' + d % 10)).collect();
    let check = (0..10).find(|c| luhn(&format!("{digits}{c}"))).unwrap_or(0);
    digits.push(char::from(b'0' + check as u8));
    digits
}

proptest! {
    #[test]
    fn no_card_survives_in_any_text_around_it(
        before in "[a-z ,.]{0,20}",
        after in "[a-z ,.]{0,20}",
        seed in proptest::collection::vec(0u8..10, 19),
        len in 13usize..=19,
        dashed in any::<bool>(),
    ) {
        let number = card_number(&seed, len);
        let written: String = number
            .chars()
            .enumerate()
            .flat_map(|(n, c)| (n > 0 && n % 4 == 0).then_some(if dashed { '-' } else { ' ' }).into_iter().chain([c]))
            .collect();
        let text = format!("{before} {written} {after}");
        let out = apply(&default_interceptors(), &text);
        prop_assert!(!out.contains(&written), "{out}");
        prop_assert!(!out.chars().filter(char::is_ascii_digit).collect::<String>().contains(&number[..12]));
    }

    #[test]
    fn every_step_is_idempotent_and_leaves_plain_words_alone(text in "\\PC{0,80}", words in "[a-z ]{0,40}") {
        let steps = vec![
            Interceptor::RedactCards,
            Interceptor::RedactIbans,
            Interceptor::RedactEmails,
            Interceptor::RedactPhones,
            Interceptor::MaskWords { words: vec!["darn".into()] },
            Interceptor::Trim,
        ];
        let once = apply(&steps, &text);
        prop_assert_eq!(apply(&steps, &once), once.clone());
        prop_assert_eq!(apply(&steps[..4], &words), words);
    }
}

#[test]
fn a_length_limit_cuts_at_a_word_on_its_channels_only() {
    use switchboard_protocol::channels::Channel;
    let limit = |max_chars, channels: Vec<Channel>| Interceptor::LimitLength { max_chars, channels };
    let text = "The parcel left our warehouse this morning and should reach you tomorrow";
    let cut = apply(&[limit(30, vec![])], text);
    assert_eq!(cut, "The parcel left our warehouse…");
    assert!(cut.chars().count() <= 30);
    assert_eq!(apply(&[limit(30, vec![])], "short"), "short");
    // A single long word is cut where it must be.
    assert_eq!(apply(&[limit(20, vec![])], &"x".repeat(50)).chars().count(), 20);
    // Only on its channels.
    let sms_only = [limit(30, vec![Channel::Sms])];
    assert_eq!(for_channel(&sms_only, Channel::Sms).len(), 1);
    assert!(for_channel(&sms_only, Channel::Webchat).is_empty());
    assert_eq!(apply(&for_channel(&sms_only, Channel::Webchat), text), text);
    // Limits a site could not mean.
    for bad in [5, 100_000] {
        let error = check(&[limit(bad, vec![])]).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("interceptors[0].max_chars"));
    }
}

proptest! {
    /// Whatever the text, a limited one is never longer than its limit.
    #[test]
    fn a_limited_text_fits(text in "\\PC{0,300}", max in 20u32..200) {
        let cut = apply(&[Interceptor::LimitLength { max_chars: max, channels: vec![] }], &text);
        prop_assert!(cut.chars().count() <= max as usize);
    }
}
