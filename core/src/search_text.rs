//! Full-text search as people type it: how a message's text is indexed and how what an agent
//! types becomes an SQLite FTS5 query (the site's index uses FTS5's `unicode61` tokenizer,
//! which splits on anything not a letter or digit, folds case and drops accents).
//!
//! - Order numbers, phone numbers, emails (`AB-1234`, `555-0142`, `ada@example.com`): the
//!   tokenizer splits them into parts, so a typed one becomes a *phrase* of its parts (the
//!   parts in order, the last as a prefix) or the parts glued together; and such a word in a
//!   message is also indexed glued, so `5550142` finds `555-0142` and `AB-1234` finds
//!   `AB1234`.
//! - Accents: `cafe` finds `café` and the other way round (the tokenizer drops them on both
//!   sides).
//! - Chinese, Japanese and Korean are written without spaces between words: each such
//!   character is indexed as a word of its own ([`indexable_text`]) and a typed run becomes
//!   the phrase of its characters, so any part of a sentence is found.
//!
//! Every typed word must occur (as a prefix); quotes and operators are taken literally,
//! because only letters and digits reach the query.

use std::borrow::Cow;

/// Whether `c` is a letter of a script written without spaces between words (Han, Hiragana,
/// Katakana, Hangul, and their compatibility and half-width forms). Combining marks in those
/// blocks (such as the voiced sound mark U+3099) are not letters: separators, as for FTS5.
fn is_cjk(c: char) -> bool {
    c.is_alphanumeric()
        && matches!(c as u32,
            0x3040..=0x30FF          // Hiragana, Katakana
            | 0x31F0..=0x31FF        // Katakana phonetic extensions
            | 0x3400..=0x4DBF        // Han extension A
            | 0x4E00..=0x9FFF        // Han
            | 0xAC00..=0xD7AF        // Hangul syllables
            | 0xF900..=0xFAFF        // Han compatibility
            | 0xFF66..=0xFF9F        // half-width Katakana
            | 0x20000..=0x2FA1F      // Han extensions B–F, compatibility supplement
        )
}

/// `text` as it goes into the index: each CJK character set apart as a word of its own, and
/// each word written with separators (`AB-1234`, `555-0142`) also glued together at the end,
/// so typing it without them finds it too.
pub fn indexable_text(text: &str) -> Cow<'_, str> {
    let glued: Vec<String> = text
        .split_whitespace()
        .map(tokens)
        .filter(|tokens| tokens.len() > 1 && !tokens.iter().any(|t| t.chars().any(is_cjk)))
        .map(|tokens| tokens.concat())
        .collect();
    if glued.is_empty() && !text.chars().any(is_cjk) {
        return Cow::Borrowed(text);
    }
    let mut indexed = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if is_cjk(c) {
            indexed.push(' ');
            indexed.push(c);
            indexed.push(' ');
        } else {
            indexed.push(c);
        }
    }
    for word in glued {
        indexed.push(' ');
        indexed.push_str(&word);
    }
    Cow::Owned(indexed)
}

/// The tokens FTS5 sees in one typed word: runs of letters and digits, each CJK character
/// alone.
fn tokens(word: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    for c in word.chars() {
        if is_cjk(c) {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            tokens.push(c.to_string());
        } else if c.is_alphanumeric() {
            current.push(c);
        } else if !current.is_empty() {
            tokens.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// The FTS5 query for what an agent typed (see the module's doc). `None` when nothing
/// searchable was typed.
pub fn full_text_query(typed: &str) -> Option<String> {
    let terms: Vec<String> = typed
        .split_whitespace()
        .filter_map(|word| {
            let tokens = tokens(word);
            let phrase = format!("\"{}\"*", tokens.join(" "));
            match tokens.len() {
                0 => None,
                1 => Some(phrase),
                // Written with separators here, perhaps without in the message (or in pieces
                // across the tokenizer's split): either form.
                _ if !tokens.iter().any(|t| t.chars().any(is_cjk)) => {
                    Some(format!("({phrase} OR \"{}\"*)", tokens.concat()))
                }
                _ => Some(phrase),
            }
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

#[cfg(test)]
mod tests;
