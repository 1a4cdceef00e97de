//! The site's answer to a search of its conversations' messages: the conversations every
//! index found (the inbox feed shards' and the site's own, `objects::search_index`), as their
//! summaries, newest activity first.

use std::collections::BTreeSet;

use switchboard_protocol::api::conversations_list;

use super::calls::Search;
use super::SiteObject;
use crate::error::EdgeResult;
use crate::objects::search_index::SEARCH_LIMIT;

impl SiteObject {
    /// The summaries of the conversations the shards `found` and of those the site's own
    /// index matches: at most [`SEARCH_LIMIT`], newest activity first. Conversations the
    /// site no longer lists (erased) are left out.
    pub(super) fn search(&self, Search { query, found }: Search) -> EdgeResult<conversations_list::Response> {
        let mut ids: BTreeSet<_> = found.into_iter().collect();
        ids.extend(self.search_index.matches(&self.sql(), &query)?);
        let ids: Vec<_> = ids.into_iter().collect();
        let conversations = self.summaries_of(&ids, SEARCH_LIMIT)?;
        Ok(conversations_list::Response { conversations, next_cursor: None })
    }
}
