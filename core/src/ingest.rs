//! The edge's side of a conversation log: reading a client frame, and deciding what a `send`
//! does to the log.
//!
//! The Conversation Durable Object looks up what it needs (the head `seq`, whether this
//! author already used this `client_id`) and asks [`decide_send`]; it then performs the
//! decision: store then acknowledge, re-acknowledge, or refuse with an error frame.

use switchboard_protocol::inbox::{MessagePreview, PREVIEW_CHARS};
use switchboard_protocol::limits::{LOG_ENTRIES_FOR_THE_FLOW, MAX_FRAME_BYTES, MAX_MESSAGE_CHARS};
use switchboard_protocol::{ApiError, Author, ClientFrame, ClientMessageId, ErrorCode, Message, Seq};

/// Parses a text frame from a client, refusing oversized or malformed ones with the error the
/// client should get. The socket stays usable after a refusal.
pub fn decode_client_frame(text: &str) -> Result<ClientFrame, ApiError> {
    if text.len() > MAX_FRAME_BYTES {
        return Err(ApiError::new(
            ErrorCode::FrameTooLarge,
            format!("frames are limited to {MAX_FRAME_BYTES} bytes; this one has {}", text.len()),
        ));
    }
    serde_json::from_str(text).map_err(|e| {
        // serde's message names the field or tag that is wrong, never any stored data.
        ApiError::new(ErrorCode::BadRequest, format!("not a valid client frame: {e}"))
    })
}

/// The refusal for a binary WebSocket frame (the protocol is JSON text only).
pub fn binary_frame_refusal() -> ApiError {
    ApiError::new(ErrorCode::BadRequest, "binary frames are not supported; send JSON text")
}

/// Checks a message text against the length rules.
pub fn check_text(text: &str) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::new(ErrorCode::EmptyMessage, "a message needs some text").at_field("text"));
    }
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(ApiError::new(
            ErrorCode::MessageTooLong,
            format!("messages are limited to {MAX_MESSAGE_CHARS} characters; this one has {chars}"),
        )
        .at_field("text"));
    }
    Ok(())
}

/// What a `send` does to the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendDecision {
    /// Store this message (at `head + 1`), then acknowledge it and relay it to everyone.
    Store(Box<Message>),
    /// Already stored under this `seq` (a resend): acknowledge again, store nothing.
    Reack(Seq),
    /// Refuse with this error; store nothing.
    Refuse(ApiError),
}

/// Decides a `send` from `author`. `already_stored` is the `seq` this author's `client_id`
/// was stored under, if it was; `head` is the highest `seq` in the log; `now` is ms since the
/// Unix epoch.
pub fn decide_send(
    author: Author,
    client_id: ClientMessageId,
    text: String,
    already_stored: Option<Seq>,
    head: Seq,
    now: i64,
) -> SendDecision {
    // A resend is acknowledged even if the rules changed since: it is already stored.
    if let Some(seq) = already_stored {
        return SendDecision::Reack(seq);
    }
    if let Err(error) = check_text(&text) {
        return SendDecision::Refuse(error);
    }
    SendDecision::Store(Box::new(Message::plain(head.next(), client_id, author, text, now)))
}

/// Whether a participant's message may be stored at `seq` in a conversation holding at most
/// `max_messages`: a log without end would make every replay and export longer for ever.
pub fn check_room(seq: Seq, max_messages: u64) -> Result<(), ApiError> {
    if seq.0 > max_messages {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("this conversation is full ({max_messages} messages); start a new conversation"),
        ));
    }
    Ok(())
}

/// Whether the flow may store its entry at `seq` (a bot answer, an event): it has
/// [`LOG_ENTRIES_FOR_THE_FLOW`] more than participants, so a full conversation can still be
/// handed over, resolved and rated.
pub fn check_flow_room(seq: Seq, max_messages: u64) -> Result<(), ApiError> {
    check_room(seq, max_messages.saturating_add(LOG_ENTRIES_FOR_THE_FLOW))
}

/// The inbox preview of a message: its first [`PREVIEW_CHARS`] characters, on one line.
pub fn preview(message: &Message) -> MessagePreview {
    let one_line: String = message.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut text: String = one_line.chars().take(PREVIEW_CHARS).collect();
    if one_line.chars().count() > PREVIEW_CHARS {
        text.push('…');
    }
    MessagePreview { role: message.author.role(), text, sent_at: message.sent_at }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::VisitorId;

    fn author() -> Author {
        Author::Visitor { id: VisitorId::from_random([1; 16]), name: None }
    }

    fn id(s: &str) -> ClientMessageId {
        ClientMessageId::parse(s).unwrap()
    }

    #[test]
    fn a_new_send_is_stored_after_the_head() {
        let decision = decide_send(author(), id("a"), "hi".into(), None, Seq(4), 99);
        let SendDecision::Store(message) = decision else { panic!("{decision:?}") };
        assert_eq!((message.seq, message.sent_at), (Seq(5), 99));
    }

    #[test]
    fn a_resend_is_reacked_with_its_original_seq() {
        let decision = decide_send(author(), id("a"), "hi".into(), Some(Seq(2)), Seq(9), 0);
        assert_eq!(decision, SendDecision::Reack(Seq(2)));
    }

    #[test]
    fn empty_and_overlong_texts_are_refused_with_their_code() {
        let long = "é".repeat(MAX_MESSAGE_CHARS + 1);
        for (text, code) in [(" \n", ErrorCode::EmptyMessage), (long.as_str(), ErrorCode::MessageTooLong)] {
            let decision = decide_send(author(), id("a"), text.into(), None, Seq(0), 0);
            assert!(matches!(decision, SendDecision::Refuse(ref e) if e.code == code), "{decision:?}");
        }
        // Exactly at the limit (in characters, not bytes) is fine.
        assert!(check_text(&"é".repeat(MAX_MESSAGE_CHARS)).is_ok());
    }

    #[test]
    fn oversized_and_malformed_frames_are_refused() {
        let big = format!(r#"{{"type":"send","client_id":"a","text":"{}"}}"#, "x".repeat(MAX_FRAME_BYTES));
        assert_eq!(decode_client_frame(&big).unwrap_err().code, ErrorCode::FrameTooLarge);
        for bad in ["", "{", r#"{"type":"shout"}"#, r#"{"type":"send","client_id":"bad id","text":"x"}"#] {
            assert_eq!(decode_client_frame(bad).unwrap_err().code, ErrorCode::BadRequest, "{bad}");
        }
    }

    #[test]
    fn a_full_conversation_refuses_participants_before_the_flow() {
        assert!(check_room(Seq(10), 10).is_ok());
        assert_eq!(check_room(Seq(11), 10).unwrap_err().code, ErrorCode::Conflict);
        assert!(check_flow_room(Seq(11), 10).is_ok());
        assert!(check_flow_room(Seq(10 + LOG_ENTRIES_FOR_THE_FLOW + 1), 10).is_err());
    }

    #[test]
    fn previews_are_one_short_line() {
        let message =
            Message::plain(Seq(1), id("a"), author(), format!("line one\nline two {}", "x".repeat(200)), 0);
        let preview = preview(&message);
        assert!(preview.text.starts_with("line one line two"));
        assert_eq!(preview.text.chars().count(), PREVIEW_CHARS + 1);
    }
}
