//! Customer satisfaction: the visitor rates a resolved conversation 1 to 5, with an optional
//! comment, once per resolution. The rating is a `rated` event in the log, so agents see it in
//! the conversation's timeline and the visitor's widget knows it was taken.

use switchboard_protocol::limits::MAX_RATING_COMMENT_CHARS;
use switchboard_protocol::routing::{ConversationEvent, ConversationState};
use switchboard_protocol::{ApiError, ErrorCode};

use crate::flow::lifecycle::{Effect, Lifecycle};

/// The event a rating becomes, checked: a score of 1 to 5, a comment of at most
/// [`MAX_RATING_COMMENT_CHARS`] characters (trimmed; blank is none).
pub fn rating(score: u8, comment: Option<String>) -> Result<ConversationEvent, ApiError> {
    if !(1..=5).contains(&score) {
        return Err(ApiError::new(ErrorCode::BadRequest, format!("a rating is 1 to 5 (got {score})")));
    }
    let comment = comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > MAX_RATING_COMMENT_CHARS) {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("a rating's comment has at most {MAX_RATING_COMMENT_CHARS} characters"),
        ));
    }
    Ok(ConversationEvent::Rated { score, comment })
}

impl Lifecycle {
    /// The visitor rates the conversation: only once it is resolved, once per resolution.
    pub fn rate(&mut self, score: u8, comment: Option<String>) -> Result<Vec<Effect>, ApiError> {
        let event = rating(score, comment)?;
        if self.state != ConversationState::Resolved {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "a conversation can be rated once it is resolved",
            ));
        }
        if self.rated {
            return Err(ApiError::new(ErrorCode::Conflict, "this conversation is already rated"));
        }
        self.rated = true;
        Ok(vec![Effect::Record(event)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved() -> Lifecycle {
        Lifecycle { state: ConversationState::Resolved, ..Lifecycle::default() }
    }

    #[test]
    fn a_resolved_conversation_is_rated_once() {
        let mut life = resolved();
        let steps = life.rate(4, Some("  Quick and kind \n".into())).unwrap();
        assert!(matches!(
            &steps[..],
            [Effect::Record(ConversationEvent::Rated { score: 4, comment: Some(c) })] if c == "Quick and kind"
        ));
        assert_eq!(life.rate(5, None).unwrap_err().code, ErrorCode::Conflict);
        let open = &mut Lifecycle { state: ConversationState::Assigned, ..Lifecycle::default() };
        assert_eq!(open.rate(5, None).unwrap_err().code, ErrorCode::Conflict);
    }

    #[test]
    fn scores_and_comments_are_checked() {
        for score in [0, 6, 255] {
            assert_eq!(resolved().rate(score, None).unwrap_err().code, ErrorCode::BadRequest);
        }
        let long = "x".repeat(MAX_RATING_COMMENT_CHARS + 1);
        assert_eq!(resolved().rate(3, Some(long)).unwrap_err().code, ErrorCode::BadRequest);
        assert_eq!(
            rating(1, Some("   ".into())).unwrap(),
            ConversationEvent::Rated { score: 1, comment: None }
        );
    }
}
