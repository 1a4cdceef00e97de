//! Identifiers as newtypes, each validated when parsed.
//!
//! Why newtypes: a `ConversationId` cannot be passed where a `VisitorId` belongs, and an id
//! that reached a handler is known to be well-formed (no path tricks, bounded length).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid identifier of some kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError {
    /// Which kind of id was expected (`"conversation id"`, …).
    pub kind: &'static str,
    /// What the expected form is.
    pub expected: &'static str,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: expected {}", self.kind, self.expected)
    }
}

impl std::error::Error for IdError {}

/// Defines a string newtype whose `FromStr`/`Deserialize` go through `$check`.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $expected:expr, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses and validates `value`.
            pub fn parse(value: impl Into<String>) -> Result<Self, IdError> {
                let value = value.into();
                let check: fn(&str) -> bool = $check;
                if check(&value) {
                    Ok(Self(value))
                } else {
                    Err(IdError { kind: $kind, expected: $expected })
                }
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, IdError> {
                Self::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(value: &str) -> Result<Self, IdError> {
                Self::parse(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// Defines a random id: a fixed prefix and 128 random bits in lowercase hex.
macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $prefix:literal) => {
        string_id!($(#[$doc])* $name, $kind, concat!("\"", $prefix, "\" and 32 lowercase hex digits"),
            |s| is_prefixed_hex(s, $prefix));

        impl $name {
            /// Makes an id from 16 random bytes (the caller owns the randomness: core is sans-IO).
            pub fn from_random(bytes: [u8; 16]) -> Self {
                Self(format!("{}{}", $prefix, hex(&bytes)))
            }
        }
    };
}

string_id!(
    /// A website using Switchboard. Public: it is written in the embed snippet.
    SiteId,
    "site id",
    SLUG,
    is_slug
);

string_id!(
    /// A routing queue (a team) of a site, named by the site's admin: `support`, `sales`.
    QueueId,
    "queue id",
    SLUG,
    is_slug
);

/// What [`is_slug`] accepts, for error messages.
const SLUG: &str = "1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit";

/// Whether `s` is a short lowercase name fit for URLs and config files.
fn is_slug(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && s.as_bytes()[0].is_ascii_alphanumeric()
}

random_id!(
    /// One conversation (one customer thread). Knowing it grants nothing: a signed token does.
    ConversationId,
    "conversation id",
    "cnv_"
);

random_id!(
    /// One visitor (a browser that opened the widget), stable across their conversations.
    VisitorId,
    "visitor id",
    "vis_"
);

random_id!(
    /// One agent or admin account.
    AgentId,
    "agent id",
    "agt_"
);

string_id!(
    /// Client-generated id of a message, used by the edge to make sends idempotent: a resend
    /// with the same id is acknowledged with the original `seq` and never stored twice.
    /// UUIDs and ULIDs fit.
    ClientMessageId,
    "client message id",
    "1-64 characters of A-Z, a-z, 0-9, '-' or '_'",
    |s| (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
);

/// Position of an event in a conversation's log: 1 for the first, then +1 each, no gaps.
/// `Seq(0)` means "nothing yet" (a client that holds no messages says `last_seq: 0`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seq(pub u64);

impl Seq {
    /// The position right after this one.
    pub fn next(self) -> Seq {
        Seq(self.0 + 1)
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

fn is_prefixed_hex(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|rest| rest.len() == 32 && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_round_trip_through_json() {
        let id = ConversationId::from_random([0xab; 16]);
        assert_eq!(id.as_str(), "cnv_abababababababababababababababab");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<ConversationId>(&json).unwrap(), id);
    }

    #[test]
    fn a_visitor_id_is_not_a_conversation_id() {
        let visitor = VisitorId::from_random([1; 16]);
        let err = ConversationId::parse(visitor.as_str()).unwrap_err();
        assert_eq!(err.kind, "conversation id");
    }

    #[test]
    fn malformed_ids_are_refused_with_their_kind() {
        for bad in ["", "Demo", "-x", "a/b", "a b", &"x".repeat(65)] {
            assert!(SiteId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(SiteId::parse("demo").is_ok());
        assert!(ClientMessageId::parse("01HZX3K4-abc_DEF").is_ok());
        assert!(ClientMessageId::parse("no spaces").is_err());
        let err = serde_json::from_str::<SiteId>("\"../etc\"").unwrap_err();
        assert!(err.to_string().contains("invalid site id"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(s in ".*") {
            let _ = SiteId::parse(s.clone());
            let _ = ConversationId::parse(s.clone());
            let _ = ClientMessageId::parse(s);
        }
    }
}
