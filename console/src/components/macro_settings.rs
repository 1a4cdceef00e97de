//! The settings screen's "Macros" section: the site's macros, each with what it does, and for
//! admins "Remove" and a form adding one (a note, a reply, labels, a priority, a queue, then
//! resolve or snooze: `crate::macro_draft`). Each change sends the list whole
//! (`PATCH /api/v1/site {"macros"}`); the edge's refusal names what is wrong.

use std::rc::Rc;

use switchboard_protocol::api::macros::Macro;
use switchboard_protocol::api::site_settings::{self, Patch};
use switchboard_protocol::inbox::Priority;
use switchboard_protocol::QueueId;
use yew::prelude::*;

use super::form::{field, outcome_line, save_site, Outcome};
use crate::effects::Dispatcher;
use crate::macro_draft::{self, MacroFields};

/// Macros section properties.
#[derive(Properties, PartialEq)]
pub struct MacroSettingsProps {
    /// The site, once loaded.
    pub site: Option<Rc<site_settings::Response>>,
    /// Whether the agent may change them.
    pub admin: bool,
    /// The site's queues (a macro may hand a conversation to one).
    pub queues: Rc<Vec<QueueId>>,
    /// For storing the answer.
    pub dispatch: Dispatcher,
}

/// Sends `list` whole (see [`save_site`]).
fn save(
    list: Vec<Macro>,
    dispatch: Dispatcher,
    outcome: Outcome,
    form: Option<web_sys::HtmlFormElement>,
    done: &'static str,
) {
    save_site(Patch { macros: Some(list), ..Patch::default() }, dispatch, outcome, form, done);
}

/// `ul.sb-macro-list` (`li[data-macro=shortcut]`), `.sb-settings-done` or `.sb-error`, and
/// for admins `form[data-macro-form]`.
#[function_component(MacroSettings)]
pub fn macro_settings(props: &MacroSettingsProps) -> Html {
    let outcome = use_state_eq(|| None::<Result<String, String>>);
    let Some(site) = &props.site else {
        return html! { <p class="sb-hint">{ "Loading the site…" }</p> };
    };
    let list = Rc::new(site.macros.clone());
    let onsubmit = {
        let (list, dispatch, outcome) = (list.clone(), props.dispatch.clone(), outcome.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let fields = MacroFields {
                shortcut: field(&form, "shortcut"),
                name: field(&form, "name"),
                reply: field(&form, "reply"),
                note: field(&form, "note"),
                labels: field(&form, "labels"),
                priority: field(&form, "priority"),
                queue: field(&form, "queue"),
                finish: field(&form, "finish"),
            };
            match macro_draft::to_macro(&fields) {
                Ok(made) => save(
                    macro_draft::with(&list, made),
                    dispatch.clone(),
                    outcome.clone(),
                    Some(form),
                    "Macro saved.",
                ),
                Err(why) => outcome.set(Some(Err(why))),
            }
        }
    };
    html! {
        <div class="sb-macros-section">
            <p class="sb-hint">{ "One click (the Macros menu of a conversation) or /shortcut in the reply box does each step, in order, as if done by hand." }</p>
            if list.is_empty() {
                <p class="sb-hint" data-macros-none="">{ "No macros yet." }</p>
            }
            <ul class="sb-macro-list">
                { for list.iter().map(|item| {
                    let remove = props.admin.then(|| {
                        let (list, shortcut, dispatch, outcome) =
                            (list.clone(), item.shortcut.clone(), props.dispatch.clone(), outcome.clone());
                        let onclick = move |_: MouseEvent| {
                            save(macro_draft::without(&list, &shortcut), dispatch.clone(), outcome.clone(), None, "Macro removed.");
                        };
                        html! { <button type="button" class="sb-secondary sb-danger sb-remove-macro" {onclick}>{ "Remove" }</button> }
                    });
                    html! {
                        <li key={item.shortcut.clone()} class="sb-macro" data-macro={item.shortcut.clone()}>
                            <span class="sb-canned-shortcut">{ format!("/{}", item.shortcut) }</span>
                            <strong class="sb-macro-name">{ item.name.clone() }</strong>
                            <span class="sb-macro-summary">{ switchboard_core::macros::summary(item) }</span>
                            { remove.unwrap_or_default() }
                        </li>
                    }
                }) }
            </ul>
            { outcome_line(&outcome) }
            if props.admin {
                <form class="sb-site-form sb-macro-form" data-macro-form="" aria-label="Add a macro" {onsubmit}>
                    <input name="shortcut" type="text" placeholder="shortcut" aria-label="Macro shortcut" required=true />
                    <input name="name" type="text" placeholder="Name on its button" aria-label="Macro name" required=true />
                    <textarea name="note" rows="1" placeholder="Private note (optional)" aria-label="Note to add" />
                    <textarea name="reply" rows="2" placeholder="Reply to send (optional)" aria-label="Reply to send" />
                    <input name="labels" type="text" placeholder="Labels to add, comma-separated" aria-label="Labels to add" />
                    <select name="priority" aria-label="Priority to set">
                        <option value="" selected=true>{ "Priority unchanged" }</option>
                        <option value="none">{ "No priority" }</option>
                        { for Priority::ALL.iter().map(|p| html! { <option value={p.as_str()}>{ format!("Priority {}", p.as_str()) }</option> }) }
                    </select>
                    <select name="queue" aria-label="Queue to hand it to">
                        <option value="" selected=true>{ "No transfer" }</option>
                        { for props.queues.iter().map(|q| html! { <option value={q.to_string()}>{ format!("To queue {q}") }</option> }) }
                    </select>
                    <select name="finish" aria-label="Then">
                        <option value="" selected=true>{ "Leave it open" }</option>
                        <option value="resolve">{ "Resolve" }</option>
                        <option value="snooze:60">{ "Snooze 1 hour" }</option>
                        <option value="snooze:1440">{ "Snooze 1 day" }</option>
                    </select>
                    <button type="submit" class="sb-primary sb-macro-submit">{ "Save macro" }</button>
                </form>
            }
        </div>
    }
}
