//! The Contacts screen's detail pane: one contact, editable — name, emails, phones, notes and
//! the site's custom attributes ([`super::contact_fields`]), saved with one `PATCH` holding
//! what changed — its verified identity as a "Verified" badge with the user id, merging
//! another contact into it ([`super::contact_merge`]), starting a conversation with it
//! ([`super::contact_start`]), and its conversations, each opening in the inbox.

use std::rc::Rc;

use switchboard_protocol::api::contacts::{AttributeDefinition, ContactDetail, ContactRecord};
use switchboard_protocol::channels::ContactIdentity;
use switchboard_protocol::{AgentId, ConversationId, QueueId};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::contact_fields::{attribute_field, core_fields, core_keys, form_error};
use super::contact_merge::ContactMerge;
use super::contact_start::ContactStart;
use crate::contact_draft::{display_name, Draft, Edit, FieldError};
use crate::effects::contacts;
use crate::format;

/// Editor properties.
#[derive(Properties, PartialEq)]
pub struct ContactEditorProps {
    /// Which contact (`ctc_…`).
    pub id: String,
    /// The site's custom attributes.
    pub definitions: Rc<Vec<AttributeDefinition>>,
    /// The contact was saved (or another merged into it): as it is now.
    pub on_saved: Callback<ContactRecord>,
    /// Another contact (this id) was merged into this one and is gone.
    pub on_merged_away: Callback<String>,
    /// One of its conversations was chosen.
    pub on_open: Callback<ConversationId>,
    /// "Now", for relative times.
    pub now: i64,
    /// The signed-in agent (a conversation started here may be assigned to them).
    pub me: AgentId,
    /// The site's queues (one may take a conversation started here).
    pub queues: Rc<Vec<QueueId>>,
    /// The site's contact identities (its SMS and WhatsApp numbers a conversation may start
    /// from).
    pub identities: Rc<Vec<ContactIdentity>>,
}

