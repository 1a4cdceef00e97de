//! The settings screen's "Sites" section, for owners (admins of the deployment's first
//! site): every site, and a form that creates one and invites its first admin in one go.

use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::invite_create;
use switchboard_protocol::api::sites::{CreateRequest, SiteEntry};
use switchboard_protocol::SiteId;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::form::field;
use crate::effects::settings;

/// The sites section.
#[function_component(Sites)]
pub fn sites() -> Html {
    let sites = use_state(Vec::<SiteEntry>::new);
    let link = use_state_eq(|| None::<String>);
    let error = use_state_eq(|| None::<String>);
    let reload = {
        let (sites, error) = (sites.clone(), error.clone());
        move || {
            let (sites, error) = (sites.clone(), error.clone());
            spawn_local(async move {
                match settings::sites().await {
                    Ok(list) => sites.set(list),
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
        let (link, error, reload) = (link.clone(), error.clone(), reload.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let value = |name: &str| field(&form, name);
            let id = match SiteId::parse(value("id").trim()) {
                Ok(id) => id,
                Err(e) => return error.set(Some(format!("That site id is not valid: {e}"))),
            };
            let site = CreateRequest {
                id: id.clone(),
                name: value("name"),
                allowed_origins: value("origins").split_whitespace().map(str::to_owned).collect(),
            };
            let invite = invite_create::Request {
                email: value("admin_email"),
                name: value("admin_name"),
                role: AgentRole::Admin,
                site_id: Some(id),
                expires_in_s: None,
            };
            let (link, error, reload, form) = (link.clone(), error.clone(), reload.clone(), form.clone());
            spawn_local(async move {
                let outcome = settings::create_site(site, invite).await;
                reload();
                match outcome {
                    Ok(url) => {
                        link.set(Some(url));
                        error.set(None);
                        form.reset();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    html! {
        <div class="sb-sites">
            <ul class="sb-team">
                { for sites.iter().map(|site| html! {
                    <li key={site.id.to_string()} class="sb-team-member sb-site">
                        <span class="sb-team-name">{ site.name.clone() }</span>
                        <code class="sb-team-email">{ site.id.to_string() }</code>
                    </li>
                }) }
            </ul>
            <form class="sb-invite-form sb-site-create" {onsubmit} aria-label="Create a site">
                <input name="id" type="text" placeholder="site id (a-z, 0-9, -)" aria-label="Site id" required=true />
                <input name="name" type="text" placeholder="Name" aria-label="Site name" required=true />
                <textarea name="origins" rows="1" placeholder="https://shop.example" aria-label="Allowed origins" />
                <input name="admin_name" type="text" placeholder="First admin's name" aria-label="First admin's name" required=true />
                <input name="admin_email" type="email" placeholder="First admin's email" aria-label="First admin's email" required=true />
                <button type="submit" class="sb-primary sb-site-create-submit">{ "Create site" }</button>
            </form>
            if let Some(url) = &*link {
                <p class="sb-invite-link">
                    { "Send this link to the site's first admin (it works once): " }
                    <input type="text" readonly=true class="sb-invite-url" value={url.clone()} aria-label="Invite link" />
                </p>
            }
            if let Some(error) = &*error {
                <p class="sb-error" role="alert">{ error.clone() }</p>
            }
        </div>
    }
}
