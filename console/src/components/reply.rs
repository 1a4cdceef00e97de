//! The reply box: Enter sends, Shift+Enter starts a new line. A "Note" tab turns it into a
//! private note for the team (yellow, never sent to the visitor). Typing `/` and part of a
//! shortcut offers the site's canned responses and macros: arrows choose, Enter or Tab inserts
//! the canned text or runs the macro (the box is emptied).
//!
//! The textarea is uncontrolled and read on send, so what is sent is exactly what the box
//! holds at that moment, whatever events led there (typing, paste, autofill, a test's fill).
//!
//! It also reports typing (replies only: the visitor has no business knowing about notes):
//! `true` on every edit that leaves text in the box, `false` when the box empties, loses focus
//! or its reply is sent. How often that reaches the visitor is the log's decision.

use std::rc::Rc;

use switchboard_core::{canned, macros};
use switchboard_protocol::api::canned_responses::CannedResponse;
use switchboard_protocol::api::macros::Macro;
use switchboard_protocol::limits::MAX_MESSAGE_CHARS;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Reply box properties.
#[derive(Properties, PartialEq)]
pub struct ReplyProps {
    /// Called with the text to send (trimmed, never empty) and whether it is a private note.
    pub on_send: Callback<(String, bool)>,
    /// Called with whether the agent is typing a reply.
    pub on_typing: Callback<bool>,
    /// The site's canned responses.
    pub canned: Rc<Vec<CannedResponse>>,
    /// The site's macros.
    pub macros: Rc<Vec<Macro>>,
    /// Called with the macro chosen after a `/`.
    pub on_macro: Callback<Macro>,
}

/// What a `/…` draft offers.
#[derive(Clone, PartialEq)]
enum Suggestion {
    /// Its text goes into the box.
    Canned(CannedResponse),
    /// It runs.
    Macro(Macro),
}

impl Suggestion {
    fn shortcut(&self) -> &str {
        match self {
            Suggestion::Canned(canned) => &canned.shortcut,
            Suggestion::Macro(item) => &item.shortcut,
        }
    }
}

