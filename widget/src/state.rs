//! What the panel shows, as one plain value, changed only by [`Event`]s through
//! [`State::reduce`] — the console's model too (`console/src/state.rs`): effects
//! ([`crate::effects`]) turn what happened into an event, and send the frames the reducer
//! answers. A plain function rather than Yew's reducer hooks: hooks would cost the frame's
//! wasm their machinery.
//!
//! The conversation itself is a [`ClientLog`] from `switchboard-core` (dedup by `seq`,
//! pending sends, pacing, read marks, typing); this module adds what only the panel cares
//! about: whether it is open, how far the visitor has read (for the host page's badge), the
//! connection's status, whether agents are online, the history view, the forms.

use std::collections::BTreeMap;

use switchboard_core::client_log::{ClientLog, PendingMessage};
use switchboard_core::prechat::{self, PrechatField, Problem};
use switchboard_protocol::api::site_presence;
use switchboard_protocol::api::visitor_conversations::VisitorConversation;
use switchboard_protocol::contact::Identity;
use switchboard_protocol::{ClientFrame, ClientMessageId, Role, Seq, ServerFrame};

#[cfg(test)]
mod tests;

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
    pub(crate) conversations: Option<Vec<VisitorConversation>>,
    /// A sentence for the visitor when loading or starting a conversation failed.
    pub(crate) error: Option<&'static str>,
}

/// Everything the panel renders, and what the visitor told the edge (said again after
/// every `hello`).
#[derive(Default)]
pub(crate) struct State {
    /// Whether the host page shows the panel (unread counting stops while it does).
    pub(crate) open: bool,
    /// The conversation: stored messages, this visitor's pending sends, reads, typing.
    pub(crate) log: ClientLog,
    /// The connection, as shown above the messages.
    pub(crate) status: Status,
    /// The highest `seq` the visitor has had in front of them (panel open). Agent messages
    /// after it are unread; persisted so a page load does not count old replies again.
    pub(crate) read_seq: Seq,
    /// Whether agents are online and within business hours, once known.
    pub(crate) presence: Option<site_presence::Response>,
    /// The history view, while it is shown.
    pub(crate) history: Option<History>,
    /// The score picked on the rating card, not sent yet.
    pub(crate) csat_score: Option<u8>,
    /// The site's pre-chat form (empty: none).
    pub(crate) prechat: Vec<PrechatField>,
    /// The form's accepted answers (this page load).
    pub(crate) details: Option<BTreeMap<String, String>>,
    /// What is wrong with the last answers, per field.
    pub(crate) prechat_problems: Vec<(String, Problem)>,
    /// Who the host page says the visitor is (`identify`).
    pub(crate) identity: Option<Identity>,
    /// Why the last file was refused.
    pub(crate) upload_error: Option<String>,
    /// The site wants a short tone when a reply arrives.
    pub(crate) sound: bool,
}

