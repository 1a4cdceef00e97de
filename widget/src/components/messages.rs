//! The conversation: stored messages in `seq` order, then this visitor's pending sends, and
//! who is typing.

use std::rc::Rc;

use switchboard_core::client_log::{ClientLog, Delivery, PendingMessage, Status};
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{Author, Card, Message, Seq};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::text::linkify;
use crate::dom::now;
use crate::effects::Chat;
use crate::i18n::{t, Strings};

/// `ol.sb-messages` (scrolled by the app through `list`), after a friendly empty state while
/// there is no message yet.
///
/// The visitor's own stored messages carry `data-delivery` (`sent` or `read`, as the log
/// says), and the last of them says so in words (`span.sb-receipt`), like a messenger does.
pub(crate) fn messages(log: &ClientLog, list: &NodeRef, chat: &Rc<Chat>) -> Html {
    let t = t();
    let empty = log.messages().next().is_none() && log.pending().is_empty();
    let last_own = log.messages().rev().find(|m| matches!(m.author, Author::Visitor { .. })).map(|m| m.seq);
    // Quick replies stay clickable while their message is the last word (and nothing waits
    // to be sent).
    let replies =
        log.messages().next_back().filter(|m| !m.quick_replies.is_empty() && log.pending().is_empty());
    html! {
        <main class="sb-main">
            if empty {
                <p class="sb-empty">{ t.empty }</p>
            }
            <ol class="sb-messages" aria-live="polite" ref={list.clone()}>
                { for log.messages().zip(days(log)).map(|(m, day)| html! { <>{ day }{ stored(m, log, last_own) }</> }) }
                { for log.pending().iter().map(|p| pending(p, chat)) }
            </ol>
            if let Some(message) = replies {
                { quick_replies(message, chat) }
            }
            { queue_line(log) }
        </main>
    }
}

/// For each stored message, what goes before it: before the first of each calendar day (the
/// visitor's) a `li.sb-day` separator, "Today", "Yesterday" or the date in the panel's
/// language; nothing before the others.
fn days(log: &ClientLog) -> impl Iterator<Item = Html> + '_ {
    let today = day_number(now());
    let mut previous = None;
    log.messages().map(move |message| {
        let day = day_number(message.sent_at);
        // (Withheld internal notes are empty and shown as nothing: no day of their own.)
        if previous != Some(day) && !message.text.is_empty() {
            previous = Some(day);
            let label = match today - day {
                0 => t().today.to_string(),
                1 => t().yesterday.to_string(),
                _ => crate::dom::local_time(
                    message.sent_at,
                    None,
                    &[("day", "numeric"), ("month", "long"), ("year", "numeric")],
                ),
            };
            html! { <li class="sb-day" key={format!("d{day}")}><span>{ label }</span></li> }
        } else {
            Html::default()
        }
    })
}

/// The visitor's local calendar day of `ms`, as a day count (only differences matter).
fn day_number(ms: i64) -> i64 {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let local = ms - (date.get_timezone_offset() * 60_000.0) as i64;
    local.div_euclid(86_400_000)
}

/// `div.sb-quick-replies`: one button per answer; a click sends its text.
fn quick_replies(message: &Message, chat: &Rc<Chat>) -> Html {
    let t = t();
    html! {
        <div class="sb-quick-replies" role="group" aria-label={t.suggested}>
            { for message.quick_replies.iter().map(|reply| {
                let (chat, text) = (chat.clone(), reply.clone());
                let onclick = move |_: MouseEvent| chat.send(text.clone());
                html! { <button type="button" class="sb-quick-reply" {onclick}>{ reply.clone() }</button> }
            }) }
        </div>
    }
}

/// `p.sb-queue`: the visitor's place in line while waiting for an agent.
fn queue_line(log: &ClientLog) -> Html {
    let Some(Status { state: ConversationState::Queued, position: Some(position), wait_ms }) = log.status()
    else {
        return Html::default();
    };
    let minutes = wait_ms.map(|ms| (ms + 59_999) / 60_000).unwrap_or(0).max(1);
    let t = t();
    let wait = if minutes == 1 { t.wait_one.to_string() } else { Strings::with_number(t.wait_many, minutes) };
    let place = if position == 1 {
        t.next_in_line.to_string()
    } else {
        Strings::with_number(t.number_in_line, position)
    };
    html! { <p class="sb-queue" role="status">{ place }{ " — " }{ wait }{ "." }</p> }
}

