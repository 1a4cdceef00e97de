//! One contact identity's editor, inside Settings → Channels: its channel and address, for a
//! Messenger page its access token (a password input; left empty, the stored token is kept),
//! for an email address how long a chat reply may stay unread before it is emailed, its
//! message handler (the site's flow, or straight to one of the site's queues, and the reopen
//! window), and for WhatsApp its approved templates. Every input is controlled by
//! [`crate::channels_draft`]; this only turns events into [`Edit`]s.

use std::rc::Rc;

use switchboard_protocol::channels::{Channel, HandlerStart, MAX_REOPEN_MINUTES, MAX_TEMPLATES};
use switchboard_protocol::QueueId;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::channels_draft::{
    channel_of, channel_value, ChannelError, Edit, IdentityDraft, TemplateRow, CHANNELS,
    DEFAULT_CONTINUITY_MINUTES, MAX_CONTINUITY_MINUTES,
};

/// Editor properties.
#[derive(Properties, PartialEq)]
pub struct ChannelEditorProps {
    /// The identity's place in the list.
    pub index: usize,
    /// The identity, as typed.
    pub draft: IdentityDraft,
    /// The last save's error, when it is about this identity.
    pub error: Option<ChannelError>,
    /// The site's queues.
    pub queues: Rc<Vec<QueueId>>,
    /// Shown, not editable (agents).
    pub disabled: bool,
    /// An input changed.
    pub on_edit: Callback<Edit>,
    /// "Done": the editor closes (the list is saved with "Save channels").
    pub on_done: Callback<()>,
}

/// `[data-channel-editor]`: `select[name=channel]`, `input[name=address]`,
/// `input[name=access_token]` and `input[name=human_agent]` (Messenger),
/// `input[name=continuity_minutes]` (Email), `input[name=handler_start]` radios (`flow`,
/// `queue`), `select[name=handler_queue]`, `input[name=reopen_within_minutes]`, and on
/// WhatsApp `[data-channel-template="0"]` rows (`template_name`, `template_text`,
/// `template_content_sid`, `button[data-channel-template-remove]`) with
/// `button[data-channel-template-add]`; `button[data-channel-done]`.
#[function_component(ChannelEditor)]
pub fn channel_editor(props: &ChannelEditorProps) -> Html {
    let draft = &props.draft;
    let invalid =
        |field: &str| props.error.as_ref().is_some_and(|e| e.about(props.index, field)).then_some("true");
    let edit = |make: fn(String) -> Edit| {
        props.on_edit.reform(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            make(input.value())
        })
    };
    let on_human_agent = props.on_edit.reform(|event: Event| {
        let input: HtmlInputElement = event.target_unchecked_into();
        Edit::HumanAgent(input.checked())
    });
    let on_channel = props.on_edit.reform(|event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        Edit::Channel(channel_of(&select.value()).unwrap_or(Channel::Sms))
    });
    let on_queue = props.on_edit.reform(|event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        Edit::Queue(QueueId::parse(select.value()).ok())
    });
    let start = |value: &'static str, label: &'static str, start: HandlerStart| {
        let onchange = props.on_edit.reform(move |_: Event| Edit::Start(start));
        html! {
            <label class="sb-field sb-field--inline">
                <input type="radio" name="handler_start" {value} checked={draft.start == start} {onchange} />
                <span>{ label }</span>
            </label>
        }
    };
    let (address_label, placeholder, kind) = match draft.channel {
        Channel::Messenger => ("Facebook page id (digits)", "1234567890", "text"),
        Channel::Email => (
            "Email address (the support inbox, and the address the site's emails come from)",
            "support@shop.example",
            "email",
        ),
        _ => ("Phone number, in international form (+ and the country code)", "+15550100", "text"),
    };
    html! {
        <fieldset class="sb-interceptors sb-channel-editor" data-channel-editor="" disabled={props.disabled}>
            <legend>{ format!("{} {}", draft.channel.label(), draft.address) }</legend>
            <label class="sb-field">
                <span class="sb-field-label">{ "Channel" }</span>
                <select name="channel" class="sb-channel-kind" onchange={on_channel}>
                    { for CHANNELS.iter().chain(std::iter::once(&draft.channel).filter(|c| !CHANNELS.contains(c)))
                        .map(|&channel| html! {
                            <option value={channel_value(channel)} selected={draft.channel == channel}>{ channel.label() }</option>
                        }) }
                </select>
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ address_label }</span>
                <input type={kind} name="address" class="sb-channel-address-input" {placeholder} spellcheck="false"
                    autocomplete="off" value={draft.address.clone()} aria-invalid={invalid("address")}
                    oninput={edit(Edit::Address)} />
            </label>
            if draft.channel == Channel::Messenger {
                { token_field(draft, invalid("access_token"), edit(Edit::Token)) }
                <label class="sb-field sb-field--inline">
                    <input type="checkbox" name="human_agent" checked={draft.human_agent}
                        aria-describedby="sb-channel-human-agent-hint" onchange={on_human_agent} />
                    <span class="sb-field-label">{ "The page has Meta's Human Agent feature" }</span>
                </label>
                <p id="sb-channel-human-agent-hint" class="sb-hint sb-field-hint">
                    { "Agents (not the bot) may then answer for 7 days after the customer's last message, \
                       not only 24 hours; such replies are tagged HUMAN_AGENT." }
                </p>
            }
            if draft.channel == Channel::Email {
                { continuity_field(draft, invalid("continuity_minutes"), edit(Edit::Continuity)) }
            }
            <fieldset class="sb-channel-handler">
                <legend>{ "New conversations go to" }</legend>
                { start("flow", "Site's flow (bot first)", HandlerStart::Flow) }
                { start("queue", "Straight to a queue", HandlerStart::Queue) }
                if draft.start == HandlerStart::Queue {
                    { queue_field(&props.queues, draft.queue.as_ref(), invalid("handler.queue"), on_queue) }
                }
            </fieldset>
            <label class="sb-field">
                <span class="sb-field-label">{ "Reopen window, in minutes (a customer writing again this soon after their conversation was resolved reopens it; 0: never)" }</span>
                <input type="number" name="reopen_within_minutes" class="sb-channel-reopen" min="0"
                    max={MAX_REOPEN_MINUTES.to_string()} value={draft.reopen.clone()}
                    aria-invalid={invalid("handler.reopen_within_minutes")} oninput={edit(Edit::Reopen)} />
            </label>
            if draft.channel == Channel::Whatsapp {
                { templates(props) }
            }
            if let Some(error) = props.error.as_ref().filter(|e| e.identity == Some(props.index)) {
                <p class="sb-error" role="alert" data-channel-error="">{ error.sentence() }</p>
            }
            <button type="button" class="sb-secondary sb-channel-done" data-channel-done=""
                onclick={props.on_done.reform(|_: MouseEvent| ())}>
                { "Done" }
            </button>
        </fieldset>
    }
}

