//! The root component: owns the state, ties effects to it, and picks the screen.
//!
//! Effects live as long as what they serve: the inbox socket as long as an agent is signed
//! in, the conversation socket as long as that conversation is open. Both are started and
//! dropped by `use_effect_with` keyed on that, so signing out or switching conversations
//! closes the old socket by construction.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use switchboard_core::client_log::ClientLog;
use switchboard_protocol::inbox::InboxCommand;
use switchboard_protocol::{AgentId, ClientFrame, ClientMessageId, ConversationId};
use yew::prelude::*;

use super::contact::ContactPanel;
use super::conversation::{ConversationPane, OpenView, PaneAction};
use super::inbox::Inbox;
use super::invite::Invite;
use super::login::Login;
use super::offers::Offers;
use super::settings::Settings;
use super::topbar::TopBar;
use crate::effects::conversation::ConversationLink;
use crate::effects::inbox::InboxLink;
use crate::effects::keys::{self, Shortcut, Shortcuts};
use crate::effects::timer::Interval;
use crate::effects::{admin, notify, now, session, Dispatcher};
use crate::state::{Action, Screen, Session, State};

/// How often relative times ("5m") are refreshed.
const TICK_MS: u32 = 30_000;

/// How long typing in the search box must pause before the edge is asked.
const SEARCH_PAUSE_MS: u32 = 250;

/// How often an offer's countdown is refreshed.
const OFFER_TICK_MS: u32 = 1_000;

/// Logs of conversations the agent opened earlier, kept so that coming back is instant and a
/// reply still pending when they switched away is resent then rather than lost.
type KeptLogs = Rc<RefCell<HashMap<ConversationId, ClientLog>>>;

