//! The signed-in agent's site, as admins edit it.
//!
//! - `GET /api/v1/site` — any agent of the site.
//! - `PATCH /api/v1/site` — admins (with `X-CSRF-Token`); fields left out stay as they are.
//!   New page loads show a new appearance within seconds (each edge isolate keeps a site's
//!   configuration for up to 5 s).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::SiteId;

/// The widget's theme colour when the site chose none.
pub const DEFAULT_COLOR: &str = "#3d5afe";

/// Longest greeting, in characters.
pub const MAX_GREETING_CHARS: usize = 500;

/// Longest launcher text, in characters.
pub const MAX_LAUNCHER_TEXT_CHARS: usize = 24;

/// Longest replacement for one of the widget's texts, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// How the widget looks and greets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appearance {
    /// The theme colour, `#rrggbb`: the launcher, the header, the visitor's bubbles, the
    /// buttons. Text on it is white or black, whichever contrasts more.
    #[serde(default = "default_color")]
    pub color: String,
    /// The first message visitors see (the bot's greeting), replacing the flow's when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
    /// Which bottom corner the launcher and the panel sit in.
    #[serde(default)]
    pub position: Position,
    /// The launcher's icon.
    #[serde(default)]
    pub launcher_icon: LauncherIcon,
    /// Words beside the launcher's icon (at most [`MAX_LAUNCHER_TEXT_CHARS`] characters),
    /// making it a pill; none: a round button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launcher_text: Option<String>,
    /// A short tone in the visitor's tab when a reply arrives.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sound: bool,
    /// No launcher for new visitors while the team is offline (outside business hours, or
    /// no agent with the console open); a visitor with a conversation still has it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hide_when_offline: bool,
    /// The site's own words for the widget's texts, per language (`en`, `de`, `es`, `fr`,
    /// `ja`, `ar`), then per text ([`WIDGET_TEXTS`]): `{"en": {"chat_title": "Ask Ada"}}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, BTreeMap<String, String>>,
}

/// Most labels a site defines.
pub const MAX_LABEL_DEFINITIONS: usize = 100;

/// One of the site's own labels: agents pick it, the inbox filters on it, its chips wear its
/// colour. (Labels the site does not define still work, in a plain chip.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelDefinition {
    /// The label, spelled as labels are stored (`api::conversation_labels`): unique.
    pub name: String,
    /// Its colour.
    #[serde(default)]
    pub color: LabelColor,
    /// What it is for (at most 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A label's colour: a palette whose every chip is readable (the console's stylesheet has
/// each as a soft background with a dark ink of its hue).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelColor {
    /// Red.
    Red,
    /// Orange.
    Orange,
    /// Yellow.
    Yellow,
    /// Green.
    Green,
    /// Teal.
    Teal,
    /// Blue (unless said).
    #[default]
    Blue,
    /// Purple.
    Purple,
    /// Pink.
    Pink,
    /// Gray.
    Gray,
}

impl LabelColor {
    /// Every colour, in the palette's order.
    pub const ALL: [LabelColor; 9] = [
        LabelColor::Red,
        LabelColor::Orange,
        LabelColor::Yellow,
        LabelColor::Green,
        LabelColor::Teal,
        LabelColor::Blue,
        LabelColor::Purple,
        LabelColor::Pink,
        LabelColor::Gray,
    ];

    /// Its wire name (`red`), also its chip's class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelColor::Red => "red",
            LabelColor::Orange => "orange",
            LabelColor::Yellow => "yellow",
            LabelColor::Green => "green",
            LabelColor::Teal => "teal",
            LabelColor::Blue => "blue",
            LabelColor::Purple => "purple",
            LabelColor::Pink => "pink",
            LabelColor::Gray => "gray",
        }
    }
}

/// A bottom corner of the page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// Bottom right (the default).
    #[default]
    Right,
    /// Bottom left.
    Left,
}

/// The launcher's icon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LauncherIcon {
    /// A speech bubble (the default).
    #[default]
    Chat,
    /// A question mark in a circle.
    Help,
    /// An envelope.
    Mail,
    /// A headset.
    Headset,
}

/// The languages the widget speaks (tags of [`Appearance::texts`]).
pub const WIDGET_LANGUAGES: [&str; 6] = ["en", "de", "es", "fr", "ja", "ar"];

/// The widget's texts with a `{n}` slot (a number; a day and time in `back_at`): a site's
/// own words for them must keep it, and no other text may have one.
pub const WIDGET_NUMBERED_TEXTS: [&str; 4] = ["number_in_line", "wait_many", "rate_score", "back_at"];

