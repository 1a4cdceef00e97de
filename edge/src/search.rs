//! The full-text search of a site's messages, over its indexes: each inbox feed shard keeps
//! the texts of its conversations (`objects::search_index`), so a search asks every shard at
//! once and hands what they found to the site object, which adds its own index's matches
//! and answers their summaries. Erasing conversations forgets their texts in their shards.

use futures_util::future::try_join_all;
use switchboard_core::inbox_feed::shard_of;
use switchboard_core::search_text::full_text_query;
use switchboard_protocol::api::conversations_list;
use switchboard_protocol::{ConversationId, SiteId};
use worker::Env;

use crate::error::EdgeResult;
use crate::objects;
use crate::objects::inbox_feed::calls::{shards, ForgetTexts, MatchTexts};
use crate::objects::site::calls::Search;

/// Conversations of `site` with a message containing every word `typed` (as a prefix;
/// `core::search_text`), newest activity first.
pub(crate) async fn search(
    env: &Env,
    site: &SiteId,
    typed: &str,
) -> EdgeResult<conversations_list::Response> {
    let Some(query) = full_text_query(typed) else {
        return Ok(conversations_list::Response { conversations: Vec::new(), next_cursor: None });
    };
    let asks = (0..shards(env)).map(|shard| {
        let call = MatchTexts { query: query.clone() };
        async move { objects::send(env, &(site.clone(), shard), &call).await }
    });
    let found = try_join_all(asks).await?.into_iter().flatten().collect();
    objects::send(env, site, &Search { query, found }).await
}

/// Forgets the indexed texts of erased `conversations` of `site` in their shards (the site
/// object forgets its own).
pub(crate) async fn forget(env: &Env, site: &SiteId, conversations: &[ConversationId]) -> EdgeResult<()> {
    let count = shards(env);
    let mut by_shard: std::collections::BTreeMap<u32, Vec<ConversationId>> = Default::default();
    for conversation in conversations {
        if let Some(shard) = shard_of(conversation, count) {
            by_shard.entry(shard).or_default().push(conversation.clone());
        }
    }
    let forgets = by_shard.into_iter().map(|(shard, conversations)| async move {
        objects::send(env, &(site.clone(), shard), &ForgetTexts { conversations }).await
    });
    try_join_all(forgets).await.map(drop)
}
