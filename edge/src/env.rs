//! Configuration from the worker's variables and secrets, and the clock and randomness the
//! core is handed. The clock is read once per entry point (a request, a socket event, an
//! alarm) and handed down: in the worker as [`Ctx::now`], in the objects as a `now`
//! parameter.

use std::cell::RefCell;

use switchboard_core::key_scopes::Need;
use switchboard_core::site::Bootstrap;
use switchboard_core::token::SigningKey;
use switchboard_protocol::api::site_settings::SessionLimits;
use switchboard_protocol::{ErrorCode, SiteId};
use worker::Env;

use crate::error::{EdgeError, EdgeResult};

/// The R2 bucket binding that holds attachments and agents' photos.
pub(crate) const BUCKET: &str = "ATTACHMENTS";

/// The keys tokens are signed with: the secret `SESSION_SECRET` signs; during a rotation's
/// grace period `SESSION_SECRET_PREVIOUS` is accepted too (`docs/security.md`).
pub(crate) fn signing_key(env: &Env) -> EdgeResult<SigningKey> {
    let secret = |name: &str| env.secret(name).map(|s| s.to_string()).unwrap_or_default();
    let key = SigningKey::new(secret("SESSION_SECRET").as_bytes()).map_err(|e| {
        worker::console_error!("SESSION_SECRET is missing or too short: {e}");
        EdgeError::refuse(ErrorCode::Internal, "the edge is not configured (SESSION_SECRET)")
    })?;
    let previous = secret("SESSION_SECRET_PREVIOUS");
    if previous.is_empty() {
        return Ok(key);
    }
    // A bad previous key must not stop the edge: it is logged and left out.
    Ok(key.clone().with_previous(previous.as_bytes()).unwrap_or_else(|e| {
        worker::console_error!("SESSION_SECRET_PREVIOUS is ignored: {e}");
        key
    }))
}

/// The out-of-the-box site and admin, when `BOOTSTRAP_SITE_ID` is set. Invalid variables are
/// logged and ignored, so a typo shows up in the log instead of as a half-made site.
pub(crate) fn bootstrap(env: &Env) -> Option<Bootstrap> {
    let var = |name: &str| env.var(name).map(|v| v.to_string()).unwrap_or_default();
    let secret = |name: &str| env.secret(name).map(|v| v.to_string()).unwrap_or_default();
    let site_id = var("BOOTSTRAP_SITE_ID");
    if site_id.is_empty() {
        return None;
    }
    Bootstrap::from_vars(
        &site_id,
        &var("BOOTSTRAP_SITE_NAME"),
        &var("BOOTSTRAP_ALLOWED_ORIGINS"),
        &var("BOOTSTRAP_ADMIN_EMAIL"),
        &var("BOOTSTRAP_ADMIN_NAME"),
        &secret("BOOTSTRAP_ADMIN_PASSWORD"),
        &var("BOOTSTRAP_FLOW"),
        &crate::zones::RuntimeZones,
    )
    .map(|mut bootstrap| {
        bootstrap.site.identity_secret = Some(secret("BOOTSTRAP_IDENTITY_SECRET")).filter(|s| !s.is_empty());
        bootstrap
    })
    .map_err(|e| worker::console_error!("bootstrap variables ignored: {e}"))
    .ok()
}

/// The deployment's limits on new visitor sessions, for sites that set none: the variables
/// `SESSIONS_PER_MINUTE_PER_ADDRESS` and `SESSIONS_PER_MINUTE_PER_SITE`, else the product's.
pub(crate) fn session_limits(env: &Env) -> SessionLimits {
    let var = |name: &str, default: u32| {
        env.var(name).ok().and_then(|v| v.to_string().parse().ok()).unwrap_or(default)
    };
    let default = switchboard_core::session_limits::DEFAULT;
    SessionLimits {
        per_address_per_minute: var("SESSIONS_PER_MINUTE_PER_ADDRESS", default.per_address_per_minute),
        per_site_per_minute: var("SESSIONS_PER_MINUTE_PER_SITE", default.per_site_per_minute),
    }
}

/// Milliseconds since the Unix epoch. Read at entry points only (see the module's doc).
pub(crate) fn now() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// What one request to the worker works with: its bindings, and the time it arrived. It
/// derefs to the [`Env`], so it goes wherever the bindings are asked for.
pub(crate) struct Ctx<'a> {
    env: &'a Env,
    /// When the request arrived, ms since the Unix epoch.
    pub now: i64,
    /// What the route needs from a scoped API key (`crate::scopes`).
    pub need: Option<Need>,
    /// The site of the agent or key the request was authenticated as, once it was
    /// (`crate::idempotency` files a kept answer under it).
    caller_site: RefCell<Option<SiteId>>,
}

impl<'a> Ctx<'a> {
    /// `env` at the time `now`.
    pub(crate) fn new(env: &'a Env, now: i64) -> Self {
        Self { env, now, need: None, caller_site: RefCell::new(None) }
    }

    /// Notes that the request's credential belongs to `site`.
    pub(crate) fn authenticated_for(&self, site: &SiteId) {
        self.caller_site.replace(Some(site.clone()));
    }

    /// The site the request's credential belongs to, if it was authenticated.
    pub(crate) fn caller_site(&self) -> Option<SiteId> {
        self.caller_site.borrow().clone()
    }

    /// For a route that needs `need` from scoped keys.
    pub(crate) fn needing(self, need: Option<Need>) -> Self {
        Self { need, ..self }
    }
}

impl std::ops::Deref for Ctx<'_> {
    type Target = Env;

    fn deref(&self) -> &Env {
        self.env
    }
}

/// `N` random bytes from the runtime's CSPRNG (`crypto.getRandomValues`).
pub(crate) fn random_bytes<const N: usize>() -> EdgeResult<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| EdgeError::Runtime(worker::Error::RustError(format!("no randomness: {e}"))))?;
    Ok(bytes)
}
