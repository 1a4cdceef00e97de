//! The reducer: what each [`Action`] does to the [`State`], in one place.

use std::rc::Rc;

use switchboard_protocol::inbox::{ConversationSummary, InboxFrame};
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::ConversationId;
use yew::Reducible;

use super::{
    Action, InviteForm, Link, LogSnapshot, Offer, OpenConversation, ResetForm, Screen, Session, State,
};

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = Rc::unwrap_or_clone(self);
        match action {
            Action::SignedIn(agent) => {
                state = State { session: Session::SignedIn(Rc::new(agent)), ..State::new(state.now) }
            }
            Action::SignedOut { error } => state = state.signed_out(error),
            Action::LoginStarted => {
                if let Session::SignedOut { error, busy, .. } = &mut state.session {
                    (*error, *busy) = (None, true);
                }
            }
            Action::LoginFailed(message) => {
                let code_step = matches!(state.session, Session::SignedOut { code_step: true, .. });
                state.session = Session::SignedOut { error: Some(message), busy: false, code_step };
            }
            Action::CodeRequired => {
                state.session = Session::SignedOut { error: None, busy: false, code_step: true };
            }
            Action::AgentRenewed(agent) => {
                if let Session::SignedIn(signed_in) = &mut state.session {
                    *signed_in = Rc::new(agent);
                }
            }
            Action::Notice(notice) => state.notice = notice,
            Action::Inbox(frame) => {
                match *frame {
                    InboxFrame::Snapshot { mut conversations } => {
                        conversations.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
                        state.conversations = conversations;
                        state.inbox_loaded = true;
                    }
                    changes @ (InboxFrame::Updated { .. } | InboxFrame::UpdatedMany { .. }) => changes
                        .into_changes()
                        .into_iter()
                        .for_each(|conversation| take_update(&mut state, conversation)),
                    InboxFrame::Offer { conversation, expires_at } => {
                        state.offers.retain(|offer| offer.conversation.id != conversation.id);
                        state.offers.push(Offer { conversation, expires_at });
                    }
                    InboxFrame::OfferWithdrawn { conversation_id, .. } => {
                        state.offers.retain(|offer| offer.conversation.id != conversation_id);
                    }
                    InboxFrame::Presence { presence } => state.presence = Some(presence),
                    InboxFrame::Error { message, .. } => state.notice = Some(message),
                    InboxFrame::Pong => {}
                }
                state.see_open_summary();
            }
            Action::InboxLink(link) => state.inbox_link = link,
            Action::Open(id) => {
                if state.open_id() != Some(&id) {
                    state.open =
                        Some(OpenConversation { id, log: LogSnapshot::default(), link: Link::Connecting });
                    state.see_open_summary();
                }
            }
            Action::Log { id, log, now } => {
                if state.open_id() != Some(&id) {
                    return Rc::new(state);
                }
                state.now = now;
                state.see(&id, log.last_seq());
                let you = log.you().map(|you| you.id_str().to_owned());
                let newest_mine =
                    log.messages().rev().find(|m| you.as_deref() == Some(m.author.id_str())).map(|m| m.seq);
                if let Some(seq) = newest_mine {
                    state.mine.insert(id.clone(), seq);
                }
                if let Some(open) = &mut state.open {
                    open.log = LogSnapshot(log);
                }
            }
            // Kept for any conversation, not only the open one: a late frame from a link just
            // closed is still true, and shows when the agent comes back.
            Action::ProviderDelivery { id, seq, delivery } => {
                Rc::make_mut(state.provider.entry(id).or_default()).record(seq, delivery);
            }
            Action::ConversationLink { id, link } => {
                if let Some(open) = state.open.as_mut().filter(|open| open.id == id) {
                    open.link = link;
                }
            }
            Action::Tick(now) => {
                state.now = now;
                state.offers.retain(|offer| offer.expires_at > now);
            }
            Action::OfferAnswered(id) => state.offers.retain(|offer| offer.conversation.id != id),
            // A link opened in a console already signed in (pasted into its address bar) leaves
            // nothing of that session on screen.
            Action::InviteOpened(token) => {
                let form = InviteForm { token, info: None, error: None, busy: false };
                state = State { session: Session::Invited(form), ..State::new(state.now) }
            }
            Action::InviteLoaded(result) => {
                if let Session::Invited(form) = &mut state.session {
                    match result {
                        Ok(info) => form.info = Some(info),
                        Err(message) => form.error = Some(message),
                    }
                }
            }
            Action::InviteStarted | Action::InviteFailed(_) => {
                if let Session::Invited(form) = &mut state.session {
                    form.busy = matches!(action, Action::InviteStarted);
                    form.error = match action {
                        Action::InviteFailed(message) => Some(message),
                        _ => None,
                    };
                }
            }
            Action::ResetOpened(token) => {
                let form = ResetForm { token, info: None, error: None, busy: false };
                state = State { session: Session::Resetting(form), ..State::new(state.now) }
            }
            Action::ResetLoaded { token, result } => {
                if let Session::Resetting(form) = &mut state.session {
                    if form.token == token {
                        match result {
                            Ok(info) => form.info = Some(info),
                            Err(message) => form.error = Some(message),
                        }
                    }
                }
            }
            Action::ResetStarted => {
                if let Session::Resetting(form) = &mut state.session {
                    (form.busy, form.error) = (true, None);
                }
            }
            Action::ResetFailed { message, needs_code } => {
                if let Session::Resetting(form) = &mut state.session {
                    (form.busy, form.error) = (false, Some(message));
                    if let Some(info) = form.info.as_mut().filter(|_| needs_code) {
                        info.two_factor = true;
                    }
                }
            }
            Action::TeamLoaded(team) => state.team = Rc::new(team),
            Action::CannedLoaded(canned) => state.canned = Rc::new(canned),
            Action::SiteLoaded(site) => state.site = Some(Rc::new(*site)),
            Action::Show(screen) => state.screen = screen,
            Action::ShowContact(id) => (state.screen, state.contact) = (Screen::Contacts, Some(id)),
            Action::SetView(view) => state.filter.view = view,
            Action::SetQueue(queue) => state.filter.queue = queue,
            Action::SetPriorityFilter(priority) => state.filter.priority = priority,
            Action::SetLabelFilter(label) => state.filter.label = label,
            Action::PrioritySaved(saved) => state.priority_saved(*saved),
            Action::Search(query) => {
                state.filter.query = query;
                state.filter.hits.clear();
            }
            Action::SearchHits { query, found } => {
                if query == state.filter.query.trim() {
                    state.filter.hits = found.iter().map(|c| c.id.clone()).collect();
                    for summary in found {
                        if !state.conversations.iter().any(|c| c.id == summary.id) {
                            state.upsert(summary);
                        }
                    }
                }
            }
            Action::LabelsSaved { before, saved } => state.labels_saved(&before, *saved),
            Action::MoveCursor(step) => {
                let ids: Vec<ConversationId> = state.inbox_rows().into_iter().map(|row| row.id).collect();
                let from = state.cursor.as_ref().or(state.open_id());
                let at = from.and_then(|id| ids.iter().position(|row| row == id));
                let next = match at {
                    Some(at) => (at as i64 + i64::from(step)).clamp(0, ids.len() as i64 - 1) as usize,
                    None => 0,
                };
                state.cursor = ids.get(next).cloned();
            }
            Action::OpenCursor => {
                if let Some(id) = state.cursor.clone() {
                    return Rc::new(state).reduce(Action::Open(id));
                }
            }
        }
        Rc::new(state)
    }
}

/// One conversation's new summary from the inbox socket.
fn take_update(state: &mut State, mut conversation: ConversationSummary) {
    state.keep_labels(&mut conversation);
    // Taken (by this agent or another): the offer is over.
    if conversation.state != ConversationState::Queued {
        state.offers.retain(|offer| offer.conversation.id != conversation.id);
    }
    state.upsert(conversation);
}
