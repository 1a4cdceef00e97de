//! The message box: Enter sends, Shift+Enter starts a new line.

use switchboard_protocol::limits::MAX_MESSAGE_CHARS;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// `form.sb-composer` with `textarea[name=message]` (reachable through `input`, which the app
/// focuses when the panel opens) and `button.sb-send`. `enabled` is false once the chat
/// cannot send (ended, or refused for this site).
pub fn composer(enabled: bool, input: &NodeRef, on_send: &Callback<String>) -> Html {
    // Uncontrolled: the browser owns the text, so a keystroke never waits for a render.
    let submit = {
        let input = input.clone();
        let on_send = on_send.clone();
        move || {
            let Some(input) = input.cast::<HtmlTextAreaElement>() else { return };
            let text = input.value();
            if !text.trim().is_empty() {
                input.set_value("");
                on_send.emit(text);
            }
        }
    };
    let onsubmit = {
        let submit = submit.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            submit();
        })
    };
    let onkeydown = Callback::from(move |event: KeyboardEvent| {
        // Not while an input method is composing: there Enter confirms the composition.
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            submit();
        }
    });
    let disabled = !enabled;
    html! {
        <form class="sb-composer" {onsubmit}>
            <textarea name="message" aria-label="Message" placeholder="Write a message…" rows="1"
                maxlength={MAX_MESSAGE_CHARS.to_string()} enterkeyhint="send" ref={input.clone()}
                {disabled} {onkeydown} />
            <button type="submit" class="sb-send" aria-label="Send" {disabled}>
                <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
                </svg>
            </button>
        </form>
    }
}
