//! Every call the Directory object answers, with its route and its answer (see
//! [`crate::objects::call`]). The worker has checked the caller's session and role before it
//! calls; the directory checks what only it knows.

use serde::{Deserialize, Serialize};
use switchboard_protocol::api::agent_me::{self, AgentRole};
use switchboard_protocol::api::api_keys::{CreateRequest, Created, ListResponse, Scope};
use switchboard_protocol::api::{
    agents_list, invite_accept, invite_create, invite_show, password_reset, sites, two_factor,
};
use switchboard_protocol::{AgentId, SiteId};
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind};

/// The one Directory object of the deployment.
pub(crate) struct Directory;

impl ObjectKind for Directory {
    type Key = ();

    fn stub(env: &Env, (): &()) -> EdgeResult<Stub> {
        // One directory of accounts: sign-ins are rare, and a single object keeps emails unique.
        Ok(crate::objects::call::namespace(env, "DIRECTORY")?.id_from_name("directory")?.get_stub()?)
    }
}

/// A sign-in attempt, with the address it came from (for throttling); answers the account.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Login {
    /// The email typed.
    pub email: String,
    /// The password typed.
    pub password: String,
    /// The client's address as the edge saw it (`CF-Connecting-IP`), or `unknown`.
    pub address: String,
    /// The second step, for an account with two-factor sign-in on.
    #[serde(default)]
    pub code: Option<String>,
}
object_call!(Login => Directory, "/login", SignedIn);

/// An account signed in (by password, or by accepting an invite): who, and the version its
/// new session carries (see [`CheckSession`]).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SignedIn {
    /// The account.
    pub agent: agent_me::Response,
    /// Its sessions' current version.
    pub session_version: u32,
}

/// The signed-in agent changes their password (the current one checked and throttled like a
/// sign-in); every session of theirs ends; answers the account signed in afresh.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ChangePassword {
    /// Whose (the session's account).
    pub agent: AgentId,
    /// The password now.
    pub current_password: String,
    /// The new one.
    pub new_password: String,
    /// The client's address (`CF-Connecting-IP`), for the throttle.
    pub address: String,
}
object_call!(ChangePassword => Directory, "/password/change", SignedIn);

/// Whether a console session is still good: its account exists and has not ended its
/// sessions since (`unauthorized` otherwise). Answers the account as it is now (a name or
/// role changed since sign-in counts at once).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CheckSession {
    /// The account the session is for.
    pub agent: AgentId,
    /// The version the session was signed with.
    pub version: u32,
}
object_call!(CheckSession => Directory, "/sessions/check", agent_me::Response);

/// Ends every session of `agent` ("sign out everywhere"): its version moves on, so every
/// cookie signed before is refused. `not_found` for another site's account.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EndSessions {
    /// The caller's site.
    pub site: SiteId,
    /// Whose sessions.
    pub agent: AgentId,
}
object_call!(EndSessions => Directory, "/sessions/end", ());

/// The signed-in agent starts setting up two-factor sign-in: a new secret, kept aside until
/// confirmed; `conflict` when it is on already.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StartTwoFactor {
    /// The agent.
    pub agent: AgentId,
}
object_call!(StartTwoFactor => Directory, "/two-factor/start", two_factor::SetupResponse);

/// Something the signed-in agent does with a code of their second step, checked and throttled
/// like a sign-in.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct TwoFactorCode {
    /// The agent.
    pub agent: AgentId,
    /// The code typed.
    pub code: String,
    /// The client's address (throttling).
    pub address: String,
}

/// [`TwoFactorCode`] with the code of the secret being set up: two-factor sign-in is on from
/// now; answers the recovery codes and the account.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ConfirmTwoFactor(pub TwoFactorCode);
object_call!(ConfirmTwoFactor => Directory, "/two-factor/confirm", TwoFactorConfirmed);

/// What [`ConfirmTwoFactor`] answers.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct TwoFactorConfirmed {
    /// Shown once.
    pub recovery_codes: Vec<String>,
    /// The account, to sign in afresh.
    pub signed_in: SignedIn,
}

/// [`TwoFactorCode`] with a current code: a new set of recovery codes, the old ones void.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct NewRecoveryCodes(pub TwoFactorCode);
object_call!(NewRecoveryCodes => Directory, "/two-factor/recovery-codes", Vec<String>);

/// [`TwoFactorCode`] with a current code: two-factor sign-in off (the worker checked that
/// the site does not require it of the agent).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct DisableTwoFactor(pub TwoFactorCode);
object_call!(DisableTwoFactor => Directory, "/two-factor/disable", ());

/// An admin of `site` resets a teammate's two-factor sign-in (lost phone and codes): it is
/// off, and every session of theirs ends. `not_found` for another site's account.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ResetTwoFactor {
    /// The admin's site.
    pub site: SiteId,
    /// The teammate.
    pub agent: AgentId,
}
object_call!(ResetTwoFactor => Directory, "/two-factor/reset", ());

