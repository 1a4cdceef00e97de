//! Webhooks: a site's subscriptions, the events they receive, and their delivery log.
//!
//! - `GET /api/v1/webhooks` — the site's subscriptions (admins), never their secrets.
//! - `POST /api/v1/webhooks` — adds one (admins; `201`): the answer shows its signing secret
//!   once.
//! - `PATCH /api/v1/webhooks/{id}` — turns one on or off, or changes its URL or events.
//! - `DELETE /api/v1/webhooks/{id}` — removes it and everything waiting for it (`204`).
//! - `GET /api/v1/webhooks/{id}/deliveries` — its delivery log, newest first, by cursor.
//! - `POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver` — sends one again.
//!
//! Each delivery is a `POST` of a [`WebhookEvent`] as JSON with the headers
//! `X-Switchboard-Delivery` (its id, the same on every attempt), `X-Switchboard-Event` (its
//! type) and `X-Switchboard-Signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
//! Any `2xx` answer within the time limit is success; anything else is retried with
//! exponential backoff and jitter for at least 24 h, in order per conversation.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ConversationId, SiteId};
use crate::message::Message;
use crate::routing::ConversationState;

/// Most subscriptions a site may have.
pub const MAX_WEBHOOKS: usize = 20;

/// Longest URL, in bytes.
pub const MAX_URL_BYTES: usize = 2_000;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventType {
    /// A conversation's first entry was written.
    #[serde(rename = "conversation.created")]
    ConversationCreated,
    /// An agent took a conversation (or it was assigned to one).
    #[serde(rename = "conversation.assigned")]
    ConversationAssigned,
    /// A conversation was resolved, snoozed, reopened, or left pending.
    #[serde(rename = "conversation.state_changed")]
    ConversationStateChanged,
    /// A message was stored: the visitor's, an agent's, the bot's (private notes only for
    /// subscriptions that ask for them).
    #[serde(rename = "message.created")]
    MessageCreated,
    /// A contact was created.
    #[serde(rename = "contact.created")]
    ContactCreated,
    /// A contact was changed.
    #[serde(rename = "contact.updated")]
    ContactUpdated,
    /// Two contacts were merged into one.
    #[serde(rename = "contact.merged")]
    ContactMerged,
    /// A visitor rated a resolved conversation.
    #[serde(rename = "csat.submitted")]
    CsatSubmitted,
    /// An automation rule with a `send_webhook` action applied to a conversation.
    #[serde(rename = "automation.rule_applied")]
    AutomationRuleApplied,
    /// A subscription was turned off after failing for 24 h.
    #[serde(rename = "webhook.disabled")]
    WebhookDisabled,
}

impl EventType {
    /// Every type.
    pub const ALL: [EventType; 10] = [
        EventType::ConversationCreated,
        EventType::ConversationAssigned,
        EventType::ConversationStateChanged,
        EventType::MessageCreated,
        EventType::ContactCreated,
        EventType::ContactUpdated,
        EventType::ContactMerged,
        EventType::CsatSubmitted,
        EventType::WebhookDisabled,
        EventType::AutomationRuleApplied,
    ];

    /// Its name on the wire (`message.created`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ConversationCreated => "conversation.created",
            EventType::ConversationAssigned => "conversation.assigned",
            EventType::ConversationStateChanged => "conversation.state_changed",
            EventType::MessageCreated => "message.created",
            EventType::ContactCreated => "contact.created",
            EventType::ContactUpdated => "contact.updated",
            EventType::ContactMerged => "contact.merged",
            EventType::CsatSubmitted => "csat.submitted",
            EventType::WebhookDisabled => "webhook.disabled",
            EventType::AutomationRuleApplied => "automation.rule_applied",
        }
    }
}

