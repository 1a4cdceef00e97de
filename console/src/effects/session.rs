//! The console session: who is signed in, signing in, signing out — here or everywhere —
//! and the invite page's calls.
//!
//! The session itself is an HttpOnly cookie the console never sees; these calls only learn
//! whether it is valid and ask the edge to set or clear it.

use switchboard_protocol::api::{agent_login, agent_me, agent_password, invite_accept, invite_show};
use switchboard_protocol::{AgentId, ErrorCode};
use switchboard_webclient::http::{fetch_empty, set_csrf_token};
use switchboard_webclient::{fetch_json, FetchError};
use wasm_bindgen_futures::spawn_local;

use super::{link, Dispatcher, SESSION_ENDED};
use crate::state::Action;

const ME: &str = "/api/v1/agent/me";
const LOGIN: &str = "/api/v1/agent/login";
const LOGOUT: &str = "/api/v1/agent/logout";

/// Asks who the cookie belongs to: the main screen if someone, the login form if not. A page
/// opened from an invite or password reset link (`#invite=…`, `#reset=…`) shows that link's
/// page instead.
pub fn check(dispatch: Dispatcher) {
    if link::open(&dispatch) {
        return;
    }
    spawn_local(async move {
        let result = fetch_json::<(), agent_me::Response>("GET", ME, None).await;
        dispatch.dispatch(match result {
            Ok(agent) => signed_in(agent),
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

/// Signs in; on failure the edge's message (the same for a wrong email or password, or a
/// wrong code) is shown. A right password of an account with two-factor sign-in
/// (`second_factor_required`) moves the form on to asking for the code.
pub fn login(request: agent_login::Request, dispatch: Dispatcher) {
    dispatch.dispatch(Action::LoginStarted);
    spawn_local(async move {
        let result = fetch_json::<_, agent_login::Response>("POST", LOGIN, Some(&request)).await;
        dispatch.dispatch(match result {
            Ok(agent) => signed_in(agent),
            Err(FetchError::Api { error, .. }) if error.code == ErrorCode::SecondFactorRequired => {
                Action::CodeRequired
            }
            Err(e) => Action::LoginFailed(describe(&e)),
        });
    });
}

/// Signs out. If the edge cannot be reached the agent stays on the main screen with a notice:
/// showing the login form while the cookie still works would only pretend to sign out.
pub fn logout(dispatch: Dispatcher) {
    spawn_local(async move {
        dispatch.dispatch(match fetch_empty::<()>("POST", LOGOUT, None).await {
            Ok(()) => {
                set_csrf_token(None);
                Action::SignedOut { error: None }
            }
            Err(e) if is_unauthorized(&e) => Action::SignedOut { error: None },
            Err(e) => Action::Notice(Some(format!("Could not sign out: {}", describe(&e)))),
        });
    });
}

/// The session's anti-forgery token goes with every later change.
pub(crate) fn signed_in(agent: agent_me::Response) -> Action {
    set_csrf_token(Some(agent.csrf_token.clone()));
    Action::SignedIn(agent)
}

/// Shows the page of the invite link with `token`, and asks the edge what it is for.
pub(crate) fn open_invite(token: String, dispatch: Dispatcher) {
    dispatch.dispatch(Action::InviteOpened(token.clone()));
    spawn_local(async move {
        let request = invite_show::Request { token };
        let result =
            fetch_json::<_, invite_show::Response>("POST", "/api/v1/invites/lookup", Some(&request)).await;
        dispatch.dispatch(Action::InviteLoaded(result.map_err(|e| describe(&e))));
    });
}

/// Accepts an invite: the account is made and signed in; the link leaves the address bar.
pub fn accept_invite(request: invite_accept::Request, dispatch: Dispatcher) {
    dispatch.dispatch(Action::InviteStarted);
    spawn_local(async move {
        match fetch_json::<_, invite_accept::Response>("POST", "/api/v1/invites/accept", Some(&request)).await
        {
            Ok(agent) => {
                link::leave();
                dispatch.dispatch(signed_in(agent));
            }
            Err(e) => dispatch.dispatch(Action::InviteFailed(describe(&e))),
        }
    });
}

/// Ends every session of account `id` ("Sign out everywhere" for one's own, which signs
/// this console out too; an admin ending a teammate's): the edge closes their sockets.
pub async fn end_sessions(id: AgentId, own: bool, dispatch: Dispatcher) -> Result<(), String> {
    fetch_empty::<()>("DELETE", &format!("/api/v1/agents/{id}/sessions"), None)
        .await
        .map_err(|e| describe(&e))?;
    if own {
        set_csrf_token(None);
        dispatch.dispatch(Action::SignedOut { error: None });
    }
    Ok(())
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
pub fn describe(error: &FetchError) -> String {
    match error {
        FetchError::Network(_) => {
            "Could not reach Switchboard. Check your connection and try again.".to_owned()
        }
        FetchError::Api { error, .. } => error.message.clone(),
        FetchError::Decode(text) => format!("Switchboard answered unexpectedly ({text})."),
    }
}

/// Changes the signed-in agent's password; their other sessions end, and this one goes on
/// under a new cookie and anti-forgery token (taken up here).
pub async fn change_password(request: agent_password::Request) -> Result<(), String> {
    match fetch_json::<_, agent_password::Response>("POST", "/api/v1/agent/password", Some(&request)).await {
        Ok(agent) => {
            set_csrf_token(Some(agent.csrf_token));
            Ok(())
        }
        Err(error) => Err(describe(&error)),
    }
}
