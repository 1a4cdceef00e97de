//! The history view: the visitor's conversations, newest first, to reopen one, and a button
//! for a new one.

use std::rc::Rc;

use switchboard_protocol::api::visitor_conversations::VisitorConversation;
use switchboard_protocol::Role;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::effects::Chat;
use crate::i18n::t;
use crate::state::History;

/// `section.sb-history-view`: `button.sb-new-conversation` (only when the current
/// conversation has messages: an empty one is already new), then `ul.sb-history-list` with one
/// `li.sb-history-item[data-conversation-id]` per conversation, or a sentence while loading,
/// when there is none, or when something failed.
pub(crate) fn history(history: &History, has_messages: bool, chat: &Rc<Chat>) -> Html {
    let t = t();
    let new = has_messages.then(|| {
        let chat = chat.clone();
        let onclick = move |_: MouseEvent| chat.new_conversation();
        html! { <button type="button" class="sb-new-conversation" {onclick}>{ t.new_conversation }</button> }
    });
    let list = match &history.conversations {
        None if history.error.is_none() => html! { <p class="sb-empty">{ t.loading }</p> },
        None => Html::default(),
        Some(list) if list.is_empty() => html! { <p class="sb-empty">{ t.no_conversations }</p> },
        Some(list) => html! {
            <ul class="sb-history-list">{ for list.iter().map(|c| item(c, chat)) }</ul>
        },
    };
    html! {
        <section class="sb-history-view" aria-label={t.past_conversations}>
            if let Some(error) = history.error {
                <p class="sb-error" role="alert">{ error }</p>
            }
            { new }
            { list }
        </section>
    }
}

fn item(conversation: &VisitorConversation, chat: &Rc<Chat>) -> Html {
    let t = t();
    let onclick = {
        let chat = chat.clone();
        let session = conversation.session.clone();
        move |_: MouseEvent| chat.open_conversation(session.clone())
    };
    let (who, preview) = match &conversation.last_message {
        Some(last) => (if last.role == Role::Visitor { t.you_prefix } else { "" }, last.text.clone()),
        None => ("", String::new()),
    };
    let (date, datetime) = date(conversation.updated_at);
    // The click is the item's (so a click anywhere on it counts); the button inside makes it
    // reachable by keyboard, and its click bubbles up to the item.
    html! {
        <li key={conversation.session.conversation_id.as_str()} class="sb-history-item"
            data-conversation-id={conversation.session.conversation_id.to_string()} {onclick}>
            <button type="button" class="sb-history-open">
                <span class="sb-history-text">{ who }{ preview }</span>
                <time class="sb-history-date" {datetime}>{ date }</time>
            </button>
        </li>
    }
}

/// The date in the visitor's own locale and format, and the ISO form for `<time datetime>`.
fn date(ms: i64) -> (String, Option<String>) {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    if !date.get_time().is_finite() {
        return (String::new(), None);
    }
    // `toLocaleDateString()` without arguments: the browser's locale and format.
    let local = js_sys::Reflect::get(&date, &"toLocaleDateString".into())
        .ok()
        .and_then(|f| js_sys::Function::from(f).call0(&date).ok())
        .and_then(|text| text.as_string())
        .unwrap_or_default();
    (local, date.to_iso_string().as_string())
}
