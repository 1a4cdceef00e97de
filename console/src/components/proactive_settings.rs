//! The settings screen's "Proactive messages" section: the short messages the launcher shows
//! visitors unasked (`docs/proactive.md`), each with who it is from and when it shows, in a
//! sentence. Admins add (or, under the same name, change) and remove them; each change sends
//! the list whole (`PATCH /api/v1/site {"proactive_messages"}`).

use std::rc::Rc;

use switchboard_protocol::api::agents_list::AgentEntry;
use switchboard_protocol::api::proactive::ProactiveMessage;
use switchboard_protocol::api::site_settings::{self, Patch};
use yew::prelude::*;

use super::form::{field, outcome_line, save_site, ticked, Outcome};
use crate::effects::Dispatcher;
use crate::proactive_draft::{self, ProactiveFields};

/// Proactive messages section properties.
#[derive(Properties, PartialEq)]
pub struct ProactiveSettingsProps {
    /// The site, once loaded.
    pub site: Option<Rc<site_settings::Response>>,
    /// Whether the agent may change them.
    pub admin: bool,
    /// Who a message may be from (besides the bot).
    pub team: Rc<Vec<AgentEntry>>,
    /// For storing the answer.
    pub dispatch: Dispatcher,
}

/// Sends `list` whole (see [`save_site`]).
fn save(
    list: Vec<ProactiveMessage>,
    dispatch: Dispatcher,
    outcome: Outcome,
    form: Option<web_sys::HtmlFormElement>,
    done: &'static str,
) {
    let patch = Patch { proactive_messages: Some(list), ..Patch::default() };
    save_site(patch, dispatch, outcome, form, done);
}

/// `ul.sb-proactive-list` (`li[data-proactive=name]`), `.sb-settings-done` or `.sb-error`,
/// and for admins `form[data-proactive-form]`.
#[function_component(ProactiveSettings)]
pub fn proactive_settings(props: &ProactiveSettingsProps) -> Html {
    let outcome = use_state_eq(|| None::<Result<String, String>>);
    let Some(site) = &props.site else {
        return html! { <p class="sb-hint">{ "Loading the site…" }</p> };
    };
    let list = Rc::new(site.proactive_messages.clone());
    let onsubmit = {
        let (list, team, dispatch, outcome) =
            (list.clone(), props.team.clone(), props.dispatch.clone(), outcome.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let fields = ProactiveFields {
                name: field(&form, "name"),
                text: field(&form, "text"),
                from: field(&form, "from"),
                url: field(&form, "url"),
                after_seconds: field(&form, "after_seconds"),
                event: field(&form, "event"),
                returning_visitor: ticked(&form, "returning_visitor"),
                only_when_online: ticked(&form, "only_when_online"),
            };
            let new = match proactive_draft::to_message(&fields, &team) {
                Ok(new) => new,
                Err(why) => return outcome.set(Some(Err(why))),
            };
            // Saving a name again changes that message.
            let mut all: Vec<ProactiveMessage> =
                list.iter().filter(|m| m.name != new.name.to_lowercase()).cloned().collect();
            all.push(new);
            save(all, dispatch.clone(), outcome.clone(), Some(form), "Proactive message saved.");
        }
    };
    html! {
        <div class="sb-proactive-settings">
            <p class="sb-hint">{ "Shown by the launcher, unasked, when a page meets the trigger; a visitor who answers starts a conversation with it. Pages fire their own triggers with Switchboard('trigger', name)." }</p>
            if list.is_empty() {
                <p class="sb-hint" data-proactive-none="">{ "No proactive messages yet." }</p>
            }
            <ul class="sb-proactive-list">
                { for list.iter().map(|message| {
                    let remove = props.admin.then(|| {
                        let (list, name, dispatch, outcome) =
                            (list.clone(), message.name.clone(), props.dispatch.clone(), outcome.clone());
                        let onclick = move |_: MouseEvent| {
                            let rest = list.iter().filter(|m| m.name != name).cloned().collect();
                            save(rest, dispatch.clone(), outcome.clone(), None, "Proactive message removed.");
                        };
                        html! { <button type="button" class="sb-secondary sb-danger sb-remove-proactive" {onclick}>{ "Remove" }</button> }
                    });
                    html! {
                        <li key={message.name.clone()} class="sb-proactive" data-proactive={message.name.clone()}>
                            <span class="sb-proactive-name">{ message.name.clone() }</span>
                            <span class="sb-proactive-from">{ proactive_draft::sender(message) }</span>
                            <span class="sb-proactive-text">{ message.text.clone() }</span>
                            <span class="sb-proactive-when">{ proactive_draft::when(message) }</span>
                            { remove.unwrap_or_default() }
                        </li>
                    }
                }) }
            </ul>
            { outcome_line(&outcome) }
            if props.admin {
                <form class="sb-site-form sb-proactive-form" data-proactive-form="" aria-label="Add a proactive message" {onsubmit}>
                    <label>{ "Name" }<input name="name" type="text" placeholder="pricing-help" required=true /></label>
                    <label>{ "From" }
                        <select name="from">
                            <option value="bot">{ "The bot" }</option>
                            { for props.team.iter().map(|agent| html! {
                                <option value={agent.id.to_string()}>{ agent.name.clone() }</option>
                            }) }
                        </select>
                    </label>
                    <label>{ "Message" }<textarea name="text" rows="2" maxlength="280" required=true /></label>
                    <label>{ "Pages (URL pattern, * for anything; empty: every page)" }<input name="url" type="text" placeholder="*/pricing*" /></label>
                    <label>{ "After seconds on the page" }<input name="after_seconds" type="number" min="0" max="3600" placeholder="0" /></label>
                    <label>{ "When the page fires (optional)" }<input name="event" type="text" placeholder="added-to-cart" /></label>
                    <label class="sb-check"><input name="returning_visitor" type="checkbox" />{ "Only returning visitors" }</label>
                    <label class="sb-check"><input name="only_when_online" type="checkbox" />{ "Only while the team is online" }</label>
                    <button type="submit" class="sb-primary sb-proactive-submit">{ "Save proactive message" }</button>
                </form>
            }
        </div>
    }
}
