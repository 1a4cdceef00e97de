//! The Directory Durable Object: agent accounts, sign-in with throttling ([`sign_in`]) and
//! its second step ([`two_factor`]), invites, password reset links ([`resets`]), API keys and
//! whether a session is still good ([`sessions`]).
//!
//! One object for the whole deployment keeps emails unique. Sign-ins and invites are rare,
//! but every console and API-key request checks its session or key here, so this object's
//! load grows with the deployment's traffic: spreading it out is issue 22's. On first use it creates the bootstrap admin from the worker's
//! variables and the `BOOTSTRAP_ADMIN_PASSWORD` secret, hashed (PBKDF2) before it is stored.
//! The worker has checked the caller's session and role before it calls; this object checks
//! what only it knows (passwords, invites, which site an account belongs to).

pub(crate) mod calls;
mod keys;
mod resets;
mod sessions;
mod sign_in;
mod team;
mod two_factor;

use serde::Deserialize;
use switchboard_core::password::PasswordHash;
use switchboard_protocol::api::agent_me::{self, AgentRole};
use switchboard_protocol::{AgentId, SiteId};
use worker::{durable_object, DurableObject, Env, Request, Response, SqlStorage, State};

use super::respond;
use crate::error::EdgeResult;
use crate::{env, webcrypto};

use self::calls::{
    AcceptInvite, AcceptResetLink, ChangePassword, CheckKey, CheckSession, ConfirmTwoFactor, CreateKey,
    CreateResetLink, DisableTwoFactor, EndSessions, Invite, ListAgents, ListKeys, ListSites, Login,
    NewRecoveryCodes, RegisterSite, RemoveAgent, ResetTwoFactor, RevokeKey, ShowInvite, ShowResetLink,
    StartTwoFactor,
};
use super::call::{answer, no_such_route, ObjectCall};
use std::future::ready;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS agents (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    site_id TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    role TEXT NOT NULL DEFAULT 'agent',
    session_version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS invites (
    key TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    site_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER);
CREATE TABLE IF NOT EXISTS sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS known_addresses (
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    last_at INTEGER NOT NULL,
    PRIMARY KEY (email, address))";

/// Columns added after a table's first version: a probe that fails without it, and the
/// statement that adds it.
const ADDED_COLUMNS: [(&str, &str); 8] = [
    (
        "SELECT session_version FROM agents LIMIT 0",
        "ALTER TABLE agents ADD COLUMN session_version INTEGER NOT NULL DEFAULT 1",
    ),
    ("SELECT created_by FROM api_keys LIMIT 0", "ALTER TABLE api_keys ADD COLUMN created_by TEXT"),
    ("SELECT expires_at FROM api_keys LIMIT 0", "ALTER TABLE api_keys ADD COLUMN expires_at INTEGER"),
    // A key's scopes, comma-separated (empty: all its role may do).
    (
        "SELECT scopes FROM api_keys LIMIT 0",
        "ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT ''",
    ),
    // Two-factor sign-in ([`two_factor`]): the secret in force, one being set up, the last
    // step a code was used for (replays), the recovery codes' hashes (JSON).
    ("SELECT totp_secret FROM agents LIMIT 0", "ALTER TABLE agents ADD COLUMN totp_secret TEXT"),
    ("SELECT totp_pending FROM agents LIMIT 0", "ALTER TABLE agents ADD COLUMN totp_pending TEXT"),
    ("SELECT totp_last_step FROM agents LIMIT 0", "ALTER TABLE agents ADD COLUMN totp_last_step INTEGER"),
    ("SELECT recovery_codes FROM agents LIMIT 0", "ALTER TABLE agents ADD COLUMN recovery_codes TEXT"),
];

/// The `agents` columns an [`AgentRow`] reads.
const AGENT_COLUMNS: &str = "id, email, name, site_id, password_hash, role, totp_secret";

/// An `agents` row.
#[derive(Deserialize)]
pub(super) struct AgentRow {
    id: AgentId,
    email: String,
    name: String,
    site_id: SiteId,
    password_hash: String,
    role: String,
    /// The base32 TOTP secret in force (two-factor sign-in on), if any.
    #[serde(default)]
    totp_secret: Option<String>,
}

impl AgentRow {
    fn into_me(self) -> agent_me::Response {
        agent_me::Response {
            id: self.id,
            name: self.name,
            email: self.email,
            site_id: self.site_id,
            role: parse_role(&self.role),
            owner: false,
            csrf_token: String::new(),
            two_factor: self.totp_secret.is_some(),
            must_set_up_two_factor: false,
        }
    }
}

fn parse_role(stored: &str) -> AgentRole {
    if stored == "admin" {
        AgentRole::Admin
    } else {
        AgentRole::Agent
    }
}

fn role_name(role: AgentRole) -> &'static str {
    match role {
        AgentRole::Admin => "admin",
        AgentRole::Agent => "agent",
    }
}

