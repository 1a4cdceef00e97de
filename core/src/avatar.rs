//! Agents' and bots' avatars in the widget: by default their initials on a colour picked
//! from a small palette by their id, so each teammate keeps the same face in every
//! conversation without anyone uploading a picture; agents with an uploaded photo show it
//! instead, through rules in the site's frame stylesheet ([`photo_css`]), so the widget's
//! code stays the same either way and the frame loads pictures only from the edge.

use std::collections::BTreeMap;

use switchboard_protocol::api::agent_avatar::{AVATAR_TYPES, MAX_AVATAR_BYTES};
use switchboard_protocol::{AgentId, ApiError, ErrorCode, SiteId};

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

/// Checks an uploaded photo: not empty, at most [`MAX_AVATAR_BYTES`], declared as one of
/// [`AVATAR_TYPES`] that its first bytes confirm. Returns the type.
pub fn check_photo(declared: &str, bytes: &[u8]) -> Result<&'static str, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::new(ErrorCode::BadRequest, "the photo is empty"));
    }
    if bytes.len() > MAX_AVATAR_BYTES {
        return Err(ApiError::new(
            ErrorCode::BodyTooLarge,
            format!("photos are limited to {} KiB", MAX_AVATAR_BYTES / 1024),
        ));
    }
    let declared = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let sniffed = crate::attachments::sniff(bytes).filter(|actual| AVATAR_TYPES.contains(actual));
    match AVATAR_TYPES.iter().find(|t| **t == declared) {
        Some(declared) if sniffed == Some(declared) => Ok(declared),
        Some(declared) => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("the photo's content is not {declared}"),
        )),
        None => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("photos may be {} (got {declared:?})", AVATAR_TYPES.join(", ")),
        )),
    }
}

/// A new photo's version (in its URL), from 8 random bytes the caller supplies.
pub fn new_version(random: [u8; 8]) -> String {
    crate::webhook::hex(&random)
}

/// Where `agent`'s photo of `version` is served: a new photo is a new URL, so browsers may
/// keep each one for long.
pub fn photo_url(site: &SiteId, agent: &AgentId, version: &str) -> String {
    format!("/avatars/{site}/{agent}?v={version}")
}

/// The frame stylesheet's rules for the agents with a photo: the picture fills their avatar
/// (`span.sb-avatar[data-author=ID]`) and the initials go. Ids and versions are plain
/// letters, digits, `-` and `_` (a version that is not is skipped: it was not written here).
pub fn photo_css(site: &SiteId, avatars: &BTreeMap<AgentId, String>) -> String {
    let plain =
        |v: &String| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    avatars
        .iter()
        .filter(|(_, version)| plain(version))
        .map(|(agent, version)| {
            let url = photo_url(site, agent, version);
            format!(
                ".sb-avatar[data-author=\"{agent}\"]{{background:#fff url(\"{url}\") center/cover}}\
                 .sb-avatar[data-author=\"{agent}\"]::before{{content:none}}\n"
            )
        })
        .collect()
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

    #[test]
    fn photos_are_pictures_of_the_type_they_say() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(check_photo("image/png", png), Ok("image/png"));
        assert_eq!(check_photo("image/webp", b"RIFF\0\0\0\0WEBPVP8 "), Ok("image/webp"));
        // A PDF or text is a fine attachment but no photo; HTML called a PNG is refused.
        assert_eq!(
            check_photo("application/pdf", b"%PDF-1.7").unwrap_err().code,
            ErrorCode::UnsupportedMediaType
        );
        assert_eq!(check_photo("image/png", b"%PDF-1.7").unwrap_err().code, ErrorCode::UnsupportedMediaType);
        let html = check_photo("image/png", b"<svg onload=alert(1)>").unwrap_err();
        assert_eq!(html.code, ErrorCode::UnsupportedMediaType);
        assert!(html.message.contains("not image/png"));
        assert!(check_photo("image/svg+xml", b"<svg/>")
            .unwrap_err()
            .message
            .contains("image/png, image/jpeg"));
        assert_eq!(check_photo("image/png", b"").unwrap_err().code, ErrorCode::BadRequest);
        let mut big = png.to_vec();
        big.resize(MAX_AVATAR_BYTES + 1, 0);
        assert_eq!(check_photo("image/png", &big).unwrap_err().code, ErrorCode::BodyTooLarge);
    }

    #[test]
    fn photo_rules_name_each_agent_and_its_version() {
        let site = SiteId::parse("demo").unwrap();
        let ada = AgentId::from_random([1; 16]);
        let bob = AgentId::from_random([2; 16]);
        let avatars = BTreeMap::from([(ada.clone(), "0a1b".to_string()), (bob, "x\"}*{".to_string())]);
        let css = photo_css(&site, &avatars);
        assert_eq!(css.lines().count(), 1, "{css}");
        assert!(css.contains(&format!(
            "[data-author=\"{ada}\"]{{background:#fff url(\"/avatars/demo/{ada}?v=0a1b\")"
        )));
        assert!(css.contains("::before{content:none}"));
        assert_eq!(photo_css(&site, &BTreeMap::new()), "");
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
