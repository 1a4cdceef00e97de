//! The settings screen's "Automation rules" section: each of the site's rules in a sentence
//! (`crate::rules_draft::describe`), marked when turned off, and for admins the whole list as
//! JSON to edit (`docs/automation.md`), saved with `PATCH /api/v1/site {"automation_rules"}`;
//! the edge's refusal names the field that is wrong.

use std::rc::Rc;

use switchboard_protocol::api::site_settings::{self, Patch};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::form::{outcome_line, save_site};
use crate::effects::Dispatcher;
use crate::rules_draft;

/// Rules section properties.
#[derive(Properties, PartialEq)]
pub struct AutomationRulesProps {
    /// The site, once loaded.
    pub site: Option<Rc<site_settings::Response>>,
    /// Whether the agent may change them.
    pub admin: bool,
    /// For storing the answer.
    pub dispatch: Dispatcher,
}

/// `ol.sb-rules` (`li[data-rule=name]`, `data-enabled`), and for admins
/// `form[data-rules-form]` with `textarea[name=rules]`, `.sb-settings-done` or `.sb-error`.
#[function_component(AutomationRules)]
pub fn automation_rules(props: &AutomationRulesProps) -> Html {
    let outcome = use_state_eq(|| None::<Result<String, String>>);
    let text = use_node_ref();
    let Some(site) = &props.site else {
        return html! { <p class="sb-hint">{ "Loading the site…" }</p> };
    };
    let onsubmit = {
        let (text, dispatch, outcome) = (text.clone(), props.dispatch.clone(), outcome.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let typed = text.cast::<HtmlTextAreaElement>().map(|area| area.value()).unwrap_or_default();
            let rules = match rules_draft::from_text(&typed) {
                Ok(rules) => rules,
                Err(why) => return outcome.set(Some(Err(why))),
            };
            let patch = Patch { automation_rules: Some(rules), ..Patch::default() };
            save_site(patch, dispatch.clone(), outcome.clone(), None, "Rules saved.");
        }
    };
    html! {
        <div class="sb-rules-section">
            <p class="sb-hint">{ "When something happens to a conversation and it is as a rule says, the rule does its actions. Rules never set each other off with what they do (docs/automation.md)." }</p>
            if site.automation_rules.is_empty() {
                <p class="sb-hint" data-rules-none="">{ "No rules yet." }</p>
            }
            <ol class="sb-rules">
                { for site.automation_rules.iter().map(|rule| html! {
                    <li key={rule.name.clone()} class="sb-rule" data-rule={rule.name.clone()} data-enabled={rule.enabled.to_string()}>
                        <strong class="sb-rule-name">{ rule.name.clone() }</strong>
                        if !rule.enabled {
                            <span class="sb-rule-off">{ " (off)" }</span>
                        }
                        <span class="sb-rule-summary">{ rules_draft::describe(rule) }</span>
                    </li>
                }) }
            </ol>
            { outcome_line(&outcome) }
            if props.admin {
                <form class="sb-site-form sb-rules-form" data-rules-form="" aria-label="Edit automation rules" {onsubmit}>
                    <textarea ref={text} name="rules" rows="10" spellcheck="false" aria-label="Automation rules (JSON)"
                        value={rules_draft::to_text(&site.automation_rules)} />
                    <button type="submit" class="sb-primary sb-rules-submit">{ "Save rules" }</button>
                </form>
            }
        </div>
    }
}
