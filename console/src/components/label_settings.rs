//! The settings screen's "Labels" section: the site's own labels, each with its colour and
//! what it is for; agents pick them when labelling (the label box suggests them) and filter
//! the inbox by them, and their chips wear the colour. Admins add and remove them; each change
//! sends the list whole (`PATCH /api/v1/site {"labels"}`). Labels typed that the site does
//! not define still work, in the plain chip.

use std::rc::Rc;

use switchboard_core::conversation_labels;
use switchboard_protocol::api::site_settings::{self, LabelColor, LabelDefinition, Patch};
use yew::prelude::*;

use super::form::{field, outcome_line, save_site, Outcome};
use crate::effects::Dispatcher;

/// Labels section properties.
#[derive(Properties, PartialEq)]
pub struct LabelSettingsProps {
    /// The site, once loaded.
    pub site: Option<Rc<site_settings::Response>>,
    /// Whether the agent may change them.
    pub admin: bool,
    /// For storing the answer.
    pub dispatch: Dispatcher,
}

/// Sends `list` whole (see [`save_site`]).
fn save(
    list: Vec<LabelDefinition>,
    dispatch: Dispatcher,
    outcome: Outcome,
    form: Option<web_sys::HtmlFormElement>,
    done: &'static str,
) {
    save_site(Patch { labels: Some(list), ..Patch::default() }, dispatch, outcome, form, done);
}

/// `ul.sb-label-defs` (`li[data-label-def=name]` with its chip), `.sb-settings-done` or
/// `.sb-error`, and for admins `form[data-label-form]`.
#[function_component(LabelSettings)]
pub fn label_settings(props: &LabelSettingsProps) -> Html {
    let outcome = use_state_eq(|| None::<Result<String, String>>);
    let Some(site) = &props.site else {
        return html! { <p class="sb-hint">{ "Loading the site…" }</p> };
    };
    let list = Rc::new(site.labels.clone());
    let onsubmit = {
        let (list, dispatch, outcome) = (list.clone(), props.dispatch.clone(), outcome.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let color =
                LabelColor::ALL.into_iter().find(|c| c.as_str() == field(&form, "color")).unwrap_or_default();
            let description = Some(field(&form, "description")).filter(|d| !d.trim().is_empty());
            let new = LabelDefinition { name: field(&form, "name"), color, description };
            // Saving a defined name again changes it (spelled as the edge will store it).
            let key = conversation_labels::label(&new.name);
            let mut all: Vec<LabelDefinition> =
                list.iter().filter(|d| Some(&d.name) != key.as_ref()).cloned().collect();
            all.push(new);
            save(all, dispatch.clone(), outcome.clone(), Some(form), "Label saved.");
        }
    };
    html! {
        <div class="sb-label-settings">
            <p class="sb-hint">{ "The site's labels: suggested when labelling, listed in the inbox's label filter, shown in their colour." }</p>
            if list.is_empty() {
                <p class="sb-hint" data-labels-none="">{ "No labels of the site's own yet: agents type any." }</p>
            }
            <ul class="sb-label-defs">
                { for list.iter().map(|label| {
                    let remove = props.admin.then(|| {
                        let (list, name, dispatch, outcome) =
                            (list.clone(), label.name.clone(), props.dispatch.clone(), outcome.clone());
                        let onclick = move |_: MouseEvent| {
                            let rest = list.iter().filter(|d| d.name != name).cloned().collect();
                            save(rest, dispatch.clone(), outcome.clone(), None, "Label removed.");
                        };
                        html! { <button type="button" class="sb-secondary sb-danger sb-remove-label-def" {onclick}>{ "Remove" }</button> }
                    });
                    html! {
                        <li key={label.name.clone()} class="sb-label-def" data-label-def={label.name.clone()}>
                            <span class={classes!("sb-label", format!("sb-label--{}", label.color.as_str()))}>{ label.name.clone() }</span>
                            <span class="sb-label-def-description">{ label.description.clone().unwrap_or_default() }</span>
                            { remove.unwrap_or_default() }
                        </li>
                    }
                }) }
            </ul>
            { outcome_line(&outcome) }
            if props.admin {
                <form class="sb-site-form sb-label-form" data-label-form="" aria-label="Add a label" {onsubmit}>
                    <input name="name" type="text" placeholder="Label" aria-label="Label name" required=true />
                    <select name="color" aria-label="Colour">
                        { for LabelColor::ALL.iter().map(|c| html! { <option value={c.as_str()}>{ c.as_str() }</option> }) }
                    </select>
                    <input name="description" type="text" placeholder="What it is for (optional)" aria-label="Label description" />
                    <button type="submit" class="sb-primary sb-label-def-submit">{ "Save label" }</button>
                </form>
            }
        </div>
    }
}
