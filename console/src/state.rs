//! Everything the console shows, changed only by [`Action`]s through one reducer.
//!
//! Effects (REST calls, sockets, timers) never touch the state directly: they dispatch an
//! action, so every change can be read here in one place. The conversation's log itself is
//! owned by its socket link (it must keep pending replies across reconnects); the state holds
//! the link's latest snapshot of it, for rendering. The provider's delivery statuses, which
//! the log ignores, are kept here instead ([`ProviderDeliveries`], per conversation).

use std::collections::HashMap;
use std::rc::Rc;

use switchboard_core::client_log::ClientLog;
use switchboard_core::inbox_view::{Filter, View};
use switchboard_protocol::api::canned_responses::CannedResponse;
use switchboard_protocol::api::{agent_me, agents_list, invite_show, password_reset, site_settings};
use switchboard_protocol::channels::DeliveryStatus;
use switchboard_protocol::inbox::{ConversationSummary, InboxFrame, Priority};
use switchboard_protocol::routing::Presence;
use switchboard_protocol::{ConversationId, QueueId, Seq};

mod labels;
mod provider;
mod reducer;
mod rows;
#[cfg(test)]
mod tests;

pub use labels::{with_label, without_label};
pub use provider::{receipt_attr, receipt_words, ProviderDeliveries};
pub use rows::InboxRow;

/// The signed-in agent, as `/agent/me` describes them.
pub type Agent = agent_me::Response;

/// Whether an agent is signed in.
#[derive(Debug, Clone, PartialEq)]
pub enum Session {
    /// Asking `/agent/me` whether the cookie still holds a session; nothing is shown yet so a
    /// signed-in agent never sees the login form flash.
    Checking,
    /// The login form, with the last failure and whether a sign-in is in flight.
    SignedOut {
        /// What went wrong last, shown under the form.
        error: Option<String>,
        /// A sign-in request is in flight (the button is disabled meanwhile).
        busy: bool,
        /// The password was right and the account signs in with two-factor sign-in: the form
        /// asks for the authentication code (the email and password it keeps go along again).
        code_step: bool,
    },
    /// The main screen; or, for an agent whose site requires two-factor sign-in and who has
    /// not set it up (`must_set_up_two_factor`), only the page that sets it up.
    SignedIn(Rc<Agent>),
    /// Someone opened an invite link: the page where they choose a password.
    Invited(InviteForm),
    /// Someone opened a password reset link: the page where they choose a new password.
    Resetting(ResetForm),
}

/// The invite page's state.
#[derive(Debug, Clone, PartialEq)]
pub struct InviteForm {
    /// The one-time token from the link.
    pub token: String,
    /// What the invite is for, once the edge said (`None` while loading).
    pub info: Option<invite_show::Response>,
    /// Why it cannot be used, or why accepting failed.
    pub error: Option<String>,
    /// Accepting is in flight.
    pub busy: bool,
}

/// The password reset page's state.
#[derive(Debug, Clone, PartialEq)]
pub struct ResetForm {
    /// The one-time token from the link.
    pub token: String,
    /// Whose link it is, once the edge said (`None` while loading).
    pub info: Option<password_reset::Shown>,
    /// Why it cannot be used, or why choosing the password failed.
    pub error: Option<String>,
    /// Accepting is in flight.
    pub busy: bool,
}

/// Which main screen is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Screen {
    /// Conversations.
    #[default]
    Inbox,
    /// Team and canned responses.
    Settings,
    /// Contacts: search, edit, merge.
    Contacts,
    /// Reports: a period's figures.
    Reports,
}

/// The health of one socket, as the agent is told about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// First connection attempt, nothing received yet.
    Connecting,
    /// Open and answering.
    Open,
    /// Dropped; a reconnect is scheduled or under way.
    Reconnecting,
}

/// A snapshot of a conversation's log. Compared by identity: the link publishes a new
/// snapshot exactly when something visible changed, so identity is the cheap, exact test.
#[derive(Debug, Clone, Default)]
pub struct LogSnapshot(pub Rc<ClientLog>);

impl PartialEq for LogSnapshot {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The conversation shown in the right-hand pane.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenConversation {
    /// Which one.
    pub id: ConversationId,
    /// Its messages and pending replies.
    pub log: LogSnapshot,
    /// Its socket's health.
    pub link: Link,
}

/// A conversation offered to this agent, until `expires_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// The conversation.
    pub conversation: ConversationSummary,
    /// When the offer lapses, ms since the epoch.
    pub expires_at: i64,
}

