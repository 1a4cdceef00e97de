//! Visitor sessions: getting one (`POST /api/v1/sessions`) and telling the visitor why not,
//! and the visitor's conversations (`GET /api/v1/visitor/conversations`), each with one.
//!
//! A session is a signed token for one conversation; the frame keeps it in storage (see
//! [`crate::storage`]) and only asks for a new one when it has none, it expired, the edge
//! refused it, or the visitor starts another conversation.

use switchboard_protocol::api::create_session::{Request, Response};
use switchboard_protocol::api::visitor_conversations::VisitorConversation;
use switchboard_protocol::ErrorCode;

use crate::http::{fetch, FetchError};
use crate::wire::{decode, encode};

/// Asks the edge for a new session (`request.site_id`, on behalf of the page at
/// `request.page_origin`; the same visitor as `request.visitor_token`, when given).
pub(crate) async fn create(request: Request) -> Result<Response, FetchError> {
    let json = fetch("POST", "/api/v1/sessions", Some(encode::session_request(&request)), None).await?;
    decode::session(&json).ok_or(FetchError::Decode { status: 201 })
}

/// The conversations of the visitor holding `token`, newest activity first.
pub(crate) async fn conversations(token: &str) -> Result<Vec<VisitorConversation>, FetchError> {
    let json = fetch("GET", "/api/v1/visitor/conversations", None, Some(token)).await?;
    decode::visitor_conversations(&json).map(|r| r.conversations).ok_or(FetchError::Decode { status: 200 })
}

/// Whether `session` can still be offered at `now` (ms since the epoch). A token that expires
/// within the minute is not worth a socket that the edge would close at once.
pub(crate) fn is_fresh(session: &Response, now: i64) -> bool {
    session.expires_at - 60_000 > now
}

/// Why a session could not be had, as a sentence for the visitor, and whether trying again
/// later can help (the network or the edge) or not (this site or page is refused).
pub(crate) fn explain(error: &FetchError) -> (String, bool) {
    let t = crate::i18n::t();
    let (sentence, retry) = match error {
        FetchError::Network => (t.error_network, true),
        FetchError::Decode { .. } => (t.error_decode, true),
        FetchError::Api { status, error } => match error.code {
            ErrorCode::OriginNotAllowed => (t.error_origin, false),
            ErrorCode::NotFound => (t.error_unknown_site, false),
            ErrorCode::RateLimited => (t.error_rate_limited, true),
            _ if *status >= 500 => (t.error_trouble, true),
            _ => return (format!("{}{}", t.error_could_not_start, error.message), false),
        },
    };
    (sentence.to_owned(), retry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::ApiError;

    #[test]
    fn refusals_are_final_and_outages_are_retried() {
        let refused =
            FetchError::Api { status: 403, error: ApiError::new(ErrorCode::OriginNotAllowed, "no") };
        let (sentence, retry) = explain(&refused);
        assert!(sentence.contains("origin not allowed"));
        assert!(!retry);
        assert!(explain(&FetchError::Network).1);
    }
}
