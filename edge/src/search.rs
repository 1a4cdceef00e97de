//! The full-text search of a site's messages, over its indexes: each inbox feed shard keeps
//! the texts of its conversations (`objects::search_index`), so a search asks every shard at
//! once and hands what they found to the site object, which adds its own index's matches
//! and answers their summaries. Erasing conversations forgets their texts in every shard.
//! Every shard a text may be in is asked (`core::inbox_feed::shards_with_texts`).

use futures_util::future::{join_all, try_join_all};
use switchboard_core::inbox_feed::shards_with_texts;
use switchboard_core::search_text::full_text_query;
use switchboard_protocol::api::conversations_list;
use switchboard_protocol::{ConversationId, SiteId};
use worker::Env;

use crate::error::EdgeResult;
use crate::objects;
use crate::objects::inbox_feed::calls::{shards, ForgetTexts, MatchTexts};
use crate::objects::site::calls::Search;

/// Conversations of `site` with a message containing every word `typed` (as a prefix;
/// `core::search_text`), newest activity first. Best effort, like the index: a shard that
/// does not answer leaves its matches out (logged) rather than failing the search.
pub(crate) async fn search(
    env: &Env,
    site: &SiteId,
    typed: &str,
) -> EdgeResult<conversations_list::Response> {
    let Some(query) = full_text_query(typed) else {
        return Ok(conversations_list::Response { conversations: Vec::new(), next_cursor: None });
    };
    let asks = shards_with_texts(shards(env)).map(|shard| {
        let call = MatchTexts { query: query.clone() };
        async move { (shard, objects::send(env, &(site.clone(), shard), &call).await) }
    });
    let mut found = Vec::new();
    for (shard, answer) in join_all(asks).await {
        match answer {
            Ok(matches) => found.extend(matches),
            Err(error) => worker::console_error!("search: shard {shard} of {site}: {error:?}"),
        }
    }
    objects::send(env, site, &Search { query, found }).await
}

/// Forgets the indexed texts of erased `conversations` of `site` in every shard that may hold
/// them (the site object forgets its own).
pub(crate) async fn forget(env: &Env, site: &SiteId, conversations: &[ConversationId]) -> EdgeResult<()> {
    let forgets = shards_with_texts(shards(env)).map(|shard| {
        let call = ForgetTexts { conversations: conversations.to_vec() };
        async move { objects::send(env, &(site.clone(), shard), &call).await }
    });
    try_join_all(forgets).await.map(drop)
}
