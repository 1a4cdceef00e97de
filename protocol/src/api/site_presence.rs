//! `GET /api/v1/sites/{site_id}/presence` — whether the site's agents are online, for the
//! widget's header. Public (like the site id); cached for a few seconds.

use serde::{Deserialize, Serialize};

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// How many agents have the console open.
    pub agents_online: u32,
}
