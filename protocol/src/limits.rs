//! Size limits every party enforces; the edge is the one that refuses, with a clear error.

/// Largest WebSocket text frame the edge accepts, in bytes. Larger frames get an
/// `frame_too_large` error frame and are dropped; the socket stays open.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;

/// Longest message text, in Unicode scalar values (what a person would call characters).
pub const MAX_MESSAGE_CHARS: usize = 4_000;

/// Largest REST request body the edge reads, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// How many messages one `history` frame carries at most; longer replays span several frames.
pub const HISTORY_PAGE: usize = 200;
