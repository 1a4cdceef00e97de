//! Site configurations and presence remembered by this isolate for a few seconds.
//!
//! Every visitor session and frame page checks the site's allowed origins; asking the site's
//! object each time costs a Durable Object request (measured by `cargo xtask bench`: about
//! as much CPU as relaying a message). Sites change their configuration rarely, so each
//! isolate keeps what it read for [`FRESH_FOR_MS`]; a change reaches every isolate within
//! that time. Presence (agents online, business hours) is asked by every widget frame and,
//! for sites that hide the launcher while offline, every page view: it is kept as long, so
//! the site object hears from each isolate at most that often, whatever the traffic.

use std::cell::RefCell;
use std::collections::HashMap;

use switchboard_core::site::SiteConfig;
use switchboard_protocol::api::site_presence::Response as Presence;
use switchboard_protocol::SiteId;
use worker::Env;

use crate::error::EdgeResult;
use crate::objects::site::calls::{GetConfig, Presence as AskPresence};
use crate::{known_sites, objects};

/// How long a configuration read from its object is used without asking again.
pub(crate) const FRESH_FOR_MS: i64 = 5_000;

/// At most this many sites are remembered; beyond it the cache starts afresh (an isolate
/// serving that many sites at once gains little from it anyway).
const MAX_SITES: usize = 1_000;

thread_local! {
    static CONFIGS: Remembered<SiteConfig> = Remembered::default();
    static PRESENCE: Remembered<Presence> = Remembered::default();
}

/// What this isolate read of each site, with when it read it.
struct Remembered<T>(RefCell<HashMap<SiteId, (i64, T)>>);

impl<T> Default for Remembered<T> {
    fn default() -> Self {
        Remembered(RefCell::new(HashMap::new()))
    }
}

impl<T> Remembered<T> {
    /// What `pick` takes from the site's value, if it was read less than [`FRESH_FOR_MS`] ago.
    fn fresh<R>(&self, id: &SiteId, now: i64, pick: impl Fn(&T) -> R) -> Option<R> {
        let known = self.0.borrow();
        known.get(id).filter(|(read_at, _)| now - read_at < FRESH_FOR_MS).map(|(_, value)| pick(value))
    }

    /// Keeps `value` as read at `now` (starting afresh past [`MAX_SITES`]).
    fn keep(&self, id: SiteId, now: i64, value: T) {
        let mut known = self.0.borrow_mut();
        if known.len() >= MAX_SITES {
            known.clear();
        }
        known.insert(id, (now, value));
    }

    fn forget(&self, id: &SiteId) {
        self.0.borrow_mut().remove(id);
    }
}

/// Replaces what this isolate remembers of a site with a configuration just written (other
/// isolates see it within [`FRESH_FOR_MS`]).
pub(crate) fn remember(config: &SiteConfig, now: i64) {
    CONFIGS.with(|configs| configs.keep(config.id.clone(), now, config.clone()));
    // Presence follows the hours just written.
    PRESENCE.with(|known| known.forget(&config.id));
}

/// The site's configuration, from this isolate's memory when fresh, else from its object
/// (`not_found` for an unknown site, refused by [`known_sites`] before any object is asked).
pub(crate) async fn config(env: &Env, id: &SiteId, now: i64) -> EdgeResult<SiteConfig> {
    part(env, id, now, SiteConfig::clone).await
}

/// What `pick` takes from the site's configuration, read as [`config`] reads it — without
/// copying the whole of it where a hot path needs one part (every message's interceptors).
pub(crate) async fn part<T>(
    env: &Env,
    id: &SiteId,
    now: i64,
    pick: impl Fn(&SiteConfig) -> T,
) -> EdgeResult<T> {
    if let Some(part) = CONFIGS.with(|configs| configs.fresh(id, now, &pick)) {
        return Ok(part);
    }
    known_sites::check(env, id, now).await?;
    let config = objects::send(env, id, &GetConfig { site: id.clone() }).await?;
    let part = pick(&config);
    CONFIGS.with(|configs| configs.keep(id.clone(), now, config));
    Ok(part)
}

/// The site's presence, from this isolate's memory when fresh, else from its object (the
/// site is checked as [`config`] checks it).
pub(crate) async fn presence(env: &Env, id: &SiteId, now: i64) -> EdgeResult<Presence> {
    if let Some(presence) = PRESENCE.with(|known| known.fresh(id, now, Presence::clone)) {
        return Ok(presence);
    }
    config(env, id, now).await?;
    let presence = objects::send(env, id, &AskPresence).await?;
    PRESENCE.with(|known| known.keep(id.clone(), now, presence.clone()));
    Ok(presence)
}
