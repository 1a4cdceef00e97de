//! The right-hand pane: the open conversation (header with its customer's language and its
//! actions and macros, its priority and labels, timeline, who is typing, reply box with its file and, on WhatsApp,
//! template buttons), or a hint to pick one.

use std::rc::Rc;

use switchboard_protocol::api::agents_list;
use switchboard_protocol::api::canned_responses::CannedResponse;
use switchboard_protocol::api::macros::Macro;
use switchboard_protocol::api::site_settings::LabelDefinition;
use switchboard_protocol::channels::{Channel, Template};
use switchboard_protocol::inbox::Priority;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{AgentId, ClientMessageId, ConversationId, QueueId};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::attach::Attach;
use super::labels::ConversationLabels;
use super::macros::{self, MacroMenu};
use super::priority::ConversationPriority;
use super::reply::Reply;
use super::template_picker::TemplatePicker;
use super::timeline::Timeline;
use crate::effects::Dispatcher;
use crate::state::{Link, LogSnapshot, ProviderDeliveries};

/// The open conversation, as the pane needs it.
#[derive(Clone, PartialEq)]
pub struct OpenView {
    /// Which conversation.
    pub id: ConversationId,
    /// How its visitor is named.
    pub label: String,
    /// Its log.
    pub log: LogSnapshot,
    /// Its socket's health.
    pub link: Link,
    /// "Visitor is typing…", while someone else types.
    pub typing: Option<String>,
    /// The signed-in agent, whose replies carry delivery marks.
    pub me: AgentId,
    /// Where it stands, and whether this agent holds it.
    pub state: Option<(ConversationState, bool)>,
    /// Its labels, once the inbox lists it.
    pub labels: Option<Rc<Vec<String>>>,
    /// Its priority, once the inbox lists it (`Some(None)`: none set).
    pub priority: Option<Option<Priority>>,
    /// Where its customer writes from: on a provider's channel the team's messages show the
    /// provider's delivery status.
    pub channel: Channel,
    /// The provider's delivery statuses of its messages.
    pub deliveries: Rc<ProviderDeliveries>,
    /// The language its customer writes in, when detected (`de`): a tag in the header.
    pub language: Option<String>,
    /// Its customer writes from WhatsApp: the reply box offers the site's templates.
    pub whatsapp: bool,
    /// The site's WhatsApp templates, once its settings are loaded.
    pub templates: Option<Rc<Vec<Template>>>,
}

/// Pane properties.
#[derive(Properties, PartialEq)]
pub struct PaneProps {
    /// The open conversation, if any.
    pub open: Option<OpenView>,
    /// A reply (or, when `true`, a private note) to send in the open conversation.
    pub on_send: Callback<(String, bool)>,
    /// A refused reply was dismissed.
    pub on_dismiss: Callback<ClientMessageId>,
    /// The agent started (`true`) or stopped typing a reply.
    pub on_typing: Callback<bool>,
    /// Resolve, reopen, take, transfer or snooze the open conversation.
    pub on_action: Callback<PaneAction>,
    /// Who and where a conversation can be transferred to.
    pub team: Rc<agents_list::Response>,
    /// Canned responses for the reply box.
    pub canned: Rc<Vec<CannedResponse>>,
    /// The site's macros: the header's menu and the reply box's `/`.
    pub macros: Rc<Vec<Macro>>,
    /// The site's own labels (suggested, in their colours).
    pub label_defs: Rc<Vec<LabelDefinition>>,
    /// Where the edge's answers to label changes (and reloaded site settings) go.
    pub dispatch: Dispatcher,
}

/// What the pane's header controls do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaneAction {
    /// Mark it resolved.
    Resolve,
    /// Reopen it.
    Reopen,
    /// Take it from the queue.
    Take,
    /// Give it to another agent.
    TransferToAgent(AgentId),
    /// Put it in a queue.
    TransferToQueue(QueueId),
    /// Put it aside for this many minutes (or until the visitor writes).
    Snooze(i64),
}

/// Snooze choices: label and minutes.
const SNOOZE_CHOICES: [(&str, i64); 3] = [("1 hour", 60), ("4 hours", 240), ("1 day", 24 * 60)];

