//! Who may open a socket on a conversation, or send it a file. The worker has checked the
//! credentials (a visitor's token, an agent's session); the conversation's object knows which
//! site and visitor it belongs to, and asks here.

use switchboard_protocol::limits::MAX_SOCKETS_PER_PARTICIPANT;
use switchboard_protocol::{ApiError, Author, ErrorCode, SiteId, VisitorId};

/// Whose a conversation is, once it exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner<'a> {
    /// Its site.
    pub site: &'a SiteId,
    /// Its visitor.
    pub visitor: &'a VisitorId,
    /// Whether its visitor signed out (the host page's `shutdown`): their tokens open it no more.
    pub visitor_signed_out: bool,
}

/// What a socket's arrival means for the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The visitor's first connection: the conversation starts now.
    Create,
    /// A participant joins the existing conversation.
    Join,
}

/// Whether `author`, authenticated for `site`, may connect to the conversation `owner` names
/// (`None`: it does not exist yet). Only its visitor creates it; agents join existing
/// conversations of their own site; a visitor joins only their own.
pub fn admit(owner: Option<Owner<'_>>, site: &SiteId, author: &Author) -> Result<Admission, ApiError> {
    match owner {
        None if matches!(author, Author::Visitor { .. }) => Ok(Admission::Create),
        None => Err(ApiError::new(ErrorCode::NotFound, "no such conversation")),
        Some(owner) => may_join(owner, site, author).map(|()| Admission::Join),
    }
}

/// Whether `author` of `site` belongs in the existing conversation `owner` names.
pub fn may_join(owner: Owner<'_>, site: &SiteId, author: &Author) -> Result<(), ApiError> {
    let visitor_matches = match author {
        Author::Visitor { id, .. } => id == owner.visitor,
        _ => true,
    };
    if owner.site != site || !visitor_matches {
        return Err(ApiError::new(ErrorCode::Forbidden, "this conversation belongs to another site"));
    }
    if owner.visitor_signed_out && matches!(author, Author::Visitor { .. }) {
        return Err(signed_out());
    }
    Ok(())
}

/// The refusal of a token whose visitor signed out: the session ended on the server too.
pub fn signed_out() -> ApiError {
    ApiError::new(ErrorCode::Unauthorized, "this visitor signed out; start a new session")
}

/// Whether a participant holding `open` sockets on a conversation may open one more.
pub fn may_open_socket(open: usize) -> Result<(), ApiError> {
    if open >= MAX_SOCKETS_PER_PARTICIPANT {
        return Err(ApiError::new(
            ErrorCode::TooManyConnections,
            format!(
                "at most {MAX_SOCKETS_PER_PARTICIPANT} open connections per participant; close another tab"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::AgentId;

    use super::*;

    fn visitor(n: u8) -> Author {
        Author::Visitor { id: VisitorId::from_random([n; 16]), name: None }
    }

    #[test]
    fn only_its_visitor_creates_a_conversation_and_only_its_site_joins_it() {
        let (shop, other) = (SiteId::parse("shop").unwrap(), SiteId::parse("other").unwrap());
        let agent = Author::Agent { id: AgentId::from_random([9; 16]), name: "Ada".into() };
        assert_eq!(admit(None, &shop, &visitor(1)), Ok(Admission::Create));
        assert_eq!(admit(None, &shop, &agent).unwrap_err().code, ErrorCode::NotFound);
        let owner =
            Owner { site: &shop, visitor: &VisitorId::from_random([1; 16]), visitor_signed_out: false };
        assert_eq!(admit(Some(owner), &shop, &visitor(1)), Ok(Admission::Join));
        assert_eq!(admit(Some(owner), &shop, &agent), Ok(Admission::Join));
        for (site, author) in [(&shop, visitor(2)), (&other, visitor(1)), (&other, agent)] {
            assert_eq!(admit(Some(owner), site, &author).unwrap_err().code, ErrorCode::Forbidden);
        }
    }

    #[test]
    fn a_visitor_who_signed_out_is_refused_but_agents_still_join() {
        let shop = SiteId::parse("shop").unwrap();
        let agent = Author::Agent { id: AgentId::from_random([9; 16]), name: "Ada".into() };
        let owner =
            Owner { site: &shop, visitor: &VisitorId::from_random([1; 16]), visitor_signed_out: true };
        assert_eq!(admit(Some(owner), &shop, &visitor(1)).unwrap_err().code, ErrorCode::Unauthorized);
        assert_eq!(admit(Some(owner), &shop, &agent), Ok(Admission::Join));
    }

    #[test]
    fn a_participant_holds_at_most_so_many_sockets() {
        assert!(may_open_socket(MAX_SOCKETS_PER_PARTICIPANT - 1).is_ok());
        let error = may_open_socket(MAX_SOCKETS_PER_PARTICIPANT).unwrap_err();
        assert_eq!(error.code, ErrorCode::TooManyConnections);
    }
}
