//! The Directory's API keys: made and revoked by a site's admins, checked on every request
//! that carries one. Only each secret's SHA-256 is stored. A key belongs to the account that
//! made it (keys from before this rule belong to none): it stops working when that account
//! is removed, and when it expires.

use super::calls::{CreateKey, KeyHolder, RevokeKey};
use super::{parse_role, role_name, DirectoryObject};
use crate::env;
use crate::error::{EdgeError, EdgeResult};
use serde::Deserialize;
use switchboard_core::{accounts, key_scopes};
use switchboard_protocol::api::api_keys::{ApiKey, Created, ListResponse, Scope};
use switchboard_protocol::{AgentId, ErrorCode, SiteId};

/// The table, created with the directory's others.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    site_id TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    expires_at INTEGER,
    scopes TEXT NOT NULL DEFAULT '')";

/// The columns a [`KeyRow`] is read from.
const KEY_COLUMNS: &str = "id, site_id, name, role, prefix, created_at, expires_at, scopes";

#[derive(Deserialize)]
struct KeyRow {
    id: AgentId,
    site_id: SiteId,
    name: String,
    role: String,
    prefix: String,
    created_at: i64,
    expires_at: Option<i64>,
    /// Comma-separated scope names.
    scopes: String,
}

impl KeyRow {
    fn scopes(&self) -> Vec<Scope> {
        self.scopes.split(',').filter_map(Scope::parse).collect()
    }

    fn into_key(self) -> ApiKey {
        ApiKey {
            scopes: self.scopes(),
            id: self.id,
            name: self.name,
            role: parse_role(&self.role),
            prefix: self.prefix,
            created_at: self.created_at,
            expires_at: self.expires_at,
        }
    }
}

impl DirectoryObject {
    pub(super) fn create_key(&self, call: CreateKey, now: i64) -> EdgeResult<Created> {
        let name = accounts::name(&call.request.name, "the key")?;
        let expires_at = accounts::key_expiry(now, call.request.expires_in_s)?;
        let owner = self.owning_account(&call.by, &call.site)?;
        let secret = accounts::new_api_key(env::random_bytes()?);
        let key = ApiKey {
            id: AgentId::from_random(env::random_bytes()?),
            name,
            role: call.request.role,
            prefix: secret.chars().take(10).collect(),
            created_at: now,
            expires_at,
            scopes: key_scopes::normalise(&call.request.scopes),
        };
        let scopes: Vec<&str> = key.scopes.iter().map(|scope| scope.as_str()).collect();
        self.sql().exec(
            "INSERT INTO api_keys (id, digest, prefix, site_id, name, role, created_at, created_by, expires_at, scopes)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                key.id.as_str().into(),
                accounts::secret_digest(&secret).into(),
                key.prefix.as_str().into(),
                call.site.as_str().into(),
                key.name.as_str().into(),
                role_name(key.role).into(),
                key.created_at.into(),
                owner.as_str().into(),
                expires_at.into(),
                scopes.join(",").into(),
            ],
        )?;
        Ok(Created { key, secret })
    }

    /// A site's keys, newest first.
    pub(super) fn list_keys(&self, site: &SiteId) -> EdgeResult<ListResponse> {
        let rows: Vec<KeyRow> = self
            .sql()
            .exec(
                &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE site_id = ? ORDER BY created_at DESC"),
                vec![site.as_str().into()],
            )?
            .to_array()?;
        Ok(ListResponse { api_keys: rows.into_iter().map(KeyRow::into_key).collect() })
    }

    pub(super) fn revoke_key(&self, call: RevokeKey) -> EdgeResult<()> {
        let removed: Vec<serde_json::Value> = self
            .sql()
            .exec(
                "DELETE FROM api_keys WHERE id = ? AND site_id = ? RETURNING id",
                vec![call.id.as_str().into(), call.site.as_str().into()],
            )?
            .to_array()?;
        if removed.is_empty() {
            return Err(EdgeError::refuse(ErrorCode::NotFound, "no such API key"));
        }
        Ok(())
    }

    /// Who a key acts as, while it works: not expired, and its account still there.
    pub(super) fn check_key(&self, secret: &str, now: i64) -> EdgeResult<KeyHolder> {
        let rows: Vec<KeyRow> = self
            .sql()
            .exec(
                &format!(
                    "SELECT {KEY_COLUMNS} FROM api_keys WHERE digest = ? AND (expires_at IS NULL OR expires_at > ?)
                     AND (created_by IS NULL OR created_by IN (SELECT id FROM agents))"
                ),
                vec![accounts::secret_digest(secret).into(), now.into()],
            )?
            .to_array()?;
        let row = rows.into_iter().next().ok_or_else(|| {
            EdgeError::refuse(ErrorCode::Unauthorized, "unknown, revoked or expired API key")
        })?;
        Ok(KeyHolder {
            scopes: row.scopes(),
            id: row.id,
            site: row.site_id,
            name: row.name,
            role: parse_role(&row.role),
            expires_at: row.expires_at,
        })
    }

    /// Removes the keys `agent` made; answers their ids.
    pub(super) fn remove_keys_of(&self, agent: &AgentId) -> EdgeResult<Vec<AgentId>> {
        #[derive(Deserialize)]
        struct Row {
            id: AgentId,
        }
        let rows: Vec<Row> = self
            .sql()
            .exec("DELETE FROM api_keys WHERE created_by = ? RETURNING id", vec![agent.as_str().into()])?
            .to_array()?;
        Ok(rows.into_iter().map(|row| row.id).collect())
    }
}
