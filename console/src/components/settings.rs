//! The settings screen: the site and its channels, the team (accounts with their photos,
//! invites, password reset links), the canned responses, the site's labels, the macros and the automation rules. Everyone sees them; only admins
//! get the controls that change them (the edge enforces it as well), and the API keys,
//! webhooks and the audit log. Each agent also changes their own password and two-factor
//! sign-in here, and chooses whether they get the email digest of what they missed.

use std::rc::Rc;

use switchboard_core::two_factor;
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::agents_list;
use switchboard_protocol::api::canned_responses::CannedResponse;
use switchboard_protocol::api::invite_create;
use switchboard_protocol::AgentId;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::form::{field, outcome_line};

use super::api_keys::ApiKeys;
use super::audit_log::AuditLog;
use super::automation_rules::AutomationRules;
use super::blocks::Blocks;
use super::channels::ChannelsForm;
use super::email_digest::EmailDigest;
use super::label_settings::LabelSettings;
use super::macro_settings::MacroSettings;
use super::password::ChangePassword;
use super::proactive_settings::ProactiveSettings;
use super::site_form::SiteForm;
use super::sites::Sites;
use super::team::Member;
use super::two_factor::TwoFactorSection;
use super::webhooks::Webhooks;
use crate::effects::{admin, Dispatcher};
use crate::state::{Action, Agent};

/// Settings properties.
#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    /// The signed-in agent's account (its two-factor sign-in).
    pub agent: Rc<Agent>,
    /// The signed-in agent.
    pub me: AgentId,
    /// Whether they are an admin.
    pub admin: bool,
    /// Whether they are an owner (may create sites).
    pub owner: bool,
    /// The team.
    pub team: Rc<agents_list::Response>,
    /// The canned responses.
    pub canned: Rc<Vec<CannedResponse>>,
    /// For reloading after a change.
    pub dispatch: Dispatcher,
    /// The site's settings, once loaded.
    pub site: Option<Rc<switchboard_protocol::api::site_settings::Response>>,
}

/// The settings screen.
#[function_component(Settings)]
pub fn settings(props: &SettingsProps) -> Html {
    let outcome = use_state_eq(|| None::<Result<String, String>>);
    let link = use_state_eq(|| None::<String>);
    let report = {
        let outcome = outcome.clone();
        move |result: Result<String, String>| outcome.set(Some(result))
    };
    let required_of_me =
        props.site.as_ref().map(|site| two_factor::required(site.two_factor_policy, props.admin));
    // The team list's "2FA" badge of this account changes with it.
    let on_renewed = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |agent| {
            dispatch.dispatch(Action::AgentRenewed(agent));
            admin::load_team(dispatch.clone());
        })
    };
    html! {
        <section class="sb-settings" aria-label="Settings">
            { outcome_line(&outcome) }
            <h2>{ "Site and widget" }</h2>
            <SiteForm site={props.site.clone()} admin={props.admin} dispatch={props.dispatch.clone()} />
            <h2>{ "Channels" }</h2>
            <ChannelsForm site={props.site.clone()} admin={props.admin} dispatch={props.dispatch.clone()}
                queues={Rc::new(props.team.queues.clone())} />
            <h2>{ "Team" }</h2>
            <ul class="sb-team">
                { for props.team.agents.iter().map(|agent| html! {
                    <Member key={agent.id.to_string()} agent={agent.clone()} me={props.me.clone()} admin={props.admin}
                        dispatch={props.dispatch.clone()} report={Callback::from(report.clone())} />
                }) }
            </ul>
            if props.admin {
                { invite_form(props.dispatch.clone(), link.clone(), report.clone()) }
            }
            if let Some(url) = &*link {
                <p class="sb-invite-link">
                    { "Send this link to the person you invited (it works once): " }
                    <input type="text" readonly=true class="sb-invite-url" value={url.clone()} aria-label="Invite link" />
                </p>
            }
            <h2>{ "Canned responses" }</h2>
            <p class="sb-hint">{ "Type / and the shortcut in the reply box to insert one." }</p>
            <ul class="sb-canned-list">
                { for props.canned.iter().map(|entry| {
                    let remove = props.admin.then(|| {
                        let (shortcut, dispatch, report) = (entry.shortcut.clone(), props.dispatch.clone(), report.clone());
                        let onclick = move |_: MouseEvent| {
                            let (shortcut, dispatch, report) = (shortcut.clone(), dispatch.clone(), report.clone());
                            spawn_local(async move {
                                report(admin::remove_canned(shortcut, dispatch).await.map(|()| "Removed.".to_owned()));
                            });
                        };
                        html! { <button type="button" class="sb-remove-canned" {onclick}>{ "Remove" }</button> }
                    });
                    html! {
                        <li key={entry.shortcut.clone()} class="sb-canned-entry">
                            <span class="sb-canned-shortcut">{ format!("/{}", entry.shortcut) }</span>
                            <span class="sb-canned-text">{ entry.text.clone() }</span>
                            { remove.unwrap_or_default() }
                        </li>
                    }
                }) }
            </ul>
            <h2>{ "Labels" }</h2>
            <LabelSettings site={props.site.clone()} admin={props.admin} dispatch={props.dispatch.clone()} />
            <h2>{ "Macros" }</h2>
            <MacroSettings site={props.site.clone()} admin={props.admin} dispatch={props.dispatch.clone()}
                queues={Rc::new(props.team.queues.clone())} />
            <h2>{ "Automation rules" }</h2>
            <AutomationRules site={props.site.clone()} admin={props.admin} dispatch={props.dispatch.clone()} />
            <h2>{ "Proactive messages" }</h2>
            <ProactiveSettings site={props.site.clone()} admin={props.admin} dispatch={props.dispatch.clone()}
                team={Rc::new(props.team.agents.clone())} />
            <h2>{ "Your password" }</h2>
            <ChangePassword />
            <h2>{ "Two-factor sign-in" }</h2>
            <TwoFactorSection agent={props.agent.clone()} required={required_of_me} {on_renewed} />
            <h2>{ "Email digest" }</h2>
            <EmailDigest />
            <h2>{ "Blocked visitors" }</h2>
            <Blocks />
            if props.admin {
                { canned_form(props.dispatch.clone(), report) }
                <h2>{ "API keys" }</h2>
                <p class="sb-hint">{ "For scripts and servers: send a key as Authorization: Bearer sbk_… to the REST API (docs/openapi.json)." }</p>
                <ApiKeys />
                <h2>{ "Webhooks" }</h2>
                <p class="sb-hint">{ "Your servers hear of conversations, messages and ratings as they happen: each event is POSTed to their URL as signed JSON." }</p>
                <Webhooks />
                <h2>{ "Audit log" }</h2>
                <p class="sb-hint">{ "Who did what to the site's accounts, keys, settings and visitors, and from which address." }</p>
                <AuditLog />
            }
            if props.owner {
                <h2>{ "Sites" }</h2>
                <Sites />
            }
        </section>
    }
}