/// All agent accounts.
#[durable_object]
pub struct DirectoryObject {
    state: State,
    env: Env,
}

impl DurableObject for DirectoryObject {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        for schema in [SCHEMA, keys::SCHEMA, resets::SCHEMA] {
            if let Err(error) = sql.exec(schema, None) {
                worker::console_error!("directory schema: {error}");
            }
        }
        // Directories made before roles existed get the column.
        if sql.exec("SELECT role FROM agents LIMIT 0", None).is_err() {
            if let Err(error) =
                sql.exec("ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'agent'", None)
            {
                worker::console_error!("directory role column: {error}");
            }
            if let Some(bootstrap) = env::bootstrap(&env) {
                let _ = sql.exec(
                    "UPDATE agents SET role = 'admin' WHERE email = ?",
                    vec![bootstrap.admin_email.into()],
                );
            }
        }
        // Columns added since the first version (older directories get them).
        for (probe, add) in ADDED_COLUMNS {
            if sql.exec(probe, None).is_err() {
                if let Err(error) = sql.exec(add, None) {
                    worker::console_error!("directory schema upgrade: {error}");
                }
            }
        }
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let (req, now) = (&mut req, env::now());
        respond(match req.path().as_str() {
            Login::ROUTE => answer(req, |call: Login| self.login(call, now)).await,
            ChangePassword::ROUTE => {
                answer(req, |call: ChangePassword| self.change_password(call, now)).await
            }
            CheckSession::ROUTE => answer(req, |call: CheckSession| ready(self.check_session(&call))).await,
            EndSessions::ROUTE => answer(req, |call: EndSessions| ready(self.end_sessions(&call))).await,
            Invite::ROUTE => answer(req, |call: Invite| ready(self.invite(call, now))).await,
            ShowInvite::ROUTE => {
                answer(req, |call: ShowInvite| ready(self.show_invite(&call.token, now))).await
            }
            AcceptInvite::ROUTE => answer(req, |call: AcceptInvite| self.accept(call, now)).await,
            ListAgents::ROUTE => answer(req, |call: ListAgents| self.list_agents(call.site, now)).await,
            RemoveAgent::ROUTE => answer(req, |call: RemoveAgent| ready(self.remove(call))).await,
            RegisterSite::ROUTE => {
                answer(req, |call: RegisterSite| ready(self.register_site(call.entry, now))).await
            }
            ListSites::ROUTE => answer(req, |_: ListSites| ready(self.list_sites())).await,
            CreateKey::ROUTE => answer(req, |call: CreateKey| ready(self.create_key(call, now))).await,
            RevokeKey::ROUTE => answer(req, |call: RevokeKey| ready(self.revoke_key(call))).await,
            ListKeys::ROUTE => answer(req, |call: ListKeys| ready(self.list_keys(&call.site))).await,
            CheckKey::ROUTE => answer(req, |call: CheckKey| ready(self.check_key(&call.secret, now))).await,
            StartTwoFactor::ROUTE => {
                answer(req, |call: StartTwoFactor| ready(self.start_two_factor(&call))).await
            }
            ConfirmTwoFactor::ROUTE => {
                answer(req, |call: ConfirmTwoFactor| ready(self.confirm_two_factor(&call, now))).await
            }
            NewRecoveryCodes::ROUTE => {
                answer(req, |call: NewRecoveryCodes| ready(self.new_recovery_codes(&call, now))).await
            }
            DisableTwoFactor::ROUTE => {
                answer(req, |call: DisableTwoFactor| ready(self.disable_two_factor(&call, now))).await
            }
            CreateResetLink::ROUTE => {
                answer(req, |call: CreateResetLink| ready(self.create_reset_link(&call, now))).await
            }
            ShowResetLink::ROUTE => {
                answer(req, |call: ShowResetLink| ready(self.show_reset_link(&call, now))).await
            }
            AcceptResetLink::ROUTE => {
                answer(req, |call: AcceptResetLink| self.accept_reset_link(call, now)).await
            }
            ResetTwoFactor::ROUTE => {
                answer(req, |call: ResetTwoFactor| ready(self.reset_two_factor(&call))).await
            }
            _ => Err(no_such_route()),
        })
    }
}

