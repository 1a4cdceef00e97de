//! Error codes shared by error frames and REST error bodies.
//!
//! Every refusal names a stable, machine-readable `code` and a human sentence. Clients switch
//! on the code; people read the message.

use serde::{Deserialize, Serialize};

/// What went wrong, stable across releases (new codes may be added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame or body is not valid JSON of a known shape.
    BadRequest,
    /// A WebSocket frame exceeded [`crate::limits::MAX_FRAME_BYTES`].
    FrameTooLarge,
    /// A REST body exceeded [`crate::limits::MAX_BODY_BYTES`].
    BodyTooLarge,
    /// An attachment of a type that is not accepted (or not what its bytes are).
    UnsupportedMediaType,
    /// A message text exceeded [`crate::limits::MAX_MESSAGE_CHARS`].
    MessageTooLong,
    /// A message text was empty or only whitespace.
    EmptyMessage,
    /// No credentials, or credentials that are invalid or expired.
    Unauthorized,
    /// The password was right, and the account also signs in with a code: send it as `code`.
    SecondFactorRequired,
    /// Valid credentials that do not grant this.
    Forbidden,
    /// The request's origin is not one of the site's allowed origins.
    OriginNotAllowed,
    /// No such site, conversation or route.
    NotFound,
    /// The method is not supported on this route.
    MethodNotAllowed,
    /// The client does not speak a protocol version this edge speaks.
    UnsupportedProtocol,
    /// A WebSocket route was requested without a WebSocket upgrade.
    UpgradeRequired,
    /// Too many messages or attempts in a short time; the message says when to try again.
    RateLimited,
    /// The participant already has as many sockets open to this conversation as allowed.
    TooManyConnections,
    /// A one-time link (an invite) that expired or was already used; ask for a new one.
    Gone,
    /// The request is well-formed but cannot be done as asked (an `Idempotency-Key` reused
    /// for a different request).
    UnprocessableEntity,
    /// The request does not fit the resource's current state (an offer that lapsed, a bot
    /// answering a conversation a human already has, an agent at capacity).
    Conflict,
    /// The edge failed; nothing the client did. The message says no more than that.
    Internal,
}

impl ErrorCode {
    /// The HTTP status a REST response with this code carries.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::MessageTooLong | ErrorCode::EmptyMessage => 400,
            ErrorCode::FrameTooLarge | ErrorCode::BodyTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::Unauthorized | ErrorCode::SecondFactorRequired => 401,
            ErrorCode::Forbidden | ErrorCode::OriginNotAllowed => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::UnsupportedProtocol => 400,
            ErrorCode::UpgradeRequired => 426,
            ErrorCode::RateLimited | ErrorCode::TooManyConnections => 429,
            ErrorCode::Conflict => 409,
            ErrorCode::UnprocessableEntity => 422,
            ErrorCode::Gone => 410,
            ErrorCode::Internal => 500,
        }
    }
}

/// An error: a code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Machine-readable reason.
    pub code: ErrorCode,
    /// Human-readable explanation; never contains another visitor's data.
    pub message: String,
    /// For `rate_limited`: how long to wait before trying again, in ms (REST responses also
    /// carry it as `Retry-After`, in whole seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u32>,
    /// The field (or header) at fault, when one is: `name`, `flow.queues[0].id`,
    /// `Idempotency-Key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    /// Builds an error from a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), retry_after_ms: None, field: None }
    }

    /// A `bad_request` about `field`, its message naming it (`labels[2]: not a label`).
    pub fn bad_field(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        let field = field.into();
        Self::new(ErrorCode::BadRequest, format!("{field}: {message}")).at_field(field)
    }

    /// The same error, naming the field at fault.
    pub fn at_field(self, field: impl Into<String>) -> Self {
        Self { field: Some(field.into()), ..self }
    }

    /// The same error, telling the client to wait `ms` before trying again.
    pub fn retry_after(self, ms: u32) -> Self {
        Self { retry_after_ms: Some(ms), ..self }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// The JSON body of every non-2xx REST response: `{"error": {"code": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ApiError,
}
