//! The settings screen's "API keys" section (admins): the site's keys, making one (its secret
//! is shown once, its lifetime chosen) and revoking one — which closes what it has open at
//! once. Scripts send a key as `Authorization: Bearer sbk_…`. A key may be limited to some
//! scopes (none ticked: all its role may do).

use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::api_keys::{ApiKey, CreateRequest, Scope};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::form::{field, ticked};
use crate::effects::settings;
use crate::format;

/// The lifetimes offered, in days (`0`: until revoked).
const LIFETIMES_DAYS: [(u64, &str); 4] =
    [(0, "Until revoked"), (30, "30 days"), (90, "90 days"), (365, "1 year")];

/// The API keys section.
#[function_component(ApiKeys)]
pub fn api_keys() -> Html {
    let keys = use_state(Vec::<ApiKey>::new);
    let secret = use_state_eq(|| None::<String>);
    let error = use_state_eq(|| None::<String>);
    let reload = {
        let (keys, error) = (keys.clone(), error.clone());
        move || {
            let (keys, error) = (keys.clone(), error.clone());
            spawn_local(async move {
                match settings::api_keys().await {
                    Ok(list) => keys.set(list),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    use_effect_with((), {
        let reload = reload.clone();
        move |_| reload()
    });
    let onsubmit = {
        let (secret, error, reload) = (secret.clone(), error.clone(), reload.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let role = if field(&form, "role") == "admin" { AgentRole::Admin } else { AgentRole::Agent };
            let days: u64 = field(&form, "lifetime").parse().unwrap_or(0);
            let expires_in_s = (days > 0).then_some(days * 24 * 60 * 60);
            let scopes = Scope::ALL.into_iter().filter(|scope| ticked(&form, &scope_field(*scope))).collect();
            let request = CreateRequest { name: field(&form, "name"), role, expires_in_s, scopes };
            let (secret, error, reload, form) = (secret.clone(), error.clone(), reload.clone(), form.clone());
            spawn_local(async move {
                match settings::create_api_key(request).await {
                    Ok(created) => {
                        secret.set(Some(created.secret));
                        error.set(None);
                        form.reset();
                        reload();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    html! {
        <div class="sb-api-keys">
            <ul class="sb-team">
                { for keys.iter().map(|key| {
                    let onclick = {
                        let (id, error, reload) = (key.id.clone(), error.clone(), reload.clone());
                        move |_: MouseEvent| {
                            let (id, error, reload) = (id.clone(), error.clone(), reload.clone());
                            spawn_local(async move {
                                match settings::revoke_api_key(id).await {
                                    Ok(()) => reload(),
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        }
                    };
                    html! {
                        <li key={key.id.to_string()} class="sb-team-member sb-api-key">
                            <span class="sb-team-name">{ key.name.clone() }</span>
                            <code class="sb-team-email">{ format!("{}…", key.prefix) }</code>
                            <span class="sb-team-role">{ if key.role == AgentRole::Admin { "admin" } else { "agent" } }</span>
                            <span class="sb-key-scopes">{ scopes_label(&key.scopes) }</span>
                            <span class="sb-key-expiry">
                                { key.expires_at.map_or("until revoked".to_owned(), |at| format!("until {}", format::day(at))) }
                            </span>
                            <button type="button" class="sb-remove-agent sb-revoke-key" {onclick}>{ "Revoke" }</button>
                        </li>
                    }
                }) }
            </ul>
            <form class="sb-invite-form sb-api-key-form" {onsubmit} aria-label="Make an API key">
                <input name="name" type="text" placeholder="What it is for" aria-label="Key name" required=true />
                <select name="role" aria-label="Key role">
                    <option value="agent" selected=true>{ "Agent" }</option>
                    <option value="admin">{ "Admin" }</option>
                </select>
                <select name="lifetime" aria-label="Key lifetime">
                    { for LIFETIMES_DAYS.iter().map(|(days, label)| html! {
                        <option value={days.to_string()} selected={*days == 0}>{ *label }</option>
                    }) }
                </select>
                <fieldset class="sb-key-scope-choice">
                    <legend>{ "Limit to (none: everything)" }</legend>
                    { for Scope::ALL.iter().map(|scope| html! {
                        <label><input type="checkbox" name={scope_field(*scope)} />{ scope.as_str() }</label>
                    }) }
                </fieldset>
                <button type="submit" class="sb-primary sb-api-key-submit">{ "Make key" }</button>
            </form>
            if let Some(secret) = &*secret {
                <p class="sb-invite-link">
                    { "Copy the key now; it is not shown again: " }
                    <input type="text" readonly=true class="sb-invite-url sb-api-key-secret" value={secret.clone()} aria-label="API key" />
                </p>
            }
            if let Some(error) = &*error {
                <p class="sb-error" role="alert">{ error.clone() }</p>
            }
        </div>
    }
}

/// The checkbox that asks for `scope`.
fn scope_field(scope: Scope) -> String {
    format!("scope-{}", scope.as_str())
}

/// A key's scopes as the list shows them.
fn scopes_label(scopes: &[Scope]) -> String {
    if scopes.is_empty() {
        return "all access".to_owned();
    }
    scopes.iter().map(|scope| scope.as_str()).collect::<Vec<_>>().join(", ")
}