fn stored(message: &Message, log: &ClientLog, last_own: Option<Seq>) -> Html {
    let (role, agent, delivery) = match &message.author {
        Author::Visitor { .. } => {
            let read = log.delivery(message.seq) == Delivery::Read;
            ("visitor", None, Some(if read { "read" } else { "sent" }))
        }
        Author::Agent { name, id } => ("agent", Some((name.clone(), id.as_str())), None),
        Author::Bot { name } => ("bot", Some((name.clone(), name.as_str())), None),
        Author::System if message.text.is_empty() => return Html::default(),
        Author::System => {
            return html! {
                <li key={message.seq.0} class="sb-event" data-seq={message.seq.to_string()} data-role="system">
                    { message.text.clone() }
                </li>
            };
        }
    };
    let receipt = match delivery {
        Some(delivery) if last_own == Some(message.seq) => {
            html! { <span class="sb-receipt">{ if delivery == "read" { t().read } else { t().sent } }</span> }
        }
        _ => Html::default(),
    };
    let (clock, datetime) = clock(message.sent_at);
    html! {
        <li key={message.seq.0}
            class={classes!("sb-message", if agent.is_some() { "sb-message--agent" } else { "sb-message--visitor" })}
            data-seq={message.seq.to_string()} data-role={role} data-delivery={delivery}>
            if let Some((name, key)) = agent {
                <span class="sb-author">{ avatar(&name, key) }{ name }</span>
            }
            if let Some(file) = &message.attachment {
                // A file: images previewed; every file a link (the edge serves non-images as
                // downloads).
                <a class="sb-file" href={file.url.clone()} target="_blank" rel="noopener noreferrer">
                    if file.is_image() {
                        <img src={file.url.clone()} alt={file.name.clone()} />
                    }
                    { file.name.clone() }
                </a>
            } else {
                <p class="sb-text">{ linkify(&message.text) }</p>
            }
            if !message.cards.is_empty() {
                <ul class="sb-cards">{ for message.cards.iter().map(card) }</ul>
            }
            <time class="sb-meta" {datetime}>{ clock }</time>
            { receipt }
        </li>
    }
}

/// `li.sb-card`: a bot's card, its button a link to a web page (checked again here).
fn card(card: &Card) -> Html {
    html! {
        <li class="sb-card">
            <strong class="sb-card-title">{ card.title.clone() }</strong>
            if let Some(text) = &card.text {
                <p class="sb-card-text">{ text.clone() }</p>
            }
            if let Some(link) = card.link.as_ref().filter(|link| link.is_web()) {
                <a class="sb-card-link" href={link.url.clone()} target="_blank" rel="noopener noreferrer">{ link.label.clone() }</a>
            }
        </li>
    }
}

/// `span.sb-avatar`: the author's initials (drawn by CSS from `data-initials`, so they stay
/// out of the text of the conversation) on their colour (`core::avatar`), or the agent's
/// photo, which the site's theme stylesheet puts on `data-author` (their id).
fn avatar(name: &str, key: &str) -> Html {
    let class = format!("sb-avatar sb-avatar--{}", switchboard_core::avatar::colour(key));
    let initials = switchboard_core::avatar::initials(name);
    html! { <span {class} data-initials={initials} data-author={key.to_owned()} aria-hidden="true"></span> }
}

fn pending(message: &PendingMessage, chat: &Rc<Chat>) -> Html {
    let marker = match &message.refused {
        None => html! { <span class="sb-meta">{ t().sending }</span> },
        Some(reason) => {
            let chat = chat.clone();
            let client_id = message.client_id.clone();
            let onclick = move |_: MouseEvent| chat.dismiss(client_id.clone());
            html! {
                <>
                    <span class="sb-meta sb-refused">{ t().not_sent }{ reason.clone() }</span>
                    <button type="button" class="sb-dismiss" {onclick}>{ t().dismiss }</button>
                </>
            }
        }
    };
    html! {
        <li key={["p", message.client_id.as_str()].concat()}
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

/// `p.sb-typing`: who of the others is typing at `now`; nothing when nobody is.
pub(crate) fn typing_line(log: &ClientLog, now: i64) -> Html {
    let names: Vec<&str> = log
        .typing_now(now)
        .into_iter()
        .map(|author| match author {
            Author::Agent { name, .. } | Author::Bot { name } => name.as_str(),
            Author::Visitor { .. } | Author::System => t().someone,
        })
        .collect();
    if names.is_empty() {
        return Html::default();
    }
    let verb = if names.len() == 1 { t().is_typing } else { t().are_typing };
    html! { <p class="sb-typing" aria-live="polite">{ names.join(t().and) }{ verb }</p> }
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
