//! JSON values → protocol types. Every function returns `None` for a value that is not the
//! expected shape (a missing field, a wrong type, an invalid id), like serde refusing it.
//!
//! Optional fields that are absent or `null` decode as `None`; unknown fields are ignored
//! (the protocol's additive changes). Numbers must be integers JavaScript holds exactly.

use switchboard_core::client_log::PendingMessage;
use switchboard_protocol::api::{create_session, site_presence, visitor_conversations};
use switchboard_protocol::attachment::Attachment;
use switchboard_protocol::inbox::MessagePreview;
use switchboard_protocol::routing::{ConversationEvent, ConversationState};
use switchboard_protocol::{
    AgentId, ApiError, Author, Card, CardLink, ClientMessageId, ConversationId, ErrorCode, Message, ReadMark,
    Role, SendRate, Seq, ServerFrame, VisitorId,
};

use super::Json;

/// The largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn text<J: Json>(value: &J, key: &str) -> Option<String> {
    value.field(key)?.text()
}

/// A number that is an integer JavaScript holds exactly.
fn whole<J: Json>(value: &J) -> Option<i64> {
    let number = value.number()?;
    (number.fract() == 0.0 && number.abs() <= MAX_SAFE).then_some(number as i64)
}

fn integer<J: Json>(value: &J, key: &str) -> Option<i64> {
    whole(&value.field(key)?)
}

fn seq<J: Json>(value: &J, key: &str) -> Option<Seq> {
    u64::try_from(integer(value, key)?).ok().map(Seq)
}

fn flag<J: Json>(value: &J, key: &str) -> Option<bool> {
    value.field(key)?.flag()
}

fn client_id<J: Json>(value: &J, key: &str) -> Option<ClientMessageId> {
    ClientMessageId::parse(text(value, key)?).ok()
}

/// An optional field: `Some(None)` when absent, `None` when present but malformed.
fn optional<J: Json, T>(value: &J, key: &str, decode: impl FnOnce(&J) -> Option<T>) -> Option<Option<T>> {
    match value.field(key) {
        None => Some(None),
        Some(field) => decode(&field).map(Some),
    }
}

/// An array field, every item decoded by `decode`.
fn list<J: Json, T>(value: &J, key: &str, decode: fn(&J) -> Option<T>) -> Option<Vec<T>> {
    value.field(key)?.items()?.iter().map(decode).collect()
}

fn role(text: &str) -> Option<Role> {
    match text {
        "visitor" => Some(Role::Visitor),
        "agent" => Some(Role::Agent),
        "bot" => Some(Role::Bot),
        "system" => Some(Role::System),
        _ => None,
    }
}

/// `{"role","id"?,"name"?}` (bots and the system have no id).
pub(crate) fn author<J: Json>(value: &J) -> Option<Author> {
    let name = text(value, "name");
    Some(match role(&text(value, "role")?)? {
        Role::Visitor => Author::Visitor { id: VisitorId::parse(text(value, "id")?).ok()?, name },
        Role::Agent => {
            Author::Agent { id: AgentId::parse(text(value, "id")?).ok()?, name: name.unwrap_or_default() }
        }
        Role::Bot => Author::Bot { name: name.unwrap_or_default() },
        Role::System => Author::System,
    })
}

/// A stored message. Of its `event`, only what the widget acts on is decoded (resolutions
/// and ratings, for the rating card); it shows every entry's text.
pub(crate) fn message<J: Json>(value: &J) -> Option<Message> {
    Some(Message {
        seq: seq(value, "seq")?,
        client_id: client_id(value, "client_id")?,
        author: author(&value.field("author")?)?,
        text: text(value, "text")?,
        sent_at: integer(value, "sent_at")?,
        quick_replies: optional(value, "quick_replies", |replies| {
            replies.items()?.iter().map(J::text).collect()
        })?
        .unwrap_or_default(),
        // Leniently: an event this build cannot read leaves the message as it is.
        event: value.field("event").and_then(|e| event(&e)).flatten(),
        internal: optional(value, "internal", J::flag)?.unwrap_or_default(),
        attachment: optional(value, "attachment", attachment)?,
        cards: optional(value, "cards", |cards| cards.items()?.iter().map(card).collect())?
            .unwrap_or_default(),
        language: None,
        original: None,
    })
}

