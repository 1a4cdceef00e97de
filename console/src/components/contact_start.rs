//! "Start a conversation" on a contact's detail: the first message, how it is routed (wait
//! for their reply, assign it to me, or a queue of the site's), and "Send". The form's state
//! is [`crate::outbound`]; once the edge started the conversation it says "Started." with a
//! button opening it in the inbox, and the contact's conversation list is read again. A
//! refusal (a contact who never opened the chat, a bad routing) is shown as the edge said it.

use std::rc::Rc;

use switchboard_protocol::{AgentId, ConversationId, QueueId};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::effects::contacts;
use crate::outbound::{Outbound, Route, Step};

/// Start form properties.
#[derive(Properties, PartialEq)]
pub struct ContactStartProps {
    /// Whom to write to (`ctc_…`).
    pub contact: String,
    /// The signed-in agent ("Assign to me").
    pub me: AgentId,
    /// The site's queues.
    pub queues: Rc<Vec<QueueId>>,
    /// A conversation was started (its contact's list changed).
    pub on_started: Callback<ConversationId>,
    /// "Open the conversation" was pressed: open it in the inbox.
    pub on_open: Callback<ConversationId>,
}

/// The start form.
#[function_component(ContactStart)]
pub fn contact_start(props: &ContactStartProps) -> Html {
    let form = use_reducer_eq(Outbound::default);
    let onsubmit = {
        let (form, contact, me, on_started) =
            (form.clone(), props.contact.clone(), props.me.clone(), props.on_started.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            if form.sending() {
                return;
            }
            let step = form.dispatcher();
            let request = match form.request(&contact, &me) {
                Ok(request) => request,
                Err(error) => return step.dispatch(Step::Failed(error)),
            };
            step.dispatch(Step::Sending);
            let on_started = on_started.clone();
            spawn_local(async move {
                match contacts::start_conversation(request).await {
                    Ok(created) => {
                        step.dispatch(Step::Started(created.conversation_id.clone()));
                        on_started.emit(created.conversation_id);
                    }
                    Err(error) => step.dispatch(Step::Failed(error)),
                }
            });
        }
    };
    let on_text = {
        let step = form.dispatcher();
        move |event: InputEvent| {
            let input: web_sys::HtmlTextAreaElement = event.target_unchecked_into();
            step.dispatch(Step::Text(input.value()));
        }
    };
    let on_queue = {
        let step = form.dispatcher();
        move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            step.dispatch(Step::Queue(QueueId::parse(select.value()).ok()));
        }
    };
    let error = form.error();
    let about = |key: &str| error.is_some_and(|e| e.field.as_deref() == Some(key));
    html! {
        <section class="sb-contact-start" aria-label="Start a conversation">
            <h3 class="sb-contact-subtitle">{ "Start a conversation" }</h3>
            <form class="sb-contact-start-form" {onsubmit} aria-label="First message and routing" novalidate=true>
                <label class="sb-contact-field">
                    <span class="sb-contact-field-label">{ "First message" }</span>
                    <textarea name="start-text" rows="3" required=true value={form.text.clone()}
                        aria-invalid={about("text").then_some("true")} oninput={on_text} />
                </label>
                <fieldset class="sb-contact-start-routing">
                    <legend>{ "Routing" }</legend>
                    { for Route::ALL.into_iter().map(|route| {
                        let onchange = { let step = form.dispatcher(); move |_: Event| step.dispatch(Step::Route(route)) };
                        html! {
                            <label class="sb-contact-start-route">
                                <input type="radio" name="start-routing" value={route.value()}
                                    checked={form.route == route} {onchange} />
                                { route.label() }
                            </label>
                        }
                    }) }
                </fieldset>
                if form.route == Route::ToQueue {
                    { queue_field(&props.queues, form.queue.as_ref(), about("routing.queue"), on_queue) }
                }
                <div class="sb-contact-form-actions">
                    <button type="submit" class="sb-primary sb-contact-start-send" disabled={form.sending()}>
                        { "Send" }
                    </button>
                    if form.sending() {
                        <span class="sb-contact-status" role="status">{ "Sending…" }</span>
                    }
                    if let Some(id) = form.started().cloned() {
                        <span class="sb-contact-status sb-contact-start-done" role="status">{ "Started." }</span>
                        <button type="button" class="sb-contact-start-open" data-id={id.to_string()}
                            onclick={props.on_open.reform(move |_: MouseEvent| id.clone())}>
                            { "Open the conversation" }
                        </button>
                    }
                </div>
                if let Some(error) = error {
                    <p class="sb-error sb-contact-start-error" role="alert">{ error.message.clone() }</p>
                }
            </form>
        </section>
    }
}

/// The queue picker: the site's queues after a "Choose a queue" placeholder.
fn queue_field(
    queues: &[QueueId],
    chosen: Option<&QueueId>,
    invalid: bool,
    onchange: impl Fn(Event) + 'static,
) -> Html {
    if queues.is_empty() {
        return html! { <p class="sb-hint sb-contact-start-no-queues">{ "This site has no queues." }</p> };
    }
    html! {
        <label class="sb-contact-field">
            <span class="sb-contact-field-label">{ "Queue" }</span>
            <select name="start-queue" aria-invalid={invalid.then_some("true")} onchange={Callback::from(onchange)}>
                <option value="" selected={chosen.is_none()}>{ "Choose a queue…" }</option>
                { for queues.iter().map(|queue| html! {
                    <option value={queue.to_string()} selected={chosen == Some(queue)}>{ queue.to_string() }</option>
                }) }
            </select>
        </label>
    }
}