/// The page token: a password input that starts empty; empty keeps the stored token.
fn token_field(draft: &IdentityDraft, invalid: Option<&'static str>, oninput: Callback<InputEvent>) -> Html {
    let hint = if draft.stored_token.is_some() {
        "A token is stored for this page: left empty, it is kept. Type a new one to replace it."
    } else {
        "The page's access token, from Meta's app dashboard (Messenger → Settings)."
    };
    html! {
        <div class="sb-field">
            <label class="sb-field-label" for="sb-channel-token">{ "Page access token" }</label>
            <input type="password" id="sb-channel-token" name="access_token" class="sb-channel-token"
                autocomplete="new-password" spellcheck="false" value={draft.token.clone()}
                placeholder={draft.stored_token.is_some().then_some("Kept when left empty")}
                aria-describedby="sb-channel-token-hint" aria-invalid={invalid} {oninput} />
            <p id="sb-channel-token-hint" class="sb-hint sb-field-hint">{ hint }</p>
        </div>
    }
}

/// Email's continuity delay: a number input that may stay empty (the default).
fn continuity_field(
    draft: &IdentityDraft,
    invalid: Option<&'static str>,
    oninput: Callback<InputEvent>,
) -> Html {
    html! {
        <div class="sb-field">
            <label class="sb-field-label" for="sb-channel-continuity">{ "Email unread replies after (minutes)" }</label>
            <input type="number" id="sb-channel-continuity" name="continuity_minutes" class="sb-channel-continuity"
                min="0" max={MAX_CONTINUITY_MINUTES.to_string()} placeholder={DEFAULT_CONTINUITY_MINUTES.to_string()}
                value={draft.continuity.clone()} aria-describedby="sb-channel-continuity-hint"
                aria-invalid={invalid} {oninput} />
            <p id="sb-channel-continuity-hint" class="sb-hint sb-field-hint">
                { format!("A team reply in a chat that its visitor has not read this long after it was sent reaches \
                           them by email, from this address. Empty: {DEFAULT_CONTINUITY_MINUTES}; 0: never.") }
            </p>
        </div>
    }
}

