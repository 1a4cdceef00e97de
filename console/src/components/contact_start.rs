//! "Start a conversation" on a contact's detail: the channel (chat, or the site's SMS or
//! WhatsApp number, to the contact's phone), the first message — on WhatsApp one of the
//! number's approved templates with a value per slot and a preview instead —, how it is
//! routed (wait for their reply, assign it to me, or a queue of the site's), and "Send". The
//! form's state is [`crate::outbound`]; once the edge started the conversation it says
//! "Started." with a button opening it in the inbox, and the contact's conversation list is
//! read again. A refusal (a contact who never opened the chat or has no phone, a bad routing)
//! is shown as the edge said it.

use std::rc::Rc;

use switchboard_core::channels::whatsapp;
use switchboard_protocol::channels::{Channel, ContactIdentity, Template};
use switchboard_protocol::{AgentId, ConversationId, QueueId};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::channels_draft::{channel_of, channel_value};
use crate::effects::contacts;
use crate::outbound::{self, Outbound, Route, Step, NO_TEMPLATES};
use crate::template_draft::{preview, slot};

/// Start form properties.
#[derive(Properties, PartialEq)]
pub struct ContactStartProps {
    /// Whom to write to (`ctc_…`).
    pub contact: String,
    /// The signed-in agent ("Assign to me").
    pub me: AgentId,
    /// The site's queues.
    pub queues: Rc<Vec<QueueId>>,
    /// The site's contact identities: the SMS and WhatsApp numbers it may write from.
    pub identities: Rc<Vec<ContactIdentity>>,
    /// A conversation was started (its contact's list changed).
    pub on_started: Callback<ConversationId>,
    /// "Open the conversation" was pressed: open it in the inbox.
    pub on_open: Callback<ConversationId>,
}

/// `form.sb-contact-start-form`: `select[name=start-channel]` (when the site has an SMS or
/// WhatsApp number; values `webchat`, `sms`, `whatsapp`), `textarea[name=start-text]`, or on
/// WhatsApp `select[name=start-template]`, `input[data-slot="1"]`… and
/// `[data-start-template-preview]`; `input[name=start-routing]` radios, `button.sb-contact-start-send`.
#[function_component(ContactStart)]
pub fn contact_start(props: &ContactStartProps) -> Html {
    let form = use_reducer_eq(Outbound::default);
    let offered = outbound::channels(&props.identities);
    let channel = form.channel_in(&offered);
    let onsubmit = {
        let (form, contact, me, on_started) =
            (form.clone(), props.contact.clone(), props.me.clone(), props.on_started.clone());
        let identities = props.identities.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            if form.sending() {
                return;
            }
            let step = form.dispatcher();
            let request = match form.request(&contact, &me, &identities) {
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
    let on_channel = {
        let step = form.dispatcher();
        move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            step.dispatch(Step::Channel(channel_of(&select.value()).unwrap_or_default()));
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
                if offered.len() > 1 {
                    { channel_field(&offered, channel, &props.identities, on_channel) }
                }
                if channel == Channel::Whatsapp {
                    { template_fields(&form, outbound::whatsapp_templates(&props.identities), about("template.variables")) }
                } else {
                    <label class="sb-contact-field">
                        <span class="sb-contact-field-label">{ "First message" }</span>
                        <textarea name="start-text" rows="3" required=true value={form.text.clone()}
                            aria-invalid={about("text").then_some("true")} oninput={on_text} />
                    </label>
                }
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

/// The channel picker: chat, then each channel the site has a number on, naming the number
/// the message goes from (the site's first on that channel, as the edge picks it).
fn channel_field(
    offered: &[Channel],
    chosen: Channel,
    identities: &[ContactIdentity],
    onchange: impl Fn(Event) + 'static,
) -> Html {
    let name = |channel: Channel| match identities.iter().find(|identity| identity.channel == channel) {
        Some(identity) => format!("{} from {}", channel.label(), identity.address),
        None => channel.label().to_owned(),
    };
    html! {
        <label class="sb-contact-field">
            <span class="sb-contact-field-label">{ "Channel" }</span>
            <select name="start-channel" class="sb-contact-start-channel" onchange={Callback::from(onchange)}>
                { for offered.iter().map(|&channel| html! {
                    <option value={channel_value(channel)} selected={channel == chosen}>{ name(channel) }</option>
                }) }
            </select>
            if chosen != Channel::Webchat {
                <span class="sb-hint">{ "To the contact's first phone number in international form (+ and the country code)." }</span>
            }
        </label>
    }
}

/// On WhatsApp, the message is one of the number's templates: which one, a value per slot,
/// and the text the contact will get.
fn template_fields(form: &UseReducerHandle<Outbound>, templates: &[Template], invalid: bool) -> Html {
    let Some(template) = form.template(templates) else {
        return html! { <p class="sb-hint sb-contact-start-no-templates" data-start-template-none="">{ NO_TEMPLATES }</p> };
    };
    let values = form.variables(template);
    let on_template = {
        let step = form.dispatcher();
        move |event: Event| {
            step.dispatch(Step::Template(event.target_unchecked_into::<HtmlSelectElement>().value()))
        }
    };
    let input = |n: usize| {
        let step = form.dispatcher();
        let oninput = move |event: InputEvent| {
            step.dispatch(Step::Variable(n, event.target_unchecked_into::<HtmlInputElement>().value()))
        };
        html! {
            <label class="sb-contact-field">
                <span class="sb-contact-field-label">{ format!("Value for {}", slot(n + 1)) }</span>
                <input type="text" name={format!("start-slot-{}", n + 1)} data-slot={(n + 1).to_string()}
                    maxlength={whatsapp::MAX_TEMPLATE_CHARS.to_string()} value={values[n].clone()}
                    aria-invalid={(invalid && values[n].trim().is_empty()).then_some("true")} {oninput} />
            </label>
        }
    };
    html! {
        <>
            <label class="sb-contact-field">
                <span class="sb-contact-field-label">{ "Template (WhatsApp conversations start with an approved one)" }</span>
                <select name="start-template" class="sb-contact-start-template" onchange={on_template}>
                    { for templates.iter().map(|t| html! {
                        <option value={t.name.clone()} selected={t == template}>{ t.name.clone() }</option>
                    }) }
                </select>
            </label>
            { for (0..values.len()).map(input) }
            <p class="sb-contact-field-label" id="sb-start-template-preview-label">{ "Preview" }</p>
            <p class="sb-template-preview" data-start-template-preview="" aria-labelledby="sb-start-template-preview-label">
                { preview(&template.text, &values) }
            </p>
        </>
    }
}