/// The reply form under the timeline.
#[function_component(Reply)]
pub fn reply(props: &ReplyProps) -> Html {
    let input = use_node_ref();
    let note = use_state_eq(|| false);
    // The draft while it asks for canned responses (`/…`), and the highlighted suggestion.
    let draft = use_state_eq(String::new);
    let chosen = use_state_eq(|| 0usize);
    let suggestions: Vec<Suggestion> = canned::suggestions(&props.canned, &draft)
        .into_iter()
        .map(|c| Suggestion::Canned(c.clone()))
        .chain(macros::suggestions(&props.macros, &draft).into_iter().map(|m| Suggestion::Macro(m.clone())))
        .take(8)
        .collect();

    let typing = {
        let (on_typing, note) = (props.on_typing.clone(), note.clone());
        move |active: bool| {
            if !*note || !active {
                on_typing.emit(active);
            }
        }
    };
    let send = {
        let (input, on_send, note, typing) =
            (input.clone(), props.on_send.clone(), note.clone(), typing.clone());
        move || {
            let Some(area) = input.cast::<HtmlTextAreaElement>() else { return };
            let text = area.value().trim().to_owned();
            if text.is_empty() {
                return;
            }
            on_send.emit((text, *note));
            typing(false);
            area.set_value("");
            // After a click on "Send", typing the next reply should not need another click.
            let _ = area.focus();
        }
    };
    let insert = {
        let (input, draft, typing, on_macro) =
            (input.clone(), draft.clone(), typing.clone(), props.on_macro.clone());
        move |entry: &Suggestion| {
            if let Some(area) = input.cast::<HtmlTextAreaElement>() {
                let text = match entry {
                    Suggestion::Canned(canned) => canned.text.as_str(),
                    Suggestion::Macro(_) => "",
                };
                area.set_value(text);
                let _ = area.focus();
                typing(!text.is_empty());
            }
            draft.set(String::new());
            if let Suggestion::Macro(item) = entry {
                on_macro.emit(item.clone());
            }
        }
    };
    let onsubmit = {
        let send = send.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            send();
        }
    };
    let onkeydown = {
        let (suggestions, chosen, draft, insert) =
            (suggestions.clone(), chosen.clone(), draft.clone(), insert.clone());
        move |event: KeyboardEvent| {
            // While an input method is composing (Japanese, Chinese…), Enter confirms the
            // composition; it must not send a half-typed reply.
            if event.is_composing() {
                return;
            }
            let count = suggestions.len();
            match event.key().as_str() {
                "ArrowDown" | "ArrowUp" if count > 0 => {
                    event.prevent_default();
                    let step = if event.key() == "ArrowDown" { 1 } else { count - 1 };
                    chosen.set((*chosen + step) % count);
                }
                "Enter" | "Tab" if count > 0 && !event.shift_key() => {
                    event.prevent_default();
                    let chosen = &suggestions[(*chosen).min(count - 1)];
                    // Tab completes; only Enter (or a click) runs a macro, which acts at once.
                    if event.key() == "Enter" || matches!(chosen, Suggestion::Canned(_)) {
                        insert(chosen);
                    }
                }
                "Escape" if count > 0 => draft.set(String::new()),
                "Enter" if !event.shift_key() => {
                    event.prevent_default();
                    send();
                }
                _ => {}
            }
        }
    };
    let oninput = {
        let (input, typing, draft, chosen) = (input.clone(), typing.clone(), draft.clone(), chosen.clone());
        move |_: InputEvent| {
            let value = input.cast::<HtmlTextAreaElement>().map(|area| area.value()).unwrap_or_default();
            typing(!value.trim().is_empty());
            draft.set(if value.starts_with('/') { value } else { String::new() });
            chosen.set(0);
        }
    };
    let onblur = props.on_typing.reform(|_: FocusEvent| false);
    let tab = |label: &'static str, is_note: bool| {
        let onclick = {
            let (note, on_typing, input) = (note.clone(), props.on_typing.clone(), input.clone());
            move |_: MouseEvent| {
                if is_note {
                    on_typing.emit(false);
                }
                note.set(is_note);
                if let Some(area) = input.cast::<HtmlTextAreaElement>() {
                    let _ = area.focus();
                }
            }
        };
        let class = classes!("sb-mode", format!("sb-mode--{}", label.to_lowercase()));
        html! {
            <button type="button" role="tab" {class} aria-selected={(*note == is_note).to_string()} {onclick}>
                { label }
            </button>
        }
    };
    let placeholder = if *note {
        "Write a private note for your team… only agents see it"
    } else {
        "Write a reply… (Enter to send, Shift+Enter for a new line, / for canned responses and macros)"
    };
    html! {
        <form class={classes!("sb-reply", note.then_some("sb-reply--note"))} {onsubmit}>
            <div class="sb-modes" role="tablist" aria-label="Reply or note">
                { tab("Reply", false) }
                { tab("Note", true) }
            </div>
            if !suggestions.is_empty() {
                <ul class="sb-canned" role="listbox" aria-label="Canned responses and macros">
                    { for suggestions.iter().enumerate().map(|(i, entry)| {
                        let onmousedown = {
                            let (insert, entry) = (insert.clone(), entry.clone());
                            // mousedown, not click: the textarea keeps focus.
                            move |event: MouseEvent| {
                                event.prevent_default();
                                insert(&entry);
                            }
                        };
                        let (kind, text) = match entry {
                            Suggestion::Canned(canned) => ("canned", canned.text.clone()),
                            Suggestion::Macro(item) => ("macro", format!("Macro: {}", item.name)),
                        };
                        html! {
                            <li key={format!("{kind}/{}", entry.shortcut())} role="option"
                                class={classes!("sb-canned-item", format!("sb-canned-item--{kind}"))}
                                aria-selected={(i == *chosen).to_string()} {onmousedown}>
                                <span class="sb-canned-shortcut">{ format!("/{}", entry.shortcut()) }</span>
                                <span class="sb-canned-text">{ text }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
            <textarea
                ref={input}
                name="reply"
                aria-label={if *note { "Private note" } else { "Reply" }}
                rows="3"
                // UTF-16 units, never more than characters: the edge's limit is always respected.
                maxlength={MAX_MESSAGE_CHARS.to_string()}
                {placeholder}
                {onkeydown}
                {oninput}
                {onblur}
            />
            <button type="submit" class="sb-send">{ if *note { "Add note" } else { "Send" } }</button>
        </form>
    }
}
