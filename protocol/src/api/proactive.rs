//! Proactive messages: a short message the site shows a visitor unasked, in a bubble by the
//! launcher, when the page meets its trigger; answering it opens a conversation with it as
//! the first message (`docs/proactive.md`).
//!
//! - The site's proactive messages are part of its settings: `GET /api/v1/site` lists them as
//!   `proactive_messages`; `PATCH /api/v1/site` with `{"proactive_messages": […]}` replaces
//!   the list (admins), each checked (`400` naming the field otherwise).
//! - The bubble is drawn by the site's `/launcher.js` (no wasm, nothing stored before the
//!   visitor acts); the page fires named triggers with `Switchboard('trigger', name)`.
//! - The visitor answers: the chat frame asks for a session for a new conversation naming
//!   it (`POST /api/v1/sessions {"proactive": NAME}`); the session's token carries the name,
//!   and the conversation opens with the message, from its sender, instead of the site's
//!   greeting. A name the site no longer has opens it with the greeting.

use serde::{Deserialize, Serialize};

use crate::AgentId;

/// Most proactive messages a site keeps.
pub const MAX_PROACTIVE_MESSAGES: usize = 20;

/// Longest proactive message, in characters: a bubble, not a letter.
pub const MAX_PROACTIVE_TEXT_CHARS: usize = 280;

/// Longest name (of a message, of a page's trigger event), in characters.
pub const MAX_PROACTIVE_NAME_CHARS: usize = 40;

/// Longest sender name, in characters.
pub const MAX_SENDER_NAME_CHARS: usize = 60;

/// Longest page URL pattern, in characters.
pub const MAX_URL_PATTERN_CHARS: usize = 300;

/// Most seconds on the page a trigger may wait for (an hour).
pub const MAX_AFTER_SECONDS: u32 = 3_600;

/// One proactive message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProactiveMessage {
    /// Its name, unique in the site: lowercase letters, digits, `-` and `_`, 1 to
    /// [`MAX_PROACTIVE_NAME_CHARS`].
    pub name: String,
    /// What the bubble says, 1 to [`MAX_PROACTIVE_TEXT_CHARS`] characters (plain text).
    pub text: String,
    /// Who says it.
    pub from: Sender,
    /// When it shows: every condition given must hold.
    #[serde(default)]
    pub trigger: Trigger,
    /// Shown only while the team is online (within business hours, an agent present).
    #[serde(default)]
    pub only_when_online: bool,
}

/// Who a proactive message is from: the conversation's first message is theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Sender {
    /// The site's bot, under the flow's bot name.
    Bot {},
    /// An agent of the team, under the name the visitor sees.
    Agent {
        /// The agent (their photo, when they have one, shows in the chat).
        agent_id: AgentId,
        /// Their name as the visitor sees it, 1 to [`MAX_SENDER_NAME_CHARS`] characters.
        name: String,
    },
}

/// When a proactive message shows, evaluated on the page by `/launcher.js`: all that is given
/// must hold. It shows at most once per page view, never while the visitor has a
/// conversation going or the chat open, and never again in that browser once dismissed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The page's whole URL matches this pattern, where `*` stands for any characters
    /// (`https://shop.example/pricing*`, `*/checkout/*`); absent: any page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Seconds on the page first (0 to [`MAX_AFTER_SECONDS`]); with `event`, after it.
    #[serde(default)]
    pub after_seconds: u32,
    /// Only after the page calls `Switchboard('trigger', event)` (a name as `name` is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Only for a returning visitor: one who opened this site's chat before in this browser.
    #[serde(default)]
    pub returning_visitor: bool,
}
