//! The conversation list, newest activity first: view tabs with counts (Mine, Unassigned,
//! All, Bot, Resolved), a queue filter, a priority filter, a search box, and the rows (with
//! their priority, channel and language as tags, `.sb-priority[data-priority]`,
//! `.sb-channel` and `.sb-language[data-language]`, and labels as chips).
//!
//! Each item is a `<li>` holding a full-size `<button>`, so it is reachable with Tab and opens
//! with Enter or Space like any button. The `<li>` also takes programmatic focus
//! (`tabindex=-1`) and opens on Enter itself, for scripts and tests that focus the item.

use std::rc::Rc;

use switchboard_core::inbox_view::{Filter, View};
use switchboard_protocol::api::site_settings::LabelDefinition;
use switchboard_protocol::inbox::Priority;
use switchboard_protocol::{ConversationId, QueueId};
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::format;
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
    /// The current view, queue and search.
    pub filter: Filter,
    /// How many conversations each view holds.
    pub counts: Rc<Vec<(View, usize)>>,
    /// The site's queues (the queue filter shows when there is more than one).
    pub queues: Rc<Vec<QueueId>>,
    /// Another view was chosen.
    pub on_view: Callback<View>,
    /// A queue (or all) was chosen.
    pub on_queue: Callback<Option<QueueId>>,
    /// A priority (or any) was chosen.
    pub on_priority: Callback<Option<Priority>>,
    /// The site's own labels (the label filter, and chips in their colours).
    pub label_defs: Rc<Vec<LabelDefinition>>,
    /// A label (or any) was chosen.
    pub on_label: Callback<Option<String>>,
    /// The search text changed.
    pub on_search: Callback<String>,
}

/// The left column.
#[function_component(Inbox)]
pub fn inbox(props: &InboxProps) -> Html {
    let items = props.rows.iter().map(|row| item(row, &props.on_open, &props.label_defs));
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
            { views(props) }
            <div class="sb-inbox-filters">
                <input type="search" class="sb-search" name="search" placeholder="Search (/)"
                    aria-label="Search conversations" value={props.filter.query.clone()}
                    oninput={props.on_search.reform(|event: InputEvent| {
                        event.target_unchecked_into::<HtmlInputElement>().value()
                    })} />
                if props.queues.len() > 1 {
                    { queue_filter(props) }
                }
                { priority_filter(props) }
                // Shown while one is chosen, even if the site no longer defines labels.
                if !props.label_defs.is_empty() || props.filter.label.is_some() {
                    { label_filter(props) }
                }
            </div>
            <ul class="sb-inbox">{ for items }</ul>
            if props.loaded && props.rows.is_empty() {
                <p class="sb-empty">{ empty_text(&props.filter) }</p>
            }
        </nav>
    }
}

/// What an empty list says: nothing at all yet, or nothing in this view or search.
fn empty_text(filter: &Filter) -> &'static str {
    if !filter.query.trim().is_empty() {
        return "No conversation matches your search.";
    }
    match filter.view {
        View::Mine => "Nothing assigned to you. Accept an offer or take one from Unassigned.",
        View::Unassigned => "Nobody is waiting for an agent.",
        View::All => "No conversations yet. New ones appear here as soon as a visitor writes.",
        View::Bot => "No conversation is with the bot right now.",
        View::Resolved => "No resolved conversations yet.",
    }
}

/// `div.sb-views`: one tab per view, with its count.
fn views(props: &InboxProps) -> Html {
    html! {
        <div class="sb-views" role="tablist" aria-label="Inbox views">
            { for props.counts.iter().map(|&(view, count)| {
                let onclick = props.on_view.reform(move |_: MouseEvent| view);
                let class = classes!("sb-view", format!("sb-view--{}", view.label().to_lowercase()));
                html! {
                    <button type="button" role="tab" {class} aria-selected={(props.filter.view == view).to_string()} {onclick}>
                        { view.label() }
                        <span class="sb-view-count">{ count }</span>
                    </button>
                }
            }) }
        </div>
    }
}

/// `select.sb-queue-filter`: every queue, or one.
fn queue_filter(props: &InboxProps) -> Html {
    let onchange = props.on_queue.reform(|event: Event| {
        let value = event.target_unchecked_into::<HtmlSelectElement>().value();
        QueueId::parse(value).ok()
    });
    let selected = props.filter.queue.as_ref().map(|q| q.to_string()).unwrap_or_default();
    html! {
        <select class="sb-queue-filter" aria-label="Queue" {onchange}>
            <option value="" selected={selected.is_empty()}>{ "All queues" }</option>
            { for props.queues.iter().map(|q| html! {
                <option value={q.to_string()} selected={selected == q.as_str()}>{ q.to_string() }</option>
            }) }
        </select>
    }
}

/// `select.sb-priority-filter`: any priority, or one.
fn priority_filter(props: &InboxProps) -> Html {
    let onchange = props
        .on_priority
        .reform(|event: Event| Priority::parse(&event.target_unchecked_into::<HtmlSelectElement>().value()));
    html! {
        <select class="sb-priority-filter" aria-label="Priority" {onchange}>
            { super::priority::priority_options("Any priority", props.filter.priority) }
        </select>
    }
}

/// `select.sb-label-filter`: any label, or one of the site's.
fn label_filter(props: &InboxProps) -> Html {
    let onchange = props.on_label.reform(|event: Event| {
        Some(event.target_unchecked_into::<HtmlSelectElement>().value()).filter(|label| !label.is_empty())
    });
    let selected = props.filter.label.clone().unwrap_or_default();
    html! {
        <select class="sb-label-filter" aria-label="Label" {onchange}>
            <option value="" selected={selected.is_empty()}>{ "Any label" }</option>
            { for props.label_defs.iter().map(|d| html! {
                <option value={d.name.clone()} selected={selected == d.name}>{ d.name.clone() }</option>
            }) }
        </select>
    }
}

fn item(row: &InboxRow, on_open: &Callback<ConversationId>, label_defs: &[LabelDefinition]) -> Html {
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
        row.cursor.then_some("sb-inbox-item--cursor"),
    );
    html! {
        <li key={row.id.to_string()} {class} data-conversation-id={row.id.to_string()} data-state={row.state}
            tabindex="-1" {onkeydown}>
            <button type="button" class="sb-inbox-open" aria-current={row.active.then_some("true")} {onclick}>
                <span class="sb-inbox-line">
                    <span class="sb-inbox-name">{ row.label.clone() }</span>
                    if let Some(priority) = row.priority {
                        <span class="sb-priority" data-priority={priority.as_str()}>
                            { format::priority_label(priority) }
                        </span>
                    }
                    if let Some(channel) = row.channel {
                        <span class="sb-channel" data-channel={channel}>{ channel }</span>
                    }
                    if let Some(code) = &row.language {
                        <span class="sb-language" data-language={code.clone()} title={format!("Language: {code}")}>
                            { code.to_uppercase() }
                        </span>
                    }
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
                if !row.labels.is_empty() {
                    <span class="sb-inbox-line sb-inbox-labels">
                        <span class="sb-visually-hidden">{ "Labels:" }</span>
                        { for row.labels.iter().map(|label| html! {
                            <span class={classes!("sb-label", "sb-inbox-label", format::label_color_class(label, label_defs))}>
                                { label.clone() }
                            </span>
                        }) }
                    </span>
                }
            </button>
        </li>
    }
}
