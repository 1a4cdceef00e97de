//! The Directory's side of console sessions: each account has a session version, signed
//! into every session cookie it gets; a session is good only while its account exists with
//! that version. "Sign out everywhere" moves the version on, and removing the account ends
//! every session with it — at once, for every request that carries the cookie.

use serde::Deserialize;
use switchboard_protocol::api::agent_me;
use switchboard_protocol::{AgentId, ErrorCode, SiteId};

use super::calls::{CheckSession, EndSessions, SignedIn};
use super::{AgentRow, DirectoryObject};
use crate::error::{EdgeError, EdgeResult};

impl DirectoryObject {
    /// `agent` signed in: the account with its sessions' current version.
    pub(super) fn signed_in(&self, agent: AgentRow) -> EdgeResult<SignedIn> {
        let session_version = self.session_version(&agent.id)?.unwrap_or(1);
        Ok(SignedIn { agent: agent.into_me(), session_version })
    }

    /// The account behind a session, if the session is still good.
    pub(super) fn check_session(&self, call: &CheckSession) -> EdgeResult<agent_me::Response> {
        let ended = || EdgeError::refuse(ErrorCode::Unauthorized, "this session has ended; sign in again");
        let agent = self.agent_by_id(&call.agent)?.ok_or_else(ended)?;
        if self.session_version(&call.agent)? != Some(call.version) {
            return Err(ended());
        }
        Ok(agent.into_me())
    }

    /// Ends every session of an account of `call.site`.
    pub(super) fn end_sessions(&self, call: &EndSessions) -> EdgeResult<()> {
        match self.agent_by_id(&call.agent)? {
            Some(agent) if agent.site_id == call.site => {
                self.sql().exec(
                    "UPDATE agents SET session_version = session_version + 1 WHERE id = ?",
                    vec![call.agent.as_str().into()],
                )?;
                Ok(())
            }
            // Another site's account is reported like a missing one.
            _ => Err(EdgeError::refuse(ErrorCode::NotFound, "no such agent")),
        }
    }

    fn session_version(&self, agent: &AgentId) -> EdgeResult<Option<u32>> {
        #[derive(Deserialize)]
        struct Row {
            session_version: u32,
        }
        let rows: Vec<Row> = self
            .sql()
            .exec("SELECT session_version FROM agents WHERE id = ?", vec![agent.as_str().into()])?
            .to_array()?;
        Ok(rows.first().map(|row| row.session_version))
    }

    pub(super) fn agent_by_id(&self, agent: &AgentId) -> EdgeResult<Option<AgentRow>> {
        let rows: Vec<AgentRow> = self
            .sql()
            .exec(
                &format!("SELECT {} FROM agents WHERE id = ?", super::AGENT_COLUMNS),
                vec![agent.as_str().into()],
            )?
            .to_array()?;
        Ok(rows.into_iter().next())
    }

    /// The account an API key acts for: `by` itself when it is an account, else the account
    /// that made the key `by` (a key made with a key belongs to the same account).
    pub(super) fn owning_account(&self, by: &AgentId, site: &SiteId) -> EdgeResult<AgentId> {
        if self.agent_by_id(by)?.is_some_and(|agent| &agent.site_id == site) {
            return Ok(by.clone());
        }
        #[derive(Deserialize)]
        struct Row {
            created_by: Option<AgentId>,
        }
        let rows: Vec<Row> = self
            .sql()
            .exec(
                "SELECT created_by FROM api_keys WHERE id = ? AND site_id = ?",
                vec![by.as_str().into(), site.as_str().into()],
            )?
            .to_array()?;
        rows.into_iter()
            .next()
            .and_then(|row| row.created_by)
            .ok_or_else(|| EdgeError::refuse(ErrorCode::Forbidden, "keys are made by an admin's account"))
    }
}
