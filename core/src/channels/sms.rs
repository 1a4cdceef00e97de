//! How a text travels as SMS (3GPP TS 23.038 and 23.040): in the GSM 7-bit alphabet when every
//! character has a place in it (160 septets alone, 153 per part of a longer message; the
//! extension table's characters take two), else as UCS-2 (70 UTF-16 units alone, 67 per
//! part; a surrogate pair is never cut). Twilio's Messages API takes up to 1,600 characters
//! and splits them into segments itself; longer texts are sent as several messages, cut
//! where a word ends when there is one.

/// The Messages API's longest `Body`, in characters.
pub const MAX_BODY_CHARS: usize = 1_600;

/// GSM 03.38's basic alphabet (one septet each).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// Its extension table (an escape plus one septet: two each).
const GSM_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// How a text is encoded as SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The GSM 7-bit alphabet.
    Gsm7,
    /// UCS-2 (UTF-16 units).
    Ucs2,
}

/// A text as SMS: its encoding and how many segments carriers bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    /// Its encoding.
    pub encoding: Encoding,
    /// How many segments (0 for an empty text).
    pub count: usize,
}

fn septets(c: char) -> Option<usize> {
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// `text`'s encoding and segment count.
pub fn segments(text: &str) -> Segments {
    let gsm: Option<Vec<usize>> = text.chars().map(septets).collect();
    let (encoding, units, single, part) = match gsm {
        Some(units) => (Encoding::Gsm7, units, 160, 153),
        None => (Encoding::Ucs2, text.chars().map(char::len_utf16).collect(), 70, 67),
    };
    let total: usize = units.iter().sum();
    let count = if total == 0 {
        0
    } else if total <= single {
        1
    } else {
        // Fill parts in order; a character that does not fit whole starts the next one.
        let (mut count, mut used) = (1, 0);
        for unit in units {
            if used + unit > part {
                count += 1;
                used = 0;
            }
            used += unit;
        }
        count
    };
    Segments { encoding, count }
}

/// `text` as messages the Messages API takes: each at most [`MAX_BODY_CHARS`] characters,
/// cut after the last space within the limit when there is one.
pub fn split(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest: Vec<char> = text.chars().collect();
    while rest.len() > MAX_BODY_CHARS {
        let window = &rest[..MAX_BODY_CHARS];
        let cut = window
            .iter()
            .rposition(|c| c.is_whitespace())
            .filter(|&at| at > 0)
            .map_or(MAX_BODY_CHARS, |at| at + 1);
        parts.push(rest[..cut].iter().collect::<String>().trim_end().to_owned());
        rest.drain(..cut);
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(rest.into_iter().collect());
    }
    parts
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn segments_follow_the_alphabet_and_its_limits() {
        assert_eq!(segments(""), Segments { encoding: Encoding::Gsm7, count: 0 });
        assert_eq!(segments(&"a".repeat(160)), Segments { encoding: Encoding::Gsm7, count: 1 });
        assert_eq!(segments(&"a".repeat(161)).count, 2);
        assert_eq!(segments(&"a".repeat(306)).count, 2);
        assert_eq!(segments(&"a".repeat(307)).count, 3);
        // Extension characters take two septets: 80 euros fill one message.
        assert_eq!(segments(&"€".repeat(80)).count, 1);
        assert_eq!(segments(&"€".repeat(81)).count, 2);
        // One character outside the alphabet makes the whole text UCS-2.
        assert_eq!(
            segments(&format!("{}✓", "a".repeat(69))),
            Segments { encoding: Encoding::Ucs2, count: 1 }
        );
        assert_eq!(segments(&"é".repeat(160)).encoding, Encoding::Gsm7);
        assert_eq!(segments(&"ç".repeat(71)), Segments { encoding: Encoding::Ucs2, count: 2 });
        // An emoji is a surrogate pair: two units, never cut.
        assert_eq!(segments(&"😀".repeat(35)).count, 1);
        assert_eq!(segments(&"😀".repeat(36)).count, 2);
    }

    #[test]
    fn long_texts_are_cut_where_a_word_ends() {
        assert_eq!(split("hello"), ["hello"]);
        assert_eq!(split(""), [""]);
        let text = format!("{} {}", "a".repeat(1_590), "b".repeat(20));
        assert_eq!(split(&text), ["a".repeat(1_590), "b".repeat(20)]);
        let unbroken = "x".repeat(3_300);
        let parts = split(&unbroken);
        assert_eq!(parts.iter().map(|p| p.chars().count()).collect::<Vec<_>>(), [1_600, 1_600, 100]);
    }

    proptest! {
        #[test]
        fn every_part_fits_and_nothing_but_spaces_is_lost(text in "[a-z ✓]{0,4000}") {
            let parts = split(&text);
            prop_assert!(parts.iter().all(|p| p.chars().count() <= MAX_BODY_CHARS));
            let kept: String = parts.concat().chars().filter(|c| !c.is_whitespace()).collect();
            let given: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert_eq!(kept, given);
        }
    }
}
