//! The Directory's team management: invites (create, show, accept), listing and removing
//! accounts. The worker checks that the caller is an admin of `site` before calling.

use super::calls::{AcceptInvite, Invite, Invited, RemoveAgent, SignedIn};
use super::{parse_role, role_name, DirectoryObject};
use crate::error::{EdgeError, EdgeResult};
use crate::{env, webcrypto};
use serde::Deserialize;
use switchboard_core::accounts;
use switchboard_core::fields::normalise_email;
use switchboard_protocol::api::agent_me;
use switchboard_protocol::api::agents_list::{self, AgentEntry};
use switchboard_protocol::api::{invite_show, sites};
use switchboard_protocol::{AgentId, ErrorCode, SiteId};

/// An `invites` row.
#[derive(Deserialize)]
struct InviteRow {
    email: String,
    name: String,
    role: String,
    site_id: SiteId,
    expires_at: i64,
    used_at: Option<i64>,
}

impl DirectoryObject {
    pub(super) fn invite(&self, call: Invite, now: i64) -> EdgeResult<Invited> {
        let email = normalise_email(&call.request.email)
            .ok_or_else(|| EdgeError::refuse(ErrorCode::BadRequest, "that is not an email address"))?;
        let name = accounts::name(&call.request.name, "the person")?;
        if self.agent_by_email(&email)?.is_some() {
            return Err(EdgeError::refuse(ErrorCode::Conflict, format!("{email} already has an account")));
        }
        let expires_at = accounts::invite_expiry(now, call.request.expires_in_s)?;
        let token = accounts::new_invite_token(env::random_bytes()?);
        self.sql().exec(
            "INSERT INTO invites (key, email, name, role, site_id, created_by, expires_at, used_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            vec![
                accounts::invite_key(&token).into(),
                email.clone().into(),
                name.into(),
                role_name(call.request.role).into(),
                call.site.as_str().into(),
                call.by.as_str().into(),
                expires_at.into(),
            ],
        )?;
        Ok(Invited { token, email, expires_at })
    }

    /// The invite behind `token`, if it can still be used.
    fn usable_invite(&self, token: &str, now: i64) -> EdgeResult<InviteRow> {
        let rows: Vec<InviteRow> = self
            .sql()
            .exec(
                "SELECT email, name, role, site_id, expires_at, used_at FROM invites WHERE key = ?",
                vec![accounts::invite_key(token).into()],
            )?
            .to_array()?;
        let invite = rows
            .into_iter()
            .next()
            .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such invite; check the link"))?;
        accounts::check_invite(invite.expires_at, invite.used_at, now)?;
        Ok(invite)
    }

    pub(super) fn show_invite(&self, token: &str, now: i64) -> EdgeResult<invite_show::Response> {
        let invite = self.usable_invite(token, now)?;
        Ok(invite_show::Response {
            email: invite.email,
            name: invite.name,
            role: parse_role(&invite.role),
            site_id: invite.site_id,
            expires_at: invite.expires_at,
        })
    }

    pub(super) async fn accept(&self, call: AcceptInvite, now: i64) -> EdgeResult<SignedIn> {
        // Looked up before the (costly) hash, so a made-up token costs no CPU; looked up again
        // after it, and used with no await between, so two racing requests cannot both use it.
        self.usable_invite(&call.request.token, now)?;
        let hash = webcrypto::create(&call.request.password, env::random_bytes()?).await?;
        let invite = self.usable_invite(&call.request.token, now)?;
        if self.agent_by_email(&invite.email)?.is_some() {
            return Err(EdgeError::refuse(
                ErrorCode::Conflict,
                format!("{} already has an account; sign in instead", invite.email),
            ));
        }
        // Their own name, or the one the admin gave them.
        let typed = call.request.name.as_deref().filter(|n| !n.trim().is_empty());
        let name = accounts::name(typed.unwrap_or(&invite.name), "yourself")?;
        let name = name.as_str();
        let role = parse_role(&invite.role);
        let id = self.insert_agent(&invite.email, name, &invite.site_id, role, &hash, now)?;
        self.sql().exec(
            "UPDATE invites SET used_at = ? WHERE key = ?",
            vec![now.into(), accounts::invite_key(&call.request.token).into()],
        )?;
        let agent = agent_me::Response {
            id,
            name: name.to_string(),
            email: invite.email,
            site_id: invite.site_id,
            role,
            owner: false,
            csrf_token: String::new(),
            two_factor: false,
            must_set_up_two_factor: false,
        };
        Ok(SignedIn { agent, session_version: 1 })
    }

    /// The site's accounts, by name (the bootstrap accounts are made first, if they are not yet).
    pub(super) async fn list_agents(&self, site: SiteId, now: i64) -> EdgeResult<agents_list::Response> {
        self.ensure_bootstrap_admin(now).await?;
        #[derive(Deserialize)]
        struct Row {
            id: AgentId,
            name: String,
            email: String,
            role: String,
            two_factor: i64,
        }
        let rows: Vec<Row> = self
            .sql()
            .exec(
                "SELECT id, name, email, role, (totp_secret IS NOT NULL) AS two_factor FROM agents
                 WHERE site_id = ? ORDER BY name COLLATE NOCASE",
                vec![site.as_str().into()],
            )?
            .to_array()?;
        let agents = rows
            .into_iter()
            .map(|r| AgentEntry {
                id: r.id,
                name: r.name,
                email: r.email,
                role: parse_role(&r.role),
                avatar: None,
                two_factor: r.two_factor != 0,
            })
            .collect();
        Ok(agents_list::Response { agents, queues: Vec::new() })
    }

    /// Records a new site's id (unique across the deployment, the bootstrap site's included).
    pub(super) fn register_site(&self, site: sites::SiteEntry, now: i64) -> EdgeResult<()> {
        let taken = env::bootstrap(&self.env).is_some_and(|b| b.site.id == site.id)
            || !self
                .sql()
                .exec("SELECT id FROM sites WHERE id = ?", vec![site.id.as_str().into()])?
                .to_array::<serde_json::Value>()?
                .is_empty();
        if taken {
            return Err(EdgeError::refuse(ErrorCode::Conflict, format!("the site id {} is taken", site.id)));
        }
        self.sql().exec(
            "INSERT INTO sites (id, name, created_at) VALUES (?, ?, ?)",
            vec![site.id.as_str().into(), site.name.into(), now.into()],
        )?;
        Ok(())
    }

    /// Every site: the bootstrap one and those created since, by id.
    pub(super) fn list_sites(&self) -> EdgeResult<sites::ListResponse> {
        let mut sites: Vec<sites::SiteEntry> =
            self.sql().exec("SELECT id, name FROM sites ORDER BY id", None)?.to_array()?;
        if let Some(bootstrap) = env::bootstrap(&self.env) {
            sites.push(sites::SiteEntry { id: bootstrap.site.id, name: bootstrap.site.name });
            sites.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        }
        Ok(sites::ListResponse { sites })
    }

    /// Removes an account and the API keys it made (answered: their sockets close too); its
    /// sessions end with it.
    pub(super) fn remove(&self, call: RemoveAgent) -> EdgeResult<Vec<AgentId>> {
        #[derive(Deserialize)]
        struct Row {
            site_id: SiteId,
        }
        let rows: Vec<Row> = self
            .sql()
            .exec("SELECT site_id FROM agents WHERE id = ?", vec![call.agent.as_str().into()])?
            .to_array()?;
        accounts::check_removal(&call.by, &call.site, &call.agent, rows.first().map(|row| &row.site_id))?;
        self.sql().exec("DELETE FROM agents WHERE id = ?", vec![call.agent.as_str().into()])?;
        self.remove_keys_of(&call.agent)
    }
}
