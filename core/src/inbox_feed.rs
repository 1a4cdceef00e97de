//! The inbox feed's shards. A conversation's summaries reach its site's inbox through one of
//! a few feed objects ([`shard_of`]: always the same one for a conversation, so its summaries
//! stay in order), each of which has at most one batch on its way to the site at a time: what
//! arrives meanwhile goes with the next. The site object so receives at most one request per
//! shard per round trip, however many conversations write — the busiest object's request rate
//! follows the number of shards and its own speed, not the site's message rate — and a quiet
//! site's updates wait for nothing. Each shard also keeps the search index of its
//! conversations' messages; [`shards_with_texts`] says which shards a search or an erasure asks.

use switchboard_protocol::ConversationId;

/// Feed objects per site unless the deployment says otherwise (`INBOX_FEED_SHARDS`; `0`
/// sends each summary straight to the site object, one request each).
pub const DEFAULT_SHARDS: u32 = 16;

/// Most shards a deployment may ask for.
pub const MAX_SHARDS: u32 = 256;

/// The shard count a deployment's setting names: [`DEFAULT_SHARDS`] when unset or unreadable,
/// at most [`MAX_SHARDS`].
pub fn shards(setting: Option<&str>) -> u32 {
    setting.and_then(|value| value.trim().parse().ok()).unwrap_or(DEFAULT_SHARDS).min(MAX_SHARDS)
}

/// The feed shard of `conversation` among `shards` (FNV-1a of its id), or `None` when the
/// deployment feeds the site directly.
pub fn shard_of(conversation: &ConversationId, shards: u32) -> Option<u32> {
    if shards == 0 {
        return None;
    }
    let hash = conversation.as_str().bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    Some((hash % u64::from(shards)) as u32)
}

/// The shards that may hold a site's message texts, for a search or an erasure to ask: those
/// of today's count and at least the [`DEFAULT_SHARDS`], so texts indexed before a deployment
/// moved from the default count (to `0` or another) are still found and erased.
pub fn shards_with_texts(shards: u32) -> std::ops::Range<u32> {
    0..shards.max(DEFAULT_SHARDS)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_setting_names_the_shards_or_the_default() {
        assert_eq!(shards(None), DEFAULT_SHARDS);
        assert_eq!(shards(Some("4")), 4);
        assert_eq!(shards(Some("0")), 0);
        assert_eq!(shards(Some("many")), DEFAULT_SHARDS);
        assert_eq!(shards(Some("100000")), MAX_SHARDS);
        assert_eq!(shard_of(&ConversationId::from_random([1; 16]), 0), None);
    }

    #[test]
    fn texts_are_looked_for_in_the_default_shards_whatever_the_count() {
        assert_eq!(shards_with_texts(0), 0..DEFAULT_SHARDS);
        assert_eq!(shards_with_texts(4), 0..DEFAULT_SHARDS);
        assert_eq!(shards_with_texts(64), 0..64);
    }

    proptest! {
        #[test]
        fn every_shard_a_text_went_to_is_asked(seed in any::<[u8; 16]>(), count in 0..=MAX_SHARDS) {
            // Indexed under the default count or under today's: found and erased under today's.
            let id = ConversationId::from_random(seed);
            for indexed_under in [DEFAULT_SHARDS, count] {
                if let Some(shard) = shard_of(&id, indexed_under) {
                    prop_assert!(shards_with_texts(count).contains(&shard));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn a_conversation_always_uses_the_same_shard_and_every_shard_is_used(seed in any::<[u8; 16]>()) {
            let id = ConversationId::from_random(seed);
            let shard = shard_of(&id, DEFAULT_SHARDS);
            prop_assert_eq!(shard, shard_of(&id, DEFAULT_SHARDS));
            prop_assert!(shard.is_some_and(|s| s < DEFAULT_SHARDS));
        }
    }

    #[test]
    fn conversations_spread_over_the_shards() {
        let mut counts = [0u32; DEFAULT_SHARDS as usize];
        for n in 0..1_600u32 {
            let mut seed = [0u8; 16];
            seed[..4].copy_from_slice(&n.to_le_bytes());
            let shard = shard_of(&ConversationId::from_random(seed), DEFAULT_SHARDS).unwrap_or(0);
            counts[shard as usize] += 1;
        }
        assert!(counts.iter().all(|&count| (60..=140).contains(&count)), "{counts:?}");
    }
}