fn card<J: Json>(value: &J) -> Option<Card> {
    Some(Card {
        title: text(value, "title")?,
        text: optional(value, "text", J::text)?,
        link: optional(value, "link", |link| {
            Some(CardLink { label: text(link, "label")?, url: text(link, "url")? })
        })?,
    })
}

fn attachment<J: Json>(value: &J) -> Option<Attachment> {
    Some(Attachment {
        name: text(value, "name")?,
        content_type: text(value, "content_type")?,
        size: u64::try_from(integer(value, "size")?).ok()?,
        url: text(value, "url")?,
    })
}

/// The events the widget acts on; `Some(None)` for any other (well-formed) one.
fn event<J: Json>(value: &J) -> Option<Option<ConversationEvent>> {
    Some(match text(value, "kind")?.as_str() {
        "state_changed" => {
            Some(ConversationEvent::StateChanged { state: conversation_state(&text(value, "state")?)? })
        }
        "rated" => Some(ConversationEvent::Rated {
            score: u8::try_from(integer(value, "score")?).ok()?,
            comment: optional(value, "comment", J::text)?,
        }),
        _ => None,
    })
}

fn conversation_state(text: &str) -> Option<ConversationState> {
    use ConversationState::*;
    Some(match text {
        "new" => New,
        "bot" => Bot,
        "queued" => Queued,
        "assigned" => Assigned,
        "pending" => Pending,
        "snoozed" => Snoozed,
        "resolved" => Resolved,
        _ => return None,
    })
}

fn read_mark<J: Json>(value: &J) -> Option<ReadMark> {
    Some(ReadMark { reader: author(&value.field("reader")?)?, up_to: seq(value, "up_to")? })
}

/// A session (`POST /api/v1/sessions`, `welcome.session`, storage).
pub(crate) fn session<J: Json>(value: &J) -> Option<create_session::Response> {
    Some(create_session::Response {
        token: text(value, "token")?,
        conversation_id: ConversationId::parse(text(value, "conversation_id")?).ok()?,
        visitor_id: VisitorId::parse(text(value, "visitor_id")?).ok()?,
        expires_at: integer(value, "expires_at")?,
    })
}

/// An error code; one this build does not know yet counts as `internal` (the frame still
/// refuses what it names, rather than leaving it "sending" for good).
pub(crate) fn error_code(text: &str) -> ErrorCode {
    use ErrorCode::*;
    match text {
        "bad_request" => BadRequest,
        "frame_too_large" => FrameTooLarge,
        "body_too_large" => BodyTooLarge,
        "unsupported_media_type" => UnsupportedMediaType,
        "message_too_long" => MessageTooLong,
        "empty_message" => EmptyMessage,
        "unauthorized" => Unauthorized,
        "forbidden" => Forbidden,
        "origin_not_allowed" => OriginNotAllowed,
        "not_found" => NotFound,
        "method_not_allowed" => MethodNotAllowed,
        "unsupported_protocol" => UnsupportedProtocol,
        "upgrade_required" => UpgradeRequired,
        "rate_limited" => RateLimited,
        "too_many_connections" => TooManyConnections,
        "conflict" => Conflict,
        _ => Internal,
    }
}

