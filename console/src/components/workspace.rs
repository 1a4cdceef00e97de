//! The signed-in screen: top bar, offers, and the settings, the contacts, or the inbox with
//! the open conversation and its contact panel. It turns the agent's clicks into frames on the
//! sockets the root's hooks hold, and into actions.

use std::rc::Rc;

use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::inbox::InboxCommand;
use switchboard_protocol::{ClientFrame, ClientMessageId, ConversationId};
use yew::prelude::*;

use super::contact::ContactPanel;
use super::contacts::Contacts;
use super::conversation::{ConversationPane, OpenView, PaneAction};
use super::inbox::Inbox;
use super::offers::Offers;
use super::reports::Reports;
use super::settings::Settings;
use super::topbar::TopBar;
use crate::effects::conversation::ConversationLink;
use crate::effects::inbox::InboxLink;
use crate::effects::{now, session};
use crate::hooks::Held;
use crate::state::{Action, Agent, Screen, State};

/// The sockets the screen sends through.
#[derive(Clone)]
pub struct Links {
    /// The inbox socket (routing commands).
    pub inbox: Held<InboxLink>,
    /// The open conversation's socket (replies, resolve, snooze).
    pub conversation: Held<ConversationLink>,
}

impl PartialEq for Links {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inbox, &other.inbox) && Rc::ptr_eq(&self.conversation, &other.conversation)
    }
}

/// What the signed-in screen needs.
#[derive(Properties)]
pub struct WorkspaceProps {
    /// The signed-in agent.
    pub agent: Rc<Agent>,
    /// The state, and the way to change it.
    pub state: UseReducerHandle<State>,
    /// The sockets.
    pub links: Links,
}

impl PartialEq for WorkspaceProps {
    /// Never equal: the screen renders whenever the root does, which is whenever the state
    /// changed (a reducer handle cannot be compared, and nothing is saved by trying).
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// A callback that hands its input to the open conversation's link, if one is open.
fn through<T: 'static>(link: &Held<ConversationLink>, act: fn(&ConversationLink, T)) -> Callback<T> {
    let link = link.clone();
    Callback::from(move |input| {
        if let Some(link) = link.borrow().as_ref() {
            act(link, input);
        }
    })
}

/// The signed-in screen.
#[function_component(Workspace)]
pub fn workspace(props: &WorkspaceProps) -> Html {
    let WorkspaceProps { agent, state, links } = props;
    let dispatch = state.dispatcher();
    let on_logout = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| session::logout(dispatch.clone()))
    };
    let on_open = dispatch.to_callback().reform(Action::Open);
    let on_send = through(&links.conversation, |link, (text, note): (String, bool)| link.send(text, note));
    let on_dismiss = through(&links.conversation, |link, id: ClientMessageId| link.dismiss(&id));
    let on_typing = through(&links.conversation, |link, active: bool| link.typing(active));
    let command = {
        let (inbox, dispatch) = (links.inbox.clone(), dispatch.clone());
        move |command: InboxCommand| {
            let sent = inbox.borrow().as_ref().is_some_and(|inbox| inbox.send(&command));
            if !sent {
                dispatch.dispatch(Action::Notice(Some("Not connected; try again in a moment.".into())));
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
        let (open_id, link) = (state.open_id().cloned(), links.conversation.clone());
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
                PaneAction::Snooze(minutes) => ClientFrame::Snooze { until: now() + minutes * 60_000 },
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
        labels: state.open_labels().map(Rc::new),
        priority: state.open_priority(),
        channel: state.open_channel(),
        deliveries: state.open_deliveries(),
        language: state.open_language(),
        whatsapp: state.open_on_whatsapp(),
        templates: state.whatsapp_templates().map(Rc::new),
    });
    let on_show = dispatch.to_callback().reform(Action::Show);
    let on_contact = dispatch.to_callback().reform(Action::ShowContact);
    // A conversation chosen on the Contacts screen opens in the inbox.
    let on_open_elsewhere = {
        let dispatch = dispatch.clone();
        Callback::from(move |id| {
            dispatch.dispatch(Action::Open(id));
            dispatch.dispatch(Action::Show(Screen::Inbox));
        })
    };
    let admin = agent.role == AgentRole::Admin;
    let label_defs = Rc::new(state.site.as_ref().map(|site| site.labels.clone()).unwrap_or_default());
    html! {
        <div class="sb-app">
            <TopBar name={agent.name.clone()} notice={state.notice.clone()} {on_logout}
                presence={state.presence} {on_presence} screen={state.screen} {on_show} />
            <Offers offers={Rc::new(state.offers.clone())} now={state.now} {on_answer} />
            if state.screen == Screen::Settings {
                <Settings agent={Rc::clone(agent)} me={agent.id.clone()} {admin} owner={agent.owner} team={state.team.clone()}
                    canned={state.canned.clone()} dispatch={dispatch.clone()} site={state.site.clone()} />
            } else if state.screen == Screen::Reports {
                <Reports now={state.now} team={state.team.clone()} labels={label_defs.clone()} />
            } else if state.screen == Screen::Contacts {
                <Contacts selected={state.contact.clone()} on_select={on_contact} on_open={on_open_elsewhere}
                    now={state.now} me={agent.id.clone()} queues={Rc::new(state.team.queues.clone())}
                    identities={Rc::new(state.site.as_ref().map(|site| site.channels.clone()).unwrap_or_default())} />
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
                        on_priority={dispatch.to_callback().reform(Action::SetPriorityFilter)}
                        label_defs={label_defs.clone()}
                        on_label={dispatch.to_callback().reform(Action::SetLabelFilter)}
                        on_search={dispatch.to_callback().reform(Action::Search)}
                    />
                    <ConversationPane {open} {on_send} {on_dismiss} {on_typing} {on_action}
                        team={state.team.clone()} canned={state.canned.clone()} dispatch={dispatch.clone()}
                        macros={Rc::new(state.site.as_ref().map(|site| site.macros.clone()).unwrap_or_default())}
                        {label_defs} />
                    if state.open.is_some() {
                        <ContactPanel key={state.open.as_ref().map(|o| o.id.to_string()).unwrap_or_default()}
                            label={state.open_label().unwrap_or_default()}
                            contact={state.open_summary().and_then(|s| s.contact.clone())}
                            past={Rc::new(state.past_conversations())} {on_open}
                            conversation={state.open.as_ref().map(|o| o.id.clone())}
                            visitor={state.open_summary().map(|s| s.visitor_id.clone())} {on_contact} />
                    }
                </div>
            }
        </div>
    }
}
