//! The Contacts screen: the site's contacts, most recently active first, searched by name,
//! email or phone as the agent types; "Load more" for the next page; a "New contact" form;
//! and the chosen contact's editable details ([`super::contact_editor`], where a conversation
//! with it can be started) beside the list.

use std::cell::Cell;
use std::rc::Rc;

use switchboard_protocol::api::contacts::{AttributeDefinition, ContactRecord, ListResponse};
use switchboard_protocol::channels::ContactIdentity;
use switchboard_protocol::{AgentId, ConversationId, QueueId};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::contact_editor::ContactEditor;
use super::contact_fields::form_error;
use super::form::field;
use crate::contact_draft::{display_name, new_contact, FieldError};
use crate::effects::contacts;
use crate::effects::timer::Timeout;
use crate::format;

/// How long typing in the search box must pause before the edge is asked.
const SEARCH_PAUSE_MS: u32 = 250;

/// Contacts screen properties.
#[derive(Properties, PartialEq)]
pub struct ContactsProps {
    /// The contact shown beside the list, if one was chosen.
    pub selected: Option<String>,
    /// A contact was chosen (or made).
    pub on_select: Callback<String>,
    /// One of its conversations was chosen: open it in the inbox.
    pub on_open: Callback<ConversationId>,
    /// "Now", for relative times.
    pub now: i64,
    /// The signed-in agent (a conversation started with a contact may be assigned to them).
    pub me: AgentId,
    /// The site's queues (one may take a conversation started with a contact).
    pub queues: Rc<Vec<QueueId>>,
    /// The site's contact identities (a conversation may start from its SMS or WhatsApp
    /// number).
    pub identities: Rc<Vec<ContactIdentity>>,
}

/// The list as loaded so far.
#[derive(Default, PartialEq)]
struct Listing {
    /// `None` until the first page came.
    contacts: Option<Vec<ContactRecord>>,
    /// The cursor of the next page, if there is one.
    next: Option<String>,
}

enum Listed {
    /// The first page (of a new search).
    First(ListResponse),
    /// The next page.
    More(ListResponse),
    /// A contact was made or changed: it is shown as it is now, first if it is new.
    Saved(Box<ContactRecord>),
    /// A contact was merged away.
    Gone(String),
}

impl Reducible for Listing {
    type Action = Listed;

    fn reduce(self: Rc<Self>, action: Listed) -> Rc<Self> {
        let mut contacts = self.contacts.clone().unwrap_or_default();
        let mut next = self.next.clone();
        match action {
            Listed::First(page) => (contacts, next) = (page.contacts, page.next_cursor),
            Listed::More(page) => {
                contacts.extend(page.contacts.into_iter().filter(|c| !self.has(&c.id)));
                next = page.next_cursor;
            }
            Listed::Saved(contact) => match contacts.iter_mut().find(|c| c.id == contact.id) {
                Some(known) => *known = *contact,
                None => contacts.insert(0, *contact),
            },
            Listed::Gone(id) => contacts.retain(|c| c.id != id),
        }
        Rc::new(Listing { contacts: Some(contacts), next })
    }
}

impl Listing {
    fn has(&self, id: &str) -> bool {
        self.contacts.iter().flatten().any(|c| c.id == id)
    }
}