/// Everything that changes the panel's state. Times are ms since the Unix epoch.
pub(crate) enum Event {
    /// The outbox and read mark the last page load left.
    Restored(Vec<PendingMessage>, Seq),
    /// The host page showed (`true`) or hid the panel.
    Opened(bool),
    /// The visitor wrote `text`, to be sent as `client_id`.
    Wrote(ClientMessageId, String, i64),
    /// The message box has text (`true`), or no longer.
    Typing(bool, i64),
    /// The visitor dismissed a refused message.
    Dismissed(ClientMessageId),
    /// The host page says who the visitor is.
    Identified(Identity),
    /// The visitor submitted the pre-chat form.
    PrechatSubmitted(BTreeMap<String, String>),
    /// The visitor picked a score on the rating card.
    ScoreChosen(u8),
    /// The visitor sent the picked score with this comment.
    Rated(String),
    /// A file is on its way up (`None`), or was refused (why).
    Uploaded(Option<String>),
    /// Waiting for a session or a socket's `welcome`.
    Connecting,
    /// A socket opened: `hello` first, then what the visitor said about themselves.
    SocketOpened,
    /// A frame from the edge.
    Frame(Box<ServerFrame>, i64),
    /// Pending messages may be due (the edge's pace, the end of a slow-down).
    Due(i64),
    /// The socket dropped or died unseen; a reconnect is scheduled.
    Reconnecting,
    /// No session could be had.
    Failed(String, bool),
    /// Another conversation is current: the log starts over with `pending` (the unsent
    /// messages of one whose token the edge refused; nothing for one the visitor picked).
    Switched(Vec<PendingMessage>),
    /// Agents' presence and business hours, as the site answered.
    Presence(site_presence::Response),
    /// The history view opens (loading), or shows why it cannot.
    HistoryShown(Option<&'static str>),
    /// The history's conversations arrived, or loading failed (why).
    HistoryLoaded(Result<Vec<VisitorConversation>, &'static str>),
    /// Back from the history to the conversation.
    HistoryHidden,
    /// Whether the conversation may be marked read: the socket is open and the page visible.
    Looked(bool),
    /// The host page ended the visitor's session.
    Shutdown,
}

impl State {
    /// Applies `event`; answers the frames it asks to send (in order; an adapter without an
    /// open socket drops them: what matters is sent again after the next `welcome`).
    pub(crate) fn reduce(&mut self, event: Event) -> Vec<ClientFrame> {
        let mut frames = Vec::new();
        match event {
            Event::Restored(pending, read_seq) => {
                self.log = ClientLog::with_pending(pending);
                self.read_seq = read_seq;
            }
            Event::Opened(open) => self.open = open,
            Event::Wrote(client_id, text, now) => frames = self.log.queue(client_id, text, now),
            Event::Typing(active, now) => frames.extend(self.log.typing(active, now)),
            Event::Dismissed(client_id) => _ = self.log.dismiss(&client_id),
            Event::Identified(identity) => {
                frames.push(ClientFrame::Identify { identity: identity.clone() });
                self.identity = Some(identity);
            }
            Event::PrechatSubmitted(answers) => match prechat::check(&self.prechat, &answers) {
                Err(problems) => self.prechat_problems = problems,
                Ok(answers) => {
                    frames.push(ClientFrame::Details { fields: answers.clone() });
                    self.details = Some(answers);
                    self.prechat_problems.clear();
                }
            },
            Event::ScoreChosen(score) => self.csat_score = Some(score),
            Event::Rated(comment) => {
                let comment = Some(comment).filter(|c| !c.trim().is_empty());
                frames.extend(self.csat_score.take().map(|score| ClientFrame::Rate { score, comment }));
            }
            Event::Uploaded(problem) => self.upload_error = problem,
            Event::Connecting => {
                // A failure sentence stays up while its retry runs, rather than flicker.
                if !matches!(self.status, Status::Failed { .. }) {
                    self.status = Status::Connecting;
                }
            }
            Event::SocketOpened => {
                frames.push(self.log.hello());
                frames.extend(self.identity.clone().map(|identity| ClientFrame::Identify { identity }));
                frames.extend(self.details.clone().map(|fields| ClientFrame::Details { fields }));
            }
            Event::Frame(frame, now) => {
                let welcome = matches!(*frame, ServerFrame::Welcome { .. });
                self.log.apply(*frame, now);
                if welcome {
                    self.status = Status::Online;
                    // Read in another tab or on another device: not unread here either.
                    self.read_seq = self.read_seq.max(self.log.read_mark());
                }
            }
            Event::Due(now) => frames = self.log.take_due(now),
            Event::Reconnecting => self.status = Status::Reconnecting,
            Event::Failed(reason, retrying) => self.status = Status::Failed { reason, retrying },
            Event::Switched(pending) => {
                self.log = ClientLog::with_pending(pending);
                self.read_seq = Seq(0);
                self.history = None;
                self.status = Status::Connecting;
            }
            Event::Presence(presence) => self.presence = Some(presence),
            Event::HistoryShown(error) => self.history = Some(History { conversations: None, error }),
            Event::HistoryLoaded(result) => {
                if let Some(history) = &mut self.history {
                    match result {
                        Ok(list) => history.conversations = Some(list),
                        Err(error) => history.error = Some(error),
                    }
                }
            }
            Event::HistoryHidden => self.history = None,
            Event::Looked(socket_open_and_page_visible) => {
                let shown = self.open && self.history.is_none() && socket_open_and_page_visible;
                let last = self.log.messages().next_back().map(|m| m.seq);
                frames.extend(last.filter(|_| shown).and_then(|last| self.log.mark_read(last)));
            }
            Event::Shutdown => {
                *self = State {
                    open: self.open,
                    status: Status::Ended,
                    prechat: std::mem::take(&mut self.prechat),
                    ..State::default()
                }
            }
        }
        // Whatever reaches an open panel has been seen.
        if self.open {
            self.read_seq = self.read_seq.max(self.log.last_seq());
        }
        frames
    }

    /// Sends not yet stored and not refused (they go to the next conversation when the
    /// edge refused this one's token).
    pub(crate) fn unsent(&self) -> Vec<PendingMessage> {
        self.log.pending().iter().filter(|p| p.refused.is_none()).cloned().collect()
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
        !self.prechat.is_empty() && self.details.is_none() && !self.has_messages_from_visitor()
    }

    /// Whether the conversation has begun: someone besides the bot wrote in it, or the
    /// visitor's messages wait to go. A greeting alone is not (every new conversation has one,
    /// held, before anyone writes): such a conversation is not reopened on the next page load
    /// (the loader's flag), offers no transcript, and is already a new one.
    pub(crate) fn has_messages(&self) -> bool {
        self.log.messages().any(|m| m.author.role() != Role::Bot) || !self.log.pending().is_empty()
    }

    fn has_messages_from_visitor(&self) -> bool {
        self.log.messages().any(|m| m.author.role() == Role::Visitor) || !self.log.pending().is_empty()
    }

    /// Whether the visitor can type: not after a shutdown, nor when the chat cannot work here.
    pub(crate) fn can_send(&self) -> bool {
        !matches!(self.status, Status::Ended | Status::Failed { retrying: false, .. })
    }
}