/// The whole console state.
#[derive(Debug, Clone)]
pub struct State {
    /// Signed in or not.
    pub session: Session,
    /// A one-line problem shown in the top bar (a failed sign-out).
    pub notice: Option<String>,
    /// The site's conversations, newest `updated_at` first.
    pub conversations: Vec<ConversationSummary>,
    /// Whether the inbox socket has delivered its first snapshot.
    pub inbox_loaded: bool,
    /// The inbox socket's health.
    pub inbox_link: Link,
    /// The open conversation, if any.
    pub open: Option<OpenConversation>,
    /// Conversations offered to this agent, oldest first.
    pub offers: Vec<Offer>,
    /// The site's accounts and queues (for transfers and the team screen).
    pub team: Rc<agents_list::Response>,
    /// The site's canned responses, by shortcut.
    pub canned: Rc<Vec<CannedResponse>>,
    /// The site's settings (name, origins, widget look), once loaded.
    pub site: Option<Rc<site_settings::Response>>,
    /// The main screen shown.
    pub screen: Screen,
    /// The contact shown on the Contacts screen (`ctc_…`), if one was chosen.
    pub contact: Option<String>,
    /// Which conversations the inbox lists (view, queue, search).
    pub filter: Filter,
    /// The inbox row the keyboard cursor (j/k) is on.
    pub cursor: Option<ConversationId>,
    /// This agent's presence as routing sees it (`None` until the inbox says).
    pub presence: Option<Presence>,
    /// "Now" for relative times and typing indicators; advanced by a timer so the list
    /// re-renders as time passes, by every log snapshot, and when an indicator lapses.
    pub now: i64,
    /// Highest seq this agent has seen, per conversation. In memory only: a reload starts
    /// with everything unread, which errs on the side of looking.
    pub(crate) seen: HashMap<ConversationId, Seq>,
    /// Seq of the newest message this agent wrote, per conversation, to tell "You:" from
    /// "Agent:" in previews (a preview names only the author's role).
    pub(crate) mine: HashMap<ConversationId, Seq>,
    /// The provider's delivery status of the team's messages, per conversation on SMS,
    /// WhatsApp or Messenger (the log ignores those frames). Kept when the agent switches
    /// away, since the edge only replays the newest ones after a hello; in memory only.
    pub(crate) provider: HashMap<ConversationId, Rc<ProviderDeliveries>>,
}

/// Everything that can happen to the state.
#[derive(Debug, Clone)]
pub enum Action {
    /// `/agent/me` or a sign-in named the agent.
    SignedIn(Agent),
    /// No session: after `/agent/me` said 401, or after signing out. `error` is shown.
    SignedOut {
        /// Why, when the agent should be told.
        error: Option<String>,
    },
    /// The login form was submitted.
    LoginStarted,
    /// Sign-in was refused or failed; the message is shown under the form (which stays at the
    /// code step if it was there: a wrong code is tried again, not the password).
    LoginFailed(String),
    /// The password was right; the account also needs its authentication code.
    CodeRequired,
    /// The signed-in agent's account changed without a new sign-in screen: two-factor sign-in
    /// turned on (a fresh session and anti-forgery token) or off. Nothing else is reset.
    AgentRenewed(Agent),
    /// Sets or clears the top-bar notice.
    Notice(Option<String>),
    /// A frame from the inbox socket.
    Inbox(Box<InboxFrame>),
    /// The inbox socket's health changed.
    InboxLink(Link),
    /// The agent opened a conversation.
    Open(ConversationId),
    /// The open conversation's log changed.
    Log {
        /// Which conversation the log belongs to (a late frame from a closed link is dropped).
        id: ConversationId,
        /// The new snapshot.
        log: Rc<ClientLog>,
        /// When it was taken, ms since the epoch: also the screen's new "now", so who is
        /// typing is judged at the time the frame came.
        now: i64,
    },
    /// The provider said how far one of the team's messages has come (a `delivery` frame).
    ProviderDelivery {
        /// Which conversation.
        id: ConversationId,
        /// The message.
        seq: Seq,
        /// Its status now.
        delivery: DeliveryStatus,
    },
    /// The open conversation's socket health changed.
    ConversationLink {
        /// Which conversation.
        id: ConversationId,
        /// Its new health.
        link: Link,
    },
    /// Time passed; `now` in ms since the epoch.
    Tick(i64),
    /// The agent accepted or declined an offer (it leaves the list at once).
    OfferAnswered(ConversationId),
    /// The page was opened from an invite link with this token.
    InviteOpened(String),
    /// The edge described the invite, or said why it cannot be used.
    InviteLoaded(Result<invite_show::Response, String>),
    /// The password form was submitted.
    InviteStarted,
    /// Accepting failed; the message is shown.
    InviteFailed(String),
    /// The page was opened from a password reset link with this token.
    ResetOpened(String),
    /// The edge said whose link `token` is, or why it cannot be used (an answer about
    /// another link than the one shown now is dropped).
    ResetLoaded {
        /// The link asked about.
        token: String,
        /// Its account, or the sentence saying why not.
        result: Result<password_reset::Shown, String>,
    },
    /// The new password was submitted.
    ResetStarted,
    /// Setting the new password failed; the message is shown.
    ResetFailed {
        /// Why.
        message: String,
        /// The account signs in with two-factor sign-in and no code was sent: the form asks
        /// for one from now on.
        needs_code: bool,
    },
    /// The team list arrived.
    TeamLoaded(agents_list::Response),
    /// The canned responses arrived.
    CannedLoaded(Vec<CannedResponse>),
    /// The site's settings arrived.
    SiteLoaded(Box<site_settings::Response>),
    /// Switch the main screen.
    Show(Screen),
    /// Show one contact on the Contacts screen (from its list, or from the contact panel).
    ShowContact(String),
    /// Show another inbox view.
    SetView(View),
    /// Show one queue's conversations, or every queue's.
    SetQueue(Option<QueueId>),
    /// Show only conversations of this priority (or any).
    SetPriorityFilter(Option<Priority>),
    /// The inbox is narrowed to conversations carrying a label (or not).
    SetLabelFilter(Option<String>),
    /// The edge answered a priority change: the conversation as it is now.
    PrioritySaved(Box<ConversationSummary>),
    /// Search the inbox.
    Search(String),
    /// The edge's full-text search answered `query` with these conversations.
    SearchHits {
        /// What was searched (a late answer to an older query is dropped).
        query: String,
        /// The conversations with a matching message.
        found: Vec<ConversationSummary>,
    },
    /// The edge answered a change of a conversation's labels (made from `before`, the labels
    /// listed when the agent changed them) with its summary.
    LabelsSaved {
        /// The labels the change was made from.
        before: Vec<String>,
        /// The conversation as the edge answered it.
        saved: Box<ConversationSummary>,
    },
    /// Move the keyboard cursor this many rows (j: 1, k: -1).
    MoveCursor(i32),
    /// Open the conversation under the cursor (Enter).
    OpenCursor,
}