/// The Contacts screen.
#[function_component(Contacts)]
pub fn contacts_screen(props: &ContactsProps) -> Html {
    let query = use_state_eq(String::new);
    let listing = use_reducer_eq(Listing::default);
    let error = use_state_eq(|| None::<String>);
    let definitions = use_state_eq(|| Rc::new(Vec::<AttributeDefinition>::new()));
    use_effect_with((), {
        let (definitions, error) = (definitions.clone(), error.clone());
        move |_| {
            spawn_local(async move {
                match contacts::attributes().await {
                    Ok(found) => definitions.set(Rc::new(found.attributes)),
                    Err(e) => error.set(Some(format!("Could not load the custom attributes: {e}"))),
                }
            })
        }
    });
    // A new search replaces the list once the agent pauses typing; a late answer to an older
    // search is dropped.
    use_effect_with((*query).clone(), {
        let (listing, error) = (listing.dispatcher(), error.clone());
        move |query: &String| {
            let stale = Rc::new(Cell::new(false));
            let pause = if query.trim().is_empty() { 0 } else { SEARCH_PAUSE_MS };
            let pending = Timeout::new(pause, {
                let (query, stale) = (query.clone(), stale.clone());
                move || {
                    spawn_local(async move {
                        let page = contacts::list(&query, None).await;
                        if stale.get() {
                            return;
                        }
                        match page {
                            Ok(page) => listing.dispatch(Listed::First(page)),
                            Err(e) => error.set(Some(e)),
                        }
                    })
                }
            });
            move || {
                stale.set(true);
                drop(pending);
            }
        }
    });
    let on_search = {
        let query = query.clone();
        move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            query.set(input.value());
        }
    };
    let on_more = {
        let (query, listing, error) = (query.clone(), listing.clone(), error.clone());
        move |_: MouseEvent| {
            let Some(cursor) = listing.next.clone() else { return };
            let (query, listing, error) = ((*query).clone(), listing.dispatcher(), error.clone());
            spawn_local(async move {
                match contacts::list(&query, Some(&cursor)).await {
                    Ok(page) => listing.dispatch(Listed::More(page)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let on_saved = listing.dispatcher().to_callback().reform(|contact| Listed::Saved(Box::new(contact)));
    let on_merged_away = listing.dispatcher().to_callback().reform(Listed::Gone);
    html! {
        <section class="sb-contacts" aria-label="Contacts">
            <div class="sb-contacts-side">
                <label class="sb-contact-field sb-contacts-search-field">
                    <span class="sb-contact-field-label">{ "Search contacts" }</span>
                    <input type="search" class="sb-contacts-search" name="q" value={(*query).clone()}
                        placeholder="Name, email or phone" oninput={on_search} />
                </label>
                if let Some(error) = &*error {
                    <p class="sb-error" role="alert">{ error.clone() }</p>
                }
                { list(&listing, props) }
                if listing.next.is_some() {
                    <button type="button" class="sb-contacts-more" onclick={on_more}>{ "Load more" }</button>
                }
                <NewContact on_made={on_saved.clone()} on_select={props.on_select.clone()} />
            </div>
            if let Some(id) = &props.selected {
                <ContactEditor key={id.clone()} id={id.clone()} definitions={(*definitions).clone()}
                    {on_saved} {on_merged_away} on_open={props.on_open.clone()} now={props.now}
                    me={props.me.clone()} queues={props.queues.clone()}
                    identities={props.identities.clone()} />
            } else {
                <p class="sb-hint sb-contacts-none">{ "Choose a contact to see and edit their details." }</p>
            }
        </section>
    }
}

/// The list: name (or "Unnamed visitor"), first email, phones and when it last changed.
fn list(listing: &Listing, props: &ContactsProps) -> Html {
    let Some(contacts) = &listing.contacts else {
        return html! { <p class="sb-hint" aria-busy="true">{ "Loading…" }</p> };
    };
    if contacts.is_empty() {
        return html! { <p class="sb-hint sb-contacts-empty">{ "No contacts found." }</p> };
    }
    html! {
        <ul class="sb-contacts-list">
            { for contacts.iter().map(|contact| {
                let onclick = { let (id, on_select) = (contact.id.clone(), props.on_select.clone()); move |_: MouseEvent| on_select.emit(id.clone()) };
                let current = props.selected.as_deref() == Some(contact.id.as_str());
                html! {
                    <li key={contact.id.clone()}>
                        <button type="button" class="sb-contacts-item" data-id={contact.id.clone()}
                            aria-current={current.then_some("true")} {onclick}>
                            <span class="sb-contacts-item-name">{ display_name(contact) }</span>
                            if contact.identity.is_some() {
                                <span class="sb-verified">{ "Verified" }</span>
                            }
                            <span class="sb-contacts-item-email">{ contact.emails.first().cloned().unwrap_or_default() }</span>
                            <span class="sb-contacts-item-phones">{ contact.phones.join(", ") }</span>
                            <span class="sb-contacts-item-time">{ format!("Updated {}", format::short_time(contact.updated_at, props.now)) }</span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct NewContactProps {
    on_made: Callback<ContactRecord>,
    on_select: Callback<String>,
}

/// "New contact": name, email and phone; the contact made is listed and chosen.
#[function_component(NewContact)]
fn new_contact_form(props: &NewContactProps) -> Html {
    let problem = use_state_eq(|| None::<FieldError>);
    let onsubmit = {
        let (problem, on_made, on_select) = (problem.clone(), props.on_made.clone(), props.on_select.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let request = new_contact(&field(&form, "name"), &field(&form, "email"), &field(&form, "phone"));
            let (problem, on_made, on_select) = (problem.clone(), on_made.clone(), on_select.clone());
            spawn_local(async move {
                match contacts::create(request).await {
                    Ok(contact) => {
                        form.reset();
                        problem.set(None);
                        on_select.emit(contact.id.clone());
                        on_made.emit(contact);
                    }
                    Err(error) => problem.set(Some(error)),
                }
            });
        }
    };
    html! {
        <form class="sb-contacts-new" {onsubmit} aria-label="New contact">
            <h3 class="sb-contact-subtitle">{ "New contact" }</h3>
            <label class="sb-contact-field"><span class="sb-contact-field-label">{ "Name" }</span><input type="text" name="name" /></label>
            <label class="sb-contact-field"><span class="sb-contact-field-label">{ "Email" }</span><input type="email" name="email" /></label>
            <label class="sb-contact-field"><span class="sb-contact-field-label">{ "Phone" }</span><input type="tel" name="phone" /></label>
            { form_error(problem.as_ref(), &[]) }
            <button type="submit" class="sb-primary sb-contacts-create">{ "Add contact" }</button>
        </form>
    }
}
