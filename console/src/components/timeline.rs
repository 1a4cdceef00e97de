//! The timeline: stored messages in `seq` order, then this agent's pending replies.
//!
//! It follows the newest message while the agent is at the bottom, but leaves them alone
//! while they scroll back through history — except when they send, since they want to see
//! their own reply.

use std::cell::Cell;

use switchboard_core::client_log::PendingMessage;
use switchboard_protocol::{Author, ClientMessageId, Message};
use web_sys::Element;
use yew::prelude::*;

use crate::format::clock_time;
use crate::state::LogSnapshot;

/// Within this many pixels of the end counts as "at the bottom".
const STICKY_PX: i32 = 48;

/// Timeline properties.
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The conversation's log.
    pub log: LogSnapshot,
    /// A refused reply was dismissed.
    pub on_dismiss: Callback<ClientMessageId>,
}

/// The message list.
#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let list = use_node_ref();
    let at_bottom = use_ref(|| Cell::new(true));
    let log = &props.log.0;
    let last_seq = log.last_seq();
    let pending = log.pending().len();
    let last_pending = use_ref(|| Cell::new(0usize));

    {
        let (list, at_bottom, last_pending) = (list.clone(), at_bottom.clone(), last_pending.clone());
        use_effect_with((last_seq, pending), move |&(_, pending)| {
            let sent = pending > last_pending.replace(pending);
            if let Some(list) = list.cast::<Element>().filter(|_| sent || at_bottom.get()) {
                list.set_scroll_top(list.scroll_height());
            }
        });
    }
    let onscroll = {
        let (list, at_bottom) = (list.clone(), at_bottom.clone());
        move |_: Event| {
            if let Some(list) = list.cast::<Element>() {
                let gap = list.scroll_height() - list.scroll_top() - list.client_height();
                at_bottom.set(gap <= STICKY_PX);
            }
        }
    };

    html! {
        <ol class="sb-messages" ref={list} {onscroll}>
            { for log.messages().map(message) }
            { for log.pending().iter().map(|p| pending_item(p, &props.on_dismiss)) }
        </ol>
    }
}

fn message(message: &Message) -> Html {
    let (role, author) = match &message.author {
        Author::Visitor { .. } => ("visitor", None),
        Author::Agent { name, .. } => ("agent", Some(name.clone())),
    };
    html! {
        <li
            key={format!("s{}", message.seq)}
            class={classes!("sb-message", format!("sb-message--{role}"))}
            data-seq={message.seq.to_string()}
            data-role={role}
        >
            <p class="sb-message-text">{ message.text.clone() }</p>
            <span class="sb-message-meta">
                if let Some(author) = author {
                    <span class="sb-message-author">{ author }</span>
                }
                <span class="sb-message-time">{ clock_time(message.sent_at) }</span>
            </span>
        </li>
    }
}

fn pending_item(pending: &PendingMessage, on_dismiss: &Callback<ClientMessageId>) -> Html {
    let dismiss = {
        let (id, on_dismiss) = (pending.client_id.clone(), on_dismiss.clone());
        move |_: MouseEvent| on_dismiss.emit(id.clone())
    };
    let class = classes!(
        "sb-message",
        "sb-message--agent",
        "sb-message--pending",
        pending.refused.is_some().then_some("sb-message--refused"),
    );
    html! {
        <li key={format!("p{}", pending.client_id)} {class} data-client-id={pending.client_id.to_string()}>
            <p class="sb-message-text">{ pending.text.clone() }</p>
            <span class="sb-message-meta">
                if let Some(reason) = &pending.refused {
                    <span class="sb-message-state" role="alert">{ format!("Not sent: {reason}") }</span>
                    <button type="button" class="sb-dismiss" onclick={dismiss}>{ "Dismiss" }</button>
                } else {
                    <span class="sb-message-state">{ "Sending…" }</span>
                }
            </span>
        </li>
    }
}
