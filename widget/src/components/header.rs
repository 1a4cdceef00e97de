//! The panel's header: who the visitor is talking to and whether they are online, the way to
//! the history of conversations (and back), and the close button.

use std::rc::Rc;

use yew::prelude::*;

use super::icon;
use crate::effects::Chat;
use crate::i18n::{t, Strings};
use crate::state::State;

const CLOSE: &str =
    "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z";
const HISTORY: &str = "M13 3a9 9 0 0 0-9 9H1l4 4 4-4H6a7 7 0 1 1 2 4.9l-1.4 1.4A9 9 0 1 0 13 3zm-1 5v5l4.3 2.5.7-1.2-3.5-2.1V8z";
const DOWNLOAD: &str = "M5 20h14v-2H5zm7-2-7-7 1.4-1.4 4.6 4.6V2h2v12.2l4.6-4.6L19 11z";
const BACK: &str = "M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z";

/// Title, subtitle (`p.sb-presence[data-online]` once presence is known),
/// `button.sb-download` (once there are messages), `button.sb-history` (or `button.sb-back`
/// in the history) and `button.sb-close`.
pub(crate) fn header(state: &State, chat: &Rc<Chat>) -> Html {
    let t = t();
    let close = {
        let chat = chat.clone();
        move |_: MouseEvent| chat.request_close()
    };
    let in_history = state.history.is_some();
    let toggle = {
        let chat = chat.clone();
        move |_: MouseEvent| if in_history { chat.hide_history() } else { chat.show_history() }
    };
    let (title, class, label, path) = if in_history {
        (t.history_title, "sb-icon sb-back", t.back, BACK)
    } else {
        (t.chat_title, "sb-icon sb-history", t.past_conversations, HISTORY)
    };
    let subtitle = match &state.presence {
        None => html! { <p class="sb-subtitle">{ t.here_to_help }</p> },
        Some(presence) => {
            let online = presence.online();
            let words = match presence.opens_at {
                _ if online => t.online.to_string(),
                Some(at) if !presence.open => {
                    let when = crate::dom::local_time(
                        at,
                        None,
                        &[("weekday", "short"), ("hour", "2-digit"), ("minute", "2-digit")],
                    );
                    Strings::with_number(t.back_at, when)
                }
                _ => t.away.to_string(),
            };
            html! {
                <p class="sb-subtitle sb-presence" data-online={if online { "true" } else { "false" }}>{ words }</p>
            }
        }
    };
    // Back sits before the title, like every back button; the history button after it.
    let toggle = nav(class, label, path, toggle);
    let (before, after) = if in_history { (toggle, Html::default()) } else { (Html::default(), toggle) };
    let download = if in_history || !state.has_messages() {
        Html::default()
    } else {
        let chat = chat.clone();
        nav("sb-icon sb-download", t.download_transcript, DOWNLOAD, move |_: MouseEvent| {
            chat.download_transcript()
        })
    };
    html! {
        <header class="sb-header">
            { before }
            <div class="sb-heading">
                <h1 class="sb-title">{ title }</h1>
                { subtitle }
            </div>
            { download }
            { after }
            { nav("sb-icon sb-close", t.close, CLOSE, close) }
        </header>
    }
}

fn nav(
    class: &'static str,
    label: &'static str,
    path: &'static str,
    onclick: impl Fn(MouseEvent) + 'static,
) -> Html {
    html! {
        <button type="button" {class} aria-label={label} onclick={Callback::from(onclick)}>{ icon(path) }</button>
    }
}
