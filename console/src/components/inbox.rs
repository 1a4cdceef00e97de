//! The conversation list, newest activity first.
//!
//! Each item is a `<li>` holding a full-size `<button>`, so it is reachable with Tab and opens
//! with Enter or Space like any button. The `<li>` also takes programmatic focus
//! (`tabindex=-1`) and opens on Enter itself, for scripts and tests that focus the item.

use std::rc::Rc;

use switchboard_protocol::ConversationId;
use web_sys::Element;
use yew::prelude::*;

use crate::state::{InboxRow, Link};

/// Inbox properties.
#[derive(Properties, PartialEq)]
pub struct InboxProps {
    /// The rows to show, newest first.
    pub rows: Rc<Vec<InboxRow>>,
    /// Whether the first snapshot arrived (before it, "Loading…" rather than "empty").
    pub loaded: bool,
    /// The inbox socket's health.
    pub link: Link,
    /// A conversation was chosen.
    pub on_open: Callback<ConversationId>,
}

/// The left column.
#[function_component(Inbox)]
pub fn inbox(props: &InboxProps) -> Html {
    let items = props.rows.iter().map(|row| item(row, &props.on_open));
    let status = match (props.loaded, props.link) {
        (_, Link::Reconnecting) => Some("Reconnecting…"),
        (false, _) => Some("Loading conversations…"),
        (true, _) => None,
    };
    html! {
        <nav class="sb-sidebar" aria-label="Conversations">
            <div class="sb-sidebar-head">
                <h2 class="sb-sidebar-title">{ "Inbox" }</h2>
                if let Some(status) = status {
                    <span class="sb-inbox-status" role="status">{ status }</span>
                }
            </div>
            <ul class="sb-inbox">{ for items }</ul>
            if props.loaded && props.rows.is_empty() {
                <p class="sb-empty">{ "No conversations yet. New ones appear here as soon as a visitor writes." }</p>
            }
        </nav>
    }
}

fn item(row: &InboxRow, on_open: &Callback<ConversationId>) -> Html {
    let onclick = {
        let (id, on_open) = (row.id.clone(), on_open.clone());
        move |_: MouseEvent| on_open.emit(id.clone())
    };
    let onkeydown = {
        let (id, on_open) = (row.id.clone(), on_open.clone());
        move |event: KeyboardEvent| {
            // Only when the item itself has focus: on the inner button, Enter already clicks.
            // (Yew delegates events, so `current_target` is not the item; the item is the one
            // element here carrying the conversation id.)
            let on_item = event
                .target_dyn_into::<Element>()
                .is_some_and(|target| target.has_attribute("data-conversation-id"));
            if on_item && event.key() == "Enter" {
                event.prevent_default();
                on_open.emit(id.clone());
            }
        }
    };
    let class = classes!(
        "sb-inbox-item",
        row.active.then_some("sb-inbox-item--active"),
        row.unread.then_some("sb-inbox-item--unread"),
    );
    html! {
        <li key={row.id.to_string()} {class} data-conversation-id={row.id.to_string()} data-state={row.state}
            tabindex="-1" {onkeydown}>
            <button type="button" class="sb-inbox-open" aria-current={row.active.then_some("true")} {onclick}>
                <span class="sb-inbox-line">
                    <span class="sb-inbox-name">{ row.label.clone() }</span>
                    <span class={classes!("sb-state", format!("sb-state--{}", row.state))}>
                        { if row.mine { "yours" } else { row.state } }
                    </span>
                    <span class="sb-inbox-time">{ row.time.clone() }</span>
                </span>
                <span class="sb-inbox-line">
                    <span class="sb-inbox-preview">{ row.preview.clone() }</span>
                    if row.unread {
                        <span class="sb-unread"><span class="sb-visually-hidden">{ "Unread" }</span></span>
                    }
                </span>
            </button>
        </li>
    }
}
