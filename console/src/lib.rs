//! The agent console: a Yew/wasm app the edge serves at `/console/`, same origin as the API.
//!
//! An agent signs in, watches the site's inbox (one WebSocket pushing conversation
//! summaries) and answers one open conversation at a time (its own WebSocket, the same
//! protocol the widget speaks). Delivery bookkeeping — what is stored, what is still
//! pending, what to resend — is `switchboard_core::client_log`; this crate only renders it
//! and moves frames.
//!
//! # Layout
//! - [`state`]: everything the screen shows, one [`state::Action`] enum and its reducer
//!   (`state::labels`: the list a label edit asks for, and which answer or push is kept;
//!   `state::provider`: on SMS, WhatsApp and Messenger, how far each of the team's messages
//!   has come as the provider says, kept beside the log, which ignores those frames).
//! - [`effects`]: the outside world — session REST calls (sign-in with its code step,
//!   two-factor sign-in in `effects::two_factor`), the one-time links the console is opened
//!   from (`effects::link`: `#invite=`, `#reset=`, also pasted into an open console) and
//!   password resets (`effects::password_reset`), the audit log (`effects::settings`), a
//!   conversation's labels (`effects::labels`), WhatsApp templates sent over REST
//!   (`effects::conversation::send_template`), the inbox and conversation sockets with
//!   backoff reconnects, timers, the clipboard, client message ids. Effects report back
//!   only by dispatching actions, or to the form that awaited them.
//! - [`channels_draft`]: the site's contact identities as an admin edits them (Settings →
//!   Channels): each identity as typed, which editor is open, core's checks before the list
//!   is sent whole, and which input an error is about (pure, tested natively).
//! - [`contact_draft`]: a contact being edited, as typed: comma-separated lists, custom
//!   attributes by kind, which input an error is about (pure, tested natively).
//! - [`macro_draft`]: a macro as the settings form builds it (note, reply, labels, priority,
//!   queue, then resolve or snooze), and macros described in a line (pure, tested natively).
//! - [`report_view`]: a report as the Reports screen shows it: periods, durations in words, the
//!   daily chart's bars (pure, tested natively).
//! - [`proactive_draft`]: a proactive message as the settings form builds it; its trigger in a sentence.
//! - [`rules_draft`]: automation rules in sentences, and the list as the JSON an admin edits
//!   (pure, tested natively).
//! - [`outbound`]: a conversation being started with a contact: its channel (chat, or the
//!   site's SMS or WhatsApp number), its first message or WhatsApp template, routing (wait
//!   for the reply, assign to me, a queue) and how the send went (pure, tested natively).
//! - [`template_draft`]: a WhatsApp template being filled in: its preview, and what still
//!   stops it from being sent (pure, tested natively).
//! - [`format`](mod@format): pure text helpers (visitor labels, clock and log times, relative
//!   times, audit-log sentences, which language codes show as tags).
//! - [`hooks`]: custom hooks tying each effect to the part of the state it serves.
//! - [`components`]: small function components, one screen part each; `App` wires state
//!   and hooks together, and picks the screen: sign-in (email and password, then the
//!   authentication code when the account has two-factor sign-in), an invite, a password
//!   reset link (`components::password_reset`), the enrol-only page (`components::enrol`) of
//!   a session whose site requires two-factor sign-in it has not set up, or the console
//!   (settings: `components::two_factor` and `components::two_factor_setup`, the email digest
//!   switch `components::email_digest`; for admins the
//!   team's reset links, `components::reset_link`, and `components::audit_log`); the Contacts
//!   screen is `components::contacts` (starting a conversation with a contact:
//!   `components::contact_start`); the open conversation's labels are
//!   `components::labels`, its macro menu `components::macros` (the settings' macro list and
//!   form: `components::macro_settings`); the site form's privacy and message filters (interceptors) are
//!   `components::interceptors`; the site's channels (contact identities) are
//!   `components::channels` (one identity's editor: `components::channel_editor`); a WhatsApp conversation's templates, sent once the
//!   customer's 24-hour window has closed, are `components::template_picker`.
//!
//! Text from the network is always rendered as text nodes, never as HTML.

pub mod channels_draft;
pub mod components;
pub mod contact_draft;
pub mod effects;
pub mod format;
pub mod hooks;
pub mod macro_draft;
pub mod outbound;
pub mod proactive_draft;
pub mod report_view;
pub mod rules_draft;
pub mod state;
pub mod template_draft;

use wasm_bindgen::prelude::wasm_bindgen;

/// Mounts the console on `<body>` once the module is instantiated.
#[wasm_bindgen(start)]
fn main() {
    yew::Renderer::<components::app::App>::new().render();
}
