//! The open conversation's macro menu (`select.sb-macros` in its header): choosing one runs it
//! at once (`effects::labels::run_macro`); each option's title says what it does. The reply
//! box offers the same macros for `/shortcut`.

use std::rc::Rc;

use switchboard_protocol::api::macros::Macro;
use switchboard_protocol::ConversationId;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::effects::{labels, Dispatcher};
use switchboard_core::macros::summary;

/// Macro menu properties.
#[derive(Properties, PartialEq)]
pub struct MacroMenuProps {
    /// The conversation they run on.
    pub conversation: ConversationId,
    /// The site's macros.
    pub macros: Rc<Vec<Macro>>,
    /// Where the outcome goes (a notice).
    pub dispatch: Dispatcher,
}

/// Runs `item` on `conversation`.
pub fn run(dispatch: &Dispatcher, conversation: &ConversationId, item: &Macro) {
    let (dispatch, conversation) = (dispatch.clone(), conversation.clone());
    let (shortcut, name) = (item.shortcut.clone(), item.name.clone());
    spawn_local(labels::run_macro(dispatch, conversation, shortcut, name));
}

/// `select.sb-macros`, one `option` a macro (value: its shortcut); nothing without macros.
#[function_component(MacroMenu)]
pub fn macro_menu(props: &MacroMenuProps) -> Html {
    if props.macros.is_empty() {
        return Html::default();
    }
    let onchange = {
        let (macros, conversation, dispatch) =
            (props.macros.clone(), props.conversation.clone(), props.dispatch.clone());
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            let chosen = select.value();
            select.set_value("");
            if let Some(item) = macros.iter().find(|m| m.shortcut == chosen) {
                run(&dispatch, &conversation, item);
            }
        })
    };
    html! {
        <select class="sb-macros" aria-label="Run a macro" {onchange}>
            <option value="" selected=true>{ "Macros…" }</option>
            { for props.macros.iter().map(|item| html! {
                <option value={item.shortcut.clone()} title={summary(item)}>{ item.name.clone() }</option>
            }) }
        </select>
    }
}
