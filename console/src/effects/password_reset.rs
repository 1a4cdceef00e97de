//! Password reset links: an admin making one for a teammate (the link is shown to them to
//! pass on, as with invites), and the page such a link opens (`/console/#reset=TOKEN`, see
//! [`super::link`]) asking whose it is and setting the new password — which signs this
//! browser in as that account.
//!
//! Looking a link up and accepting it need no session: the token is the proof, carried in
//! the body only.

use switchboard_protocol::api::agent_me;
use switchboard_protocol::api::password_reset::{AcceptRequest, Created, Shown, TokenRequest};
use switchboard_protocol::{AgentId, ErrorCode};
use switchboard_webclient::{fetch_json, FetchError};
use wasm_bindgen_futures::spawn_local;

use super::session::{describe, signed_in};
use super::{link, Dispatcher};
use crate::state::Action;

const LOOKUP: &str = "/api/v1/password-resets/lookup";
const ACCEPT: &str = "/api/v1/password-resets/accept";

/// What the page says of a link the edge does not know: used, expired, replaced by a newer
/// one, or mistyped (the edge does not say which).
pub const NO_LONGER_VALID: &str =
    "This link is no longer valid: it was used, it expired, or a newer one was made. Ask an admin for a new link.";

/// What the page says when the account turns out to need its authentication code.
pub const CODE_NEEDED: &str =
    "This account signs in with two-factor sign-in: enter the code from your authenticator app too.";

/// An admin makes a link for teammate `id` (voiding any link made before for them).
pub async fn create(id: AgentId) -> Result<Created, String> {
    fetch_json::<(), Created>("POST", &format!("/api/v1/agents/{id}/password-reset"), None)
        .await
        .map_err(|e| describe(&e))
}

/// Shows the page of the link with `token`, and asks the edge whose link it is.
pub fn open(token: String, dispatch: Dispatcher) {
    dispatch.dispatch(Action::ResetOpened(token.clone()));
    spawn_local(async move {
        let request = TokenRequest { token: token.clone() };
        let result = fetch_json::<_, Shown>("POST", LOOKUP, Some(&request)).await;
        dispatch.dispatch(Action::ResetLoaded { token, result: result.map_err(|e| explain(&e)) });
    });
}

/// Sets the new password: signed in as that account, the link leaves the address bar. An
/// account with two-factor sign-in whose code was not sent gets the form asking for it.
pub fn accept(request: AcceptRequest, dispatch: Dispatcher) {
    dispatch.dispatch(Action::ResetStarted);
    spawn_local(async move {
        match fetch_json::<_, agent_me::Response>("POST", ACCEPT, Some(&request)).await {
            Ok(agent) => {
                link::leave();
                dispatch.dispatch(signed_in(agent));
            }
            Err(e) => {
                let needs_code = code(&e) == Some(ErrorCode::SecondFactorRequired);
                let message = if needs_code { CODE_NEEDED.to_owned() } else { explain(&e) };
                dispatch.dispatch(Action::ResetFailed { message, needs_code });
            }
        }
    });
}

/// The error code of an answer of the edge's (not of a network failure).
fn code(error: &FetchError) -> Option<ErrorCode> {
    match error {
        FetchError::Api { error, .. } => Some(error.code),
        _ => None,
    }
}

/// A sentence for the person with the link: a link the edge does not know is said plainly.
fn explain(error: &FetchError) -> String {
    match code(error) {
        Some(ErrorCode::NotFound) => NO_LONGER_VALID.to_owned(),
        _ => describe(error),
    }
}
