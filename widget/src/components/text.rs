//! Message text as text nodes, with `http(s)://` addresses made into links.
//!
//! Only addresses that start with `http://` or `https://` become links (never `javascript:`
//! or any other scheme), and they open in a new tab without a referrer or an `opener`, so
//! the target can neither read nor navigate the conversation's page.
//!
//! Scanned byte by byte: every boundary is an ASCII byte, hence a char boundary, and this
//! costs the wasm far less than `str` pattern searching.

use yew::prelude::*;

/// `text` as text nodes and `<a>` elements.
pub(crate) fn linkify(text: &str) -> Html {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut plain = 0; // where the text not yet emitted starts
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let scheme = if rest.starts_with(b"https://") {
            8
        } else if rest.starts_with(b"http://") {
            7
        } else {
            0
        };
        // Inside a word ("xhttp://") is not an address.
        let starts_word = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        if scheme == 0 || !starts_word {
            at += 1;
            continue;
        }
        let mut end = at + scheme;
        while end < bytes.len() && !bytes[end].is_ascii_whitespace() {
            end += 1;
        }
        // Punctuation at the end belongs to the sentence more often than to the address.
        while end > at + scheme && b".,;:!?)]'\"".contains(&bytes[end - 1]) {
            end -= 1;
        }
        if end == at + scheme {
            at = end;
            continue;
        }
        if let (Some(before), Some(url)) = (text.get(plain..at), text.get(at..end)) {
            parts.push(html! { { before.to_owned() } });
            parts.push(html! {
                <a href={url.to_owned()} target="_blank" rel="noopener noreferrer nofollow">
                    { url.to_owned() }
                </a>
            });
            plain = end;
        }
        at = end;
    }
    parts.push(html! { { text.get(plain..).unwrap_or_default().to_owned() } });
    parts.into_iter().collect()
}
