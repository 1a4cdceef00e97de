//! How routing events read in a conversation's log, and the checks an external bot's answer
//! passes before its messages are stored.

use switchboard_protocol::api::bot_webhook::BotAnswer;
use switchboard_protocol::routing::{ConversationEvent, ConversationState, HandoverReason, Release};

/// Most quick replies one message offers, and their longest text.
pub const MAX_QUICK_REPLIES: usize = 10;
/// Longest quick reply, in characters.
pub const MAX_QUICK_REPLY_CHARS: usize = 100;

/// Checks an external bot's answer as a visitor's message would be checked: every text 1 to
/// 4,000 characters, at most [`MAX_QUICK_REPLIES`] quick replies of up to
/// [`MAX_QUICK_REPLY_CHARS`] each.
pub fn check_answer(answer: &BotAnswer) -> Result<(), switchboard_protocol::ApiError> {
    use switchboard_protocol::{ApiError, ErrorCode};
    for message in &answer.messages {
        crate::ingest::check_text(&message.text)?;
        let bad_reply = message
            .quick_replies
            .iter()
            .any(|r| r.trim().is_empty() || r.chars().count() > MAX_QUICK_REPLY_CHARS);
        crate::cards::check(&message.cards).map_err(|e| ApiError::new(ErrorCode::BadRequest, e))?;
        if message.quick_replies.len() > MAX_QUICK_REPLIES || bad_reply {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                format!(
                    "at most {MAX_QUICK_REPLIES} quick replies of 1 to {MAX_QUICK_REPLY_CHARS} characters"
                ),
            ));
        }
    }
    Ok(())
}

/// The words a log shows for `event` (the console and widget may render their own).
pub fn describe(event: &ConversationEvent) -> String {
    match event {
        ConversationEvent::HandedOver { reason: HandoverReason::AgentTookOver, .. } => {
            "An agent took the conversation over from the bot".into()
        }
        ConversationEvent::HandedOver { queue, .. } => format!("Waiting for the {queue} team"),
        ConversationEvent::Offered { .. } => "Offered to an agent".into(),
        ConversationEvent::Assigned { name, .. } => format!("{name} joined the conversation"),
        ConversationEvent::Released { reason, .. } => {
            format!("An agent left the conversation ({})", release_words(*reason))
        }
        ConversationEvent::SlaBreached { .. } => "Response time target missed".into(),
        ConversationEvent::FieldCollected { field, value } => format!("{field}: {value}"),
        ConversationEvent::Rated { score, comment } => match comment {
            Some(comment) => format!("Rated {score}/5: “{comment}”"),
            None => format!("Rated {score}/5"),
        },
        ConversationEvent::StateChanged { state } => match state {
            ConversationState::Resolved => "Conversation resolved".into(),
            ConversationState::Snoozed => "Conversation snoozed".into(),
            ConversationState::Pending => "Waiting for business hours".into(),
            other => format!(
                "Conversation is {}",
                serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            ),
        },
    }
}

fn release_words(reason: Release) -> &'static str {
    match reason {
        Release::Declined => "declined",
        Release::OfferExpired => "offer not answered",
        Release::AgentOffline => "went offline",
        Release::SlaBreached => "response time target missed",
        Release::Moved => "transferred",
        Release::Closed => "closed",
    }
}
