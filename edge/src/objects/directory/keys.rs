//! The Directory's API keys: made and revoked by a site's admins, checked on every request
//! that carries one. Only each secret's SHA-256 is stored.

use serde::{Deserialize, Serialize};
use switchboard_core::accounts;
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::api_keys::{ApiKey, CreateRequest, Created, ListResponse};
use switchboard_protocol::{AgentId, ErrorCode, SiteId};
use worker::Request;

use super::{parse_role, role_name, DirectoryObject};
use crate::error::{EdgeError, EdgeResult};
use crate::{env, http};

/// The table, created with the directory's others.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    site_id TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL)";

/// An admin of `site` makes a key.
#[derive(Debug, Serialize, Deserialize)]
pub struct KeyCreateCall {
    /// The site it acts for.
    pub site: SiteId,
    /// Its name and role.
    pub request: CreateRequest,
}

/// An admin of `site` revokes key `id`.
#[derive(Debug, Serialize, Deserialize)]
pub struct KeyRevokeCall {
    /// The admin's site.
    pub site: SiteId,
    /// The key.
    pub id: AgentId,
}

/// Who a valid key acts as.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyHolder {
    /// The key's id (used as its agent id).
    pub id: AgentId,
    /// Its site.
    pub site: SiteId,
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: AgentRole,
}

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
    /// `POST /keys/create`, `/keys/revoke`, `/keys/check`; `GET /keys?site=…`.
    pub(super) async fn key_call(&self, path: &str, req: &mut Request) -> EdgeResult<worker::Response> {
        match path {
            "/keys/create" => http::json(200, &self.create_key(http::read_json(req).await?)?),
            "/keys/revoke" => {
                self.revoke_key(http::read_json(req).await?)?;
                http::json(200, &serde_json::json!({}))
            }
            "/keys/check" => http::json(200, &self.check_key(&http::read_json::<String>(req).await?)?),
            _ => Err(EdgeError::refuse(ErrorCode::NotFound, "no such object route")),
        }
    }

    fn create_key(&self, call: KeyCreateCall) -> EdgeResult<Created> {
        let name = call.request.name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(EdgeError::refuse(
                ErrorCode::BadRequest,
                "give the key a name of 1 to 80 characters",
            ));
        }
        let secret = accounts::new_api_key(env::random_bytes()?);
        let key = ApiKey {
            id: AgentId::from_random(env::random_bytes()?),
            name: name.to_owned(),
            role: call.request.role,
            prefix: secret.chars().take(10).collect(),
            created_at: env::now(),
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

    /// `GET /keys?site=…`: a site's keys, newest first.
    pub(super) fn list_keys(&self, req: &Request) -> EdgeResult<ListResponse> {
        let site = http::query(req, "site")?.unwrap_or_default();
        let rows: Vec<KeyRow> = self
            .sql()
            .exec(
                "SELECT id, site_id, name, role, prefix, created_at FROM api_keys WHERE site_id = ?
                 ORDER BY created_at DESC",
                vec![site.into()],
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

    fn revoke_key(&self, call: KeyRevokeCall) -> EdgeResult<()> {
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

    fn check_key(&self, secret: &str) -> EdgeResult<KeyHolder> {
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
