//! `POST /api/v1/conversations` [`CreateRequest`] → `201` [`Created`]: the team starts a
//! conversation with a contact (outbound, as in contact-centre practice), with its first
//! message and how it is routed (console session + CSRF, or an API key with the
//! `conversations` scope; `Idempotency-Key` makes a retry answer the first result):
//!
//! - `immediate` with an `agent`: the agent owns it at once (when they are at capacity or
//!   offline, it waits in the flow's queue for them); with a `queue`: it waits there for the
//!   first agent who takes its offer.
//! - `on_reply`: no task for anyone until the contact answers; then the site's flow routes it
//!   like any new conversation (bot first, or straight to a queue).
//!
//! Webchat reaches the contact's newest browser (their latest conversation's visitor): the
//! conversation is in that visitor's history (`GET /api/v1/visitor/conversations`). A contact
//! with no webchat visitor yet is `409`; other channels come later. `404` for an unknown
//! contact; `400` naming the field for a bad routing or text.

use serde::{Deserialize, Serialize};

use crate::message::Message;
use crate::{AgentId, ClientMessageId, ConversationId, QueueId};

/// `POST /api/v1/conversations` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// Whom to write to (`ctc_…`).
    pub contact_id: String,
    /// The first message (empty with `template`, whose text it becomes).
    #[serde(default)]
    pub text: String,
    /// Where to write: `webchat` (the default: the contact's browser), `sms` or `whatsapp`
    /// (their first phone number, from the site's number on that channel), or `messenger`
    /// (their newest Messenger line, within its reply window; `docs/channels.md`).
    #[serde(default)]
    pub channel: crate::channels::Channel,
    /// WhatsApp: one of the number's approved templates — a business starts a WhatsApp
    /// conversation only with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<crate::channels::TemplateUse>,
    /// How it is routed.
    pub routing: Routing,
    /// Written as the site's bot (under the flow's bot name) rather than as the caller.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub as_bot: bool,
    /// The first message's id (else the `Idempotency-Key`, else a new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientMessageId>,
}

/// How an outbound conversation is routed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum Routing {
    /// A task now: for one agent, or in one queue (exactly one of them).
    Immediate {
        /// The agent who owns it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
        /// The queue it waits in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        queue: Option<QueueId>,
    },
    /// No task until the contact answers.
    OnReply,
}

/// `201` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// The new conversation.
    pub conversation_id: ConversationId,
    /// Its first message, as stored.
    pub message: Message,
}
