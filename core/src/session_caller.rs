//! Who asks for a visitor session (`POST /api/v1/sessions`), and so what the edge must check
//! before issuing one.
//!
//! Browsers always send `Origin` on such a `POST`, so a request without one is not a web page:
//! it is a script or a server. A page origin named in its body proves nothing (anyone can type
//! a site's public origin), so such a caller must show an API key of the site instead — the
//! server-to-server path a site's backend uses to start a chat for its own app.

use switchboard_protocol::{ApiError, ErrorCode, SiteId};

use crate::origin::AllowedOrigins;

/// What a session request must pass, by who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCaller {
    /// The widget frame (its origin is the edge's own), on behalf of the page that embeds
    /// it: the page origin it reports must be allowed for the site. The browser told the frame,
    /// and the frame's `frame-ancestors` policy kept other origins from embedding it.
    Frame {
        /// The embedding page's origin, as reported.
        page_origin: String,
    },
    /// A page calling directly (CORS): its `Origin` must be allowed for the site.
    Page {
        /// The `Origin` header.
        origin: String,
    },
    /// No `Origin`: a server, which must carry an API key of the site.
    Server,
}

/// Classifies a request from the edge's `own` origin, its `Origin` header, the body's
/// `page_origin` and whether it carries an API key; refuses what no caller may send.
pub fn classify(
    own: &str,
    origin_header: Option<&str>,
    page_origin: Option<&str>,
    has_api_key: bool,
) -> Result<SessionCaller, (ErrorCode, &'static str)> {
    match (origin_header, page_origin) {
        (Some(caller), Some(page)) if caller == own => {
            Ok(SessionCaller::Frame { page_origin: page.to_owned() })
        }
        (Some(caller), None) if caller == own => {
            Err((ErrorCode::BadRequest, "the frame must send page_origin"))
        }
        (Some(caller), _) => Ok(SessionCaller::Page { origin: caller.to_owned() }),
        (None, _) if has_api_key => Ok(SessionCaller::Server),
        (None, _) => Err((
            ErrorCode::OriginNotAllowed,
            "a request without an Origin header is not from a page: a server must send \
             Authorization: Bearer <API key of the site>",
        )),
    }
}

/// Admits `caller` to the site `site` allowing `origins`: a page origin must be one of them; a
/// server's API key (whose site is `key_site`) must be one of the site's own.
pub fn admit(
    caller: &SessionCaller,
    origins: &AllowedOrigins,
    site: &SiteId,
    key_site: Option<&SiteId>,
) -> Result<(), ApiError> {
    match caller {
        SessionCaller::Frame { page_origin: origin } | SessionCaller::Page { origin } => {
            if !origins.allows(origin) {
                return Err(ApiError::new(
                    ErrorCode::OriginNotAllowed,
                    format!("{origin} is not an allowed origin of site {site}"),
                ));
            }
        }
        SessionCaller::Server if key_site == Some(site) => {}
        SessionCaller::Server => {
            return Err(ApiError::new(ErrorCode::Forbidden, "that API key is for another site"))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EDGE: &str = "https://edge.example";

    #[test]
    fn each_caller_is_told_apart_and_a_typed_page_origin_alone_proves_nothing() {
        let frame = classify(EDGE, Some(EDGE), Some("https://shop.example"), false);
        assert_eq!(frame, Ok(SessionCaller::Frame { page_origin: "https://shop.example".into() }));
        assert_eq!(classify(EDGE, Some(EDGE), None, false).unwrap_err().0, ErrorCode::BadRequest);
        // A page's own Origin wins over whatever its body claims.
        let page = classify(EDGE, Some("https://shop.example"), Some("https://other.example"), false);
        assert_eq!(page, Ok(SessionCaller::Page { origin: "https://shop.example".into() }));
        // No Origin: only with a key, whatever page origin the body names.
        let forged = classify(EDGE, None, Some("https://shop.example"), false);
        assert_eq!(forged.unwrap_err().0, ErrorCode::OriginNotAllowed);
        assert_eq!(classify(EDGE, None, None, false).unwrap_err().0, ErrorCode::OriginNotAllowed);
        assert_eq!(classify(EDGE, None, Some("https://shop.example"), true), Ok(SessionCaller::Server));
    }

    #[test]
    fn pages_need_an_allowed_origin_and_servers_a_key_of_the_site_itself() {
        let origins = AllowedOrigins::parse(&["https://shop.example"]).unwrap();
        let (shop, other) = (SiteId::parse("shop").unwrap(), SiteId::parse("other").unwrap());
        let page = |origin: &str| SessionCaller::Page { origin: origin.into() };
        assert!(admit(&page("https://shop.example"), &origins, &shop, None).is_ok());
        let evil = admit(&page("https://evil.example"), &origins, &shop, None).unwrap_err();
        assert_eq!(evil.code, ErrorCode::OriginNotAllowed);
        let framed = SessionCaller::Frame { page_origin: "https://evil.example".into() };
        assert!(admit(&framed, &origins, &shop, None).is_err());
        assert!(admit(&SessionCaller::Server, &origins, &shop, Some(&shop)).is_ok());
        let theirs = admit(&SessionCaller::Server, &origins, &shop, Some(&other)).unwrap_err();
        assert_eq!(theirs.code, ErrorCode::Forbidden);
        assert!(admit(&SessionCaller::Server, &origins, &shop, None).is_err());
    }
}
