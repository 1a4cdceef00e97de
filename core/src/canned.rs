//! Canned responses: checking a new one, and which ones a `/shortcut` draft suggests.

use switchboard_protocol::api::canned_responses::{CannedResponse, MAX_SHORTCUT_CHARS};
use switchboard_protocol::{ApiError, ErrorCode};

use crate::ingest;

/// Checks and normalises a canned response before it is stored: the shortcut lowercased
/// without its leading `/`, the text checked like any message.
pub fn validate(response: CannedResponse) -> Result<CannedResponse, ApiError> {
    let shortcut = shortcut(&response.shortcut)?;
    ingest::check_text(&response.text)?;
    Ok(CannedResponse { shortcut, text: response.text })
}

/// A `/shortcut` as stored (canned responses and macros): lowercase, without its `/`, 1 to
/// [`MAX_SHORTCUT_CHARS`] letters, digits, `-` or `_`.
pub fn shortcut(typed: &str) -> Result<String, ApiError> {
    let shortcut = typed.trim().trim_start_matches('/').to_lowercase();
    let valid_chars = shortcut.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if shortcut.is_empty() || shortcut.chars().count() > MAX_SHORTCUT_CHARS || !valid_chars {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("a shortcut is 1 to {MAX_SHORTCUT_CHARS} letters, digits, '-' or '_' (got {typed:?})"),
        )
        .at_field("shortcut"));
    }
    Ok(shortcut)
}

/// The canned responses a reply draft asks for: when the whole draft is `/` followed by part
/// of a shortcut, those whose shortcut starts with it, then those that contain it elsewhere,
/// each group in shortcut order. Anything else (text before the `/`, a space) asks for none.
pub fn suggestions<'a>(all: &'a [CannedResponse], draft: &str) -> Vec<&'a CannedResponse> {
    matching(all, draft, |canned| &canned.shortcut)
}

/// What a `/…` draft asks for among `all` (canned responses, macros), by their shortcut: as
/// [`suggestions`] orders them.
pub fn matching<'a, T>(all: &'a [T], draft: &str, shortcut: impl Fn(&T) -> &str) -> Vec<&'a T> {
    let Some(typed) = draft.strip_prefix('/') else { return Vec::new() };
    if typed.chars().any(char::is_whitespace) {
        return Vec::new();
    }
    let typed = typed.to_lowercase();
    let mut sorted: Vec<&T> = all.iter().collect();
    sorted.sort_by(|a, b| shortcut(a).cmp(shortcut(b)));
    let (mut first, rest): (Vec<_>, Vec<_>) = sorted
        .into_iter()
        .filter(|item| shortcut(item).contains(&typed))
        .partition(|item| shortcut(item).starts_with(&typed));
    first.extend(rest);
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canned(shortcut: &str, text: &str) -> CannedResponse {
        CannedResponse { shortcut: shortcut.into(), text: text.into() }
    }

    #[test]
    fn shortcuts_are_normalised_and_bad_ones_refused() {
        assert_eq!(validate(canned(" /Refund ", "We refund within 5 days.")).unwrap().shortcut, "refund");
        for bad in ["", "/", "two words", "ünï", &"x".repeat(MAX_SHORTCUT_CHARS + 1)] {
            assert_eq!(validate(canned(bad, "text")).unwrap_err().code, ErrorCode::BadRequest, "{bad:?}");
        }
        assert_eq!(validate(canned("ok", "  ")).unwrap_err().code, ErrorCode::EmptyMessage);
    }

    #[test]
    fn a_slash_draft_suggests_prefix_matches_first() {
        let all = [
            canned("thanks", "Thank you!"),
            canned("hi", "Hello"),
            canned("shipping", "…"),
            canned("ship", "…"),
        ];
        let shortcuts =
            |draft: &str| suggestions(&all, draft).iter().map(|c| c.shortcut.as_str()).collect::<Vec<_>>();
        assert_eq!(shortcuts("/"), ["hi", "ship", "shipping", "thanks"]);
        assert_eq!(shortcuts("/SH"), ["ship", "shipping"]);
        assert_eq!(shortcuts("/h"), ["hi", "ship", "shipping", "thanks"]);
        assert_eq!(shortcuts("/hi there"), Vec::<&str>::new());
        assert_eq!(shortcuts("say /hi"), Vec::<&str>::new());
        assert_eq!(shortcuts("/zzz"), Vec::<&str>::new());
    }
}
