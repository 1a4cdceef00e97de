//! The Site object's side of blocking: the block list lives in the site's configuration
//! (bounded by `core::blocks`), so every isolate's cached copy can check it.

use switchboard_core::blocks;
use switchboard_core::site::SiteConfig;

use super::calls::{AddBlock, LiftBlock};
use super::SiteObject;
use crate::error::EdgeResult;

impl SiteObject {
    /// Adds a block; answers the new configuration.
    pub(super) fn add_block(&self, call: AddBlock, now: i64) -> EdgeResult<SiteConfig> {
        let mut config = self.ensure_config(Some(&call.site))?;
        blocks::add(&mut config.blocks, call.entry, now)?;
        self.store_config(config)
    }

    /// Lifts a block; answers the new configuration.
    pub(super) fn lift_block(&self, call: &LiftBlock, now: i64) -> EdgeResult<SiteConfig> {
        let mut config = self.ensure_config(Some(&call.site))?;
        blocks::lift(&mut config.blocks, &call.id, now)?;
        self.store_config(config)
    }
}