/// One subscription, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// Its id (`whk_…`).
    pub id: String,
    /// Where deliveries are posted (`https://`, or `http://` to this machine for development).
    pub url: String,
    /// What it receives.
    pub events: Vec<EventType>,
    /// Whether `message.created` includes agents' private notes.
    #[serde(default)]
    pub include_notes: bool,
    /// Whether deliveries are made.
    pub enabled: bool,
    /// Why it is off, when the edge turned it off (failing for 24 h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// The secret's first characters, to tell secrets apart.
    pub secret_prefix: String,
    /// When it was added, ms since the Unix epoch.
    pub created_at: i64,
}

/// `POST` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// Where deliveries go.
    pub url: String,
    /// What it receives (at least one).
    pub events: Vec<EventType>,
    /// Whether `message.created` includes private notes (default: no).
    #[serde(default)]
    pub include_notes: bool,
}

/// `POST` `201` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// The subscription.
    pub webhook: Webhook,
    /// The signing secret (`whsec_…`), shown this once.
    pub secret: String,
}

/// `PATCH` request body: what changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// A new URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// New events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventType>>,
    /// Notes or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_notes: Option<bool>,
    /// On or off (turning it on again clears the reason it was turned off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// `GET` `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListResponse {
    /// Oldest first.
    pub webhooks: Vec<Webhook>,
}

/// What one delivery carries: the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// The event's id (`evt_…`): the same event has the same id for every subscription.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When, ms since the Unix epoch.
    pub created_at: i64,
    /// The site.
    pub site_id: SiteId,
    /// The conversation it happened in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// The conversation's log entry it came from (events of a conversation are delivered in
    /// this order; `GET /api/v1/conversations/{id}/messages?after=` reads around it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<crate::ids::Seq>,
    /// The details.
    pub data: EventData,
}

/// An event's details, by type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventData {
    /// `message.created`: the message as agents see it.
    Message {
        /// The message (boxed: it is much larger than the other details).
        message: Box<Message>,
    },
    /// `conversation.assigned`.
    Assigned {
        /// The agent.
        agent_id: AgentId,
        /// Their name.
        agent_name: String,
    },
    /// `conversation.state_changed`.
    StateChanged {
        /// The new state.
        state: ConversationState,
    },
    /// `csat.submitted`.
    Csat {
        /// 1 to 5.
        score: u8,
        /// What the visitor added.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// `webhook.disabled`.
    Disabled {
        /// The subscription turned off.
        webhook_id: String,
        /// Its URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// `contact.created`, `contact.updated`, `contact.merged`: the contact as it is now.
    Contact {
        /// The contact (boxed: it is much larger than the other details).
        contact: Box<crate::api::contacts::ContactRecord>,
        /// `contact.merged`: the id of the contact merged into it (which is gone).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        merged_from: Option<String>,
    },
    /// `automation.rule_applied`: which rule, set off by what.
    RuleApplied {
        /// The rule's name.
        rule: String,
        /// The event that set it off.
        event: crate::api::automation::RuleEvent,
    },
    /// `conversation.created`: nothing more than the conversation's id (last: as an
    /// untagged variant without fields it would read any other's details).
    Created {},
}

/// How a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its first or next attempt.
    Pending,
    /// A `2xx` answer arrived.
    Delivered,
    /// Given up: the subscription was turned off or removed.
    Failed,
}

/// One delivery in the log: its latest attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Its id (`dlv_…`, sent as `X-Switchboard-Delivery`).
    pub id: String,
    /// The event's id.
    pub event_id: String,
    /// The event's type.
    pub event_type: EventType,
    /// The conversation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// How it stands.
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: u32,
    /// When it was queued, ms since the Unix epoch.
    pub created_at: i64,
    /// When the next attempt is due, while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<i64>,
    /// The latest attempt's HTTP status, if an answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<u16>,
    /// How long the latest attempt took, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u32>,
    /// The start of the latest answer's body, or why no answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_excerpt: Option<String>,
}

/// `GET …/deliveries` `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveriesResponse {
    /// Newest first.
    pub deliveries: Vec<Delivery>,
    /// Pass as `?cursor=` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}