fn invite_form(
    dispatch: Dispatcher,
    link: UseStateHandle<Option<String>>,
    report: impl Fn(Result<String, String>) + Clone + 'static,
) -> Html {
    let onsubmit = move |event: SubmitEvent| {
        event.prevent_default();
        let form: web_sys::HtmlFormElement = event.target_unchecked_into();
        let role = if field(&form, "role") == "admin" { AgentRole::Admin } else { AgentRole::Agent };
        let request = invite_create::Request {
            email: field(&form, "email"),
            name: field(&form, "name"),
            role,
            site_id: None,
            expires_in_s: None,
        };
        let (dispatch, link, report, form) = (dispatch.clone(), link.clone(), report.clone(), form.clone());
        spawn_local(async move {
            match admin::invite(request, dispatch).await {
                Ok(invite) => {
                    link.set(Some(invite.url));
                    form.reset();
                    report(Ok(format!("Invite made for {}.", invite.email)));
                }
                Err(error) => report(Err(error)),
            }
        });
    };
    html! {
        <form class="sb-invite-form" {onsubmit} aria-label="Invite someone">
            <input name="email" type="email" placeholder="Email" aria-label="Email" required=true />
            <input name="name" type="text" placeholder="Name" aria-label="Name" required=true />
            <select name="role" aria-label="Role">
                <option value="agent" selected=true>{ "Agent" }</option>
                <option value="admin">{ "Admin" }</option>
            </select>
            <button type="submit" class="sb-primary sb-invite-submit">{ "Invite" }</button>
        </form>
    }
}

fn canned_form(dispatch: Dispatcher, report: impl Fn(Result<String, String>) + Clone + 'static) -> Html {
    let onsubmit = move |event: SubmitEvent| {
        event.prevent_default();
        let form: web_sys::HtmlFormElement = event.target_unchecked_into();
        let entry = CannedResponse { shortcut: field(&form, "shortcut"), text: field(&form, "text") };
        let (dispatch, report, form) = (dispatch.clone(), report.clone(), form.clone());
        spawn_local(async move {
            let result = admin::save_canned(entry, dispatch).await;
            if result.is_ok() {
                form.reset();
            }
            report(result.map(|()| "Saved.".to_owned()));
        });
    };
    html! {
        <form class="sb-canned-form" {onsubmit} aria-label="Add a canned response">
            <input name="shortcut" type="text" placeholder="shortcut" aria-label="Shortcut" required=true />
            <textarea name="text" rows="2" placeholder="The reply it inserts" aria-label="Text" required=true />
            <button type="submit" class="sb-primary sb-canned-submit">{ "Save" }</button>
        </form>
    }
}
