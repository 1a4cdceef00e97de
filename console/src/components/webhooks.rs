//! The settings screen's "Webhooks" section (admins): the site's subscriptions — where each
//! posts, what it receives, whether it is on, and why the edge turned it off when it did —
//! turning one off or on, removing it, opening its delivery log
//! ([`super::webhook_deliveries`]), and adding one. A new subscription's signing secret is
//! shown once, to copy into the receiver that checks `X-Switchboard-Signature` with it.

use std::collections::BTreeSet;

use switchboard_protocol::api::webhooks::{CreateRequest, EventType, UpdateRequest, Webhook};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::copied::copied_status;
use super::form::field;
use super::webhook_deliveries::WebhookDeliveries;
use crate::effects::{clipboard, settings};

/// What receivers are told about the secret, under it.
pub const SHOWN_ONCE: &str = "Copy the signing secret now: it is shown only once. Your receiver \
    uses it to verify the X-Switchboard-Signature header of every delivery (docs/protocol.md, \
    \"Webhooks\").";

/// The events a new subscription starts with: messages, what most receivers want.
fn default_events() -> BTreeSet<EventType> {
    BTreeSet::from([EventType::MessageCreated])
}

/// The webhooks section.
#[function_component(Webhooks)]
pub fn webhooks() -> Html {
    // `None` until the first answer, so "no webhooks yet" is not shown while loading.
    let list = use_state_eq(|| None::<Vec<Webhook>>);
    let open = use_state_eq(|| None::<String>);
    let secret = use_state_eq(|| None::<String>);
    let error = use_state_eq(|| None::<String>);
    // The checkboxes are kept here rather than read from the form: Yew sets `checked` on
    // every render, so an uncontrolled box would jump back to its default.
    let events = use_state_eq(default_events);
    let include_notes = use_state_eq(|| false);
    let url = use_node_ref();
    let reload = {
        let (list, error) = (list.clone(), error.clone());
        move || {
            let (list, error) = (list.clone(), error.clone());
            spawn_local(async move {
                match settings::webhooks().await {
                    Ok(found) => list.set(Some(found)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    use_effect_with((), {
        let reload = reload.clone();
        move |_| reload()
    });
    let onsubmit = {
        let (secret, error, reload) = (secret.clone(), error.clone(), reload.clone());
        let (events, include_notes, url) = (events.clone(), include_notes.clone(), url.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            if events.is_empty() {
                error.set(Some("Choose at least one event.".to_owned()));
                return;
            }
            let request = CreateRequest {
                url: field(&form, "url").trim().to_owned(),
                events: events.iter().copied().collect(),
                include_notes: *include_notes,
            };
            let (secret, error, reload) = (secret.clone(), error.clone(), reload.clone());
            let (events, include_notes, url) = (events.clone(), include_notes.clone(), url.clone());
            spawn_local(async move {
                match settings::create_webhook(request).await {
                    Ok(created) => {
                        secret.set(Some(created.secret));
                        error.set(None);
                        // Not `form.reset()`: it would untick the boxes behind Yew's back.
                        if let Some(input) = url.cast::<web_sys::HtmlInputElement>() {
                            input.set_value("");
                        }
                        events.set(default_events());
                        include_notes.set(false);
                        reload();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let on_notes = {
        let include_notes = include_notes.clone();
        move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            include_notes.set(input.checked());
        }
    };
    let rows = list
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|webhook| row(webhook, open.clone(), error.clone(), reload.clone()));
    html! {
        <div class="sb-webhooks">
            if list.as_ref().is_some_and(Vec::is_empty) {
                <p class="sb-hint sb-webhooks-empty">{ "No webhooks yet." }</p>
            }
            if list.as_ref().is_some_and(|list| !list.is_empty()) {
                <ul class="sb-team sb-webhook-list">{ for rows }</ul>
            }
            <form class="sb-invite-form sb-webhook-form" {onsubmit} aria-label="Add a webhook">
                <input ref={url} name="url" type="url" placeholder="https://example.com/hooks" aria-label="Webhook URL" required=true />
                <fieldset class="sb-key-scope-choice sb-webhook-event-choice">
                    <legend>{ "Events" }</legend>
                    { for EventType::ALL.iter().map(|&event_type| {
                        let onchange = {
                            let events = events.clone();
                            move |event: Event| {
                                let input: web_sys::HtmlInputElement = event.target_unchecked_into();
                                let mut chosen = (*events).clone();
                                if input.checked() { chosen.insert(event_type); } else { chosen.remove(&event_type); }
                                events.set(chosen);
                            }
                        };
                        html! {
                            <label>
                                <input type="checkbox" name={format!("event-{}", event_type.as_str())}
                                    checked={events.contains(&event_type)} {onchange} />
                                { event_type.as_str() }
                            </label>
                        }
                    }) }
                </fieldset>
                <label class="sb-webhook-notes-choice">
                    <input type="checkbox" name="include_notes" checked={*include_notes} onchange={on_notes} />
                    { "Include private notes" }
                </label>
                <button type="submit" class="sb-primary sb-webhook-submit">{ "Add webhook" }</button>
            </form>
            if let Some(secret) = (*secret).clone() {
                <SecretOnce {secret} />
            }
            if let Some(error) = &*error {
                <p class="sb-error" role="alert">{ error.clone() }</p>
            }
        </div>
    }
}

/// `li.sb-webhook`: one subscription, its buttons, and its log when `open` names it.
fn row(
    webhook: &Webhook,
    open: UseStateHandle<Option<String>>,
    error: UseStateHandle<Option<String>>,
    reload: impl Fn() + Clone + 'static,
) -> Html {
    let id = webhook.id.clone();
    let is_open = open.as_deref() == Some(id.as_str());
    let log_id = format!("sb-webhook-log-{id}");
    // Both buttons report a failure in the section's alert, and list the subscriptions anew.
    let toggle = {
        let (id, enabled, error, reload) = (id.clone(), !webhook.enabled, error.clone(), reload.clone());
        move |_: MouseEvent| {
            let request = UpdateRequest { enabled: Some(enabled), ..UpdateRequest::default() };
            let (id, error, reload) = (id.clone(), error.clone(), reload.clone());
            spawn_local(async move {
                match settings::update_webhook(id, request).await {
                    Ok(_) => {
                        error.set(None);
                        reload();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let remove = {
        let (id, open, error) = (id.clone(), open.clone(), error.clone());
        move |_: MouseEvent| {
            let (id, open, error, reload) = (id.clone(), open.clone(), error.clone(), reload.clone());
            spawn_local(async move {
                match settings::remove_webhook(id.clone()).await {
                    Ok(()) => {
                        error.set(None);
                        // Its log went with it.
                        if open.as_deref() == Some(id.as_str()) {
                            open.set(None);
                        }
                        reload();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let show_log = {
        let (open, id) = (open.clone(), id.clone());
        move |_: MouseEvent| open.set(if is_open { None } else { Some(id.clone()) })
    };
    let (state, state_class) =
        if webhook.enabled { ("on", "sb-webhook-state--on") } else { ("off", "sb-webhook-state--off") };
    html! {
        <li key={id.clone()} class="sb-webhook" data-id={id.clone()} data-enabled={webhook.enabled.to_string()}>
            <div class="sb-webhook-head">
                <code class="sb-webhook-url">{ webhook.url.clone() }</code>
                <span class={classes!("sb-badge", "sb-webhook-state", state_class)}>{ state }</span>
                <span class="sb-webhook-actions">
                    <button type="button" class="sb-secondary sb-webhook-toggle" onclick={toggle}>
                        { if webhook.enabled { "Turn off" } else { "Turn on" } }
                    </button>
                    <button type="button" class="sb-secondary sb-webhook-deliveries" onclick={show_log}
                        aria-expanded={is_open.to_string()} aria-controls={is_open.then(|| log_id.clone())}>{ "Deliveries" }</button>
                    <button type="button" class="sb-secondary sb-danger sb-webhook-remove" onclick={remove}>{ "Remove" }</button>
                </span>
            </div>
            <span class="sb-webhook-events">
                { events_label(&webhook.events) }
                if webhook.include_notes { { " · with private notes" } }
                { format!(" · secret {}…", webhook.secret_prefix) }
            </span>
            if let Some(reason) = &webhook.disabled_reason {
                <p class="sb-webhook-warning">{ format!("Turned off by Switchboard: {reason}") }</p>
            }
            if is_open {
                <WebhookDeliveries webhook={id.clone()} id={log_id} />
            }
        </li>
    }
}

/// Secret properties.
#[derive(Properties, PartialEq)]
struct SecretOnceProps {
    secret: String,
}

/// `div.sb-webhook-secret`: a new subscription's signing secret, read-only, with "Copy".
#[function_component(SecretOnce)]
fn secret_once(props: &SecretOnceProps) -> Html {
    let copied = use_state_eq(|| None::<Result<(), String>>);
    let input = use_node_ref();
    let copy = {
        let (secret, copied, input) = (props.secret.clone(), copied.clone(), input.clone());
        move |_: MouseEvent| {
            // Selected too, so that copying by hand is one keystroke if the browser refuses.
            if let Some(input) = input.cast::<web_sys::HtmlInputElement>() {
                input.select();
            }
            let (secret, copied) = (secret.clone(), copied.clone());
            spawn_local(async move {
                let outcome = clipboard::copy(&secret).await;
                copied.set(Some(
                    outcome.map_err(|_| "Could not copy: select the secret and copy it yourself.".to_owned()),
                ));
            });
        }
    };
    html! {
        <div class="sb-invite-link sb-webhook-secret">
            <p class="sb-webhook-secret-note">{ SHOWN_ONCE }</p>
            <div class="sb-reset-link-row">
                <input ref={input} type="text" readonly=true class="sb-invite-url sb-webhook-secret-value"
                    value={props.secret.clone()} aria-label="Signing secret" />
                <button type="button" class="sb-secondary sb-webhook-copy" onclick={copy}>{ "Copy" }</button>
            </div>
            <span class="sb-webhook-copied" role="status">{ copied_status(&copied) }</span>
        </div>
    }
}

/// A subscription's events as its row lists them, in the order the API lists every type.
fn events_label(events: &[EventType]) -> String {
    let chosen: BTreeSet<EventType> = events.iter().copied().collect();
    let names: Vec<&str> = EventType::ALL.iter().filter(|e| chosen.contains(e)).map(|e| e.as_str()).collect();
    if names.is_empty() {
        "no events".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::api::webhooks::EventType;

    use super::{default_events, events_label};

    #[test]
    fn events_are_listed_once_in_the_api_order() {
        let events = [EventType::CsatSubmitted, EventType::MessageCreated, EventType::CsatSubmitted];
        assert_eq!(events_label(&events), "message.created, csat.submitted");
        assert_eq!(events_label(&[]), "no events");
        assert_eq!(default_events().into_iter().collect::<Vec<_>>(), [EventType::MessageCreated]);
    }
}
