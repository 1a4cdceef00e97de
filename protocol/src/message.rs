//! A conversation message as stored in the log and shown to every participant.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ClientMessageId, IdError, Seq, VisitorId};
use crate::routing::ConversationEvent;

/// One message of a conversation's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Position in the conversation's log; clients render by it and deduplicate on it.
    pub seq: Seq,
    /// The id its author's client gave it; lets that client match the message to its
    /// optimistic copy ("sending…") and lets the edge ignore a resend.
    pub client_id: ClientMessageId,
    /// Who wrote it.
    pub author: Author,
    /// The text, exactly as written (rendered as text, never as HTML).
    pub text: String,
    /// When the edge stored it, in milliseconds since the Unix epoch (UTC).
    pub sent_at: i64,
    /// Answers the visitor may click instead of typing (a bot's question). Clicking one sends
    /// its text as an ordinary message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<String>,
    /// For `system` entries: what happened, machine-readable (`text` says it in words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<ConversationEvent>,
    /// For agents only. Visitors receive the entry with its text, author and event withheld
    /// (a `system` entry with empty text and `internal: true`), so their `seq`s stay gap-free.
    #[serde(default, skip_serializing_if = "is_false")]
    pub internal: bool,
    /// A file the author attached (the `text` is then its name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<crate::attachment::Attachment>,
    /// A bot's cards after its text (a product, an article, a form): at most
    /// [`MAX_CARDS`](crate::limits::MAX_CARDS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<Card>,
    /// The language the site's `detect_language` step found in its text (ISO 639-1, `de`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The whole text as it came, when `text` is only its new words (an email reply with its
    /// quoted history and signature): agents may open it. Through the same interceptors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
}

/// A card a bot shows under its message: a title, a few words, and a link button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// The title (1 to 80 characters).
    pub title: String,
    /// A few words under it (at most 300 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Where its button leads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<CardLink>,
}

/// A card's button: opens `url` (`http` or `https` only) in a new tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardLink {
    /// The button's words (1 to 40 characters).
    pub label: String,
    /// An absolute `http://` or `https://` URL (at most 2,000 characters).
    pub url: String,
}

impl CardLink {
    /// Whether the link leads to a web page: what clients check again before making it a
    /// link (the edge checked it when it was stored; a client never trusts that alone).
    pub fn is_web(&self) -> bool {
        self.url.starts_with("https://") || self.url.starts_with("http://")
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Message {
    /// A message with no quick replies, event or restriction.
    pub fn plain(seq: Seq, client_id: ClientMessageId, author: Author, text: String, sent_at: i64) -> Self {
        Self {
            seq,
            client_id,
            author,
            text,
            sent_at,
            quick_replies: Vec::new(),
            event: None,
            internal: false,
            attachment: None,
            cards: Vec::new(),
            language: None,
            original: None,
        }
    }

    /// What a visitor may see of this entry: itself, or for an internal one a placeholder
    /// that keeps its `seq` and time and nothing else.
    pub fn for_visitor(&self) -> Message {
        if !self.internal {
            return self.clone();
        }
        Message {
            seq: self.seq,
            client_id: self.client_id.clone(),
            author: Author::System,
            text: String::new(),
            sent_at: self.sent_at,
            quick_replies: Vec::new(),
            event: None,
            internal: true,
            attachment: None,
            cards: Vec::new(),
            language: None,
            original: None,
        }
    }
}

/// Who wrote a message. Tagged by `role` on the wire.
///
/// Deserialised through [`AuthorFields`] rather than serde's internally tagged enum support,
/// which buffers every value and roughly doubles the decoding code; that code ships in the
/// widget's wasm, where every kilobyte counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case", try_from = "AuthorFields")]
pub enum Author {
    /// The website's visitor.
    Visitor {
        /// The visitor's id (stable across the visitor's conversations).
        id: VisitorId,
        /// A name, when the visitor gave one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A human agent answering from the console.
    Agent {
        /// The agent's account id.
        id: AgentId,
        /// Display name shown to the visitor.
        name: String,
    },
    /// The site's bot (built-in rules or an external bot), under the name the flow gives it.
    Bot {
        /// Display name shown to the visitor.
        name: String,
    },
    /// Switchboard itself: routing events (someone joined, the conversation was resolved).
    System,
}

impl Author {
    /// The author's role, without the identity.
    pub fn role(&self) -> Role {
        match self {
            Author::Visitor { .. } => Role::Visitor,
            Author::Agent { .. } => Role::Agent,
            Author::Bot { .. } => Role::Bot,
            Author::System => Role::System,
        }
    }

    /// The author's id as text (visitor or agent id), the scope of its client message ids.
    pub fn id_str(&self) -> &str {
        match self {
            Author::Visitor { id, .. } => id.as_str(),
            Author::Agent { id, .. } => id.as_str(),
            Author::Bot { .. } => "bot",
            Author::System => "system",
        }
    }
}

/// The wire form of [`Author`], as a flat struct that decodes without buffering.
#[derive(Deserialize)]
struct AuthorFields {
    role: Role,
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: Option<String>,
}

impl TryFrom<AuthorFields> for Author {
    type Error = IdError;

    fn try_from(fields: AuthorFields) -> Result<Self, IdError> {
        Ok(match fields.role {
            Role::Visitor => Author::Visitor { id: VisitorId::parse(fields.id)?, name: fields.name },
            Role::Agent => {
                Author::Agent { id: AgentId::parse(fields.id)?, name: fields.name.unwrap_or_default() }
            }
            Role::Bot => Author::Bot { name: fields.name.unwrap_or_default() },
            Role::System => Author::System,
        })
    }
}

/// The part a participant plays in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The website's visitor.
    Visitor,
    /// A human agent.
    Agent,
    /// The site's bot.
    Bot,
    /// Switchboard's own events.
    System,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_tagged_by_role() {
        let author = Author::Agent { id: AgentId::from_random([7; 16]), name: "Ada".into() };
        let json = serde_json::to_value(&author).unwrap();
        assert_eq!(json["role"], "agent");
        assert_eq!(json["name"], "Ada");
        assert_eq!(author.role(), Role::Agent);
        assert_eq!(serde_json::from_value::<Author>(json).unwrap(), author);
    }

    #[test]
    fn malformed_authors_are_refused() {
        for bad in [
            r#"{"role":"agent","id":"vis_00000000000000000000000000000000"}"#,
            r#"{"role":"robot","id":"x"}"#,
            r#"{"id":"x"}"#,
        ] {
            assert!(serde_json::from_str::<Author>(bad).is_err(), "{bad}");
        }
    }
}
