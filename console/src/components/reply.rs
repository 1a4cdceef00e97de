//! The reply box: Enter sends, Shift+Enter starts a new line.
//!
//! The textarea is uncontrolled and read on send, so what is sent is exactly what the box
//! holds at that moment, whatever events led there (typing, paste, autofill, a test's fill).

use switchboard_protocol::limits::MAX_MESSAGE_CHARS;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Reply box properties.
#[derive(Properties, PartialEq)]
pub struct ReplyProps {
    /// Called with the text to send (trimmed, never empty).
    pub on_send: Callback<String>,
}

/// The reply form under the timeline.
#[function_component(Reply)]
pub fn reply(props: &ReplyProps) -> Html {
    let input = use_node_ref();
    let send = {
        let (input, on_send) = (input.clone(), props.on_send.clone());
        move || {
            let Some(area) = input.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let text = area.value().trim().to_owned();
            if text.is_empty() {
                return;
            }
            on_send.emit(text);
            area.set_value("");
            // After a click on "Send", typing the next reply should not need another click.
            let _ = area.focus();
        }
    };
    let onsubmit = {
        let send = send.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            send();
        }
    };
    let onkeydown = move |event: KeyboardEvent| {
        // While an input method is composing (Japanese, Chinese…), Enter confirms the
        // composition; it must not send a half-typed reply.
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            send();
        }
    };
    html! {
        <form class="sb-reply" {onsubmit}>
            <textarea
                ref={input}
                name="reply"
                aria-label="Reply"
                rows="3"
                // UTF-16 units, never more than characters: the edge's limit is always respected.
                maxlength={MAX_MESSAGE_CHARS.to_string()}
                placeholder="Write a reply… (Enter to send, Shift+Enter for a new line)"
                {onkeydown}
            />
            <button type="submit" class="sb-send">{ "Send" }</button>
        </form>
    }
}
