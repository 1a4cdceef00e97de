//! One webhook's delivery log, opened from its row in the settings' "Webhooks" section: the
//! newest deliveries first — when, which event, pending/delivered/failed, attempts, the last
//! answer's status, latency and the start of its body — with "Redeliver" per delivery (sent
//! again under the same delivery id) and "Refresh". It is read on request, not live: the
//! log changes with every attempt, and nobody watches it for long.

use std::rc::Rc;

use switchboard_protocol::api::webhooks::{Delivery, DeliveryState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::effects::settings;
use crate::format;

/// How many characters of an answer the table shows; the whole excerpt is its tooltip.
const EXCERPT_CHARS: usize = 60;

/// Delivery log properties.
#[derive(Properties, PartialEq)]
pub struct WebhookDeliveriesProps {
    /// The subscription's id.
    pub webhook: String,
    /// The element id its "Deliveries" button controls.
    pub id: String,
}

/// `div.sb-webhook-log`.
#[function_component(WebhookDeliveries)]
pub fn webhook_deliveries(props: &WebhookDeliveriesProps) -> Html {
    // `None` until the first answer, so "nothing yet" is not shown while loading.
    let deliveries = use_state_eq(|| None::<Rc<Vec<Delivery>>>);
    let busy = use_state_eq(|| false);
    let status = use_state_eq(|| None::<String>);
    let error = use_state_eq(|| None::<String>);
    let load = {
        let (webhook, deliveries, busy, error) =
            (props.webhook.clone(), deliveries.clone(), busy.clone(), error.clone());
        move || {
            let (webhook, deliveries, busy, error) =
                (webhook.clone(), deliveries.clone(), busy.clone(), error.clone());
            busy.set(true);
            spawn_local(async move {
                match settings::webhook_deliveries(webhook).await {
                    Ok(found) => {
                        deliveries.set(Some(Rc::new(found)));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    use_effect_with(props.webhook.clone(), {
        let load = load.clone();
        move |_| load()
    });
    let refresh = {
        let (load, status) = (load.clone(), status.clone());
        move |_: MouseEvent| {
            status.set(None);
            load();
        }
    };
    let redeliver = {
        let (webhook, status, error) = (props.webhook.clone(), status.clone(), error.clone());
        Callback::from(move |delivery: String| {
            let (webhook, status, error, load) =
                (webhook.clone(), status.clone(), error.clone(), load.clone());
            spawn_local(async move {
                match settings::redeliver(webhook, delivery).await {
                    Ok(_) => {
                        status.set(Some("Sent again. Refresh to see how it went.".to_owned()));
                        load();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let body = match &*deliveries {
        None if error.is_none() => html! { <p class="sb-hint" aria-busy="true">{ "Loading…" }</p> },
        None => Html::default(),
        Some(list) if list.is_empty() => html! {
            <p class="sb-hint sb-webhook-log-empty">{ "Nothing delivered yet: events show up here as they are sent." }</p>
        },
        Some(list) => html! {
            <table class="sb-audit-table sb-webhook-log-table">
                <caption class="sb-visually-hidden">{ "Deliveries, newest first" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "When" }</th>
                        <th scope="col">{ "Event" }</th>
                        <th scope="col">{ "State" }</th>
                        <th scope="col">{ "Attempts" }</th>
                        <th scope="col">{ "Status" }</th>
                        <th scope="col">{ "Latency" }</th>
                        <th scope="col">{ "Answer" }</th>
                        <th scope="col"><span class="sb-visually-hidden">{ "Actions" }</span></th>
                    </tr>
                </thead>
                <tbody>{ for list.iter().map(|delivery| row(delivery, &redeliver)) }</tbody>
            </table>
        },
    };
    html! {
        <div class="sb-webhook-log" id={props.id.clone()}>
            <div class="sb-audit-actions">
                <button type="button" class="sb-secondary sb-webhook-log-refresh" onclick={refresh} disabled={*busy}>
                    { "Refresh" }
                </button>
                <span class="sb-webhook-log-status" role="status">{ (*status).clone().unwrap_or_default() }</span>
            </div>
            { body }
            if let Some(message) = (*error).clone() {
                <p class="sb-error" role="alert">{ message }</p>
            }
        </div>
    }
}

/// `tr.sb-webhook-delivery`, with the delivery's id and state as data attributes.
fn row(delivery: &Delivery, redeliver: &Callback<String>) -> Html {
    let iso = format::iso_time(delivery.created_at);
    let state = state_label(delivery.state);
    let onclick = redeliver.reform({
        let id = delivery.id.clone();
        move |_: MouseEvent| id.clone()
    });
    let next = match (delivery.state, delivery.next_attempt_at) {
        (DeliveryState::Pending, Some(at)) => format!(", next try {}", format::clock_time(at)),
        _ => String::new(),
    };
    let excerpt = delivery.response_excerpt.clone().unwrap_or_default();
    html! {
        <tr key={delivery.id.clone()} class="sb-webhook-delivery" data-id={delivery.id.clone()} data-state={state}>
            <td class="sb-audit-when">
                <time datetime={iso.clone()} title={iso}>{ format::date_time(delivery.created_at) }</time>
            </td>
            <td><code>{ delivery.event_type.as_str() }</code></td>
            <td>
                <span class={classes!("sb-badge", "sb-webhook-delivery-state", format!("sb-webhook-delivery-state--{state}"))}>
                    { state }
                </span>
                { next }
            </td>
            <td>{ delivery.attempts.to_string() }</td>
            <td>{ optional(delivery.response_status.map(|status| status.to_string())) }</td>
            <td>{ optional(delivery.latency_ms.map(|ms| format!("{ms} ms"))) }</td>
            <td class="sb-webhook-excerpt" title={(!excerpt.is_empty()).then(|| excerpt.clone())}>
                { truncated(&excerpt, EXCERPT_CHARS) }
            </td>
            <td>
                <button type="button" class="sb-secondary sb-webhook-redeliver" {onclick}>{ "Redeliver" }</button>
            </td>
        </tr>
    }
}

/// A delivery's state in a word, as the API names it.
fn state_label(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Pending => "pending",
        DeliveryState::Delivered => "delivered",
        DeliveryState::Failed => "failed",
    }
}

/// A value, or a dash that screen readers hear as "none".
fn optional(value: Option<String>) -> Html {
    match value {
        Some(value) => html! { { value } },
        None => html! {
            <>
                <span aria-hidden="true">{ "–" }</span>
                <span class="sb-visually-hidden">{ "none" }</span>
            </>
        },
    }
}

/// `text` cut to at most `max` characters (counted as characters, never splitting one), with
/// "…" when something was cut.
fn truncated(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::api::webhooks::DeliveryState;

    use super::{state_label, truncated};

    #[test]
    fn long_answers_are_cut_between_characters() {
        assert_eq!(truncated("ok", 5), "ok");
        assert_eq!(truncated("  12345  ", 5), "12345");
        assert_eq!(truncated("123456", 5), "12345…");
        assert_eq!(truncated("ab cdef", 3), "ab…");
        assert_eq!(truncated("ééééé€", 5), "ééééé…");
        assert_eq!(truncated("", 5), "");
    }

    #[test]
    fn states_read_as_the_api_names_them() {
        for state in [DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Failed] {
            let wire = serde_json::to_value(state).unwrap();
            assert_eq!(wire.as_str(), Some(state_label(state)));
        }
    }
}