impl DirectoryObject {
    fn sql(&self) -> SqlStorage {
        self.state.storage().sql()
    }

    fn agent_by_email(&self, email: &str) -> EdgeResult<Option<AgentRow>> {
        let rows: Vec<AgentRow> = self
            .sql()
            .exec(&format!("SELECT {AGENT_COLUMNS} FROM agents WHERE email = ?"), vec![email.into()])?
            .to_array()?;
        Ok(rows.into_iter().next())
    }

    /// Creates the bootstrap admin (and `BOOTSTRAP_AGENTS`) when there are no accounts yet.
    /// The hashes are made first (awaited); the check and the inserts then run with no await
    /// between them, so two first requests cannot both create the accounts.
    pub(super) async fn ensure_bootstrap_admin(&self, now: i64) -> EdgeResult<()> {
        if self.has_accounts()? {
            return Ok(());
        }
        let Some(bootstrap) = env::bootstrap(&self.env) else { return Ok(()) };
        let hash = match webcrypto::create(&bootstrap.admin_password, env::random_bytes()?).await {
            Ok(hash) => hash,
            Err(error) => {
                worker::console_error!("BOOTSTRAP_ADMIN_PASSWORD refused: {error:?}; no admin created");
                return Ok(());
            }
        };
        // Demo and test agents (`BOOTSTRAP_AGENTS`), on the same first start.
        let seeds = self.env.secret("BOOTSTRAP_AGENTS").map(|s| s.to_string()).unwrap_or_default();
        let mut agents = Vec::new();
        match switchboard_core::site::parse_seed_agents(&seeds) {
            Ok(seeds) => {
                for agent in seeds {
                    match webcrypto::create(&agent.password, env::random_bytes()?).await {
                        Ok(hash) => agents.push((agent, hash)),
                        Err(error) => worker::console_error!("BOOTSTRAP_AGENTS {}: {error:?}", agent.email),
                    }
                }
            }
            Err(error) => worker::console_error!("{error}; no seed agents created"),
        }
        if self.has_accounts()? {
            return Ok(());
        }
        let name = if bootstrap.admin_name.is_empty() { "Admin".to_string() } else { bootstrap.admin_name };
        let site = &bootstrap.site.id;
        self.insert_agent(&bootstrap.admin_email, &name, site, AgentRole::Admin, &hash, now)?;
        for (agent, hash) in agents {
            self.insert_agent(&agent.email, &agent.name, site, AgentRole::Agent, &hash, now)?;
        }
        Ok(())
    }

    fn has_accounts(&self) -> EdgeResult<bool> {
        #[derive(Deserialize)]
        struct Count {
            n: u64,
        }
        Ok(self.sql().exec("SELECT COUNT(*) AS n FROM agents", None)?.one::<Count>()?.n > 0)
    }

    fn insert_agent(
        &self,
        email: &str,
        name: &str,
        site: &SiteId,
        role: AgentRole,
        hash: &PasswordHash,
        now: i64,
    ) -> EdgeResult<AgentId> {
        let id = AgentId::from_random(env::random_bytes()?);
        self.sql().exec(
            "INSERT INTO agents (id, email, name, site_id, password_hash, created_at, role) VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                id.as_str().into(),
                email.into(),
                name.into(),
                site.as_str().into(),
                hash.to_string().into(),
                now.into(),
                role_name(role).into(),
            ],
        )?;
        Ok(id)
    }
}
