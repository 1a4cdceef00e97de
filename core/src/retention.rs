//! A site's retention: resolved conversations (and their files) are deleted a number of days
//! after they were last active. The site object sweeps its index on an alarm, a batch at a
//! time, and each conversation confirms it is still resolved before it erases itself — so a
//! conversation the visitor reopened a moment ago is never lost. A contact nothing is known
//! of goes with its last conversation ([`forgets_contact`]), so an anonymous site's storage
//! stays bounded by its retention.

use switchboard_protocol::api::contacts::ContactRecord;
use switchboard_protocol::api::site_settings::MAX_RETENTION_DAYS;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{ApiError, ErrorCode};

/// A day, in ms (tests shorten it with `RETENTION_DAY_MS`).
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How often a site with a retention looks for what has expired.
pub const SWEEP_EVERY_MS: i64 = 60 * 60 * 1000;

/// Conversations deleted per sweep; a full batch sweeps again at once.
pub const BATCH: u32 = 25;

/// The retention an admin sets: `0` keeps conversations, else 1 to [`MAX_RETENTION_DAYS`].
pub fn days(days: u32) -> Result<Option<u32>, ApiError> {
    match days {
        0 => Ok(None),
        1..=MAX_RETENTION_DAYS => Ok(Some(days)),
        _ => Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("retention_days: 0 (keep) or 1 to {MAX_RETENTION_DAYS}"),
        )
        .at_field("retention_days")),
    }
}

/// Conversations last active before this time are deleted at `now`.
pub fn cutoff(days: u32, day_ms: i64, now: i64) -> i64 {
    now.saturating_sub(i64::from(days).saturating_mul(day_ms))
}

/// Whether a sweep is due at `now` (`at`: when the next was set for; none without a
/// retention).
pub fn sweep_due(at: Option<i64>, now: i64) -> bool {
    at.is_some_and(|at| at <= now)
}

/// Whether the retention may delete a conversation in `state`: only a resolved one (a
/// visitor who came back since the site's index was written keeps theirs).
pub fn may_delete(state: ConversationState) -> bool {
    state == ConversationState::Resolved
}

/// Whether the retention deletes `contact` once it deleted one of its conversations and
/// `conversations_left` remain: a contact nothing is known of but its browsers (no name,
/// email, phone, verified identity, attribute or note — an anonymous visitor's) is only its
/// conversations, and goes with the last. Anyone the visitor, the site or the team named or
/// described stays.
pub fn forgets_contact(contact: &ContactRecord, conversations_left: usize) -> bool {
    conversations_left == 0
        && contact.name.is_none()
        && contact.emails.is_empty()
        && contact.phones.is_empty()
        && contact.identity.is_none()
        && contact.attributes.is_empty()
        && contact.notes.as_deref().is_none_or(|notes| notes.trim().is_empty())
}

/// When to sweep next, after a sweep at `now` that deleted `deleted` conversations: at once
/// while batches come back full, else after [`SWEEP_EVERY_MS`] (or `every`, in tests).
pub fn next_sweep(now: i64, deleted: u32, every: i64) -> i64 {
    if deleted >= BATCH {
        now + 1
    } else {
        now + every
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn zero_keeps_and_out_of_range_is_refused_by_name() {
        assert_eq!(days(0).unwrap(), None);
        assert_eq!(days(30).unwrap(), Some(30));
        assert_eq!(days(MAX_RETENTION_DAYS + 1).unwrap_err().field.as_deref(), Some("retention_days"));
    }

    #[test]
    fn only_resolved_conversations_go_and_only_when_due() {
        assert!(may_delete(ConversationState::Resolved));
        for state in [ConversationState::New, ConversationState::Queued, ConversationState::Snoozed] {
            assert!(!may_delete(state));
        }
        assert!(sweep_due(Some(5), 5) && !sweep_due(Some(6), 5) && !sweep_due(None, 5));
    }

    #[test]
    fn full_batches_sweep_again_at_once() {
        assert_eq!(next_sweep(1_000, BATCH, SWEEP_EVERY_MS), 1_001);
        assert_eq!(next_sweep(1_000, 3, SWEEP_EVERY_MS), 1_000 + SWEEP_EVERY_MS);
    }

    #[test]
    fn an_anonymous_contact_goes_with_its_last_conversation_and_a_named_one_stays() {
        let anonymous = ContactRecord::empty("ctc_1".into(), 0);
        assert!(forgets_contact(&anonymous, 0));
        assert!(!forgets_contact(&anonymous, 1), "a conversation left keeps it");
        let named = ContactRecord { name: Some("Ada".into()), ..anonymous.clone() };
        let written = ContactRecord { emails: vec!["ada@example.com".into()], ..anonymous.clone() };
        let noted = ContactRecord { notes: Some("VIP".into()), ..anonymous.clone() };
        let texted = ContactRecord { phones: vec!["+15550142".into()], ..anonymous.clone() };
        for kept in [named, written, noted, texted] {
            assert!(!forgets_contact(&kept, 0), "{kept:?}");
        }
    }

    proptest! {
        /// Whatever is known of a contact, once anything is, the retention keeps it.
        #[test]
        fn anything_known_keeps_a_contact(
            name in proptest::option::of("[a-z]{1,8}"),
            email in proptest::option::of("[a-z]{1,8}@example.com"),
            phone in proptest::option::of("\\+1555[0-9]{4}"),
            attribute in proptest::option::of("[a-z]{1,8}"),
            notes in proptest::option::of("[a-z]{1,8}"),
        ) {
            let known = name.is_some() || email.is_some() || phone.is_some() || attribute.is_some() || notes.is_some();
            let mut contact = ContactRecord::empty("ctc_1".into(), 0);
            contact.name = name;
            contact.emails = email.into_iter().collect();
            contact.phones = phone.into_iter().collect();
            contact.attributes = attribute.map(|key| (key, serde_json::json!(1))).into_iter().collect();
            contact.notes = notes;
            prop_assert_eq!(forgets_contact(&contact, 0), !known);
        }

        #[test]
        fn a_longer_retention_never_deletes_more(now in 0i64..i64::MAX / 2, a in 1u32..=MAX_RETENTION_DAYS, b in 1u32..=MAX_RETENTION_DAYS) {
            let (short, long) = (a.min(b), a.max(b));
            prop_assert!(cutoff(long, DAY_MS, now) <= cutoff(short, DAY_MS, now));
            prop_assert!(cutoff(short, DAY_MS, now) <= now);
        }
    }
}
