//! The site's team, queues and canned responses: loading them, and the admin's changes.
//!
//! Loads report by dispatching actions. Changes return their outcome to the form that asked
//! (it shows the invite link or the error next to itself) and then reload what they changed.

use switchboard_protocol::api::canned_responses::{CannedResponse, ListResponse};
use switchboard_protocol::api::{
    agent_avatar, agents_list, conversations_list, invite_create, site_settings,
};
use switchboard_protocol::AgentId;
use switchboard_webclient::fetch_json;
use switchboard_webclient::http::{fetch_empty, put_file};
use wasm_bindgen_futures::spawn_local;

use super::session::describe;
use super::Dispatcher;
use crate::state::Action;

const AGENTS: &str = "/api/v1/agents";
const CANNED: &str = "/api/v1/canned-responses";
const SITE: &str = "/api/v1/site";

/// Loads the team and the canned responses (after sign-in, and after a change).
pub fn load(dispatch: Dispatcher) {
    load_site(dispatch.clone());
    spawn_local(async move {
        load_team_now(&dispatch).await;
        match fetch_json::<(), ListResponse>("GET", CANNED, None).await {
            Ok(list) => dispatch.dispatch(Action::CannedLoaded(list.canned_responses)),
            Err(e) => dispatch
                .dispatch(Action::Notice(Some(format!("Could not load canned responses: {}", describe(&e))))),
        }
    });
}

/// Loads the team again: when a conversation is opened, so that its transfer menu names
/// whoever joined since sign-in.
pub fn load_team(dispatch: Dispatcher) {
    spawn_local(async move { load_team_now(&dispatch).await });
}

async fn load_team_now(dispatch: &Dispatcher) {
    match fetch_json::<(), agents_list::Response>("GET", AGENTS, None).await {
        Ok(team) => dispatch.dispatch(Action::TeamLoaded(team)),
        Err(e) => {
            dispatch.dispatch(Action::Notice(Some(format!("Could not load the team: {}", describe(&e)))))
        }
    }
}

/// Loads the site's settings.
pub fn load_site(dispatch: Dispatcher) {
    spawn_local(async move {
        if let Err(error) = reload_site(&dispatch).await {
            dispatch.dispatch(Action::Notice(Some(format!("Could not load the site: {error}"))))
        }
    });
}

/// Loads the site's settings again and waits for them (the WhatsApp template picker, so that
/// a template an admin added since sign-in is there); `Err`: why not, for the asker to show.
pub async fn reload_site(dispatch: &Dispatcher) -> Result<(), String> {
    let site =
        fetch_json::<(), site_settings::Response>("GET", SITE, None).await.map_err(|e| describe(&e))?;
    dispatch.dispatch(Action::SiteLoaded(Box::new(site)));
    Ok(())
}

/// Changes the site's settings.
pub async fn update_site(patch: site_settings::Patch, dispatch: Dispatcher) -> Result<(), String> {
    match fetch_json::<_, site_settings::Response>("PATCH", SITE, Some(&patch)).await {
        Ok(site) => {
            dispatch.dispatch(Action::SiteLoaded(Box::new(site)));
            Ok(())
        }
        Err(e) => Err(describe(&e)),
    }
}

/// Searches every message of the site for `query` (after the agent paused typing); the
/// conversations found join the inbox list.
pub fn search(query: String, dispatch: Dispatcher) {
    spawn_local(async move {
        let url = format!("/api/v1/conversations?q={}", js_sys::encode_uri_component(&query));
        match fetch_json::<(), conversations_list::Response>("GET", &url, None).await {
            Ok(found) => dispatch.dispatch(Action::SearchHits { query, found: found.conversations }),
            Err(e) => dispatch.dispatch(Action::Notice(Some(format!("Search failed: {}", describe(&e))))),
        }
    });
}

/// Invites someone: the invite with its link, or why not.
pub async fn invite(
    request: invite_create::Request,
    dispatch: Dispatcher,
) -> Result<invite_create::Response, String> {
    let result = fetch_json::<_, invite_create::Response>("POST", "/api/v1/invites", Some(&request)).await;
    load(dispatch);
    result.map_err(|e| describe(&e))
}

/// Removes an account.
pub async fn remove_agent(id: AgentId, dispatch: Dispatcher) -> Result<(), String> {
    let result = fetch_empty::<()>("DELETE", &format!("{AGENTS}/{id}"), None).await;
    load(dispatch);
    result.map_err(|e| describe(&e))
}

/// Sets an agent's photo from a picked file.
pub async fn set_avatar(id: AgentId, file: web_sys::File, dispatch: Dispatcher) -> Result<(), String> {
    let result = put_file::<agent_avatar::Response>(&format!("{AGENTS}/{id}/avatar"), &file).await;
    load_team_now(&dispatch).await;
    result.map(drop).map_err(|e| describe(&e))
}

/// Removes an agent's photo (initials again).
pub async fn remove_avatar(id: AgentId, dispatch: Dispatcher) -> Result<(), String> {
    let result = fetch_empty::<()>("DELETE", &format!("{AGENTS}/{id}/avatar"), None).await;
    load_team_now(&dispatch).await;
    result.map_err(|e| describe(&e))
}

/// Adds or replaces a canned response.
pub async fn save_canned(entry: CannedResponse, dispatch: Dispatcher) -> Result<(), String> {
    let result = fetch_json::<_, CannedResponse>("POST", CANNED, Some(&entry)).await;
    load(dispatch);
    result.map(drop).map_err(|e| describe(&e))
}

/// Removes a canned response.
pub async fn remove_canned(shortcut: String, dispatch: Dispatcher) -> Result<(), String> {
    let result = fetch_empty::<()>("DELETE", &format!("{CANNED}/{shortcut}"), None).await;
    load(dispatch);
    result.map_err(|e| describe(&e))
}
