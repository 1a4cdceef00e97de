//! The timeline: stored messages in `seq` order, then this agent's pending replies.
//!
//! The agent's own stored replies carry `data-delivery="sent"` or `"read"` (from the log's
//! [`ClientLog::delivery`](switchboard_core::client_log::ClientLog::delivery)); the newest of
//! them also says so in words, "Sent" or "Seen", like any chat app.
//!
//! On SMS, WhatsApp and Messenger the provider's word replaces that wherever it is known:
//! every team message (agent or bot, not private notes) with a status carries
//! `data-provider-delivery="queued|sent|delivered|read|failed"` and says it after its time
//! ("Sending", "Sent", "Delivered", "Read", "Not delivered"). A customer message in another
//! language than the conversation's carries a small tag (`data-message-language`).
//!
//! It follows the newest message while the agent is at the bottom, but leaves them alone
//! while they scroll back through history — except when they send, since they want to see
//! their own reply.

use std::cell::Cell;

use std::rc::Rc;
use switchboard_core::client_log::{Delivery, PendingMessage};
use switchboard_protocol::attachment::Attachment;

use switchboard_protocol::channels::{Channel, DeliveryStatus};
use switchboard_protocol::{AgentId, Author, Card, ClientMessageId, Message};
use web_sys::Element;
use yew::prelude::*;

use crate::format::{clock_time, message_language};
use crate::state::{receipt_attr, receipt_words, LogSnapshot, ProviderDeliveries};

/// Within this many pixels of the end counts as "at the bottom".
const STICKY_PX: i32 = 48;

/// Timeline properties.
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The conversation's log.
    pub log: LogSnapshot,
    /// The signed-in agent: their messages show how far they got.
    pub me: AgentId,
    /// Where the customer writes from: on a provider's channel, the provider's statuses show.
    pub channel: Channel,
    /// The provider's delivery statuses, by message.
    pub deliveries: Rc<ProviderDeliveries>,
    /// The conversation's language (`de`), when detected: only customer messages in another
    /// one carry a language tag, so the common case adds nothing to read.
    pub language: Option<String>,
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

    let mine = |m: &Message| m.author.id_str() == props.me.as_str();
    let last_mine = log.messages().rev().find(|m| mine(m)).map(|m| m.seq);
    let item = |m: &Message| {
        let provider = props.deliveries.shown_on(props.channel, m);
        // The provider's status, where known, is the one that counts off webchat.
        let receipt = (mine(m) && provider.is_none())
            .then(|| Receipt { delivery: log.delivery(m.seq), last: Some(m.seq) == last_mine });
        let language = message_language(m, props.language.as_deref());
        let channel = (!props.channel.is_webchat()).then(|| props.channel.label());
        message(m, Marks { receipt, provider, language, channel })
    };
    html! {
        <ol class="sb-messages" ref={list} {onscroll}>
            { for log.messages().map(item) }
            { for log.pending().iter().map(|p| pending_item(p, &props.on_dismiss)) }
        </ol>
    }
}

/// What a message's meta line says besides its author and time.
struct Marks<'a> {
    /// Webchat's receipt on the agent's own messages.
    receipt: Option<Receipt>,
    /// The provider's status of a team message on SMS, WhatsApp or Messenger.
    provider: Option<DeliveryStatus>,
    /// A customer message's language, when it is not the conversation's.
    language: Option<&'a str>,
    /// The channel every message of a conversation off webchat travels ("SMS").
    channel: Option<&'static str>,
}

/// How far one of the agent's own stored messages got, and whether to say it in words.
struct Receipt {
    delivery: Delivery,
    /// It is the agent's newest message: the only one that says "Sent" or "Seen".
    last: bool,
}

