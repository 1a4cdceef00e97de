//! The console's custom hooks: each ties one effect to the part of the state it serves, so
//! it starts and stops with it (`use_effect_with` keyed on that part). Signing out or
//! switching conversations closes the old socket by construction.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use switchboard_core::client_log::ClientLog;
use switchboard_protocol::{AgentId, ClientFrame, ConversationId};
use yew::prelude::*;

use crate::effects::conversation::ConversationLink;
use crate::effects::inbox::InboxLink;
use crate::effects::keys::{self, Shortcut, Shortcuts};
use crate::effects::link::OnLinkPasted;
use crate::effects::timer::{Interval, Timeout};
use crate::effects::{admin, notify, now, Dispatcher};
use crate::state::{Action, State};

/// How often relative times ("5m") are refreshed.
const TICK_MS: u32 = 30_000;

/// How often an offer's countdown is refreshed.
const OFFER_TICK_MS: u32 = 1_000;

/// How long typing in the search box must pause before the edge is asked.
const SEARCH_PAUSE_MS: u32 = 250;

/// A socket link the signed-in screen sends through, held by the hook that opened it.
pub type Held<T> = Rc<RefCell<Option<T>>>;

/// Logs of conversations the agent opened earlier, kept so that coming back is instant and a
/// reply still pending when they switched away is resent then rather than lost.
type KeptLogs = Rc<RefCell<HashMap<ConversationId, ClientLog>>>;

/// Time passes: every [`TICK_MS`], and every second while an offer counts down.
#[hook]
pub fn use_clock(dispatch: &Dispatcher, offers_waiting: bool) {
    use_effect_with((), {
        let dispatch = dispatch.clone();
        move |_| {
            let tick = Interval::new(TICK_MS, move || dispatch.dispatch(Action::Tick(now())));
            move || drop(tick)
        }
    });
    use_effect_with(offers_waiting, {
        let dispatch = dispatch.clone();
        move |&offered: &bool| {
            let tick =
                offered.then(|| Interval::new(OFFER_TICK_MS, move || dispatch.dispatch(Action::Tick(now()))));
            move || drop(tick)
        }
    });
}

/// An invite or password reset link pasted into the address bar of the open console changes
/// only the fragment (no new page load): its page opens then as it would on load.
#[hook]
pub fn use_pasted_links(dispatch: &Dispatcher) {
    use_effect_with((), {
        let dispatch = dispatch.clone();
        move |_| {
            let listener = OnLinkPasted::new(dispatch);
            move || drop(listener)
        }
    });
}

/// The inbox socket (and the team and site settings), for as long as `agent` is signed in.
#[hook]
pub fn use_inbox(agent: Option<AgentId>, dispatch: &Dispatcher) -> Held<InboxLink> {
    let inbox = use_mut_ref(|| None::<InboxLink>);
    use_effect_with(agent, {
        let (dispatch, inbox) = (dispatch.clone(), inbox.clone());
        move |agent: &Option<AgentId>| {
            if agent.is_some() {
                admin::load(dispatch.clone());
            }
            *inbox.borrow_mut() = agent.as_ref().map(|_| InboxLink::start(dispatch));
            move || drop(inbox.borrow_mut().take())
        }
    });
    inbox
}

/// Full-text search once the agent pauses typing (and not for one letter).
#[hook]
pub fn use_search(query: String, dispatch: &Dispatcher) {
    use_effect_with(query, {
        let dispatch = dispatch.clone();
        move |query: &String| {
            let query = query.trim().to_owned();
            let pending = (query.chars().count() >= 2)
                .then(|| Timeout::new(SEARCH_PAUSE_MS, move || admin::search(query, dispatch)))
                .flatten();
            move || drop(pending)
        }
    });
}

/// The open conversation's socket, resuming the log kept from an earlier visit; when
/// another opens, the closing one's log is kept. Kept logs go with the session.
#[hook]
pub fn use_conversation(
    open: Option<ConversationId>,
    agent: Option<AgentId>,
    dispatch: &Dispatcher,
) -> Held<ConversationLink> {
    let link = use_mut_ref(|| None::<ConversationLink>);
    let kept: KeptLogs = use_mut_ref(HashMap::new);
    use_effect_with(open, {
        let (link, kept, dispatch) = (link.clone(), kept.clone(), dispatch.clone());
        move |open: &Option<ConversationId>| {
            if let Some(id) = open {
                admin::load_team(dispatch.clone());
                let log = kept.borrow_mut().remove(id).unwrap_or_default();
                *link.borrow_mut() = Some(ConversationLink::start(id.clone(), log, dispatch));
            }
            let open = open.clone();
            move || {
                let closing = link.borrow_mut().take();
                if let (Some(id), Some(closing)) = (open, closing) {
                    kept.borrow_mut().insert(id, closing.close());
                }
            }
        }
    });
    // Declared after the conversation's effect, so on sign-out the closing conversation has
    // already returned its log: then every kept log goes (they belong to the old session).
    use_effect_with(agent, move |_| kept.borrow_mut().clear());
    link
}

/// Keyboard shortcuts (j/k, Enter, r, /, e), while an agent is signed in.
#[hook]
pub fn use_shortcuts(agent: Option<AgentId>, link: &Held<ConversationLink>, dispatch: &Dispatcher) {
    use_effect_with(agent, {
        let (dispatch, link) = (dispatch.clone(), link.clone());
        move |agent: &Option<AgentId>| {
            let shortcuts = agent.as_ref().and_then(|_| {
                Shortcuts::new(move |shortcut| match shortcut {
                    Shortcut::Next => dispatch.dispatch(Action::MoveCursor(1)),
                    Shortcut::Previous => dispatch.dispatch(Action::MoveCursor(-1)),
                    Shortcut::Open => dispatch.dispatch(Action::OpenCursor),
                    Shortcut::Reply => keys::focus("textarea[name=reply]"),
                    Shortcut::Search => keys::focus("input.sb-search"),
                    Shortcut::Resolve => {
                        if let Some(link) = link.borrow().as_ref() {
                            link.command(ClientFrame::Resolve);
                        }
                    }
                })
            });
            move || drop(shortcuts)
        }
    });
}

/// What the agent must not miss: the tab's title counts unread conversations and waiting
/// offers; a new offer rings and notifies, and so do new messages while the tab is hidden.
#[hook]
pub fn use_alerts(state: &State) {
    let unread = state.unread_count();
    use_effect_with(unread + state.offers.len(), |&count| set_title(count));
    let notified = use_mut_ref(HashSet::<ConversationId>::new);
    let offered: Vec<(ConversationId, String)> = state
        .offers
        .iter()
        .map(|o| (o.conversation.id.clone(), crate::format::preview(&o.conversation, false)))
        .collect();
    use_effect_with(offered, move |offered| {
        let mut notified = notified.borrow_mut();
        for (id, preview) in offered {
            if notified.insert(id.clone()) {
                notify::notify("New conversation for you", preview, &format!("offer-{id}"));
            }
        }
        notified.retain(|id| offered.iter().any(|(offer, _)| offer == id));
    });
    let unread_before = use_mut_ref(|| 0usize);
    use_effect_with(unread, move |&count| {
        if count > unread_before.replace(count) && notify::page_hidden() {
            notify::notify("New message", "A visitor wrote in Switchboard", "unread");
        }
    });
}

/// "(2) Switchboard" while two conversations hold unseen messages (or offers wait), so a
/// background tab says when a visitor is waiting.
fn set_title(unread: usize) {
    let title = match unread {
        0 => "Switchboard".to_owned(),
        n => format!("({n}) Switchboard"),
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&title);
    }
}
