//! The reply box: Enter sends, Shift+Enter starts a new line.
//!
//! The textarea is uncontrolled and read on send, so what is sent is exactly what the box
//! holds at that moment, whatever events led there (typing, paste, autofill, a test's fill).
//!
//! It also reports typing: `true` on every edit that leaves text in the box, `false` when the
//! box empties, loses focus or its reply is sent. How often that reaches the visitor is the
//! conversation log's decision, not this component's.

use switchboard_protocol::limits::MAX_MESSAGE_CHARS;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Reply box properties.
#[derive(Properties, PartialEq)]
pub struct ReplyProps {
    /// Called with the text to send (trimmed, never empty).
    pub on_send: Callback<String>,
    /// Called with whether the agent is typing a reply.
    pub on_typing: Callback<bool>,
}

/// The reply form under the timeline.
#[function_component(Reply)]
pub fn reply(props: &ReplyProps) -> Html {
    let input = use_node_ref();
    let send = {
        let (input, on_send, on_typing) = (input.clone(), props.on_send.clone(), props.on_typing.clone());
        move || {
            let Some(area) = input.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let text = area.value().trim().to_owned();
            if text.is_empty() {
                return;
            }
            on_send.emit(text);
            on_typing.emit(false);
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
    let oninput = {
        let (input, on_typing) = (input.clone(), props.on_typing.clone());
        move |_: InputEvent| {
            let typing =
                input.cast::<HtmlTextAreaElement>().is_some_and(|area| !area.value().trim().is_empty());
            on_typing.emit(typing);
        }
    };
    let onblur = props.on_typing.reform(|_: FocusEvent| false);
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
                {oninput}
                {onblur}
            />
            <button type="submit" class="sb-send">{ "Send" }</button>
        </form>
    }
}