/// The console.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| State::new(now()));
    let dispatch = state.dispatcher();

    use_effect_with((), {
        let dispatch = dispatch.clone();
        move |_| session::check(dispatch)
    });
    use_effect_with((), {
        let dispatch = dispatch.clone();
        move |_| {
            let tick = Interval::new(TICK_MS, move || dispatch.dispatch(Action::Tick(now())));
            move || drop(tick)
        }
    });

    // While an offer waits, its countdown ticks every second.
    use_effect_with(!state.offers.is_empty(), {
        let dispatch = dispatch.clone();
        move |&offered: &bool| {
            let tick =
                offered.then(|| Interval::new(OFFER_TICK_MS, move || dispatch.dispatch(Action::Tick(now()))));
            move || drop(tick)
        }
    });

    let agent_id: Option<AgentId> = state.agent().map(|agent| agent.id.clone());
    let inbox = use_mut_ref(|| None::<InboxLink>);
    use_effect_with(agent_id.clone(), {
        let (dispatch, inbox) = (dispatch.clone(), inbox.clone());
        move |agent_id: &Option<AgentId>| {
            if agent_id.is_some() {
                admin::load(dispatch.clone());
            }
            *inbox.borrow_mut() = agent_id.as_ref().map(|_| InboxLink::start(dispatch));
            move || drop(inbox.borrow_mut().take())
        }
    });

    // Full-text search once the agent pauses typing (and not for one letter).
    use_effect_with(state.filter.query.clone(), {
        let dispatch = dispatch.clone();
        move |query: &String| {
            let query = query.trim().to_owned();
            let pending = (query.chars().count() >= 2)
                .then(|| {
                    crate::effects::timer::Timeout::new(SEARCH_PAUSE_MS, move || {
                        admin::search(query, dispatch)
                    })
                })
                .flatten();
            move || drop(pending)
        }
    });

    let link = use_mut_ref(|| None::<ConversationLink>);
    use_effect_with(agent_id.clone(), {
        let (dispatch, link) = (dispatch.clone(), link.clone());
        move |agent_id: &Option<AgentId>| {
            let shortcuts = agent_id.as_ref().and_then(|_| {
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
    let kept: KeptLogs = use_mut_ref(HashMap::new);
    use_effect_with(state.open_id().cloned(), {
        let (link, kept, dispatch) = (link.clone(), kept.clone(), dispatch.clone());
        move |open: &Option<ConversationId>| {
            if open.is_some() {
                admin::load_team(dispatch.clone());
            }
            open_conversation(open.clone(), link, kept, dispatch)
        }
    });
    // Declared after the conversation effect, so on sign-out the closing conversation has
    // already returned its log: then every kept log goes (they belong to the old session).
    use_effect_with(agent_id, {
        let kept = kept.clone();
        move |_| kept.borrow_mut().clear()
    });

    // Waiting offers count too: they are the most urgent thing an agent can miss.
    let unread = state.unread_count() + state.offers.len();
    use_effect_with(unread, |&unread| set_title(unread));

    // A new offer rings and notifies; so do new messages while the tab is in the background.
    let notified = use_mut_ref(std::collections::HashSet::<ConversationId>::new);
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
    use_effect_with(state.unread_count(), move |&count| {
        if count > unread_before.replace(count) && notify::page_hidden() {
            notify::notify("New message", "A visitor wrote in Switchboard", "unread");
        }
    });

    match &state.session {
        Session::Checking => html! {
            <main class="sb-loading" aria-busy="true"><p>{ "Loading…" }</p></main>
        },
        Session::SignedOut { error, busy } => {
            let dispatch = dispatch.clone();
            let on_submit = Callback::from(move |request| session::login(request, dispatch.clone()));
            html! { <Login error={error.clone()} busy={*busy} {on_submit} /> }
        }
        Session::Invited(form) => {
            let (dispatch, token) = (dispatch.clone(), form.token.clone());
            let on_accept = Callback::from(move |request| {
                session::accept_invite(token.clone(), request, dispatch.clone())
            });
            html! { <Invite form={form.clone()} {on_accept} /> }
        }
        Session::SignedIn(agent) => {
            let on_logout = {
                let dispatch = dispatch.clone();
                Callback::from(move |()| session::logout(dispatch.clone()))
            };
            let on_open = dispatch.to_callback().reform(Action::Open);
            let on_send = {
                let link = link.clone();
                Callback::from(move |(text, note): (String, bool)| {
                    if let Some(link) = link.borrow().as_ref() {
                        link.send(text, note);
                    }
                })
            };
            let on_dismiss = {
                let link = link.clone();
                Callback::from(move |id: ClientMessageId| {
                    if let Some(link) = link.borrow().as_ref() {
                        link.dismiss(&id);
                    }
                })
            };
            let on_typing = {
                let link = link.clone();
                Callback::from(move |active: bool| {
                    if let Some(link) = link.borrow().as_ref() {
                        link.typing(active);
                    }
                })
            };
            let command = {
                let (inbox, dispatch) = (inbox.clone(), dispatch.clone());
                move |command: InboxCommand| {
                    let sent = inbox.borrow().as_ref().is_some_and(|inbox| inbox.send(&command));
                    if !sent {
                        dispatch
                            .dispatch(Action::Notice(Some("Not connected; try again in a moment.".into())));
                    }
                }
            };
            let on_presence = {
                let command = command.clone();
                Callback::from(move |presence| command(InboxCommand::SetPresence { presence }))
            };
            let on_answer = {
                let (command, dispatch) = (command.clone(), dispatch.clone());
                Callback::from(move |(conversation_id, accept): (ConversationId, bool)| {
                    dispatch.dispatch(Action::OfferAnswered(conversation_id.clone()));
                    if accept {
                        dispatch.dispatch(Action::Open(conversation_id.clone()));
                        command(InboxCommand::Accept { conversation_id });
                    } else {
                        command(InboxCommand::Decline { conversation_id });
                    }
                })
            };
            let on_action = {
                let open_id = state.open_id().cloned();
                Callback::from(move |action: PaneAction| {
                    let Some(conversation_id) = open_id.clone() else { return };
                    let frame = match action {
                        PaneAction::Take => return command(InboxCommand::Take { conversation_id }),
                        PaneAction::TransferToAgent(agent) => {
                            return command(InboxCommand::Transfer {
                                conversation_id,
                                agent: Some(agent),
                                queue: None,
                            })
                        }
                        PaneAction::TransferToQueue(queue) => {
                            return command(InboxCommand::Transfer {
                                conversation_id,
                                agent: None,
                                queue: Some(queue),
                            })
                        }
                        PaneAction::Resolve => ClientFrame::Resolve,
                        PaneAction::Reopen => ClientFrame::Reopen,
                        PaneAction::Snooze(minutes) => {
                            ClientFrame::Snooze { until: now() + minutes * 60_000 }
                        }
                    };
                    if let Some(link) = link.borrow().as_ref() {
                        link.command(frame);
                    }
                })
            };
            let open = state.open.as_ref().map(|open| OpenView {
                id: open.id.clone(),
                label: state.open_label().unwrap_or_default(),
                log: open.log.clone(),
                link: open.link,
                typing: state.open_typing(),
                me: agent.id.clone(),
                state: state.open_state(),
            });
            let on_show = dispatch.to_callback().reform(Action::Show);
            let admin = agent.role == switchboard_protocol::api::agent_me::AgentRole::Admin;
            html! {
                <div class="sb-app">
                    <TopBar name={agent.name.clone()} notice={state.notice.clone()} {on_logout}
                        presence={state.presence} {on_presence} screen={state.screen} {on_show} />
                    <Offers offers={Rc::new(state.offers.clone())} now={state.now} {on_answer} />
                    if state.screen == Screen::Settings {
                        <Settings me={agent.id.clone()} {admin} owner={agent.owner} team={state.team.clone()}
                            canned={state.canned.clone()} dispatch={dispatch.clone()} site={state.site.clone()} />
                    } else {
                        <div class={classes!("sb-main", state.open.is_some().then_some("sb-main--contact"))}>
                            <Inbox
                                rows={Rc::new(state.inbox_rows())}
                                loaded={state.inbox_loaded}
                                link={state.inbox_link}
                                on_open={on_open.clone()}
                                filter={state.filter.clone()}
                                counts={Rc::new(state.view_counts())}
                                queues={Rc::new(state.team.queues.clone())}
                                on_view={dispatch.to_callback().reform(Action::SetView)}
                                on_queue={dispatch.to_callback().reform(Action::SetQueue)}
                                on_search={dispatch.to_callback().reform(Action::Search)}
                            />
                            <ConversationPane {open} {on_send} {on_dismiss} {on_typing} {on_action}
                                team={state.team.clone()} canned={state.canned.clone()} />
                            if state.open.is_some() {
                                <ContactPanel label={state.open_label().unwrap_or_default()}
                                    contact={state.open_summary().and_then(|s| s.contact.clone())}
                                    past={Rc::new(state.past_conversations())} {on_open} />
                            }
                        </div>
                    }
                </div>
            }
        }
    }
}

/// Starts the socket of the conversation now open (resuming its kept log), and returns the
/// teardown that closes it and keeps its log when another one is opened.
fn open_conversation(
    open: Option<ConversationId>,
    link: Rc<RefCell<Option<ConversationLink>>>,
    kept: KeptLogs,
    dispatch: Dispatcher,
) -> impl FnOnce() {
    if let Some(id) = &open {
        let log = kept.borrow_mut().remove(id).unwrap_or_default();
        *link.borrow_mut() = Some(ConversationLink::start(id.clone(), log, dispatch));
    }
    move || {
        let closing = link.borrow_mut().take();
        if let (Some(id), Some(closing)) = (open, closing) {
            kept.borrow_mut().insert(id, closing.close());
        }
    }
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
