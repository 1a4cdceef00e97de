//! A site's configuration, and the site (with its first admin) that exists out of the box.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::site_settings::{Appearance, SessionLimits};
use switchboard_protocol::{AgentId, SiteId};

use crate::fields::normalise_email;
use crate::flow::{Flow, FlowError, Zones};
use crate::origin::{AllowedOrigins, OriginError};

/// What the edge knows of one website.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// The site's public id.
    pub id: SiteId,
    /// Name shown to agents.
    pub name: String,
    /// Origins allowed to embed the widget and open visitor sessions.
    pub allowed_origins: Vec<String>,
    /// What happens to its conversations: bot, business hours, queues.
    #[serde(default)]
    pub flow: Flow,
    /// How the widget looks and greets (admins change it).
    #[serde(default)]
    pub appearance: Appearance,
    /// An admin set the flow through the API: the bootstrap variables no longer apply to it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub flow_edited: bool,
    /// An admin set (or cleared) the identity secret: the deployer's no longer applies, so
    /// verification an admin turned off stays off across restarts.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub identity_edited: bool,
    /// The key the site's backend signs visitors' `user_id`s with (`identify`); without
    /// one, no identity is accepted (see [`crate::identity`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_secret: Option<String>,
    /// What the widget asks before the first message (empty: nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prechat: Vec<crate::prechat::PrechatField>,
    /// The site's own limits on new visitor sessions (none: the deployment's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_limits: Option<SessionLimits>,
    /// Who must sign in with a second step ([`crate::two_factor`]).
    #[serde(default)]
    pub two_factor_policy: crate::two_factor::TwoFactorPolicy,
    /// Days after which resolved conversations are deleted ([`crate::retention`]); none: kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// The steps every message's text passes before it is stored ([`crate::interceptors`]).
    #[serde(default = "switchboard_protocol::interceptors::default_interceptors")]
    pub interceptors: Vec<switchboard_protocol::interceptors::Interceptor>,
    /// The site's contact identities on other channels (SMS and WhatsApp numbers) and their
    /// message handlers ([`crate::channels::thread`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<switchboard_protocol::channels::ContactIdentity>,
    /// Visitors and addresses an agent blocked ([`crate::blocks`]; at most
    /// `MAX_BLOCKS`): here so every isolate's copy of the configuration can check them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<crate::blocks::BlockEntry>,
    /// Agents' photos: the version (in its URL) of each agent's uploaded picture
    /// ([`crate::avatar::photo_url`]); agents not listed show their initials.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub avatars: BTreeMap<AgentId, String>,
    /// The macros agents run on conversations ([`crate::macros`]), by shortcut.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub macros: Vec<switchboard_protocol::api::macros::Macro>,
    /// The automation rules its conversations run, in order ([`crate::automation`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub automation_rules: Vec<switchboard_protocol::api::automation::Rule>,
    /// Its own labels, with their colours ([`crate::conversation_labels::definitions`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<switchboard_protocol::api::site_settings::LabelDefinition>,
    /// The messages its launcher shows visitors unasked ([`crate::proactive`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proactive_messages: Vec<switchboard_protocol::api::proactive::ProactiveMessage>,
}

impl SiteConfig {
    /// The flow conversations run: the configured one, with the appearance's greeting.
    pub fn effective_flow(&self) -> Flow {
        let mut flow = self.flow.clone();
        if let Some(greeting) = &self.appearance.greeting {
            flow.greeting = Some(greeting.clone());
        }
        flow
    }

    /// The allowed origins, parsed. Stored configs were validated when written, so this only
    /// fails for a config written by hand.
    pub fn origins(&self) -> Result<AllowedOrigins, OriginError> {
        AllowedOrigins::parse(&self.allowed_origins)
    }

    /// The config as an agent of `role` may read it. Secrets stay with admins: the identity
    /// key lets whoever holds it vouch for any visitor, the external bot's secrets let them
    /// forge its webhooks or answer in its name.
    pub fn seen_by(mut self, role: AgentRole) -> SiteConfig {
        if role != AgentRole::Admin {
            self.identity_secret = None;
            self.flow.webhook = self.flow.webhook.map(|bot| bot.hidden());
            for identity in &mut self.channels {
                identity.access_token = None;
            }
        }
        self
    }
}

