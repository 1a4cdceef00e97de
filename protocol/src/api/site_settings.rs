//! The signed-in agent's site, as admins edit it.
//!
//! - `GET /api/v1/site` — any agent of the site.
//! - `PATCH /api/v1/site` — admins (with `X-CSRF-Token`); fields left out stay as they are.
//!   New page loads show a new appearance within seconds (each edge isolate keeps a site's
//!   configuration for up to 5 s).

use serde::{Deserialize, Serialize};

use crate::ids::SiteId;

/// The widget's theme colour when the site chose none.
pub const DEFAULT_COLOR: &str = "#3d5afe";

/// Longest greeting, in characters.
pub const MAX_GREETING_CHARS: usize = 500;

/// How the widget looks and greets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appearance {
    /// The theme colour, `#rrggbb`: the header, the visitor's bubbles, the buttons. Text on
    /// it is white or black, whichever contrasts more.
    #[serde(default = "default_color")]
    pub color: String,
    /// The first message visitors see (the bot's greeting), replacing the flow's when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
}

fn default_color() -> String {
    DEFAULT_COLOR.to_owned()
}

impl Default for Appearance {
    fn default() -> Self {
        Self { color: default_color(), greeting: None }
    }
}

/// `GET` `200` body (and `PATCH` `200` body: the site after the change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The site's public id (the embed snippet's `data-site`).
    pub id: SiteId,
    /// Its name, shown to agents.
    pub name: String,
    /// Origins allowed to embed the widget (`https://shop.example`, `https://*.example.com`).
    pub allowed_origins: Vec<String>,
    /// How the widget looks and greets.
    pub appearance: Appearance,
    /// What happens to its conversations (`docs/routing.md`).
    #[serde(default)]
    pub flow: serde_json::Value,
    /// The key the site's backend signs visitors' ids with for `identify` (`docs/embed.md`);
    /// shown to admins only, absent when identity verification is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_secret: Option<String>,
    /// The pre-chat form: `[{"name","label","kind"?,"required"?}]` (`docs/embed.md`).
    #[serde(default)]
    pub prechat: serde_json::Value,
}

/// `PATCH` request body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New allowed origins (the whole list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_origins: Option<Vec<String>>,
    /// A new appearance (the whole of it; a missing `greeting` goes back to the flow's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appearance: Option<Appearance>,
    /// A new flow (the whole of it: bot, business hours, queues, agents' skills and
    /// capacity; see `docs/routing.md`), checked before it is stored. From then on it is the
    /// site's flow, also for the bootstrap site (whose `BOOTSTRAP_FLOW` stops applying).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<serde_json::Value>,
    /// A new identity secret: 32 to 200 visible ASCII characters (e.g. 64 random hex
    /// digits); empty turns identity verification off (every `identify` is then refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_secret: Option<String>,
    /// A new pre-chat form (the whole list; `[]` for none): up to 6 fields `{"name",
    /// "label", "kind"?, "required"?}`, `kind` as in the flow's bot fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prechat: Option<serde_json::Value>,
}
