//! `GET /api/v1/audit-log` (admin: console session or an admin key) — what was done to the
//! site's accounts, keys, settings and visitors: who, when, from where. Newest first, a page
//! at a time: `?limit=` (1–200, default 50) and `?before=<id>` (the `next_before` of the
//! previous page). Entries are only ever added: no route edits or deletes one. They are kept
//! [`RETENTION_DAYS`] days, and at most [`MAX_ENTRIES`] per site (the oldest go first).

use serde::{Deserialize, Serialize};

/// How long entries are kept.
pub const RETENTION_DAYS: i64 = 400;

/// Most entries kept per site.
pub const MAX_ENTRIES: i64 = 100_000;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// An agent signed in to the console.
    SignedIn,
    /// A sign-in with a wrong password or code for an account of the site.
    SignInFailed,
    /// An agent changed their password.
    PasswordChanged,
    /// An admin made a password reset link for `target`.
    PasswordResetLinkCreated,
    /// `target`'s password was set through a reset link.
    PasswordReset,
    /// Every session of `target` was ended (sign out everywhere).
    SessionsEnded,
    /// An agent turned two-factor sign-in on.
    TwoFactorOn,
    /// An agent turned two-factor sign-in off.
    TwoFactorOff,
    /// An admin reset `target`'s two-factor sign-in.
    TwoFactorReset,
    /// An agent made new recovery codes.
    RecoveryCodesRenewed,
    /// An admin invited `target`.
    Invited,
    /// `target` accepted an invite and has an account.
    InviteAccepted,
    /// An admin removed `target`'s account.
    AccountRemoved,
    /// An API key `target` was made.
    ApiKeyCreated,
    /// The API key `target` was revoked.
    ApiKeyRevoked,
    /// The site's settings changed (`detail` names what).
    SettingsChanged,
    /// The site's flow (routing, bot, hours) changed.
    FlowChanged,
    /// A visitor was blocked (`target` the visitor).
    VisitorBlocked,
    /// A block was lifted.
    BlockLifted,
    /// The site was created.
    SiteCreated,
    /// A webhook to `target` (its URL) was added.
    WebhookCreated,
    /// A webhook to `target` was changed (`detail` names what).
    WebhookChanged,
    /// A webhook to `target` was removed.
    WebhookRemoved,
    /// The edge turned the webhook to `target` off: every delivery failed for a day.
    WebhookDisabled,
    /// The contact `detail` was merged into `target`.
    ContactsMerged,
    /// The contact `target` and everything of theirs was erased.
    ContactErased,
}

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The account or key (absent for a failed sign-in by someone unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name (a key's name for a key, the email typed for a failed sign-in).
    pub name: String,
    /// Whether it was an API key rather than a person in the console.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub api_key: bool,
}

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its place in the site's log, increasing.
    pub id: i64,
    /// When, ms since the Unix epoch.
    pub at: i64,
    /// Who.
    pub actor: Actor,
    /// What.
    pub action: Action,
    /// To whom or what (an account's email, a key's name, a visitor's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// From which network address the request came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// More, where the action has more to say (which settings changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListResponse {
    /// Newest first.
    pub entries: Vec<Entry>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}
