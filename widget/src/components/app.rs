//! The root component: owns the [`Chat`] (which owns the state) and the two element refs the
//! panel needs, and lays out the panel from the view functions beside it.
//!
//! A struct component rather than a function component with hooks: the state lives in the
//! chat, so all the component does is render when asked and fix scroll and focus after a
//! render, and hooks would cost the frame's wasm their machinery for no gain.

use std::rc::Rc;

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::composer::composer;
use super::csat::csat;
use super::header::header;
use super::history::history;
use super::messages::{messages, typing_line};
use super::prechat::prechat;
use super::status::status_line;
use crate::dom::now;
use crate::effects::Chat;

/// The whole panel, mounted on the frame's `<body>`.
pub(crate) struct App {
    chat: Rc<Chat>,
    list: NodeRef,
    input: NodeRef,
    /// What the last render showed, to act only on changes.
    shown: Shown,
}

impl Component for App {
    type Message = ();
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        // One Chat for the app's life: it holds the socket and timers, which outlive renders.
        let chat = Chat::new(ctx.link().callback(|()| ()));
        Self { chat, list: NodeRef::default(), input: NodeRef::default(), shown: Shown::default() }
    }

    fn update(&mut self, _: &Context<Self>, _: ()) -> bool {
        true
    }

    fn view(&self, _: &Context<Self>) -> Html {
        let chat = &self.chat;
        let state = chat.state();
        let body = match &state.history {
            Some(list) => history(list, state.has_messages(), chat),
            None => html! {
                <>
                    { messages(&state.log, &self.list, chat) }
                    { typing_line(&state.log, now()) }
                    { if state.log.awaits_rating() { csat(state.csat_score, chat) } else { Html::default() } }
                    { if state.asks_prechat() { prechat(&state, chat) } else { composer(state.can_send(), &self.input, chat) } }
                    if let Some(problem) = &state.upload_error {
                        <p class="sb-upload-error" role="alert">{ problem.clone() }</p>
                    }
                </>
            },
        };
        html! {
            <div class="sb-app">
                { header(&state, chat) }
                { status_line(&state.status) }
                { body }
            </div>
        }
    }

    fn rendered(&mut self, _: &Context<Self>, first_render: bool) {
        if first_render {
            self.chat.start();
        }
        let shown = {
            let state = self.chat.state();
            Shown {
                messages: state.log.messages().count() + state.log.pending().len(),
                typing: !state.log.typing_now(now()).is_empty(),
                open: state.open,
                history: state.history.is_some(),
            }
        };
        if shown == self.shown {
            return;
        }
        // Newest at the bottom, in view: after every change of the log (the typing line takes
        // room from the list too), and on opening (the list may have grown while hidden).
        if let Some(list) = self.list.cast::<Element>() {
            list.set_scroll_top(list.scroll_height());
        }
        // Opening the panel (or coming back from the history) puts the visitor in the
        // message box; the loader focused the frame.
        let back = shown.open && !shown.history && (!self.shown.open || self.shown.history);
        if let (true, Some(input)) = (back, self.input.cast::<HtmlElement>()) {
            let _ = input.focus();
        }
        self.shown = shown;
    }
}

/// What [`App::rendered`] compares between renders.
#[derive(Default, PartialEq)]
struct Shown {
    /// Stored and pending messages.
    messages: usize,
    /// Whether the typing line shows.
    typing: bool,
    /// Whether the panel is open.
    open: bool,
    /// Whether the history shows instead of the conversation.
    history: bool,
}