/// The queue picker: the site's queues (and the one chosen, should the site have dropped it)
/// after a "Choose a queue" placeholder.
fn queue_field(
    queues: &[QueueId],
    chosen: Option<&QueueId>,
    invalid: Option<&'static str>,
    onchange: Callback<Event>,
) -> Html {
    let gone = chosen.filter(|queue| !queues.contains(queue));
    html! {
        <label class="sb-field">
            <span class="sb-field-label">{ "Queue" }</span>
            <select name="handler_queue" class="sb-channel-queue" aria-invalid={invalid} {onchange}>
                <option value="" selected={chosen.is_none()}>{ "Choose a queue…" }</option>
                { for queues.iter().chain(gone).map(|queue| html! {
                    <option value={queue.to_string()} selected={chosen == Some(queue)}>{ queue.to_string() }</option>
                }) }
            </select>
            if queues.is_empty() {
                <span class="sb-hint sb-field-hint">{ "The site's flow has no queues yet." }</span>
            }
        </label>
    }
}

/// WhatsApp's approved templates: a row each, "Add a template" below.
fn templates(props: &ChannelEditorProps) -> Html {
    let rows = &props.draft.templates;
    let on_add = props.on_edit.reform(|_: MouseEvent| Edit::AddTemplate);
    html! {
        <fieldset class="sb-channel-templates">
            <legend>{ "Templates (what agents may send once the customer's 24-hour window has closed)" }</legend>
            <p class="sb-hint sb-field-hint">
                { "Each as approved by WhatsApp: a name (lowercase letters, digits, _), its text with {{1}}, {{2}}… where agents fill in values, and Twilio's Content SID (HX…) if it has one." }
            </p>
            { for rows.iter().enumerate().map(|(n, row)| template_row(props, n, row)) }
            <button type="button" class="sb-secondary" data-channel-template-add=""
                disabled={rows.len() >= MAX_TEMPLATES} onclick={on_add}>
                { "Add a template" }
            </button>
        </fieldset>
    }
}

fn template_row(props: &ChannelEditorProps, n: usize, row: &TemplateRow) -> Html {
    let invalid = |part: &str| {
        let field = format!("templates[{n}].{part}");
        props.error.as_ref().is_some_and(|e| e.about(props.index, &field)).then_some("true")
    };
    let on_name = props.on_edit.reform(move |event: InputEvent| {
        Edit::TemplateName(n, event.target_unchecked_into::<HtmlInputElement>().value())
    });
    let on_text = props.on_edit.reform(move |event: InputEvent| {
        Edit::TemplateText(n, event.target_unchecked_into::<HtmlTextAreaElement>().value())
    });
    let on_sid = props.on_edit.reform(move |event: InputEvent| {
        Edit::TemplateSid(n, event.target_unchecked_into::<HtmlInputElement>().value())
    });
    let on_remove = props.on_edit.reform(move |_: MouseEvent| Edit::RemoveTemplate(n));
    html! {
        <div class="sb-channel-template" data-channel-template={n.to_string()} role="group"
            aria-label={format!("Template {}", n + 1)}>
            <label class="sb-field">
                <span class="sb-field-label">{ "Name" }</span>
                <input type="text" name="template_name" placeholder="order_update" spellcheck="false"
                    maxlength="64" value={row.name.clone()} aria-invalid={invalid("name")} oninput={on_name} />
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "Text" }</span>
                <textarea name="template_text" rows="2" placeholder="Hi {{1}}, your order {{2}} has shipped."
                    value={row.text.clone()} aria-invalid={invalid("text")} oninput={on_text} />
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "Content SID (optional)" }</span>
                <input type="text" name="template_content_sid" placeholder="HX…" spellcheck="false" maxlength="34"
                    value={row.content_sid.clone()} aria-invalid={invalid("content_sid")} oninput={on_sid} />
            </label>
            <button type="button" class="sb-secondary sb-danger" data-channel-template-remove="" onclick={on_remove}>
                { "Remove template" }
            </button>
        </div>
    }
}
