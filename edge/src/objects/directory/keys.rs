//! The Directory's API keys: made and revoked by a site's admins, checked on every request
//! that carries one. Only each secret's SHA-256 is stored.

use super::calls::{CreateKey, KeyHolder, RevokeKey};
use super::{parse_role, role_name, DirectoryObject};
use crate::env;
use crate::error::{EdgeError, EdgeResult};
use serde::Deserialize;
use switchboard_core::accounts;
use switchboard_protocol::api::api_keys::{ApiKey, Created, ListResponse};
use switchboard_protocol::{AgentId, ErrorCode, SiteId};

/// The table, created with the directory's others.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    site_id TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL)";

#[derive(Deserialize)]
struct KeyRow {
    id: AgentId,
    site_id: SiteId,
    name: String,
    role: String,
    prefix: String,
    created_at: i64,
}

impl DirectoryObject {
    pub(super) fn create_key(&self, call: CreateKey, now: i64) -> EdgeResult<Created> {
        let name = accounts::name(&call.request.name, "the key")?;
        let secret = accounts::new_api_key(env::random_bytes()?);
        let key = ApiKey {
            id: AgentId::from_random(env::random_bytes()?),
            name,
            role: call.request.role,
            prefix: secret.chars().take(10).collect(),
            created_at: now,
        };
        self.sql().exec(
            "INSERT INTO api_keys (id, digest, prefix, site_id, name, role, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                key.id.as_str().into(),
                accounts::secret_digest(&secret).into(),
                key.prefix.as_str().into(),
                call.site.as_str().into(),
                key.name.as_str().into(),
                role_name(key.role).into(),
                key.created_at.into(),
            ],
        )?;
        Ok(Created { key, secret })
    }

    /// A site's keys, newest first.
    pub(super) fn list_keys(&self, site: &SiteId) -> EdgeResult<ListResponse> {
        let rows: Vec<KeyRow> = self
            .sql()
            .exec(
                "SELECT id, site_id, name, role, prefix, created_at FROM api_keys WHERE site_id = ?
                 ORDER BY created_at DESC",
                vec![site.as_str().into()],
            )?
            .to_array()?;
        let api_keys = rows
            .into_iter()
            .map(|r| ApiKey {
                id: r.id,
                name: r.name,
                role: parse_role(&r.role),
                prefix: r.prefix,
                created_at: r.created_at,
            })
            .collect();
        Ok(ListResponse { api_keys })
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

    pub(super) fn check_key(&self, secret: &str) -> EdgeResult<KeyHolder> {
        let rows: Vec<KeyRow> = self
            .sql()
            .exec(
                "SELECT id, site_id, name, role, prefix, created_at FROM api_keys WHERE digest = ?",
                vec![accounts::secret_digest(secret).into()],
            )?
            .to_array()?;
        let row = rows
            .into_iter()
            .next()
            .ok_or_else(|| EdgeError::refuse(ErrorCode::Unauthorized, "unknown or revoked API key"))?;
        Ok(KeyHolder { id: row.id, site: row.site_id, name: row.name, role: parse_role(&row.role) })
    }
}