fn message(message: &Message, marks: Marks) -> Html {
    let Marks { receipt, provider, language, channel } = marks;
    let (role, author) = match &message.author {
        Author::Visitor { .. } => ("visitor", None),
        Author::Agent { name, .. } => ("agent", Some(name.clone())),
        Author::Bot { name } => ("bot", Some(name.clone())),
        Author::System => {
            // Routing events: centred notes in the timeline ("Ada joined the conversation").
            return html! {
                <li key={format!("s{}", message.seq)} class="sb-event" data-seq={message.seq.to_string()}
                    data-role="system">
                    { message.text.clone() }
                    <span class="sb-message-time">{ clock_time(message.sent_at) }</span>
                </li>
            };
        }
    };
    // A private note: marked as one, and without receipts (the visitor never sees it).
    let (role, receipt) = if message.internal { ("note", None) } else { (role, receipt) };
    let read = receipt.as_ref().map(|r| r.delivery == Delivery::Read);
    let words =
        receipt.filter(|r| r.last).map(|r| if r.delivery == Delivery::Read { "Seen" } else { "Sent" });
    html! {
        <li
            key={format!("s{}", message.seq)}
            class={classes!("sb-message", format!("sb-message--{role}"))}
            data-seq={message.seq.to_string()}
            data-role={role}
            data-delivery={read.map(|read| if read { "read" } else { "sent" })}
            data-provider-delivery={provider.map(receipt_attr)}
            data-channel={channel}
        >
            if message.internal {
                <span class="sb-note-label">{ "Private note" }</span>
            }
            if let Some(file) = &message.attachment {
                { attachment(file) }
            } else {
                <p class="sb-message-text">{ message.text.clone() }</p>
            }
            if !message.cards.is_empty() {
                <ul class="sb-cards">{ for message.cards.iter().map(card) }</ul>
            }
            // An email reply shows its new words; the whole email is a click away.
            if let Some(original) = &message.original {
                <details class="sb-original">
                    <summary>{ "Show the whole email" }</summary>
                    <pre class="sb-original-text">{ original.clone() }</pre>
                </details>
            }
            <span class="sb-message-meta">
                if let Some(author) = author {
                    <span class="sb-message-author">{ author }</span>
                }
                <span class="sb-message-time">{ clock_time(message.sent_at) }</span>
                // The customer's words say where they came from; the team's say it by their ticks.
                if let (Some(channel), "visitor") = (channel, role) {
                    <span class="sb-message-channel">{ format!("via {channel}") }</span>
                }
                if let Some(words) = words {
                    <span class="sb-receipt">{ words }</span>
                }
                if let Some(status) = provider {
                    { provider_receipt(status) }
                }
                if let Some(code) = language {
                    <span class="sb-message-language" data-message-language={code.to_owned()}
                        title={format!("Language: {code}")}>{ code.to_uppercase() }</span>
                }
            </span>
        </li>
    }
}

/// The provider's status in words (the ticks are drawn by the stylesheet, hidden from screen
/// readers: the words are what is read). `failed` is styled as the error it is.
fn provider_receipt(status: DeliveryStatus) -> Html {
    let failed = status == DeliveryStatus::Failed;
    let class = classes!("sb-provider-receipt", failed.then_some("sb-provider-receipt--failed"));
    html! {
        <span {class} data-status={receipt_attr(status)}>{ receipt_words(status) }</span>
    }
}

/// A file in the timeline: images previewed, every file a link (opened in a new tab; the
/// edge serves non-images as downloads).
fn attachment(file: &Attachment) -> Html {
    let size = if file.size >= 1024 * 1024 {
        format!("{:.1} MB", file.size as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", file.size.div_ceil(1024))
    };
    html! {
        <a class="sb-attachment" href={file.url.clone()} target="_blank" rel="noopener noreferrer">
            if file.is_image() {
                <img class="sb-attachment-preview" src={file.url.clone()} alt={file.name.clone()} />
            }
            <span class="sb-attachment-name">{ format!("{} ({size})", file.name) }</span>
        </a>
    }
}

/// A bot's card as the visitor saw it: title, words, and where its button leads.
fn card(card: &Card) -> Html {
    html! {
        <li class="sb-card">
            <strong>{ card.title.clone() }</strong>
            if let Some(text) = &card.text {
                <span>{ format!(" — {text}") }</span>
            }
            if let Some(link) = card.link.as_ref().filter(|link| link.is_web()) {
                <a href={link.url.clone()} target="_blank" rel="noopener noreferrer">{ format!(" [{}]", link.label) }</a>
            }
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
        pending.internal.then_some("sb-message--note"),
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