/// The site and admin created on first start, from the worker's variables and secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bootstrap {
    /// The site.
    pub site: SiteConfig,
    /// Its first admin's email.
    pub admin_email: String,
    /// Its first admin's display name.
    pub admin_name: String,
    /// Its first admin's password (a worker secret), hashed before it is stored.
    pub admin_password: String,
}

/// Why the bootstrap variables cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BootstrapError {
    /// `BOOTSTRAP_SITE_ID` is not a valid site id.
    #[error("BOOTSTRAP_SITE_ID: {0}")]
    SiteId(switchboard_protocol::IdError),
    /// `BOOTSTRAP_ALLOWED_ORIGINS` has an entry that is not an origin.
    #[error("BOOTSTRAP_ALLOWED_ORIGINS: {0}")]
    Origins(OriginError),
    /// `BOOTSTRAP_ADMIN_EMAIL` is not an email address.
    #[error("BOOTSTRAP_ADMIN_EMAIL is not an email address")]
    Email,
    /// `BOOTSTRAP_AGENTS` has an entry that is not `email:name:password`.
    #[error("BOOTSTRAP_AGENTS: entries are email:name:password, separated by ';'")]
    Agents,
    /// `BOOTSTRAP_FLOW` is not a flow (JSON).
    #[error("BOOTSTRAP_FLOW: {0}")]
    Flow(String),
}

/// An agent account created with the bootstrap admin (demo and test seeding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedAgent {
    /// Sign-in email (normalised).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Password, hashed before it is stored.
    pub password: String,
}

/// Reads `BOOTSTRAP_AGENTS`: entries `email:name:password` separated by `;` or newlines (the
/// password may contain `:`). Empty text is no agents.
pub fn parse_seed_agents(text: &str) -> Result<Vec<SeedAgent>, BootstrapError> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let mut parts = entry.splitn(3, ':');
            let (Some(email), Some(name), Some(password)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(BootstrapError::Agents);
            };
            let email = normalise_email(email).ok_or(BootstrapError::Agents)?;
            Ok(SeedAgent { email, name: name.trim().to_string(), password: password.to_string() })
        })
        .collect()
}

/// Reads a flow from JSON and checks it (time zones against `zones`).
pub fn parse_flow(json: &str, zones: &dyn Zones) -> Result<Flow, String> {
    let flow: Flow = serde_json::from_str(json).map_err(|e| e.to_string())?;
    flow.validate(zones).map_err(|e: FlowError| e.to_string())?;
    Ok(flow)
}

impl Bootstrap {
    /// Brings the stored configuration of the bootstrap site up to date with the deployer's
    /// variables; says whether it changed (then store it). Its flow follows `BOOTSTRAP_FLOW`
    /// until an admin edits it (`cargo xtask dev` keeps its state across runs while
    /// `demo-site/flow.toml` changes); an identity secret set by the deployer applies until
    /// an admin sets or clears one. Other sites are left alone.
    pub fn refresh(&self, stored: &mut SiteConfig) -> bool {
        if stored.id != self.site.id {
            return false;
        }
        let flow_differs = !stored.flow_edited && stored.flow != self.site.flow;
        let secret_missing = !stored.identity_edited
            && stored.identity_secret.is_none()
            && self.site.identity_secret.is_some();
        if flow_differs {
            stored.flow = self.site.flow.clone();
        }
        if secret_missing {
            stored.identity_secret = self.site.identity_secret.clone();
        }
        flow_differs || secret_missing
    }

