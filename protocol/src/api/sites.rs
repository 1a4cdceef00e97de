//! The deployment's sites, for its owner (the admin account `BOOTSTRAP_ADMIN_EMAIL` names on
//! the bootstrap site; other admins of that site are not owners, API keys never are).
//!
//! - `GET /api/v1/sites` — every site, by id.
//! - `POST /api/v1/sites` — creates one (`201` with its settings, `409` when the id is
//!   taken). Its first admin is then invited with `POST /api/v1/invites` naming its `site_id`.

use serde::{Deserialize, Serialize};

use crate::ids::SiteId;

/// `POST` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// The public id (the embed snippet's `data-site`): 1 to 64 of `a-z 0-9 - _`.
    pub id: SiteId,
    /// Its name, shown to agents.
    pub name: String,
    /// Origins allowed to embed the widget.
    pub allowed_origins: Vec<String>,
}

/// One site in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteEntry {
    /// Its id.
    pub id: SiteId,
    /// Its name.
    pub name: String,
}

/// `GET` `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListResponse {
    /// Every site, by id.
    pub sites: Vec<SiteEntry>,
}
