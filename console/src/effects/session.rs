//! The console session: who is signed in, signing in, signing out.
//!
//! The session itself is an HttpOnly cookie the console never sees; these calls only learn
//! whether it is valid and ask the edge to set or clear it.

use switchboard_protocol::api::{agent_login, agent_me};
use switchboard_webclient::http::fetch_empty;
use switchboard_webclient::{fetch_json, FetchError};
use wasm_bindgen_futures::spawn_local;

use super::{Dispatcher, SESSION_ENDED};
use crate::state::Action;

const ME: &str = "/api/v1/agent/me";
const LOGIN: &str = "/api/v1/agent/login";
const LOGOUT: &str = "/api/v1/agent/logout";

/// Asks who the cookie belongs to: the main screen if someone, the login form if not.
pub fn check(dispatch: Dispatcher) {
    spawn_local(async move {
        let result = fetch_json::<(), agent_me::Response>("GET", ME, None).await;
        dispatch.dispatch(match result {
            Ok(agent) => Action::SignedIn(agent),
            Err(e) if is_unauthorized(&e) => Action::SignedOut { error: None },
            Err(e) => Action::SignedOut { error: Some(describe(&e)) },
        });
    });
}

/// Asks again whether the session still holds, after the inbox socket dropped: an edge that
/// refuses the handshake itself (a plain `401` rather than close code 4401) looks to the
/// browser like any failed connection, and the agent must not be left reconnecting forever.
pub fn recheck(dispatch: Dispatcher) {
    spawn_local(async move {
        let result = fetch_json::<(), agent_me::Response>("GET", ME, None).await;
        if result.is_err_and(|e| is_unauthorized(&e)) {
            dispatch.dispatch(Action::SignedOut { error: Some(SESSION_ENDED.to_owned()) });
        }
    });
}

/// Signs in; on failure the edge's message (the same for a wrong email or password) is shown.
pub fn login(request: agent_login::Request, dispatch: Dispatcher) {
    dispatch.dispatch(Action::LoginStarted);
    spawn_local(async move {
        let result = fetch_json::<_, agent_login::Response>("POST", LOGIN, Some(&request)).await;
        dispatch.dispatch(match result {
            Ok(agent) => Action::SignedIn(agent),
            Err(e) => Action::LoginFailed(describe(&e)),
        });
    });
}

/// Signs out. If the edge cannot be reached the agent stays on the main screen with a notice:
/// showing the login form while the cookie still works would only pretend to sign out.
pub fn logout(dispatch: Dispatcher) {
    spawn_local(async move {
        dispatch.dispatch(match fetch_empty::<()>("POST", LOGOUT, None).await {
            Ok(()) => Action::SignedOut { error: None },
            Err(e) if is_unauthorized(&e) => Action::SignedOut { error: None },
            Err(e) => Action::Notice(Some(format!("Could not sign out: {}", describe(&e)))),
        });
    });
}

/// Whether the edge said there is no valid session.
fn is_unauthorized(error: &FetchError) -> bool {
    match error {
        FetchError::Api { status, .. } => *status == 401,
        // A 401 whose body is not an error body (a proxy in front of the edge) reaches us
        // only as this text; it still means "not signed in", not "something broke".
        FetchError::Decode(text) => text == "HTTP 401",
        FetchError::Network(_) => false,
    }
}

/// A sentence for the agent.
fn describe(error: &FetchError) -> String {
    match error {
        FetchError::Network(_) => {
            "Could not reach Switchboard. Check your connection and try again.".to_owned()
        }
        FetchError::Api { error, .. } => error.message.clone(),
        FetchError::Decode(text) => format!("Switchboard answered unexpectedly ({text})."),
    }
}