    /// Builds the bootstrap from the raw variable values. `origins` is space- or
    /// comma-separated; `flow` is JSON (empty: the default flow).
    #[allow(clippy::too_many_arguments)]
    pub fn from_vars(
        site_id: &str,
        site_name: &str,
        origins: &str,
        admin_email: &str,
        admin_name: &str,
        admin_password: &str,
        flow: &str,
        zones: &dyn Zones,
    ) -> Result<Self, BootstrapError> {
        let flow = if flow.trim().is_empty() {
            Flow::default()
        } else {
            parse_flow(flow, zones).map_err(BootstrapError::Flow)?
        };
        let id = SiteId::parse(site_id).map_err(BootstrapError::SiteId)?;
        let allowed_origins: Vec<String> = origins
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        AllowedOrigins::parse(&allowed_origins).map_err(BootstrapError::Origins)?;
        let admin_email = normalise_email(admin_email).ok_or(BootstrapError::Email)?;
        Ok(Self {
            site: SiteConfig {
                id,
                name: site_name.to_string(),
                allowed_origins,
                flow,
                appearance: Appearance::default(),
                flow_edited: false,
                identity_edited: false,
                blocks: Vec::new(),
                identity_secret: None,
                prechat: Vec::new(),
                avatars: Default::default(),
                session_limits: None,
                two_factor_policy: Default::default(),
                retention_days: None,
                interceptors: switchboard_protocol::interceptors::default_interceptors(),
                channels: Vec::new(),
                macros: Vec::new(),
                automation_rules: Vec::new(),
                labels: Vec::new(),
                proactive_messages: Vec::new(),
            },
            admin_email,
            admin_name: admin_name.to_string(),
            admin_password: admin_password.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::hours::tests::ChronoZones;

    #[test]
    fn bootstrap_vars_parse_into_a_site() {
        let boot = Bootstrap::from_vars(
            "demo",
            "Demo",
            "http://127.0.0.1:8080, http://localhost:8080",
            " Agent@Example.com ",
            "Dev Agent",
            "pw",
            "",
            &ChronoZones,
        )
        .unwrap();
        assert_eq!(boot.site.allowed_origins.len(), 2);
        assert_eq!(boot.admin_email, "agent@example.com");
        assert!(boot.site.origins().unwrap().allows("http://localhost:8080"));
    }

    #[test]
    fn the_bootstrap_site_follows_its_variables_until_an_admin_takes_over() {
        let boot = Bootstrap::from_vars(
            "demo",
            "Demo",
            "",
            "a@b.co",
            "",
            "pw",
            r#"{"start":"queue"}"#,
            &ChronoZones,
        )
        .unwrap();
        let boot = Bootstrap {
            site: SiteConfig { identity_secret: Some("deployer's".into()), ..boot.site },
            ..boot
        };
        let mut stored = SiteConfig { flow: Flow::default(), identity_secret: None, ..boot.site.clone() };
        assert!(boot.refresh(&mut stored));
        assert_eq!((&stored.flow, stored.identity_secret.as_deref()), (&boot.site.flow, Some("deployer's")));
        assert!(!boot.refresh(&mut stored), "nothing changes twice");
        // An admin's own flow and secret stay.
        let mut edited = SiteConfig {
            flow: Flow::default(),
            flow_edited: true,
            identity_secret: Some("admin's".into()),
            ..boot.site.clone()
        };
        assert!(!boot.refresh(&mut edited));
        assert_eq!((edited.flow, edited.identity_secret.as_deref()), (Flow::default(), Some("admin's")));
        // An admin who turned verification off keeps it off.
        let mut off = SiteConfig { identity_secret: None, identity_edited: true, ..stored.clone() };
        assert!(!boot.refresh(&mut off));
        assert_eq!(off.identity_secret, None);
        // Another site is not the bootstrap one.
        let mut other = SiteConfig { id: SiteId::parse("other").unwrap(), ..stored.clone() };
        other.flow = Flow::default();
        assert!(!boot.refresh(&mut other));
    }

    #[test]
    fn bad_bootstrap_vars_are_named() {
        let err =
            Bootstrap::from_vars("demo", "", "not-an-origin", "a@b.c", "", "", "", &ChronoZones).unwrap_err();
        assert!(err.to_string().starts_with("BOOTSTRAP_ALLOWED_ORIGINS"));
        let err =
            Bootstrap::from_vars("demo", "", "", "a@b.c", "", "", r#"{"queue":"nowhere"}"#, &ChronoZones)
                .unwrap_err();
        assert!(
            err.to_string().starts_with("BOOTSTRAP_FLOW") && err.to_string().contains("nowhere"),
            "{err}"
        );
        assert!(normalise_email("nobody").is_none());
        let agents = parse_seed_agents("bo@x.io:Bo:pw:with:colons; cy@x.io:Cy:pw2\n").unwrap();
        assert_eq!(agents.len(), 2);
        assert_eq!(agents[0].password, "pw:with:colons");
        assert_eq!(parse_seed_agents("not-an-email:A:b"), Err(BootstrapError::Agents));
    }
}
