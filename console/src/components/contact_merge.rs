//! "Merge another contact into this one": find the other by name, email, phone or its id
//! (`ctc_…`), pick it, confirm, and every conversation, email, phone and visitor of it moves
//! to this contact, which the edge answers; the other goes away.

use switchboard_protocol::api::contacts::ContactRecord;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::form::field;
use crate::contact_draft::display_name;
use crate::effects::contacts;

/// Merge control properties.
#[derive(Properties, PartialEq)]
pub struct ContactMergeProps {
    /// The contact kept (`ctc_…`).
    pub kept: String,
    /// A contact (this id) was merged in; the kept one as it is now.
    pub on_merged: Callback<(String, ContactRecord)>,
}

/// The contact picked to merge in: its id and how it is named.
#[derive(Clone, PartialEq)]
struct Picked {
    id: String,
    label: String,
}

fn picked(contact: &ContactRecord) -> Picked {
    let label = match contact.emails.first() {
        Some(email) => format!("{} ({email})", display_name(contact)),
        None => display_name(contact),
    };
    Picked { id: contact.id.clone(), label }
}

/// The merge control.
#[function_component(ContactMerge)]
pub fn contact_merge(props: &ContactMergeProps) -> Html {
    let found = use_state_eq(|| None::<Vec<ContactRecord>>);
    let chosen = use_state_eq(|| None::<Picked>);
    let error = use_state_eq(|| None::<String>);
    let done = use_state_eq(|| None::<String>);
    let onsubmit = {
        let (found, chosen, error, into) = (found.clone(), chosen.clone(), error.clone(), props.kept.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let query = field(&form, "merge-query").trim().to_owned();
            error.set(None);
            if query.starts_with("ctc_") {
                found.set(None);
                return chosen.set(Some(Picked { id: query.clone(), label: query }));
            }
            let (found, error, into) = (found.clone(), error.clone(), into.clone());
            spawn_local(async move {
                match contacts::list(&query, None).await {
                    Ok(page) => found.set(Some(page.contacts.into_iter().filter(|c| c.id != into).collect())),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let on_confirm = {
        let (chosen, found, error, done) = (chosen.clone(), found.clone(), error.clone(), done.clone());
        let (into, on_merged) = (props.kept.clone(), props.on_merged.clone());
        move |_: MouseEvent| {
            let Some(from) = (*chosen).clone() else { return };
            let (chosen, found, error, done) = (chosen.clone(), found.clone(), error.clone(), done.clone());
            let (into, on_merged) = (into.clone(), on_merged.clone());
            spawn_local(async move {
                match contacts::merge(&into, &from.id).await {
                    Ok(kept) => {
                        chosen.set(None);
                        found.set(None);
                        done.set(Some(format!("Merged {} into this contact.", from.label)));
                        on_merged.emit((from.id, kept));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let on_cancel = {
        let chosen = chosen.clone();
        move |_: MouseEvent| chosen.set(None)
    };
    html! {
        <section class="sb-contact-merge" aria-label="Merge another contact into this one">
            <h3 class="sb-contact-subtitle">{ "Merge another contact into this one" }</h3>
            <form class="sb-contact-merge-form" {onsubmit} aria-label="Find a contact to merge">
                <label class="sb-contact-field">
                    <span class="sb-contact-field-label">{ "Name, email, phone or contact id" }</span>
                    <input type="search" name="merge-query" required=true />
                </label>
                <button type="submit" class="sb-contact-merge-find">{ "Find" }</button>
            </form>
            if let Some(found) = &*found {
                if found.is_empty() {
                    <p class="sb-hint">{ "No other contact found." }</p>
                }
                <ul class="sb-contact-merge-found">
                    { for found.iter().map(|contact| {
                        let candidate = picked(contact);
                        let onclick = { let (chosen, candidate) = (chosen.clone(), candidate.clone()); move |_: MouseEvent| chosen.set(Some(candidate.clone())) };
                        html! {
                            <li key={contact.id.clone()}>
                                <button type="button" class="sb-contact-merge-pick" data-id={contact.id.clone()} {onclick}>
                                    { format!("Merge {}…", candidate.label) }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            }
            if let Some(from) = &*chosen {
                <div class="sb-contact-merge-confirm" role="group" aria-label="Confirm the merge">
                    <p>{ format!("Merge {} into this contact? Its conversations, emails, phones and visitors move here, and it goes away.", from.label) }</p>
                    <button type="button" class="sb-primary sb-contact-merge-confirm-button" onclick={on_confirm}>{ "Merge" }</button>
                    <button type="button" class="sb-contact-merge-cancel" onclick={on_cancel}>{ "Cancel" }</button>
                </div>
            }
            if let Some(error) = &*error {
                <p class="sb-error" role="alert">{ error.clone() }</p>
            }
            if let Some(done) = &*done {
                <p class="sb-contact-status" role="status">{ done.clone() }</p>
            }
        </section>
    }
}
