//! How many bytes of attachments a site may keep, counted so that no one object sees all of a
//! busy site's uploads: the allowance is split over [`SHARDS`] counters, and a conversation's
//! uploads always count against the same one ([`shard_of`]), a sixteenth of the site's total.
//! A site near its total may so be refused in one conversation while another still has room —
//! the price of never funnelling every upload through one place.

use switchboard_protocol::{ApiError, ConversationId, ErrorCode};

/// What a site may store unless the deployment says otherwise (`ATTACHMENT_BYTES_PER_SITE`).
pub const DEFAULT_BYTES_PER_SITE: u64 = 10 * 1024 * 1024 * 1024;

/// Counters per site.
pub const SHARDS: u32 = 16;

/// The counter a conversation's uploads count against: the same every time (FNV-1a).
pub fn shard_of(conversation: &ConversationId) -> u32 {
    let hash = conversation.as_str().bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % u64::from(SHARDS)) as u32
}

/// Counts `bytes` more against a counter that holds `used` of a site allowed `per_site` in
/// all: the new count, or the refusal to show the uploader (nothing is stored then).
pub fn reserve(used: u64, bytes: u64, per_site: u64) -> Result<u64, ApiError> {
    let allowance = per_site / u64::from(SHARDS);
    match used.checked_add(bytes) {
        Some(total) if total <= allowance => Ok(total),
        _ => Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "this site's storage for files is full ({} MiB); the file was not stored",
                per_site / 1024 / 1024
            ),
        )),
    }
}

/// Gives `bytes` back (an upload that failed after it was counted).
pub fn release(used: u64, bytes: u64) -> u64 {
    used.saturating_sub(bytes)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_counter_holds_its_share_of_the_site_and_refuses_beyond() {
        let per_site = 16 * 1_000;
        assert_eq!(reserve(0, 600, per_site), Ok(600));
        assert_eq!(reserve(600, 400, per_site), Ok(1_000));
        let refused = reserve(1_000, 1, per_site).unwrap_err();
        assert_eq!(refused.code, ErrorCode::Conflict);
        assert!(refused.message.contains("full"), "{}", refused.message);
        assert!(reserve(u64::MAX, u64::MAX, u64::MAX).is_err());
        assert_eq!(release(1_000, 400), 600);
        assert_eq!(release(10, 400), 0);
    }

    proptest! {
        #[test]
        fn a_conversation_always_counts_against_the_same_one_of_the_shards(bytes in any::<[u8; 16]>()) {
            let conversation = ConversationId::from_random(bytes);
            let shard = shard_of(&conversation);
            prop_assert!(shard < SHARDS);
            prop_assert_eq!(shard, shard_of(&conversation));
        }

        #[test]
        fn no_sequence_of_uploads_passes_the_allowance(uploads in proptest::collection::vec(0u64..5_000, 0..50)) {
            let per_site = 16 * 20_000;
            let mut used = 0;
            for bytes in uploads {
                if let Ok(now) = reserve(used, bytes, per_site) {
                    used = now;
                }
                prop_assert!(used <= per_site / u64::from(SHARDS));
            }
        }
    }
}
