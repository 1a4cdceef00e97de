//! Getting a visitor session (`POST /api/v1/sessions`) and telling the visitor why not.
//!
//! A session is a signed token for one conversation; the frame keeps it in storage (see
//! [`crate::storage`]) and only asks for a new one when it has none, it expired, or the edge
//! refused it.

use switchboard_protocol::api::create_session::{Request, Response};
use switchboard_protocol::{ErrorCode, SiteId};
use switchboard_webclient::{fetch_json, FetchError};

/// Asks the edge for a new session for `site`, on behalf of the page at `page_origin`.
pub async fn create(site: SiteId, page_origin: Option<String>) -> Result<Response, FetchError> {
    let request = Request { site_id: site, page_origin, visitor_token: None };
    fetch_json("POST", "/api/v1/sessions", Some(&request)).await
}

/// Whether `session` can still be offered at `now` (ms since the epoch). A token that expires
/// within the minute is not worth a socket that the edge would close at once.
pub fn is_fresh(session: &Response, now: i64) -> bool {
    session.expires_at - 60_000 > now
}

/// Why a session could not be had, as a sentence for the visitor, and whether trying again
/// later can help (the network or the edge) or not (this site or page is refused).
pub fn explain(error: &FetchError) -> (String, bool) {
    let (sentence, retry) = match error {
        FetchError::Network(_) => ("Cannot reach the chat service. Check your connection.", true),
        FetchError::Decode(_) => ("The chat service answered unexpectedly.", true),
        FetchError::Api { status, error } => match error.code {
            ErrorCode::OriginNotAllowed => {
                ("Chat is not enabled for this website (origin not allowed).", false)
            }
            ErrorCode::NotFound => ("Chat is not set up for this website (unknown site).", false),
            ErrorCode::RateLimited => ("Too many attempts to start a chat.", true),
            _ if *status >= 500 => ("The chat service is having trouble.", true),
            _ => return (format!("The chat could not start: {}", error.message), false),
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
        assert!(explain(&FetchError::Network("offline".into())).1);
    }
}
