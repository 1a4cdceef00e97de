//! The root component: owns the state, the [`Chat`] that feeds it, and the few hooks (node
//! refs, effects) the views need; lays out the panel from the view functions beside it.

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::composer::composer;
use super::header::header;
use super::messages::messages;
use super::status::status_line;
use crate::net::Chat;
use crate::state::State;

/// The whole panel, mounted on the frame's `<body>`.
#[function_component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    // One Chat for the app's life: it holds the socket and timers, which must outlive renders.
    let chat = use_memo((), {
        let state = state.clone();
        move |_| Chat::new(state)
    });
    {
        let chat = chat.clone();
        use_effect_with((), move |_| chat.start());
    }
    let list = use_node_ref();
    {
        // Newest at the bottom, in view: after every change of the log, and on opening (the
        // list may have grown while hidden).
        let list = list.clone();
        use_effect_with((state.log.clone(), state.open), move |_| {
            if let Some(list) = list.cast::<Element>() {
                list.set_scroll_top(list.scroll_height());
            }
        });
    }
    let input = use_node_ref();
    {
        // Opening the panel puts the visitor in the message box (the loader focused the frame).
        let input = input.clone();
        use_effect_with(state.open, move |open| {
            if let (true, Some(input)) = (*open, input.cast::<HtmlElement>()) {
                let _ = input.focus();
            }
        });
    }

    let on_close = {
        let chat = chat.clone();
        Callback::from(move |_| chat.request_close())
    };
    let on_send = {
        let chat = chat.clone();
        Callback::from(move |text| chat.send(text))
    };
    let on_dismiss = Callback::from(move |client_id| chat.dismiss(client_id));

    html! {
        <div class="sb-app">
            { header(&on_close) }
            { status_line(&state.status) }
            { messages(&state.log, &list, &on_dismiss) }
            { composer(state.can_send(), &input, &on_send) }
        </div>
    }
}
