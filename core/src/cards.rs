//! The checks a bot's cards pass before they are stored (from the flow's intents or an
//! external bot's answer): sizes a card can show, and links that can only go to a web page.

use switchboard_protocol::limits::MAX_CARDS;
use switchboard_protocol::Card;

/// Longest card title, in characters.
pub const MAX_TITLE_CHARS: usize = 80;
/// Longest card text, in characters.
pub const MAX_TEXT_CHARS: usize = 300;
/// Longest button label, in characters.
pub const MAX_LABEL_CHARS: usize = 40;
/// Longest link, in bytes.
pub const MAX_URL_BYTES: usize = 2_000;

/// Checks `cards`; the error says which card and what is wrong.
pub fn check(cards: &[Card]) -> Result<(), String> {
    if cards.len() > MAX_CARDS {
        return Err(format!("at most {MAX_CARDS} cards per message"));
    }
    let fits = |text: &str, max: usize| !text.trim().is_empty() && text.chars().count() <= max;
    for (i, card) in cards.iter().enumerate() {
        let n = i + 1;
        if !fits(&card.title, MAX_TITLE_CHARS) {
            return Err(format!("card {n}: a title has 1 to {MAX_TITLE_CHARS} characters"));
        }
        if card.text.as_deref().is_some_and(|text| !fits(text, MAX_TEXT_CHARS)) {
            return Err(format!("card {n}: a text has 1 to {MAX_TEXT_CHARS} characters"));
        }
        if let Some(link) = &card.link {
            if !fits(&link.label, MAX_LABEL_CHARS) {
                return Err(format!("card {n}: a button label has 1 to {MAX_LABEL_CHARS} characters"));
            }
            if !is_web_url(&link.url) {
                return Err(format!(
                    "card {n}: a link is an absolute http:// or https:// URL of at most {MAX_URL_BYTES} bytes"
                ));
            }
        }
    }
    Ok(())
}

/// An absolute `http://` or `https://` URL with a host, no spaces or control characters:
/// never `javascript:`, `data:` or a relative path.
fn is_web_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let host = rest.and_then(|rest| rest.split(['/', '?', '#']).next()).unwrap_or_default();
    url.len() <= MAX_URL_BYTES
        && !host.is_empty()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::CardLink;

    use super::*;

    fn card(title: &str, text: Option<&str>, link: Option<(&str, &str)>) -> Card {
        Card {
            title: title.into(),
            text: text.map(Into::into),
            link: link.map(|(label, url)| CardLink { label: label.into(), url: url.into() }),
        }
    }

    #[test]
    fn cards_fit_and_link_only_to_web_pages() {
        let good =
            card("Returns", Some("30 days, free."), Some(("Read more", "https://shop.example/returns?x=1")));
        assert_eq!(check(&[good.clone(), card("Sizes", None, None)]), Ok(()));
        assert!(check(&[good.clone(), good.clone(), good.clone(), good]).unwrap_err().contains("at most 3"));
        for (bad, why) in [
            (card(" ", None, None), "title"),
            (card(&"x".repeat(81), None, None), "title"),
            (card("T", Some(""), None), "text"),
            (card("T", None, Some(("", "https://a.example"))), "label"),
            (card("T", None, Some(("Go", "javascript:alert(1)"))), "link"),
            (card("T", None, Some(("Go", "JAVASCRIPT:alert(1)"))), "link"),
            (card("T", None, Some(("Go", "data:text/html,<script>"))), "link"),
            (card("T", None, Some(("Go", "/relative"))), "link"),
            (card("T", None, Some(("Go", "https://"))), "link"),
            (card("T", None, Some(("Go", "https://a.example/\nx"))), "link"),
            (card("T", None, Some(("Go", "https://a.example/ x"))), "link"),
        ] {
            let error = check(&[bad]).unwrap_err();
            assert!(error.starts_with("card 1: ") && error.contains(why), "{error}");
        }
    }
}
