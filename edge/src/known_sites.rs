//! Which site ids exist, as this isolate last heard from the directory: a request naming a
//! site that does not exist is refused here, before any site object is started for it.
//!
//! A stranger can send any id (`/frame?site=…`, `/launcher.js?site=…`, presence, visitor
//! sessions). Asking the site's own object would start one object per invented id; asking
//! the directory per id would let a flood of invented ids keep it busy. So the isolate keeps
//! the whole list (sites are few and rarely made) and asks again only when an id is missing
//! and the list is older than [`RECHECK_AFTER_MS`]: however many ids an attacker invents,
//! each isolate asks at most once per that interval, and a new site is known everywhere
//! within it.

use std::cell::RefCell;
use std::collections::HashSet;

use switchboard_protocol::{ErrorCode, SiteId};
use worker::Env;

use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::directory::calls::ListSites;

/// How old the list may be before a missing id makes the isolate ask again.
pub(crate) const RECHECK_AFTER_MS: i64 = 5_000;

struct Known {
    read_at: i64,
    ids: HashSet<SiteId>,
}

thread_local! {
    static KNOWN: RefCell<Option<Known>> = const { RefCell::new(None) };
}

/// `Ok` when `site` exists, `not_found` (the same answer as for a site with no config) when it
/// does not.
pub(crate) async fn check(env: &Env, site: &SiteId, now: i64) -> EdgeResult<()> {
    // The bootstrap site needs no list: its object makes it on first use.
    if env.var("BOOTSTRAP_SITE_ID").is_ok_and(|id| id.to_string() == site.as_str()) {
        return Ok(());
    }
    let (listed, fresh) = KNOWN.with_borrow(|known| match known {
        Some(known) => (known.ids.contains(site), now - known.read_at < RECHECK_AFTER_MS),
        None => (false, false),
    });
    if listed {
        return Ok(());
    }
    if !fresh {
        let sites = objects::send(env, &(), &ListSites).await?.sites;
        let ids = sites.into_iter().map(|entry| entry.id).collect::<HashSet<_>>();
        let listed = ids.contains(site);
        KNOWN.with_borrow_mut(|known| *known = Some(Known { read_at: now, ids }));
        if listed {
            return Ok(());
        }
    }
    Err(EdgeError::refuse(ErrorCode::NotFound, "no such site"))
}

/// Adds a site this isolate just created (others learn of it within [`RECHECK_AFTER_MS`]).
pub(crate) fn remember(site: &SiteId) {
    KNOWN.with_borrow_mut(|known| {
        if let Some(known) = known {
            known.ids.insert(site.clone());
        }
    });
}
