//! Agents' and bots' avatars in the widget: their initials on a colour picked from a small
//! palette by their id, so each teammate keeps the same face in every conversation without
//! anyone uploading a picture (and without the frame loading images from elsewhere).

/// How many colours the widget's stylesheet defines (`.sb-avatar--0` …), each dark enough
/// for white initials at 4.5:1 or better.
pub const PALETTE: u32 = 8;

/// Up to two initials of `name` (ASCII letters upper case): the first letters of its first and last words
/// ("Nia Okafor" → "NO", "ada" → "A"); words that start with no letter are skipped.
pub fn initials(name: &str) -> String {
    // Letters or digits in ASCII, anything beyond it (other scripts) as is: punctuation
    // and symbols such as "<" or "(" are no initials. (No Unicode tables: size, as above.)
    let letter = |c: &char| c.is_ascii_alphanumeric() || !c.is_ascii();
    let mut firsts = name.split_whitespace().filter_map(|word| word.chars().next().filter(letter));
    let first = firsts.next();
    let last = firsts.next_back();
    // ASCII upper case only: full Unicode case tables would cost the widget ~7 KB of its
    // size budget; other scripts keep their letters as written.
    first.into_iter().chain(last).map(|c| c.to_ascii_uppercase()).collect()
}

/// The palette colour of the author with `key` (an agent id, or a bot's name).
pub fn colour(key: &str) -> u32 {
    // FNV-1a: stable across builds and platforms, unlike the standard library's hasher.
    let hash =
        key.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    hash % PALETTE
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn initials_are_the_first_and_last_words_first_letters() {
        assert_eq!(initials("Nia Okafor"), "NO");
        assert_eq!(initials("ada"), "A");
        assert_eq!(initials("  jean  claude van damme "), "JD");
        assert_eq!(initials("Łukasz Nowak"), "ŁN");
        assert_eq!(initials("łukasz nowak"), "łN");
        assert_eq!(initials("李 小龙"), "李小");
        assert_eq!(initials("<script> Bob"), "B");
        assert_eq!(initials(""), "");
    }

    proptest! {
        #[test]
        fn any_name_gives_at_most_two_letters_and_any_key_a_palette_colour(name in ".{0,40}", key in ".{0,40}") {
            prop_assert!(initials(&name).chars().count() <= 2);
            prop_assert!(colour(&key) < PALETTE);
            prop_assert_eq!(colour(&key), colour(&key.clone()));
        }
    }
}