/// The conversation pane.
#[function_component(ConversationPane)]
pub fn conversation_pane(props: &PaneProps) -> Html {
    let Some(open) = &props.open else {
        return html! {
            <section class="sb-pane sb-pane--empty" aria-label="Conversation">
                <p class="sb-pane-hint">{ "Select a conversation to read it and reply." }</p>
            </section>
        };
    };
    let status = match open.link {
        Link::Open => None,
        Link::Connecting => Some("Connecting…"),
        Link::Reconnecting => Some("Reconnecting…"),
    };
    // Keyed by conversation: switching remounts the timeline (fresh scroll position) and the
    // reply box (a draft belongs to the conversation it was written for).
    let key = open.id.to_string();
    let on_macro = {
        let (dispatch, conversation) = (props.dispatch.clone(), open.id.clone());
        Callback::from(move |item: Macro| macros::run(&dispatch, &conversation, &item))
    };
    html! {
        <section class="sb-pane" aria-label="Conversation">
            <header class="sb-pane-head">
                <h2 class="sb-pane-title">{ open.label.clone() }</h2>
                if let Some(code) = &open.language {
                    <span class="sb-language" data-language={code.clone()} title={format!("Language: {code}")}>
                        { code.to_uppercase() }
                    </span>
                }
                if let Some(priority) = open.priority {
                    <ConversationPriority key={format!("p{key}")} conversation={open.id.clone()} {priority}
                        dispatch={props.dispatch.clone()} />
                }
                <MacroMenu key={format!("m{key}")} conversation={open.id.clone()} macros={props.macros.clone()}
                    dispatch={props.dispatch.clone()} />
                { actions(open, &props.team, &props.on_action) }
                if let Some(status) = status {
                    <p class="sb-status" role="status">{ status }</p>
                }
            </header>
            if let Some(labels) = open.labels.clone() {
                <ConversationLabels key={format!("l{key}")} conversation={open.id.clone()} {labels}
                    defined={props.label_defs.clone()}
                    dispatch={props.dispatch.clone()} />
            }
            <Timeline
                key={format!("t{key}")}
                log={open.log.clone()}
                me={open.me.clone()}
                channel={open.channel}
                deliveries={open.deliveries.clone()}
                language={open.language.clone()}
                on_dismiss={props.on_dismiss.clone()}
            />
            if let Some(typing) = &open.typing {
                <p class="sb-typing" aria-live="polite">{ typing.clone() }</p>
            }
            <Reply key={format!("r{key}")} on_send={props.on_send.clone()} on_typing={props.on_typing.clone()}
                canned={props.canned.clone()} macros={props.macros.clone()} {on_macro} />
            <div class="sb-reply-tools">
                <Attach key={format!("a{key}")} conversation={open.id.clone()} />
                if open.whatsapp {
                    <TemplatePicker key={format!("w{key}")} conversation={open.id.clone()}
                        templates={open.templates.clone()} dispatch={props.dispatch.clone()} />
                }
            </div>
        </section>
    }
}

/// The header's controls for where the conversation stands.
fn actions(open: &OpenView, team: &agents_list::Response, on_action: &Callback<PaneAction>) -> Html {
    let button = |class: &'static str, label: &'static str, action: PaneAction| {
        let onclick = on_action.reform(move |_: MouseEvent| action.clone());
        html! { <button type="button" {class} {onclick}>{ label }</button> }
    };
    let Some((state, _mine)) = open.state else { return Html::default() };
    let closed = matches!(
        state,
        ConversationState::Resolved | ConversationState::Snoozed | ConversationState::Pending
    );
    html! {
        <span class="sb-pane-actions">
            <span class={classes!("sb-state", format!("sb-state--{}", crate::format::state_label(state)))}>
                { crate::format::state_label(state) }
            </span>
            if state == ConversationState::Queued {
                { button("sb-take", "Take", PaneAction::Take) }
            }
            if !closed {
                { transfer_menu(&open.me, team, on_action) }
                { snooze_menu(on_action) }
            }
            if closed {
                { button("sb-reopen", "Reopen", PaneAction::Reopen) }
            } else {
                { button("sb-resolve", "Resolve", PaneAction::Resolve) }
            }
        </span>
    }
}

/// `select.sb-transfer`: other agents and the queues; choosing one transfers at once.
fn transfer_menu(me: &AgentId, team: &agents_list::Response, on_action: &Callback<PaneAction>) -> Html {
    let on_action = on_action.clone();
    let onchange = Callback::from(move |event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        let value = select.value();
        select.set_value("");
        let action = match value.split_once(':') {
            Some(("agent", id)) => AgentId::parse(id).map(PaneAction::TransferToAgent).ok(),
            Some(("queue", id)) => QueueId::parse(id).map(PaneAction::TransferToQueue).ok(),
            _ => None,
        };
        if let Some(action) = action {
            on_action.emit(action);
        }
    });
    html! {
        <select class="sb-transfer" aria-label="Transfer to" {onchange}>
            <option value="" selected=true>{ "Transfer…" }</option>
            <optgroup label="Agents">
                { for team.agents.iter().filter(|a| &a.id != me).map(|a| html! {
                    <option value={format!("agent:{}", a.id)}>{ a.name.clone() }</option>
                }) }
            </optgroup>
            <optgroup label="Queues">
                { for team.queues.iter().map(|q| html! {
                    <option value={format!("queue:{q}")}>{ q.to_string() }</option>
                }) }
            </optgroup>
        </select>
    }
}

/// `select.sb-snooze`: put the conversation aside for a while.
fn snooze_menu(on_action: &Callback<PaneAction>) -> Html {
    let on_action = on_action.clone();
    let onchange = Callback::from(move |event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        let minutes = select.value().parse::<i64>().ok();
        select.set_value("");
        if let Some(minutes) = minutes {
            on_action.emit(PaneAction::Snooze(minutes));
        }
    });
    html! {
        <select class="sb-snooze" aria-label="Snooze" {onchange}>
            <option value="" selected=true>{ "Snooze…" }</option>
            { for SNOOZE_CHOICES.iter().map(|(label, minutes)| html! {
                <option value={minutes.to_string()}>{ *label }</option>
            }) }
        </select>
    }
}
