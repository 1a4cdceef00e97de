//! The conversation: stored messages in `seq` order, then this visitor's pending sends.

use switchboard_core::client_log::{ClientLog, PendingMessage};
use switchboard_protocol::{Author, ClientMessageId, Message};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::text::linkify;

/// `ol.sb-messages` (scrolled by the app through `list`), after a friendly empty state while
/// there is no message yet. `on_dismiss` forgets a refused message.
pub fn messages(log: &ClientLog, list: &NodeRef, on_dismiss: &Callback<ClientMessageId>) -> Html {
    let empty = log.messages().next().is_none() && log.pending().is_empty();
    html! {
        <main class="sb-main">
            if empty {
                <p class="sb-empty">{ "Ask us anything — we usually reply in a few minutes." }</p>
            }
            <ol class="sb-messages" aria-live="polite" ref={list.clone()}>
                { for log.messages().map(stored) }
                { for log.pending().iter().map(|p| pending(p, on_dismiss)) }
            </ol>
        </main>
    }
}

fn stored(message: &Message) -> Html {
    let (role, agent) = match &message.author {
        Author::Visitor { .. } => ("visitor", None),
        Author::Agent { name, .. } => ("agent", Some(name.clone())),
    };
    let (clock, datetime) = clock(message.sent_at);
    html! {
        <li key={format!("s{}", message.seq)}
            class={classes!("sb-message", format!("sb-message--{role}"))}
            data-seq={message.seq.to_string()} data-role={role}>
            if let Some(name) = agent {
                <span class="sb-author">{ name }</span>
            }
            <p class="sb-text">{ linkify(&message.text) }</p>
            <time class="sb-meta" {datetime}>{ clock }</time>
        </li>
    }
}

fn pending(message: &PendingMessage, on_dismiss: &Callback<ClientMessageId>) -> Html {
    let client_id = message.client_id.clone();
    let marker = match &message.refused {
        None => html! { <span class="sb-meta">{ "Sending…" }</span> },
        Some(reason) => {
            let onclick = on_dismiss.reform(move |_: MouseEvent| client_id.clone());
            html! {
                <>
                    <span class="sb-meta sb-refused">{ format!("Not sent: {reason}") }</span>
                    <button type="button" class="sb-dismiss" {onclick}>{ "Dismiss" }</button>
                </>
            }
        }
    };
    html! {
        <li key={format!("p{}", message.client_id)}
            class={classes!(
                "sb-message", "sb-message--visitor", "sb-message--pending",
                message.refused.is_some().then_some("sb-message--refused"),
            )}
            data-client-id={message.client_id.to_string()}>
            <p class="sb-text">{ linkify(&message.text) }</p>
            { marker }
        </li>
    }
}

/// `HH:MM` in the visitor's time zone, and the ISO form for `<time datetime>`; empty for a
/// time JavaScript cannot represent (`toISOString` would throw on it).
fn clock(ms: i64) -> (String, Option<String>) {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    if !date.get_time().is_finite() {
        return (String::new(), None);
    }
    let clock = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
    (clock, date.to_iso_string().as_string())
}
