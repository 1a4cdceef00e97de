//! `POST {flow.webhook.url}` — sent by the edge to an external bot for each visitor message
//! while the bot has the conversation (Chatwoot-style agent bot).
//!
//! Signed: header `X-Switchboard-Signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret,
//! "<t>.<body>")>`. The bot answers with `200` and a [`BotAnswer`] body, or `202` and later
//! `POST /api/v1/bot/conversations/{id}/answer` (see [`crate::api::bot_answer`]). No answer
//! within the flow's `timeout_ms`, or an error status, hands the conversation to a human.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ConversationId, QueueId, SiteId, VisitorId};
use crate::message::Message;

/// The request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Always `message_created` for now (other events may come; ignore unknown ones).
    pub event: String,
    /// The site.
    pub site_id: SiteId,
    /// The conversation (use it to answer later through the API).
    pub conversation_id: ConversationId,
    /// The visitor.
    pub visitor_id: VisitorId,
    /// The visitor's message, as stored.
    pub message: Message,
}

/// The bot's answer: messages to post, then optionally a handover.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotAnswer {
    /// Messages to post, in order.
    #[serde(default)]
    pub messages: Vec<BotMessage>,
    /// Hand the conversation to a human after them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover: Option<BotHandover>,
}

/// One message of the bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotMessage {
    /// Its text (1 to 4,000 characters).
    pub text: String,
    /// Answers offered as buttons.
    #[serde(default)]
    pub quick_replies: Vec<String>,
    /// Cards under the text (at most 3): `{"title", "text"?, "link"?: {"label", "url"}}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<crate::Card>,
}

/// Where the bot hands over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotHandover {
    /// The queue (the flow's default when absent or unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
    /// One agent it is meant for, while that agent is online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentId>,
}
