//! What the panel shows, as one plain value that [`crate::net::Chat`] owns and changes.
//!
//! The conversation itself is a [`ClientLog`] from `switchboard-core` (dedup by `seq`,
//! pending sends, read marks, typing); this module adds what only the panel cares about:
//! whether it is open, how far the visitor has read (for the host page's badge), the
//! connection's status, whether agents are online, and the history view.

use switchboard_core::client_log::{ClientLog, PendingMessage};
use switchboard_core::prechat::{PrechatField, Problem};
use switchboard_protocol::api::visitor_conversations::VisitorConversation;
use switchboard_protocol::{Role, Seq};

/// Where the connection to the edge stands, as the visitor is told.
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) enum Status {
    /// Waiting for the host page, a session or the socket's `welcome`.
    #[default]
    Connecting,
    /// Joined: frames flow.
    Online,
    /// The socket dropped; a reconnect is scheduled.
    Reconnecting,
    /// No session could be had; `reason` is a sentence for the visitor. When `retrying`, a new
    /// attempt is scheduled; otherwise the chat cannot work here (site or origin refused).
    Failed {
        /// What went wrong, for people.
        reason: String,
        /// Whether another attempt is scheduled.
        retrying: bool,
    },
    /// The host page ended the visitor's session (`shutdown`).
    Ended,
}

/// The list of the visitor's conversations, while it is shown instead of the conversation.
#[derive(Default)]
pub(crate) struct History {
    /// The conversations, newest activity first; `None` while loading.
    pub conversations: Option<Vec<VisitorConversation>>,
    /// A sentence for the visitor when loading or starting a conversation failed.
    pub error: Option<&'static str>,
}

/// Everything the panel renders.
#[derive(Default)]
pub(crate) struct State {
    /// Whether the host page shows the panel (unread counting stops while it does).
    pub open: bool,
    /// The conversation: stored messages, this visitor's pending sends, reads, typing.
    pub log: ClientLog,
    /// The connection, as shown above the messages.
    pub status: Status,
    /// The highest `seq` the visitor has had in front of them (panel open). Agent messages
    /// after it are unread; persisted so a page load does not count old replies again.
    pub read_seq: Seq,
    /// Whether agents are online and within business hours, once known.
    pub presence: Option<switchboard_protocol::api::site_presence::Response>,
    /// The history view, while it is shown.
    pub history: Option<History>,
    /// The score picked on the rating card, not sent yet.
    pub csat_score: Option<u8>,
    /// The site's pre-chat form (empty: none).
    pub prechat: Vec<PrechatField>,
    /// The visitor filled it in (this page load).
    pub prechat_done: bool,
    /// What is wrong with the last answers, per field.
    pub prechat_problems: Vec<(String, Problem)>,
    /// Why the last file was refused.
    pub upload_error: Option<String>,
    /// The site wants a short tone when a reply arrives.
    pub sound: bool,
}

impl State {
    /// Called after every change: whatever reaches an open panel has been seen.
    pub(crate) fn settle(&mut self) {
        if self.open {
            self.read_seq = self.read_seq.max(self.log.last_seq());
        }
    }

    /// Starts over on another conversation, keeping `pending` (sends not yet stored).
    pub(crate) fn switch(&mut self, pending: Vec<PendingMessage>) {
        self.log = ClientLog::with_pending(pending);
        self.read_seq = Seq(0);
        self.history = None;
    }

    /// Sends not yet stored and not refused (they go to the next conversation when the
    /// edge refused this one's token).
    pub(crate) fn unsent(&self) -> Vec<PendingMessage> {
        self.log.pending().iter().filter(|p| p.refused.is_none()).cloned().collect()
    }

    /// Whether the conversation has stored messages.
    pub(crate) fn has_messages(&self) -> bool {
        self.log.messages().next().is_some()
    }

    /// Agent and bot messages the visitor has not seen (always 0 while the panel is open).
    pub(crate) fn unread(&self) -> usize {
        if self.open {
            return 0;
        }
        self.log
            .messages()
            .rev()
            .take_while(|m| m.seq > self.read_seq)
            .filter(|m| matches!(m.author.role(), Role::Agent | Role::Bot))
            .count()
    }

    /// Whether the pre-chat form stands before the message box: the site has one, and the
    /// visitor has neither filled it in nor written yet.
    pub(crate) fn asks_prechat(&self) -> bool {
        !self.prechat.is_empty() && !self.prechat_done && !self.has_messages_from_visitor()
    }

    fn has_messages_from_visitor(&self) -> bool {
        self.log.messages().any(|m| m.author.role() == Role::Visitor) || !self.log.pending().is_empty()
    }

    /// Whether the visitor can type: not after a shutdown, nor when the chat cannot work here.
    pub(crate) fn can_send(&self) -> bool {
        !matches!(self.status, Status::Ended | Status::Failed { retrying: false, .. })
    }
}
