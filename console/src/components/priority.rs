//! The open conversation's priority, in its header: `select.sb-priority-select` (none, low,
//! medium, high, urgent). A choice is sent at once (`PUT …/priority`); what shows is always
//! the listed summary's priority — the edge's answer, or its push to the inbox when a script
//! or another agent changed it. A refusal is shown beside it.

use switchboard_protocol::inbox::Priority;
use switchboard_protocol::ConversationId;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::effects::{labels, Dispatcher};
use crate::format;

/// Priority properties.
#[derive(Properties, PartialEq)]
pub struct PriorityProps {
    /// The open conversation.
    pub conversation: ConversationId,
    /// Its priority as listed.
    pub priority: Option<Priority>,
    /// Where the edge's answer goes.
    pub dispatch: Dispatcher,
}

/// The priority picker.
#[function_component(ConversationPriority)]
pub fn conversation_priority(props: &PriorityProps) -> Html {
    let error = use_state_eq(|| None::<String>);
    let onchange = {
        let (dispatch, conversation, error) =
            (props.dispatch.clone(), props.conversation.clone(), error.clone());
        move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            let priority = Priority::parse(&value);
            let (dispatch, conversation, error) = (dispatch.clone(), conversation.clone(), error.clone());
            error.set(None);
            spawn_local(async move {
                if let Err(message) = labels::set_priority(dispatch, conversation, priority).await {
                    error.set(Some(message));
                }
            });
        }
    };
    html! {
        <span class="sb-priority-picker">
            <select class="sb-priority-select" aria-label="Priority" {onchange}>
                { priority_options("No priority", props.priority) }
            </select>
            if let Some(message) = (*error).clone() {
                <span class="sb-error" role="alert">{ message }</span>
            }
        </span>
    }
}

/// The options of a priority `<select>`, highest first, after one with no value named
/// `none` (no priority, or any); `selected` is chosen. The picker and the inbox's filter
/// share them.
pub fn priority_options(none: &'static str, selected: Option<Priority>) -> Html {
    html! {
        <>
            <option value="" selected={selected.is_none()}>{ none }</option>
            { for Priority::ALL.iter().rev().map(|priority| html! {
                <option value={priority.as_str()} selected={selected == Some(*priority)}>
                    { format::priority_label(*priority) }
                </option>
            }) }
        </>
    }
}
