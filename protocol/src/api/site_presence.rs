//! `GET /api/v1/sites/{site_id}/presence` — whether the site's agents are online, for the
//! widget's header. Public (like the site id); cached for a few seconds.

use serde::{Deserialize, Serialize};

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// How many agents have the console open.
    pub agents_online: u32,
    /// Whether it is within the site's business hours (always, when it has none).
    #[serde(default = "open")]
    pub open: bool,
    /// Outside business hours: when they next begin, ms since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<i64>,
}

impl Response {
    /// Whether the team counts as there: within business hours with an agent's console
    /// open. The widget's header says "Online" then; a site may hide its launcher otherwise.
    pub fn online(&self) -> bool {
        self.open && self.agents_online > 0
    }
}

fn open() -> bool {
    true
}
