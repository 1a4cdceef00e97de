//! Password reset links in the Directory: an admin makes one for a teammate of their site
//! (voiding any older one), anyone holding it sees whose it is, and using it sets the new
//! password — with the account's second step when it has one — and ends every other
//! session. Like invites, only the token's hash is stored.

use serde::Deserialize;
use switchboard_core::password::PasswordHash;
use switchboard_core::{accounts, password_reset};
use switchboard_protocol::api::password_reset::Shown;
use switchboard_protocol::{AgentId, ErrorCode};

use super::calls::{AcceptResetLink, CreateResetLink, ResetLinkMade, ShowResetLink, SignedIn};
use super::{AgentRow, DirectoryObject};
use crate::error::{EdgeError, EdgeResult};
use crate::{env, webcrypto};

/// The table, made with the directory's others.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS password_resets (
    key TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER)";

#[derive(Deserialize)]
struct ResetRow {
    agent_id: AgentId,
    expires_at: i64,
    used_at: Option<i64>,
}

impl DirectoryObject {
    /// A new link for a teammate of `call.site`; `not_found` for another site's account.
    pub(super) fn create_reset_link(&self, call: &CreateResetLink, now: i64) -> EdgeResult<ResetLinkMade> {
        let agent = match self.agent_by_id(&call.agent)? {
            Some(agent) if agent.site_id == call.site => agent,
            _ => return Err(EdgeError::refuse(ErrorCode::NotFound, "no such agent")),
        };
        let token = accounts::new_invite_token(env::random_bytes()?);
        let expires_at = password_reset::expiry(now);
        let sql = self.sql();
        // One link at a time, and none kept past its use or expiry.
        sql.exec(
            "DELETE FROM password_resets WHERE agent_id = ? OR expires_at < ? OR used_at IS NOT NULL",
            vec![agent.id.as_str().into(), now.into()],
        )?;
        sql.exec(
            "INSERT INTO password_resets (key, agent_id, created_by, expires_at, used_at) VALUES (?, ?, ?, ?, NULL)",
            vec![
                accounts::invite_key(&token).into(),
                agent.id.as_str().into(),
                call.by.as_str().into(),
                expires_at.into(),
            ],
        )?;
        Ok(ResetLinkMade { token, email: agent.email, expires_at })
    }

    /// Whose link `token` is.
    pub(super) fn show_reset_link(&self, call: &ShowResetLink, now: i64) -> EdgeResult<Shown> {
        let agent = self.usable_reset(&call.token, now)?;
        Ok(Shown { email: agent.email, name: agent.name, two_factor: agent.totp_secret.is_some() })
    }

    /// Sets the new password: the link's account, its second step checked (and throttled) when
    /// it has one, every other session ended, the link used up.
    pub(super) async fn accept_reset_link(&self, call: AcceptResetLink, now: i64) -> EdgeResult<SignedIn> {
        PasswordHash::check_new(&call.new_password)
            .map_err(|e| EdgeError::refuse(ErrorCode::BadRequest, e.to_string()))?;
        // Looked up before the (costly) hash, and again after it with no await in between, so
        // two racing requests cannot both use it.
        self.usable_reset(&call.token, now)?;
        let hash = webcrypto::create(&call.new_password, env::random_bytes()?).await?;
        let agent = self.usable_reset(&call.token, now)?;
        if agent.totp_secret.is_some() {
            self.throttled_second_step(&agent, call.code.as_deref(), &call.address, now)?;
        }
        self.sql().exec(
            "UPDATE agents SET password_hash = ?, session_version = session_version + 1 WHERE id = ?",
            vec![hash.to_string().into(), agent.id.as_str().into()],
        )?;
        self.sql().exec(
            "UPDATE password_resets SET used_at = ? WHERE key = ?",
            vec![now.into(), accounts::invite_key(&call.token).into()],
        )?;
        let agent = self.agent_by_id(&agent.id)?.ok_or_else(password_reset::unknown)?;
        self.signed_in(agent)
    }

    /// The account a usable link `token` resets.
    fn usable_reset(&self, token: &str, now: i64) -> EdgeResult<AgentRow> {
        let rows: Vec<ResetRow> = self
            .sql()
            .exec(
                "SELECT agent_id, expires_at, used_at FROM password_resets WHERE key = ?",
                vec![accounts::invite_key(token).into()],
            )?
            .to_array()?;
        let reset = rows.into_iter().next().ok_or_else(password_reset::unknown)?;
        password_reset::check(reset.expires_at, reset.used_at, now)?;
        Ok(self.agent_by_id(&reset.agent_id)?.ok_or_else(password_reset::unknown)?)
    }
}