/// A frame from the edge; `None` for an unknown type or a malformed frame (ignored).
pub(crate) fn server_frame<J: Json>(value: &J) -> Option<ServerFrame> {
    Some(match text(value, "type")?.as_str() {
        "welcome" => ServerFrame::Welcome {
            conversation_id: ConversationId::parse(text(value, "conversation_id")?).ok()?,
            you: author(&value.field("you")?)?,
            head_seq: seq(value, "head_seq")?,
            reads: optional(value, "reads", |reads| reads.items()?.iter().map(read_mark).collect())?
                .unwrap_or_default(),
            session: optional(value, "session", session)?,
            send_rate: optional(value, "send_rate", |rate| {
                Some(SendRate {
                    per_second: integer(rate, "per_second")?.try_into().ok()?,
                    burst: integer(rate, "burst")?.try_into().ok()?,
                })
            })?,
        },
        "history" => ServerFrame::History {
            messages: list(value, "messages", message)?,
            complete: flag(value, "complete")?,
        },
        "message" => ServerFrame::Message { message: message(&value.field("message")?)? },
        "ack" => ServerFrame::Ack { client_id: client_id(value, "client_id")?, seq: seq(value, "seq")? },
        "error" => ServerFrame::Error {
            code: error_code(&text(value, "code")?),
            message: text(value, "message")?,
            client_id: optional(value, "client_id", |id| ClientMessageId::parse(id.text()?).ok())?,
            retry_after_ms: optional(value, "retry_after_ms", |ms| u32::try_from(whole(ms)?).ok())?,
        },
        "read" => ServerFrame::Read { reader: author(&value.field("reader")?)?, up_to: seq(value, "up_to")? },
        "typing" => {
            ServerFrame::Typing { author: author(&value.field("author")?)?, active: flag(value, "active")? }
        }
        "pong" => ServerFrame::Pong,
        "status" => ServerFrame::Status {
            state: conversation_state(&text(value, "state")?)?,
            position: optional(value, "position", |p| u32::try_from(whole(p)?).ok())?,
            wait_ms: optional(value, "wait_ms", whole)?,
        },
        _ => return None,
    })
}

/// A message the frame had not sent before the last page load (the stored outbox).
pub(crate) fn pending<J: Json>(value: &J) -> Option<PendingMessage> {
    Some(PendingMessage {
        client_id: client_id(value, "client_id")?,
        text: text(value, "text")?,
        queued_at: integer(value, "queued_at")?,
        refused: optional(value, "refused", J::text)?,
        // Visitors never write private notes.
        internal: false,
    })
}

/// The stored outbox: an array of [`pending`] messages.
pub(crate) fn outbox<J: Json>(value: &J) -> Option<Vec<PendingMessage>> {
    value.items()?.iter().map(pending).collect()
}

fn preview<J: Json>(value: &J) -> Option<MessagePreview> {
    Some(MessagePreview {
        role: role(&text(value, "role")?)?,
        text: text(value, "text")?,
        sent_at: integer(value, "sent_at")?,
    })
}

fn visitor_conversation<J: Json>(value: &J) -> Option<visitor_conversations::VisitorConversation> {
    Some(visitor_conversations::VisitorConversation {
        session: session(&value.field("session")?)?,
        last_message: optional(value, "last_message", preview)?,
        updated_at: integer(value, "updated_at")?,
    })
}

/// `GET /api/v1/visitor/conversations`.
pub(crate) fn visitor_conversations<J: Json>(value: &J) -> Option<visitor_conversations::Response> {
    Some(visitor_conversations::Response {
        conversations: list(value, "conversations", visitor_conversation)?,
    })
}

/// `GET /api/v1/sites/{site}/presence`: how many agents are online, and business hours.
pub(crate) fn presence<J: Json>(value: &J) -> Option<site_presence::Response> {
    Some(site_presence::Response {
        agents_online: u32::try_from(integer(value, "agents_online")?).ok()?,
        open: flag(value, "open").unwrap_or(true),
        opens_at: integer(value, "opens_at"),
    })
}

/// The body of every REST error, `{"error":{"code","message"}}`.
pub(crate) fn api_error<J: Json>(value: &J) -> Option<ApiError> {
    let error = value.field("error")?;
    Some(ApiError::new(error_code(&text(&error, "code")?), text(&error, "message")?))
}
