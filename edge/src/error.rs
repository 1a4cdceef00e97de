//! The edge's error type: a refusal the client should see, or a failure of the runtime.

use switchboard_protocol::{ApiError, ErrorCode};

/// Why a request did not succeed.
#[derive(Debug)]
pub enum EdgeError {
    /// A refusal with a code and a sentence for the client (bad input, no access, …).
    Refused(ApiError),
    /// The runtime failed (storage, a subrequest). Logged; the client sees `internal`.
    Runtime(worker::Error),
}

/// Result of an edge handler.
pub(crate) type EdgeResult<T> = std::result::Result<T, EdgeError>;

impl EdgeError {
    /// A refusal with `code` and `message`.
    pub fn refuse(code: ErrorCode, message: impl Into<String>) -> Self {
        EdgeError::Refused(ApiError::new(code, message))
    }

    /// What the client is told. Runtime failures are logged here and reported without detail.
    pub fn into_api_error(self) -> ApiError {
        match self {
            EdgeError::Refused(error) => error,
            EdgeError::Runtime(error) => {
                worker::console_error!("internal error: {error}");
                ApiError::new(ErrorCode::Internal, "the edge failed to handle this request")
            }
        }
    }
}

impl From<worker::Error> for EdgeError {
    fn from(error: worker::Error) -> Self {
        EdgeError::Runtime(error)
    }
}

impl From<ApiError> for EdgeError {
    fn from(error: ApiError) -> Self {
        EdgeError::Refused(error)
    }
}

impl From<serde_json::Error> for EdgeError {
    fn from(error: serde_json::Error) -> Self {
        EdgeError::Runtime(worker::Error::RustError(error.to_string()))
    }
}
