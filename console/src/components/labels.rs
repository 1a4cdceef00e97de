//! The open conversation's labels, under its header: a chip for each, with "×" to remove it
//! (named "Remove label vip" for screen readers), and a box to add one (Enter, or "Add
//! label"; the site's own labels are suggested, and wear their colours). Each change sends the whole new list; what is shown is always the listed
//! summary's labels — the edge's answer, or its push to the inbox when a script or another
//! agent changed them — so nothing shows that was not stored. A refusal is shown under it.

use std::rc::Rc;

use switchboard_protocol::api::site_settings::LabelDefinition;
use switchboard_protocol::ConversationId;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::effects::{labels, Dispatcher};
use crate::format::label_color_class;
use crate::state::{with_label, without_label};

/// Labels properties.
#[derive(Properties, PartialEq)]
pub struct LabelsProps {
    /// The open conversation.
    pub conversation: ConversationId,
    /// Its labels, in the order set.
    pub labels: Rc<Vec<String>>,
    /// The site's own labels: suggested in the box, chips in their colours.
    pub defined: Rc<Vec<LabelDefinition>>,
    /// Where the edge's answer goes.
    pub dispatch: Dispatcher,
}

/// The labels bar.
#[function_component(ConversationLabels)]
pub fn conversation_labels(props: &LabelsProps) -> Html {
    let draft = use_state_eq(String::new);
    let error = use_state_eq(|| None::<String>);
    // One change at a time: each is made from the labels listed, which the previous one
    // changes.
    let busy = use_state_eq(|| false);
    let send = {
        let (dispatch, conversation, before) =
            (props.dispatch.clone(), props.conversation.clone(), props.labels.to_vec());
        let (draft, error, busy) = (draft.clone(), error.clone(), busy.clone());
        move |wanted: Vec<String>, clears_draft: bool| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (dispatch, conversation, before) = (dispatch.clone(), conversation.clone(), before.clone());
            let (draft, error, busy) = (draft.clone(), error.clone(), busy.clone());
            spawn_local(async move {
                let result = labels::set(dispatch, conversation, before, wanted).await;
                busy.set(false);
                match result {
                    Ok(()) if clears_draft => draft.set(String::new()),
                    Ok(()) => {}
                    Err(message) => error.set(Some(message)),
                }
            });
        }
    };
    let onsubmit = {
        let (send, draft, error, current) =
            (send.clone(), draft.clone(), error.clone(), props.labels.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            if draft.trim().is_empty() {
                return;
            }
            match with_label(&current, &draft) {
                Ok(Some(labels)) => send(labels, true),
                // Already there: nothing to ask.
                Ok(None) => {
                    draft.set(String::new());
                    error.set(None);
                }
                Err(message) => error.set(Some(message)),
            }
        }
    };
    let oninput = {
        let draft = draft.clone();
        move |event: InputEvent| draft.set(event.target_unchecked_into::<HtmlInputElement>().value())
    };
    let chips = props.labels.iter().map(|label| {
        let onclick = {
            let (send, labels, label) = (send.clone(), props.labels.clone(), label.clone());
            move |_: MouseEvent| send(without_label(&labels, &label), false)
        };
        let name = format!("Remove label {label}");
        html! {
            <li key={label.clone()} class={classes!("sb-label", label_color_class(label, &props.defined))}
                data-label={label.clone()}>
                <span class="sb-label-text">{ label.clone() }</span>
                <button type="button" class="sb-label-remove" aria-label={name.clone()} title={name}
                    disabled={*busy} {onclick}>{ "×" }</button>
            </li>
        }
    });
    html! {
        <section class="sb-labels" aria-label="Labels" aria-busy={busy.to_string()}>
            if !props.labels.is_empty() {
                <ul class="sb-labels-list">{ for chips }</ul>
            }
            <form class="sb-labels-form" aria-label="Add a label" novalidate=true {onsubmit}>
                <input type="text" name="label" class="sb-labels-input" aria-label="New label"
                    placeholder="Add a label" autocomplete="off" list="sb-site-labels" value={(*draft).clone()} {oninput} />
                <datalist id="sb-site-labels">
                    { for props.defined.iter().filter(|d| !props.labels.contains(&d.name)).map(|d| html! {
                        <option value={d.name.clone()}>{ d.description.clone().unwrap_or_default() }</option>
                    }) }
                </datalist>
                <button type="submit" class="sb-labels-add" disabled={*busy}>{ "Add label" }</button>
            </form>
            if let Some(message) = (*error).clone() {
                <p class="sb-error sb-labels-error" role="alert">{ message }</p>
            }
        </section>
    }
}
