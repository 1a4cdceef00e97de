//! Interceptors (`protocol::interceptors`): the site's ordered steps run over every message's
//! text before it is stored, so what they remove exists nowhere — not in the log, the
//! console, the API, webhooks, nor the visitor's own copy. Each step is a pure function of
//! the text; [`check`] refuses settings a site could not mean.

pub mod language;
mod patterns;

use switchboard_protocol::channels::Channel;
use switchboard_protocol::interceptors::{
    Interceptor, MAX_INTERCEPTORS, MAX_LANGUAGES, MAX_MASKED_WORDS, MIN_LIMIT_CHARS,
};
use switchboard_protocol::limits::MAX_MESSAGE_CHARS;
use switchboard_protocol::{ApiError, ErrorCode};

pub use patterns::{luhn, mod97};

/// Longest masked word, in characters.
const MAX_WORD_CHARS: usize = 40;

/// `text` after every step, in order.
pub fn apply(steps: &[Interceptor], text: &str) -> String {
    steps.iter().fold(text.to_owned(), |text, step| match step {
        Interceptor::RedactCards => patterns::redact_cards(&text),
        Interceptor::RedactIbans => patterns::redact_ibans(&text),
        Interceptor::RedactEmails => patterns::redact_emails(&text),
        Interceptor::RedactPhones => patterns::redact_phones(&text),
        Interceptor::MaskWords { words } => mask_words(&text, words),
        Interceptor::Trim => trim(&text),
        // Tags, never changes: `language::of_text` reads what the steps left.
        Interceptor::DetectLanguage { .. } => text,
        // Its channels were kept to the conversation's by `for_channel`.
        Interceptor::LimitLength { max_chars, .. } => limit_length(&text, *max_chars as usize),
    })
}

/// The steps that apply on `channel`: every one, but a length limit only on its channels.
pub fn for_channel(steps: &[Interceptor], channel: Channel) -> Vec<Interceptor> {
    let applies = |step: &&Interceptor| match step {
        Interceptor::LimitLength { channels, .. } => channels.is_empty() || channels.contains(&channel),
        _ => true,
    };
    steps.iter().filter(applies).cloned().collect()
}

/// A site's steps, checked: at most [`MAX_INTERCEPTORS`], each word list usable.
pub fn check(steps: &[Interceptor]) -> Result<(), ApiError> {
    let bad = |field: String, message: String| ApiError::new(ErrorCode::BadRequest, message).at_field(field);
    if steps.len() > MAX_INTERCEPTORS {
        return Err(bad("interceptors".into(), format!("at most {MAX_INTERCEPTORS} steps")));
    }
    for (n, step) in steps.iter().enumerate() {
        if let Interceptor::DetectLanguage { languages, route } = step {
            check_languages(n, languages, *route)?;
            continue;
        }
        if let Interceptor::LimitLength { max_chars, .. } = step {
            if !(MIN_LIMIT_CHARS..=MAX_MESSAGE_CHARS as u32).contains(max_chars) {
                return Err(bad(
                    format!("interceptors[{n}].max_chars"),
                    format!("{MIN_LIMIT_CHARS} to {MAX_MESSAGE_CHARS} characters"),
                ));
            }
            continue;
        }
        let Interceptor::MaskWords { words } = step else { continue };
        if words.len() > MAX_MASKED_WORDS {
            return Err(bad(format!("interceptors[{n}].words"), format!("at most {MAX_MASKED_WORDS} words")));
        }
        for (w, word) in words.iter().enumerate() {
            let fits = (1..=MAX_WORD_CHARS).contains(&word.chars().count())
                && word.chars().all(char::is_alphanumeric);
            if !fits {
                return Err(bad(
                    format!("interceptors[{n}].words[{w}]"),
                    format!("a word is 1 to {MAX_WORD_CHARS} letters or digits"),
                ));
            }
        }
    }
    Ok(())
}

/// A detection step's languages: known to the detector, not too many, and listed when the
/// step routes by them (routing by every language would strand a conversation in a language
/// nobody on the team was given).
fn check_languages(n: usize, languages: &[String], route: bool) -> Result<(), ApiError> {
    let bad = |field: String, message: String| ApiError::new(ErrorCode::BadRequest, message).at_field(field);
    if languages.len() > MAX_LANGUAGES {
        return Err(bad(
            format!("interceptors[{n}].languages"),
            format!("at most {MAX_LANGUAGES} languages"),
        ));
    }
    if route && languages.is_empty() {
        return Err(bad(
            format!("interceptors[{n}].languages"),
            "list the languages to route by (agents need each as a skill)".into(),
        ));
    }
    if let Some((l, code)) = languages.iter().enumerate().find(|(_, code)| !language::detectable(code)) {
        return Err(bad(
            format!("interceptors[{n}].languages[{l}]"),
            format!("{code:?} is not a language the detector knows (ISO 639-1: ar, de, en, es, fr, hi, it, ja, ko, nl, pt, ru, sv, tr, vi, zh)"),
        ));
    }
    Ok(())
}

/// Each whole word of `words` (any case) as as many asterisks as it has characters.
fn mask_words(text: &str, words: &[String]) -> String {
    let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if words.contains(&word.to_lowercase()) {
            out.extend(word.chars().map(|_| '*'));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `text` cut to at most `max` characters, at the last space of its final fifth when there is
/// one (so no word is cut in two), ending in `…`.
fn limit_length(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    let floor = kept.len() * 4 / 5;
    let cut = kept.rfind(char::is_whitespace).filter(|at| *at >= floor).unwrap_or(kept.len());
    format!("{}…", kept[..cut].trim_end())
}

/// No spaces at either end; at most one blank line in a row.
fn trim(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in text.trim().lines() {
        let blank = line.trim().is_empty();
        if blank && out.last().is_some_and(|last| last.trim().is_empty()) {
            continue;
        }
        out.push(if blank { "" } else { line.trim_end() });
    }
    out.join("\n")
}

#[cfg(test)]
mod tests;