/// The names of the widget's texts a site may replace ([`Appearance::texts`]); `{n}` in
/// `number_in_line`, `wait_many` and `rate_score` stands for a number, in `back_at` for a
/// day and time ("Mon 09:00").
pub const WIDGET_TEXTS: [&str; 60] = [
    "message_label",
    "placeholder",
    "send",
    "chat_title",
    "history_title",
    "back",
    "past_conversations",
    "here_to_help",
    "online",
    "away",
    "close",
    "new_conversation",
    "loading",
    "no_conversations",
    "you_prefix",
    "empty",
    "suggested",
    "next_in_line",
    "number_in_line",
    "wait_one",
    "wait_many",
    "read",
    "sent",
    "sending",
    "not_sent",
    "dismiss",
    "someone",
    "is_typing",
    "are_typing",
    "and",
    "connecting",
    "offline",
    "ended",
    "error_network",
    "error_decode",
    "error_origin",
    "error_unknown_site",
    "error_rate_limited",
    "error_trouble",
    "error_could_not_start",
    "error_no_site",
    "history_unavailable",
    "history_failed",
    "rate_title",
    "rate_score",
    "rate_comment",
    "rate_send",
    "prechat_title",
    "prechat_start",
    "error_required",
    "error_email",
    "error_phone",
    "error_digits",
    "error_text",
    "attach",
    "new_message",
    "download_transcript",
    "today",
    "yesterday",
    "back_at",
];

fn default_color() -> String {
    DEFAULT_COLOR.to_owned()
}

impl Default for Appearance {
    fn default() -> Self {
        Self {
            color: default_color(),
            greeting: None,
            position: Position::default(),
            launcher_icon: LauncherIcon::default(),
            launcher_text: None,
            sound: false,
            hide_when_offline: false,
            texts: BTreeMap::new(),
        }
    }
}

/// Longest retention a site may set, in days (ten years).
pub const MAX_RETENTION_DAYS: u32 = 3_650;

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
    /// The site's own limits on new visitor sessions; absent: the deployment's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_limits: Option<SessionLimits>,
    /// Who must sign in with a second step (`off`, `admins`, `everyone`).
    #[serde(default)]
    pub two_factor_policy: super::two_factor::TwoFactorPolicy,
    /// Resolved conversations (and their files) are deleted this many days after they were
    /// last active; absent: kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// The steps every message passes before it is stored, in order
    /// ([`crate::interceptors`]).
    #[serde(default = "crate::interceptors::default_interceptors")]
    pub interceptors: Vec<crate::interceptors::Interceptor>,
    /// Its contact identities on other channels (SMS and WhatsApp numbers), each with its
    /// message handler ([`crate::channels::ContactIdentity`]; `docs/channels.md`).
    #[serde(default)]
    pub channels: Vec<crate::channels::ContactIdentity>,
    /// The macros agents run on conversations ([`super::macros`]), by shortcut.
    #[serde(default)]
    pub macros: Vec<super::macros::Macro>,
    /// The automation rules conversations run, in order ([`super::automation`]).
    #[serde(default)]
    pub automation_rules: Vec<super::automation::Rule>,
    /// The site's own labels, with their colours, by name.
    #[serde(default)]
    pub labels: Vec<LabelDefinition>,
    /// The messages the launcher shows visitors unasked ([`super::proactive`]).
    #[serde(default)]
    pub proactive_messages: Vec<super::proactive::ProactiveMessage>,
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
    /// New limits on how many visitor sessions may start (the whole of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_limits: Option<SessionLimits>,
    /// Who must sign in with a second step from now on: at their next sign-in, accounts it
    /// requires and without one (the admin setting it too) can only set it up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor_policy: Option<super::two_factor::TwoFactorPolicy>,
    /// Days after which resolved conversations are deleted (1 to [`MAX_RETENTION_DAYS`]; `0`:
    /// keep them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// New interceptor steps (the whole ordered list; `[]` for none), at most
    /// [`crate::interceptors::MAX_INTERCEPTORS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interceptors: Option<Vec<crate::interceptors::Interceptor>>,
    /// New contact identities (the whole list; `[]` for none), at most
    /// [`crate::channels::MAX_IDENTITIES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<crate::channels::ContactIdentity>>,
    /// New macros (the whole list; `[]` for none), at most [`super::macros::MAX_MACROS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub macros: Option<Vec<super::macros::Macro>>,
    /// New automation rules (the whole ordered list; `[]` for none), at most
    /// [`super::automation::MAX_RULES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation_rules: Option<Vec<super::automation::Rule>>,
    /// New label definitions (the whole list; `[]` for none), at most
    /// [`MAX_LABEL_DEFINITIONS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<LabelDefinition>>,
    /// New proactive messages (the whole list; `[]` for none), at most
    /// [`super::proactive::MAX_PROACTIVE_MESSAGES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proactive_messages: Option<Vec<super::proactive::ProactiveMessage>>,
}

/// How many visitor sessions (`POST /api/v1/sessions`) may start a minute: from one address,
/// and on the whole site. Each is also the burst. Beyond them: `429` with `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionLimits {
    /// From one address (1 to 100,000).
    pub per_address_per_minute: u32,
    /// On the whole site (1 to 10,000,000).
    pub per_site_per_minute: u32,
}
