//! Two-factor sign-in for one's own account — setting it up, new recovery codes, turning it
//! off — and an admin resetting a teammate's. Like [`super::settings`], each call returns its
//! outcome (or the sentence saying why not) to the section that asked, which shows it.
//!
//! Confirming the setup signs this browser in afresh: the new anti-forgery token is taken up
//! here at once, so every later change carries it; the caller stores the renewed account.

use switchboard_protocol::api::two_factor::{
    CodeRequest, ConfirmResponse, RecoveryCodesResponse, SetupResponse,
};
use switchboard_protocol::AgentId;
use switchboard_webclient::fetch_json;
use switchboard_webclient::http::{fetch_empty, set_csrf_token};

use super::session::describe;
use super::{admin, Dispatcher};

const SETUP: &str = "/api/v1/agent/two-factor/setup";
const CONFIRM: &str = "/api/v1/agent/two-factor/confirm";
const RECOVERY_CODES: &str = "/api/v1/agent/two-factor/recovery-codes";
const DISABLE: &str = "/api/v1/agent/two-factor/disable";

/// A new secret for the authenticator app, not in force until [`confirm`]ed.
pub async fn start_setup() -> Result<SetupResponse, String> {
    fetch_json::<(), SetupResponse>("POST", SETUP, None).await.map_err(|e| describe(&e))
}

/// Turns two-factor sign-in on with a `code` the app shows for the new secret: the recovery
/// codes (shown this once) and the account signed in afresh, whose token is in use from now.
pub async fn confirm(code: String) -> Result<ConfirmResponse, String> {
    let confirmed = fetch_json::<_, ConfirmResponse>("POST", CONFIRM, Some(&CodeRequest { code }))
        .await
        .map_err(|e| describe(&e))?;
    set_csrf_token(Some(confirmed.agent.csrf_token.clone()));
    Ok(confirmed)
}

/// A new set of recovery codes, for a current `code`; the old set stops working.
pub async fn new_recovery_codes(code: String) -> Result<Vec<String>, String> {
    fetch_json::<_, RecoveryCodesResponse>("POST", RECOVERY_CODES, Some(&CodeRequest { code }))
        .await
        .map(|answer| answer.recovery_codes)
        .map_err(|e| describe(&e))
}

/// Turns two-factor sign-in off, for a current `code` (refused when the site requires it).
pub async fn turn_off(code: String) -> Result<(), String> {
    fetch_empty("POST", DISABLE, Some(&CodeRequest { code })).await.map_err(|e| describe(&e))
}

/// An admin resets teammate `id`'s two-factor sign-in (lost phone and recovery codes): they
/// sign in with their password again. The team is reloaded either way.
pub async fn reset(id: AgentId, dispatch: Dispatcher) -> Result<(), String> {
    let result = fetch_empty::<()>("DELETE", &format!("/api/v1/agents/{id}/two-factor"), None).await;
    admin::load_team(dispatch);
    result.map_err(|e| describe(&e))
}
