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
    static CONFIGS: RefCell<HashMap<SiteId, (i64, SiteConfig)>> = RefCell::new(HashMap::new());
    static PRESENCE: RefCell<HashMap<SiteId, (i64, Presence)>> = RefCell::new(HashMap::new());
}

/// Replaces what this isolate remembers of a site with a configuration just written (other
/// isolates see it within [`FRESH_FOR_MS`]).
pub(crate) fn remember(config: &SiteConfig, now: i64) {
    CONFIGS.with_borrow_mut(|configs| {
        configs.insert(config.id.clone(), (now, config.clone()));
    });
    // Presence follows the hours just written.
    PRESENCE.with_borrow_mut(|known| known.remove(&config.id));
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
    let fresh = CONFIGS.with_borrow(|configs| {
        configs.get(id).filter(|(read_at, _)| now - read_at < FRESH_FOR_MS).map(|(_, config)| pick(config))
    });
    if let Some(part) = fresh {
        return Ok(part);
    }
    known_sites::check(env, id, now).await?;
    let config = objects::send(env, id, &GetConfig { site: id.clone() }).await?;
    let part = pick(&config);
    CONFIGS.with_borrow_mut(|configs| {
        if configs.len() >= MAX_SITES {
            configs.clear();
        }
        configs.insert(id.clone(), (now, config));
    });
    Ok(part)
}

/// The site's presence, from this isolate's memory when fresh, else from its object (the
/// site is checked as [`config`] checks it).
pub(crate) async fn presence(env: &Env, id: &SiteId, now: i64) -> EdgeResult<Presence> {
    let fresh = PRESENCE.with_borrow(|known| {
        known
            .get(id)
            .filter(|(read_at, _)| now - read_at < FRESH_FOR_MS)
            .map(|(_, presence)| presence.clone())
    });
    if let Some(presence) = fresh {
        return Ok(presence);
    }
    config(env, id, now).await?;
    let presence = objects::send(env, id, &AskPresence).await?;
    PRESENCE.with_borrow_mut(|known| {
        if known.len() >= MAX_SITES {
            known.clear();
        }
        known.insert(id.clone(), (now, presence.clone()));
    });
    Ok(presence)
}
