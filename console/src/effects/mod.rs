//! The outside world: REST calls, sockets, timers and randomness.
//!
//! Effects report back only by dispatching [`crate::state::Action`]s; they never read the
//! rendered state, so the reducer stays the one place where the state changes. Components
//! never build a URL or call `fetch` themselves: a form that keeps its own outcome (an
//! invite link, an API key's secret, an error next to it) awaits a function here.
//!
//! - [`session`]: `/agent/me`, sign-in, sign-out, invite links.
//! - [`link`]: the invite and password reset links the console is opened from (`#invite=`,
//!   `#reset=`), also when pasted into an open console.
//! - [`password_reset`]: an admin making a teammate's reset link; the page it opens looking
//!   it up and setting the new password.
//! - [`admin`]: the team, queues and canned responses, and admins' changes to them.
//! - [`settings`]: API keys, webhooks and their delivery logs, sites and the audit log, reports, and
//!   one's own email digest setting, for the settings sections that show them; a period's report.
//! - [`blocks`]: blocking a conversation's visitor, listing and lifting blocks.
//! - [`labels`]: setting a conversation's labels and priority; running a macro on it.
//! - [`contacts`]: contacts (list and search, one with its conversations, making, changing,
//!   merging, starting a conversation with one), the site's custom attribute definitions, and
//!   the contact of a visitor.
//! - [`two_factor`]: setting up, renewing and turning off one's two-factor sign-in; an
//!   admin resetting a teammate's.
//! - [`clipboard`]: copying text (recovery codes) to the clipboard.
//! - [`inbox`]: the inbox socket, reconnecting with backoff.
//! - [`conversation`]: the open conversation's socket and its [`ClientLog`](switchboard_core::client_log::ClientLog);
//!   files and WhatsApp templates sent into it over REST.
//! - [`keys`]: keyboard shortcuts (j/k, Enter, r, e, /).
//! - [`notify`]: browser notifications and a tone for offers and background messages.
//! - [`timer`]: `setTimeout`/`setInterval` handles that cancel on drop, and the retry schedule.
//! - [`visibility`]: whether the page is on screen, and a listener for when it comes back.

pub mod admin;
pub mod blocks;
pub mod clipboard;
pub mod contacts;
pub mod conversation;
pub mod inbox;
pub mod keys;
pub mod labels;
pub mod link;
pub mod notify;
pub mod password_reset;
pub mod session;
pub mod settings;
pub mod timer;
pub mod two_factor;
pub mod visibility;

use yew::functional::UseReducerDispatcher;

use crate::state::State;

/// How effects reach the reducer.
pub type Dispatcher = UseReducerDispatcher<State>;

/// How often an idle socket (inbox or conversation) says `ping`, so proxies (Cloudflare
/// closes WebSockets idle for 100 s) do not cut it and make the screen flicker
/// "Reconnecting…".
pub const PING_EVERY_MS: u32 = 45_000;

/// Shown on the login screen when a socket says the session ended.
pub const SESSION_ENDED: &str = "Your session has ended. Please sign in again.";

/// The current time, ms since the Unix epoch.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}