impl State {
    /// The state before anything is known: checking the session.
    pub fn new(now: i64) -> Self {
        State {
            session: Session::Checking,
            notice: None,
            conversations: Vec::new(),
            inbox_loaded: false,
            inbox_link: Link::Connecting,
            open: None,
            offers: Vec::new(),
            team: Rc::new(agents_list::Response { agents: Vec::new(), queues: Vec::new() }),
            canned: Rc::new(Vec::new()),
            site: None,
            screen: Screen::Inbox,
            contact: None,
            filter: Filter::default(),
            cursor: None,
            presence: None,
            now,
            seen: HashMap::new(),
            mine: HashMap::new(),
            provider: HashMap::new(),
        }
    }

    /// The signed-in agent, if any.
    pub fn agent(&self) -> Option<&Rc<Agent>> {
        match &self.session {
            Session::SignedIn(agent) => Some(agent),
            _ => None,
        }
    }

    /// The signed-in agent once they may use the console: not while their session can only
    /// set up two-factor sign-in (every other route refuses it, so no socket opens then).
    pub fn working_agent(&self) -> Option<&Rc<Agent>> {
        self.agent().filter(|agent| !agent.must_set_up_two_factor)
    }

    /// The open conversation's id, if any.
    pub fn open_id(&self) -> Option<&ConversationId> {
        self.open.as_ref().map(|open| &open.id)
    }

    pub(crate) fn is_unread(&self, summary: &ConversationSummary) -> bool {
        summary.last_seq > self.seen.get(&summary.id).copied().unwrap_or_default()
    }

    /// Records that the agent has seen `id` up to `seq` (never moves backwards).
    fn see(&mut self, id: &ConversationId, seq: Seq) {
        let seen = self.seen.entry(id.clone()).or_default();
        *seen = (*seen).max(seq);
    }

    /// An open conversation is being looked at: whatever the inbox says it holds is seen.
    fn see_open_summary(&mut self) {
        let Some(id) = self.open_id().cloned() else {
            return;
        };
        if let Some(last) = self.conversations.iter().find(|c| c.id == id).map(|c| c.last_seq) {
            self.see(&id, last);
        }
    }

    /// Puts `summary` in the list, replacing the conversation's older one.
    fn upsert(&mut self, summary: ConversationSummary) {
        self.conversations.retain(|c| c.id != summary.id);
        // First position whose activity is not newer keeps the list sorted, newest first.
        let at = self.conversations.partition_point(|c| c.updated_at > summary.updated_at);
        self.conversations.insert(at, summary);
    }

    fn signed_out(&self, error: Option<String>) -> State {
        State { session: Session::SignedOut { error, busy: false, code_step: false }, ..State::new(self.now) }
    }
}
