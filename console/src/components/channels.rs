//! The settings screen's "Channels" section: the site's contact identities — SMS and WhatsApp
//! numbers, Messenger pages, email addresses — each with what becomes of the conversations
//! that start there.
//! Admins add, edit ([`super::channel_editor`]) and remove them, then "Save channels" sends the
//! list whole (`PATCH /api/v1/site {"channels"}`) once core's own checks pass; agents see the
//! list and each identity's details, read-only. The form's state is
//! [`crate::channels_draft`].

use std::rc::Rc;

use switchboard_protocol::api::site_settings::{self, Patch};
use switchboard_protocol::QueueId;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::channel_editor::ChannelEditor;
use crate::channels_draft::{channel_value, Action, ChannelError, ChannelsDraft, Status};
use crate::effects::{admin, Dispatcher};

/// Channels section properties.
#[derive(Properties, PartialEq)]
pub struct ChannelsFormProps {
    /// The site, once loaded.
    pub site: Option<Rc<site_settings::Response>>,
    /// Whether the agent may change it.
    pub admin: bool,
    /// The site's queues (a handler may send conversations straight to one).
    pub queues: Rc<Vec<QueueId>>,
    /// For storing the answer.
    pub dispatch: Dispatcher,
}

/// `form[data-channels]`: `li[data-channel-identity="0"]` per identity (`data-channel`: `sms`,
/// `whatsapp`, `messenger`, `email`; `data-address`) with `button[data-channel-edit]` and
/// `button[data-channel-remove]`; `button[data-channel-add]`; `button[data-channels-save]`;
/// `[data-channels-status]` once saved; a refusal of the whole list in `[data-channels-error]`.
#[function_component(ChannelsForm)]
pub fn channels_form(props: &ChannelsFormProps) -> Html {
    let loaded = props.site.as_ref().map(|site| site.channels.clone());
    let form = use_reducer_eq({
        let loaded = loaded.clone().unwrap_or_default();
        move || ChannelsDraft::new(&loaded)
    });
    use_effect_with(loaded, {
        let step = form.dispatcher();
        move |loaded: &Option<Vec<_>>| {
            if let Some(list) = loaded {
                step.dispatch(Action::Loaded(list.clone()));
            }
        }
    });
    if props.site.is_none() {
        return html! { <p class="sb-hint">{ "Loading the site…" }</p> };
    }
    let onsubmit = {
        let (form, queues, dispatch) = (form.clone(), props.queues.clone(), props.dispatch.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            if form.saving() {
                return;
            }
            let step = form.dispatcher();
            let list = match form.to_send(&queues) {
                Ok(list) => list,
                Err(error) => return step.dispatch(Action::Failed(error)),
            };
            step.dispatch(Action::Saving);
            let patch = Patch { channels: Some(list.clone()), ..Patch::default() };
            let dispatch = dispatch.clone();
            spawn_local(async move {
                match admin::update_site(patch, dispatch).await {
                    Ok(()) => step.dispatch(Action::Saved(list)),
                    Err(why) => step.dispatch(Action::Failed(ChannelError::whole(why))),
                }
            });
        }
    };
    let disabled = !props.admin;
    let error = form.error();
    html! {
        <form class="sb-site-form sb-channels-form" data-channels="" aria-label="Channels" novalidate=true {onsubmit}>
            <p class="sb-hint">
                { "Phone numbers (SMS, WhatsApp), Facebook pages and email addresses customers write to, and where their conversations go. \
                   Twilio and Meta deliver their messages to this site's webhooks (docs/channels.md)." }
            </p>
            if form.identities.is_empty() {
                <p class="sb-hint" data-channels-none="">{ "No channels yet: customers reach the team through the chat widget only." }</p>
            }
            <ul class="sb-channels">
                { for form.identities.iter().enumerate().map(|(n, draft)| {
                    let open = form.open == Some(n);
                    let toggle = { let step = form.dispatcher(); move |_: MouseEvent| step.dispatch(Action::Toggle(n)) };
                    let remove = { let step = form.dispatcher(); move |_: MouseEvent| step.dispatch(Action::Remove(n)) };
                    let on_edit = { let step = form.dispatcher(); Callback::from(move |edit| step.dispatch(Action::Edit(n, edit))) };
                    let on_done = { let step = form.dispatcher(); Callback::from(move |()| step.dispatch(Action::Toggle(n))) };
                    let address = if draft.address.trim().is_empty() { "(no address yet)".to_owned() } else { draft.address.clone() };
                    html! {
                        <li key={n} class="sb-channel" data-channel-identity={n.to_string()}
                            data-channel={channel_value(draft.channel)} data-address={draft.address.clone()}>
                            <div class="sb-channel-head">
                                <span class="sb-channel-label">{ draft.channel.label() }</span>
                                <span class="sb-channel-address">{ address }</span>
                                <span class="sb-channel-summary" data-channel-summary="">{ draft.summary() }</span>
                                <span class="sb-channel-actions">
                                    <button type="button" class="sb-secondary" data-channel-edit=""
                                        aria-expanded={open.to_string()} onclick={toggle}>
                                        { if disabled { "Details" } else { "Edit" } }
                                    </button>
                                    if !disabled {
                                        <button type="button" class="sb-secondary sb-danger" data-channel-remove=""
                                            onclick={remove}>{ "Remove" }</button>
                                    }
                                </span>
                            </div>
                            if open {
                                <ChannelEditor index={n} draft={draft.clone()} error={error.cloned()}
                                    queues={props.queues.clone()} {disabled} {on_edit} {on_done} />
                            }
                        </li>
                    }
                }) }
            </ul>
            if !disabled {
                <div class="sb-channels-actions">
                    <button type="button" class="sb-secondary" data-channel-add="" disabled={!form.can_add()}
                        onclick={{ let step = form.dispatcher(); move |_: MouseEvent| step.dispatch(Action::Add) }}>
                        { "Add a channel" }
                    </button>
                    <button type="submit" class="sb-primary sb-channels-save" data-channels-save=""
                        disabled={form.saving()}>
                        { if form.saving() { "Saving…" } else { "Save channels" } }
                    </button>
                    if form.changed() && !form.saving() {
                        <span class="sb-hint" data-channels-unsaved="">{ "Unsaved changes." }</span>
                    }
                </div>
            }
            { match &form.status {
                Status::Saved => html! {
                    <p class="sb-settings-done" role="status" data-channels-status="">{ "Saved. New messages follow the new settings." }</p>
                },
                // An identity's error shows in its editor, under the inputs.
                Status::Failed(error) if error.identity.is_none() => html! {
                    <p class="sb-error" role="alert" data-channels-error="">{ error.sentence() }</p>
                },
                // The editor's alert says what; this only says where, should it be closed.
                Status::Failed(error) => html! {
                    <p class="sb-error" data-channels-error="">
                        { format!("Not saved: see {} above.", identity_name(&form, error)) }
                    </p>
                },
                _ => Html::default(),
            } }
        </form>
    }
}

/// How the identity an error is about is named in the form-level notice: "SMS +15550100".
fn identity_name(form: &ChannelsDraft, error: &ChannelError) -> String {
    let draft = error.identity.and_then(|n| form.identities.get(n));
    draft
        .map(|d| format!("{} {}", d.channel.label(), d.address.trim()))
        .unwrap_or_else(|| "the channel".into())
}
