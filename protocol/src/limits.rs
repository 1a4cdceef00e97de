//! Size limits every party enforces; the edge is the one that refuses, with a clear error.

/// Largest WebSocket text frame the edge accepts, in bytes. Larger frames get an
/// `frame_too_large` error frame and are dropped; the socket stays open.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;

/// Longest message text, in Unicode scalar values (what a person would call characters).
pub const MAX_MESSAGE_CHARS: usize = 4_000;

/// Largest REST request body the edge reads, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Largest body of `PATCH /api/v1/site`, in bytes: a site's macros and automation rules
/// come in one list each, longer than other requests.
pub const MAX_SETTINGS_BODY_BYTES: usize = 256 * 1024;

/// Most bytes a site's macros and automation rules take together, as JSON: the site's
/// configuration is one stored value every conversation's isolate keeps a copy of.
pub const MAX_MACROS_AND_RULES_BYTES: usize = 192 * 1024;

/// How many messages one `history` frame carries at most; longer replays span several frames.
pub const HISTORY_PAGE: usize = 200;

/// Most messages participants store in one conversation; beyond, a `send` or an upload is
/// refused (`conflict`: start a new conversation). The edge's `MAX_LOG_MESSAGES` variable
/// overrides it.
pub const MAX_LOG_MESSAGES: u64 = 10_000;

/// Entries the flow itself may add to a full conversation (bot answers, events such as
/// resolving), so it can still be closed and rated; beyond, the flow's step is refused.
pub const LOG_ENTRIES_FOR_THE_FLOW: u64 = 1_000;

/// Sustained messages per second one visitor may send to a conversation (all its tabs
/// together); the edge's `VISITOR_MESSAGES_PER_SECOND` variable overrides it.
pub const VISITOR_MESSAGES_PER_SECOND: u32 = 5;

/// Sustained messages per second one agent may send to a conversation; agents are
/// authenticated staff and scripts, so the limit only stops runaways.
/// `AGENT_MESSAGES_PER_SECOND` overrides it.
pub const AGENT_MESSAGES_PER_SECOND: u32 = 100;

/// How many messages above the sustained rate may come at once (a burst of quick replies, a
/// paste split in several messages): the token bucket holds this many seconds' worth.
pub const BURST_SECONDS: u32 = 4;

/// Frames that write something other than a message (`read`, `context`, `details`,
/// `identify`, `rate`) one participant may send a second (with the same burst as messages);
/// beyond, an `error` frame `rate_limited` with `retry_after_ms`. The widget sends a few
/// after each `hello`; a script looping them is held to this.
pub const OTHER_WRITES_PER_SECOND: u32 = 2;

/// Sockets one participant may hold open on one conversation (tabs, devices).
pub const MAX_SOCKETS_PER_PARTICIPANT: usize = 10;

/// A `typing` indicator without a repeat is over after this long.
pub const TYPING_EXPIRY_MS: u32 = 6_000;

/// While the user types, clients repeat `typing: true` at most this often.
pub const TYPING_REPEAT_MS: u32 = 2_500;

/// Longest comment with a rating (CSAT), in characters.
pub const MAX_RATING_COMMENT_CHARS: usize = 1_000;

/// Most cards one bot message carries.
pub const MAX_CARDS: usize = 3;

/// Visitor sessions (`POST /api/v1/sessions`) one address may start a minute (also the
/// burst), unless the site or the deployment (`SESSIONS_PER_MINUTE_PER_ADDRESS`) says
/// otherwise. Generous for offices behind one address; a flood gets `429`.
pub const SESSIONS_PER_MINUTE_PER_ADDRESS: u32 = 60;

/// Conversations one visitor may have open (not resolved) at once; beyond it a new session
/// with their `visitor_token` is refused `409 conflict`.
pub const OPEN_CONVERSATIONS_PER_VISITOR: usize = 10;

/// Visitor sessions a whole site may start a minute, from every address together, unless
/// the site or the deployment (`SESSIONS_PER_MINUTE_PER_SITE`) says otherwise.
pub const SESSIONS_PER_MINUTE_PER_SITE: u32 = 6_000;
