//! The message box: Enter sends, Shift+Enter starts a new line; typing is reported.

use std::rc::Rc;

use switchboard_protocol::attachment::ATTACHMENT_TYPES;
use switchboard_protocol::limits::MAX_MESSAGE_CHARS;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::icon;
use crate::effects::Chat;
use crate::i18n::t;

const SEND: &str = "M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z";
const CLIP: &str = "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z";

/// `form.sb-composer` with `textarea[name=message]` (reachable through `input`, which the app
/// focuses when the panel opens) and `button.sb-send`. `enabled` is false once the chat
/// cannot send (ended, or refused for this site). Every keystroke tells the chat whether the
/// visitor is typing; emptying the box or leaving it says they stopped.
pub(crate) fn composer(enabled: bool, input: &NodeRef, chat: &Rc<Chat>) -> Html {
    let t = t();
    // Uncontrolled: the browser owns the text, so a keystroke never waits for a render.
    let text = {
        let input = input.clone();
        move || input.cast::<HtmlTextAreaElement>()
    };
    let submit = {
        let (text, chat) = (text.clone(), chat.clone());
        move || {
            let Some(input) = text() else { return };
            let value = input.value();
            if !value.trim().is_empty() {
                input.set_value("");
                chat.send(value);
            }
        }
    };
    let onsubmit = {
        let submit = submit.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            submit();
        }
    };
    let onkeydown = move |event: KeyboardEvent| {
        // Not while an input method is composing: there Enter confirms the composition.
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            submit();
        }
    };
    let oninput = {
        let chat = chat.clone();
        move |_: InputEvent| chat.typing(text().is_some_and(|input| !input.value().is_empty()))
    };
    let onblur = {
        let chat = chat.clone();
        move |_: FocusEvent| chat.typing(false)
    };
    let disabled = !enabled;
    let onchange = {
        let chat = chat.clone();
        move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                input.set_value("");
                chat.attach(file);
            }
        }
    };
    html! {
        <form class="sb-composer" {onsubmit}>
            <label class="sb-attach">
                { icon(CLIP) }
                <input type="file" class="sb-attach-input" aria-label={t.attach} accept={ATTACHMENT_TYPES.join(",")}
                    {disabled} {onchange} />
            </label>
            <textarea name="message" aria-label={t.message_label} placeholder={t.placeholder} rows="1"
                maxlength={MAX_MESSAGE_CHARS.to_string()} enterkeyhint="send" ref={input.clone()}
                {disabled} {onkeydown} {oninput} {onblur} />
            <button type="submit" class="sb-send" aria-label={t.send} {disabled}>{ icon(SEND) }</button>
        </form>
    }
}
