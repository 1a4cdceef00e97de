//! Which `(author, client_id)` pairs a conversation may already hold, kept in memory so that
//! storing a new message needs no lookup first.
//!
//! Every `send` must be checked for being a resend (idempotency), which costs a storage
//! query per message. New messages are the common case, so the store keeps a set of hashes
//! of the pairs it holds: a pair whose hash is absent is certainly new; a present hash (a
//! resend, or a rare collision) falls back to the real lookup. The answer is therefore never
//! wrong, only sometimes slower. Very long conversations skip the filter rather than spend
//! memory on it.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Hashes of the `(author id, client id)` pairs a conversation holds.
#[derive(Debug, Default, Clone)]
pub struct KnownIds {
    hashes: HashSet<u64>,
}

impl KnownIds {
    /// Above this many messages a conversation keeps no filter (about 16 bytes each).
    pub const MAX: usize = 50_000;

    /// A filter of `pairs`, or `None` when there are more than [`Self::MAX`].
    pub fn from_pairs<A: AsRef<str>, C: AsRef<str>>(pairs: impl IntoIterator<Item = (A, C)>) -> Option<Self> {
        let mut known = KnownIds::default();
        for (author, client) in pairs {
            if !known.insert(author.as_ref(), client.as_ref()) {
                return None;
            }
        }
        Some(known)
    }

    /// Whether the pair may be stored already (`false`: certainly not).
    pub fn may_contain(&self, author_id: &str, client_id: &str) -> bool {
        self.hashes.contains(&hash(author_id, client_id))
    }

    /// Remembers a stored pair; `false` once the filter is full (then drop it).
    pub fn insert(&mut self, author_id: &str, client_id: &str) -> bool {
        if self.hashes.len() >= Self::MAX {
            return false;
        }
        self.hashes.insert(hash(author_id, client_id));
        true
    }
}

fn hash(author_id: &str, client_id: &str) -> u64 {
    // Fixed keys: the same pair hashes alike in every instance (no randomness to pass in).
    let mut hasher = DefaultHasher::new();
    (author_id, client_id).hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Never a false "certainly new": every stored pair is reported as maybe present.
        #[test]
        fn stored_pairs_are_always_found(pairs in prop::collection::vec(("[a-z_]{1,12}", "[0-9a-f]{1,32}"), 0..200)) {
            let known = KnownIds::from_pairs(pairs.iter().map(|(a, c)| (a.as_str(), c.as_str()))).unwrap();
            for (author, client) in &pairs {
                prop_assert!(known.may_contain(author, client));
            }
        }
    }

    #[test]
    fn a_new_pair_is_new_and_the_same_client_id_of_another_author_too() {
        let mut known = KnownIds::default();
        assert!(known.insert("vis_1", "abc"));
        assert!(!known.may_contain("vis_1", "abd"));
        assert!(!known.may_contain("agt_1", "abc"));
        // The separator matters: ("ab", "c") is not ("a", "bc").
        assert!(known.insert("ab", "c"));
        assert!(!known.may_contain("a", "bc"));
    }

    #[test]
    fn too_many_pairs_means_no_filter() {
        let pairs = (0..=KnownIds::MAX).map(|n| ("vis_1".to_string(), n.to_string()));
        assert!(KnownIds::from_pairs(pairs).is_none());
    }
}