/// An admin of `site` makes a password reset link for `agent` (voiding any older one).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CreateResetLink {
    /// The admin's site.
    pub site: SiteId,
    /// The admin.
    pub by: AgentId,
    /// The teammate.
    pub agent: AgentId,
}
object_call!(CreateResetLink => Directory, "/reset/create", ResetLinkMade);

/// What [`CreateResetLink`] answers.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ResetLinkMade {
    /// The one-time token (never stored).
    pub token: String,
    /// Whose password it resets.
    pub email: String,
    /// When it stops working.
    pub expires_at: i64,
}

/// Whose reset link `token` is.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ShowResetLink {
    /// The token from the link.
    pub token: String,
}
object_call!(ShowResetLink => Directory, "/reset/show", password_reset::Shown);

/// Someone uses a reset link; answers the account signed in afresh.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AcceptResetLink {
    /// The token from the link.
    pub token: String,
    /// The new password.
    pub new_password: String,
    /// The account's second step, when it has one.
    pub code: Option<String>,
    /// The client's address (throttling codes).
    pub address: String,
}
object_call!(AcceptResetLink => Directory, "/reset/accept", SignedIn);

/// An admin of `site` invites someone; answers the one-time token.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Invite {
    /// The admin's site: the new account answers for it.
    pub site: SiteId,
    /// The admin.
    pub by: AgentId,
    /// What they asked for.
    pub request: invite_create::Request,
}
object_call!(Invite => Directory, "/invite", Invited);

/// What the directory made of an invite: the token (not stored) and its expiry.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Invited {
    /// The one-time token.
    pub token: String,
    /// The normalised email.
    pub email: String,
    /// Expiry, ms since the epoch.
    pub expires_at: i64,
}

/// What a usable invite is for (`not_found`, `gone` otherwise).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ShowInvite {
    /// The token from the link.
    pub token: String,
}
object_call!(ShowInvite => Directory, "/invite/show", invite_show::Response);

/// Someone accepts an invite; answers the account made.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AcceptInvite {
    /// The token from the link, their password and name.
    pub request: invite_accept::Request,
}
object_call!(AcceptInvite => Directory, "/invite/accept", SignedIn);

/// A site's accounts, by name.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ListAgents {
    /// The site.
    pub site: SiteId,
}
object_call!(ListAgents => Directory, "/agents", agents_list::Response);

/// An admin of `site` removes `agent`, and with it the API keys it made; answers those keys
/// (their sockets close too).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RemoveAgent {
    /// The admin's site.
    pub site: SiteId,
    /// The admin.
    pub by: AgentId,
    /// The account to remove.
    pub agent: AgentId,
}
object_call!(RemoveAgent => Directory, "/agents/remove", Vec<AgentId>);

/// Reserves a new site's id (unique across the deployment; `conflict` when taken).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RegisterSite {
    /// The site.
    pub entry: sites::SiteEntry,
}
object_call!(RegisterSite => Directory, "/sites/register", ());

/// Every site: the bootstrap one and those created since, by id.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ListSites;
object_call!(ListSites => Directory, "/sites", sites::ListResponse);

/// An admin of `site` makes an API key; answers it with its secret (shown once). The key
/// belongs to the admin's account (`by` is that account, or a key of it): it stops working
/// when the account is removed.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CreateKey {
    /// The site it acts for.
    pub site: SiteId,
    /// Who makes it: an account, or an API key (then the key's account).
    pub by: AgentId,
    /// Its name, role and lifetime.
    pub request: CreateRequest,
}
object_call!(CreateKey => Directory, "/keys/create", Created);

/// An admin of `site` revokes a key (`not_found` for another site's).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RevokeKey {
    /// The admin's site.
    pub site: SiteId,
    /// The key.
    pub id: AgentId,
}
object_call!(RevokeKey => Directory, "/keys/revoke", ());

/// A site's API keys, newest first.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ListKeys {
    /// The site.
    pub site: SiteId,
}
object_call!(ListKeys => Directory, "/keys", ListResponse);

/// Who an API key acts as (`unauthorized` for an unknown, revoked or expired one, or one
/// whose account was removed).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CheckKey {
    /// The secret presented.
    pub secret: String,
}
object_call!(CheckKey => Directory, "/keys/check", KeyHolder);

/// Who a valid key acts as.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeyHolder {
    /// The key's id (used as its agent id).
    pub id: AgentId,
    /// Its site.
    pub site: SiteId,
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: AgentRole,
    /// When it stops working, if it does (sockets opened with it close then).
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// What it is limited to (empty: all its role may do).
    #[serde(default)]
    pub scopes: Vec<Scope>,
}
