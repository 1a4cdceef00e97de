//! The right-hand pane: the open conversation (header, timeline, who is typing, reply box),
//! or a hint to pick one.

use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{AgentId, ClientMessageId, ConversationId};
use yew::prelude::*;

use super::reply::Reply;
use super::timeline::Timeline;
use crate::state::{Link, LogSnapshot};

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
}

/// Pane properties.
#[derive(Properties, PartialEq)]
pub struct PaneProps {
    /// The open conversation, if any.
    pub open: Option<OpenView>,
    /// A reply to send in the open conversation.
    pub on_send: Callback<String>,
    /// A refused reply was dismissed.
    pub on_dismiss: Callback<ClientMessageId>,
    /// The agent started (`true`) or stopped typing a reply.
    pub on_typing: Callback<bool>,
    /// Resolve, reopen or take the open conversation.
    pub on_action: Callback<PaneAction>,
}

/// What the pane's header buttons do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneAction {
    /// Mark it resolved.
    Resolve,
    /// Reopen it.
    Reopen,
    /// Take it from the queue.
    Take,
}

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
        Link::Live => None,
        Link::Connecting => Some("Connecting…"),
        Link::Reconnecting => Some("Reconnecting…"),
    };
    // Keyed by conversation: switching remounts the timeline (fresh scroll position) and the
    // reply box (a draft belongs to the conversation it was written for).
    let key = open.id.to_string();
    html! {
        <section class="sb-pane" aria-label="Conversation">
            <header class="sb-pane-head">
                <h2 class="sb-pane-title">{ open.label.clone() }</h2>
                { actions(open.state, &props.on_action) }
                if let Some(status) = status {
                    <p class="sb-status" role="status">{ status }</p>
                }
            </header>
            <Timeline
                key={format!("t{key}")}
                log={open.log.clone()}
                me={open.me.clone()}
                on_dismiss={props.on_dismiss.clone()}
            />
            if let Some(typing) = &open.typing {
                <p class="sb-typing" aria-live="polite">{ typing.clone() }</p>
            }
            <Reply key={format!("r{key}")} on_send={props.on_send.clone()} on_typing={props.on_typing.clone()} />
        </section>
    }
}

/// The header's buttons for where the conversation stands.
fn actions(state: Option<(ConversationState, bool)>, on_action: &Callback<PaneAction>) -> Html {
    let button = |class: &'static str, label: &'static str, action: PaneAction| {
        let onclick = on_action.reform(move |_: MouseEvent| action);
        html! { <button type="button" {class} {onclick}>{ label }</button> }
    };
    let Some((state, _mine)) = state else { return Html::default() };
    html! {
        <span class="sb-pane-actions">
            <span class={classes!("sb-state", format!("sb-state--{}", crate::format::state_label(state)))}>
                { crate::format::state_label(state) }
            </span>
            if state == ConversationState::Queued {
                { button("sb-take", "Take", PaneAction::Take) }
            }
            if matches!(state, ConversationState::Resolved | ConversationState::Snoozed | ConversationState::Pending) {
                { button("sb-reopen", "Reopen", PaneAction::Reopen) }
            } else {
                { button("sb-resolve", "Resolve", PaneAction::Resolve) }
            }
        </span>
    }
}