/// The detail pane.
#[function_component(ContactEditor)]
pub fn contact_editor(props: &ContactEditorProps) -> Html {
    let detail = use_state_eq(|| None::<Result<Rc<ContactDetail>, String>>);
    let draft = use_reducer_eq(Draft::default);
    let problem = use_state_eq(|| None::<FieldError>);
    let status = use_state_eq(|| None::<&'static str>);
    let load = {
        let (detail, editor, id) = (detail.clone(), draft.dispatcher(), props.id.clone());
        move || {
            let (detail, editor, id) = (detail.clone(), editor.clone(), id.clone());
            spawn_local(async move {
                let loaded = contacts::detail(&id).await;
                if let Ok(loaded) = &loaded {
                    editor.dispatch(Edit::Reset(Draft::from_record(&loaded.contact)));
                }
                detail.set(Some(loaded.map(Rc::new)));
            });
        }
    };
    use_effect_with(props.id.clone(), {
        let load = load.clone();
        move |_| load()
    });
    let Some(loaded) = &*detail else {
        return html! { <section class="sb-contact-editor" aria-busy="true"><p class="sb-hint">{ "Loading…" }</p></section> };
    };
    let loaded = match loaded {
        Ok(loaded) => Rc::clone(loaded),
        Err(error) => {
            return html! { <section class="sb-contact-editor"><p class="sb-error" role="alert">{ error.clone() }</p></section> }
        }
    };
    let onsubmit = {
        let (loaded, draft, definitions) = (loaded.clone(), draft.clone(), props.definitions.clone());
        let (detail, problem, status, on_saved) =
            (detail.clone(), problem.clone(), status.clone(), props.on_saved.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let update = match draft.to_update(&loaded.contact, &definitions) {
                Ok(update) => update,
                Err(error) => return problem.set(Some(error)),
            };
            let (loaded, editor) = (loaded.clone(), draft.dispatcher());
            let (detail, problem, status, on_saved) =
                (detail.clone(), problem.clone(), status.clone(), on_saved.clone());
            status.set(Some("Saving…"));
            spawn_local(async move {
                match contacts::update(&loaded.contact.id, update).await {
                    Ok(contact) => {
                        editor.dispatch(Edit::Reset(Draft::from_record(&contact)));
                        let conversations = loaded.conversations.clone();
                        detail.set(Some(Ok(Rc::new(ContactDetail {
                            contact: contact.clone(),
                            conversations,
                        }))));
                        problem.set(None);
                        status.set(Some("Saved."));
                        on_saved.emit(contact);
                    }
                    Err(error) => {
                        problem.set(Some(error));
                        status.set(None);
                    }
                }
            });
        }
    };
    let on_merged = {
        let (load, on_saved, on_merged_away) =
            (load.clone(), props.on_saved.clone(), props.on_merged_away.clone());
        Callback::from(move |(from, kept): (String, ContactRecord)| {
            on_merged_away.emit(from);
            on_saved.emit(kept);
            // Its conversations moved here: read them again.
            load();
        })
    };
    // A conversation was started here: its list is read again (what is being typed in the
    // form above stays as it is).
    let on_started = {
        let (detail, id) = (detail.clone(), props.id.clone());
        Callback::from(move |_: ConversationId| {
            let (detail, id) = (detail.clone(), id.clone());
            spawn_local(async move {
                if let Ok(loaded) = contacts::detail(&id).await {
                    detail.set(Some(Ok(Rc::new(loaded))));
                }
            });
        })
    };
    let contact = &loaded.contact;
    let problem = problem.as_ref();
    let mut shown = core_keys();
    shown.extend(props.definitions.iter().map(|d| format!("attributes.{}", d.key)));
    html! {
        <section class="sb-contact-editor" aria-label="Contact details" data-id={contact.id.clone()}>
            <h2 class="sb-contact-editor-name">{ display_name(contact) }</h2>
            if let Some(identity) = &contact.identity {
                <p class="sb-contact-identity">
                    <span class="sb-verified" title="The site's backend verified who this is">{ "Verified" }</span>
                    { " user id " }<span class="sb-contact-user-id">{ identity.user_id.clone() }</span>
                </p>
            }
            <form class="sb-contact-form" onsubmit={onsubmit} aria-label="Edit contact" novalidate=true>
                { core_fields(&draft, &draft.dispatcher(), problem) }
                if !props.definitions.is_empty() {
                    <fieldset class="sb-contact-attributes">
                        <legend>{ "Attributes" }</legend>
                        { for props.definitions.iter().map(|d| attribute_field(d, &draft, &draft.dispatcher(), problem)) }
                    </fieldset>
                }
                { form_error(problem, &shown) }
                <div class="sb-contact-form-actions">
                    <button type="submit" class="sb-primary sb-contact-save">{ "Save" }</button>
                    if let Some(status) = *status {
                        <span class="sb-contact-status" role="status">{ status }</span>
                    }
                </div>
            </form>
            <ContactMerge kept={contact.id.clone()} {on_merged} />
            <ContactStart contact={contact.id.clone()} me={props.me.clone()} queues={props.queues.clone()}
                identities={props.identities.clone()}
                {on_started} on_open={props.on_open.clone()} />
            <h3 class="sb-contact-subtitle">{ "Conversations" }</h3>
            { conversations(&loaded, &props.on_open, props.now) }
        </section>
    }
}

/// The contact's conversations, newest first, each with its channel ("Chat", "SMS"); each
/// opens in the inbox.
fn conversations(detail: &ContactDetail, on_open: &Callback<ConversationId>, now: i64) -> Html {
    if detail.conversations.is_empty() {
        return html! { <p class="sb-hint sb-contact-no-conversations">{ "No conversations yet." }</p> };
    }
    html! {
        <ul class="sb-contact-past sb-contact-conversations">
            { for detail.conversations.iter().map(|summary| {
                let state = format::state_label(summary.state);
                let onclick = { let (id, on_open) = (summary.id.clone(), on_open.clone()); move |_: MouseEvent| on_open.emit(id.clone()) };
                html! {
                    <li key={summary.id.to_string()}>
                        <button type="button" class="sb-contact-past-item sb-contact-conversation"
                            data-id={summary.id.to_string()} {onclick}>
                            <span class={classes!("sb-state", format!("sb-state--{state}"))}>{ state }</span>
                            // Where the person wrote from: one contact, every channel.
                            <span class="sb-channel" data-channel={summary.channel.label()}>{ summary.channel.label() }</span>
                            <span class="sb-contact-conversation-preview">{ format::preview(summary, false) }</span>
                            <span class="sb-contact-conversation-time">{ format::short_time(summary.updated_at, now) }</span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
