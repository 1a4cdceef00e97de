//! The call an inbox feed object answers (see [`crate::objects::call`]).

use serde::{Deserialize, Serialize};
use switchboard_protocol::{ConversationId, SiteId};
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

/// The shard count this deployment uses (`INBOX_FEED_SHARDS`, `core::inbox_feed::shards`).
pub(crate) fn shards(env: &Env) -> u32 {
    let setting = env.var("INBOX_FEED_SHARDS").ok().map(|value| value.to_string());
    switchboard_core::inbox_feed::shards(setting.as_deref())
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

/// The conversations of this shard with a message matching `query` (an FTS5 query,
/// `core::search_text::full_text_query`), at most `search_index::SEARCH_LIMIT`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct MatchTexts {
    /// The query.
    pub query: String,
}
object_call!(MatchTexts => InboxFeed, "/search", Vec<ConversationId>);

/// Forgets the indexed texts of erased conversations (of this shard).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ForgetTexts {
    /// The conversations.
    pub conversations: Vec<ConversationId>,
}
object_call!(ForgetTexts => InboxFeed, "/search/forget", ());
