//! The contact panel's "Contact" part: which contact the open conversation's visitor belongs
//! to, a way to open it on the Contacts screen, and editing its name, emails, phones and
//! notes in place.

use switchboard_protocol::api::contacts::ContactRecord;
use switchboard_protocol::VisitorId;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::contact_fields::{core_fields, core_keys, form_error};
use crate::contact_draft::{display_name, Draft, Edit, FieldError};
use crate::effects::contacts;

/// Contact card properties.
#[derive(Properties, PartialEq)]
pub struct ContactCardProps {
    /// The conversation's visitor.
    pub visitor: VisitorId,
    /// What to search the contact by first: the emails, name or user id the visitor gave.
    pub hints: Vec<String>,
    /// "Open in Contacts" was pressed for this contact.
    pub on_show: Callback<String>,
}

/// The contact card.
#[function_component(ContactCard)]
pub fn contact_card(props: &ContactCardProps) -> Html {
    // `None` while looking; `Ok(None)` when the visitor has no contact (yet).
    let found = use_state_eq(|| None::<Result<Option<ContactRecord>, String>>);
    let editing = use_state_eq(|| false);
    let draft = use_reducer_eq(Draft::default);
    let problem = use_state_eq(|| None::<FieldError>);
    let look = {
        let (found, visitor, hints) = (found.clone(), props.visitor.clone(), props.hints.clone());
        move || {
            let (found, visitor, hints) = (found.clone(), visitor.clone(), hints.clone());
            found.set(None);
            spawn_local(async move { found.set(Some(contacts::of_visitor(visitor, hints).await)) });
        }
    };
    use_effect_with(props.visitor.clone(), {
        let look = look.clone();
        move |_| look()
    });
    let contact = match &*found {
        None => {
            return card(html! { <p class="sb-hint" aria-busy="true">{ "Looking for the contact…" }</p> })
        }
        Some(Err(error)) => return card(html! { <p class="sb-error" role="alert">{ error.clone() }</p> }),
        Some(Ok(None)) => {
            let onclick = move |_: MouseEvent| look();
            return card(html! {
                <>
                    <p class="sb-hint">{ "No contact yet." }</p>
                    <button type="button" class="sb-contact-card-retry" {onclick}>{ "Look again" }</button>
                </>
            });
        }
        Some(Ok(Some(contact))) => contact.clone(),
    };
    let on_show = {
        let (id, on_show) = (contact.id.clone(), props.on_show.clone());
        move |_: MouseEvent| on_show.emit(id.clone())
    };
    let on_edit = {
        let (editing, editor, problem, contact) =
            (editing.clone(), draft.dispatcher(), problem.clone(), contact.clone());
        move |_: MouseEvent| {
            editor.dispatch(Edit::Reset(Draft::from_record(&contact)));
            problem.set(None);
            editing.set(!*editing);
        }
    };
    let onsubmit = {
        let (found, editing, draft, problem, contact) =
            (found.clone(), editing.clone(), draft.clone(), problem.clone(), contact.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            // Attributes are edited on the Contacts screen: none are defined here.
            let update = match draft.to_update(&contact, &[]) {
                Ok(update) => update,
                Err(error) => return problem.set(Some(error)),
            };
            let (found, editing, problem, id) =
                (found.clone(), editing.clone(), problem.clone(), contact.id.clone());
            spawn_local(async move {
                match contacts::update(&id, update).await {
                    Ok(saved) => {
                        found.set(Some(Ok(Some(saved))));
                        problem.set(None);
                        editing.set(false);
                    }
                    Err(error) => problem.set(Some(error)),
                }
            });
        }
    };
    let first_email = contact.emails.first().cloned();
    card(html! {
        <>
            <p class="sb-contact-card-name">
                { display_name(&contact) }
                if let Some(email) = first_email {
                    <span class="sb-contact-card-email">{ format!(" · {email}") }</span>
                }
            </p>
            if let Some(notes) = contact.notes.clone().filter(|_| !*editing) {
                <p class="sb-contact-card-notes">{ notes }</p>
            }
            <div class="sb-contact-actions">
                <button type="button" class="sb-contact-card-open" onclick={on_show}>{ "Open in Contacts" }</button>
                <button type="button" class="sb-contact-card-edit" aria-expanded={editing.to_string()} onclick={on_edit}>
                    { if *editing { "Cancel" } else { "Edit contact" } }
                </button>
            </div>
            if *editing {
                <form class="sb-contact-card-form" {onsubmit} aria-label="Edit contact" novalidate=true>
                    { core_fields(&draft, &draft.dispatcher(), problem.as_ref()) }
                    { form_error(problem.as_ref(), &core_keys()) }
                    <button type="submit" class="sb-primary sb-contact-card-save">{ "Save contact" }</button>
                </form>
            }
        </>
    })
}

fn card(body: Html) -> Html {
    html! {
        <section class="sb-contact-card" aria-label="Contact record">
            <h3 class="sb-contact-subtitle">{ "Contact" }</h3>
            { body }
        </section>
    }
}
