//! The Site object's configuration: read once per wake-up and kept in memory (it changes
//! only through this object), the bootstrap site stored by whichever request reaches it
//! first, an admin's change (checked in `core::appearance`), agents' photo versions.

use serde::Deserialize;
use switchboard_core::flow::Flow;
use switchboard_core::site::SiteConfig;
use switchboard_protocol::{ErrorCode, SiteId};

use super::calls::{SetAvatar, UpdateConfig};
use super::SiteObject;
use crate::env;
use crate::error::{EdgeError, EdgeResult};

impl SiteObject {
    /// The stored configuration, if the site exists.
    pub(super) fn stored_config(&self) -> EdgeResult<Option<SiteConfig>> {
        if let Some(config) = self.config.borrow().as_ref() {
            return Ok(Some(config.clone()));
        }
        #[derive(Deserialize)]
        struct Row {
            json: String,
        }
        let rows: Vec<Row> = self.sql().exec("SELECT json FROM config", None)?.to_array()?;
        let mut config: Option<SiteConfig> =
            rows.first().map(|row| serde_json::from_str(&row.json)).transpose()?;
        if let (Some(stored), Some(bootstrap)) = (config.as_mut(), env::bootstrap(&self.env)) {
            if bootstrap.refresh(stored) {
                let json = serde_json::to_string(&*stored)?;
                self.sql().exec("UPDATE config SET json = ? WHERE only = 1", vec![json.into()])?;
            }
        }
        self.config.replace(config.clone());
        Ok(config)
    }

    /// The site's flow (the default one for a site not configured yet).
    pub(super) fn flow(&self) -> Flow {
        self.stored_config().ok().flatten().map(|config| config.flow).unwrap_or_default()
    }

    /// Stores a new site's configuration (`conflict` when this object already has one).
    pub(super) fn create_config(&self, config: SiteConfig) -> EdgeResult<()> {
        if self.stored_config()?.is_some() {
            return Err(EdgeError::refuse(ErrorCode::Conflict, format!("the site {} exists", config.id)));
        }
        let json = serde_json::to_string(&config)?;
        self.sql().exec("INSERT INTO config (only, json) VALUES (1, ?)", vec![json.into()])?;
        self.config.replace(Some(config));
        Ok(())
    }

    /// Applies an admin's change (checked in `core::appearance`) and stores it.
    pub(super) fn update_config(&self, call: UpdateConfig, now: i64) -> EdgeResult<SiteConfig> {
        let config = self.ensure_config(Some(&call.site))?;
        let config = switchboard_core::appearance::apply(config, call.patch, &crate::zones::RuntimeZones)?;
        self.retention_changed(&config, now)?;
        self.store_config(config)
    }

    /// Records an agent's new photo (its version), or that they have none.
    pub(super) fn set_avatar(&self, call: SetAvatar) -> EdgeResult<SiteConfig> {
        let mut config = self.ensure_config(Some(&call.site))?;
        match call.version {
            Some(version) => config.avatars.insert(call.agent, version),
            // Nothing to store for an agent who had no photo (most removed accounts).
            None if !config.avatars.contains_key(&call.agent) => return Ok(config),
            None => config.avatars.remove(&call.agent),
        };
        self.store_config(config)
    }

    pub(super) fn store_config(&self, config: SiteConfig) -> EdgeResult<SiteConfig> {
        let json = serde_json::to_string(&config)?;
        self.sql().exec("UPDATE config SET json = ? WHERE only = 1", vec![json.into()])?;
        self.config.replace(Some(config.clone()));
        Ok(config)
    }

    /// The stored configuration, or for the bootstrap site (named by `site`) the bootstrap
    /// one, stored now: whichever request reaches the object first (a visitor's session, an
    /// agent's inbox) finds the site configured.
    pub(super) fn ensure_config(&self, site: Option<&SiteId>) -> EdgeResult<SiteConfig> {
        if self.tables.made() {
            if let Some(config) = self.stored_config()? {
                return Ok(config);
            }
        }
        match env::bootstrap(&self.env) {
            Some(bootstrap) if Some(&bootstrap.site.id) == site => {
                self.tables.make();
                let json = serde_json::to_string(&bootstrap.site)?;
                self.sql().exec("INSERT INTO config (only, json) VALUES (1, ?)", vec![json.into()])?;
                self.config.replace(Some(bootstrap.site.clone()));
                Ok(bootstrap.site)
            }
            _ => Err(EdgeError::refuse(ErrorCode::NotFound, "no such site")),
        }
    }
}
