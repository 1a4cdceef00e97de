//! The call an inbox feed object answers (see [`crate::objects::call`]).

use serde::{Deserialize, Serialize};
use switchboard_protocol::SiteId;
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind};
use crate::objects::site::calls::{Activity, ActivityAnswer};

/// The inbox feed objects: a few per site (`core::inbox_feed`), named by site and shard.
pub(crate) struct InboxFeed;

impl ObjectKind for InboxFeed {
    type Key = (SiteId, u32);

    fn stub(env: &Env, (site, shard): &(SiteId, u32)) -> EdgeResult<Stub> {
        let name = format!("{site}/{shard}");
        Ok(crate::objects::call::namespace(env, "INBOX_FEEDS")?.id_from_name(&name)?.get_stub()?)
    }
}

/// A conversation's news for its site's inbox, passed on in the feed's next batch; answers
/// what the site answered for it (after the site stored it).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Feed {
    /// The site.
    pub site: SiteId,
    /// The news.
    pub activity: Activity,
}
object_call!(Feed => InboxFeed, "/feed", ActivityAnswer);
