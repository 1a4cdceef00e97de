//! Channels: where a conversation's customer writes from, and how far an outbound message on
//! a provider's channel has come (its provider's delivery statuses, mapped onto ours).

use serde::{Deserialize, Serialize};

/// Where a conversation's customer writes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The site's chat widget.
    #[default]
    Webchat,
    /// Text messages to a phone number (Twilio's Messaging API).
    Sms,
    /// WhatsApp through Twilio's Messaging API (`whatsapp:` addresses).
    Whatsapp,
    /// Facebook Messenger (a page's inbox).
    Messenger,
    /// Email.
    Email,
}

/// How far an outbound message on a provider's channel has come, as the provider reports.
/// Ordered: a later status never goes back to an earlier one (`failed` ends it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Accepted by the provider, waiting to go.
    Queued,
    /// Handed to the carrier or network.
    Sent,
    /// On the customer's device.
    Delivered,
    /// Seen by the customer (WhatsApp, Messenger).
    Read,
    /// Not delivered, for good.
    Failed,
}

impl Channel {
    /// Whether it is the site's own widget (no provider between the customer and us).
    pub fn is_webchat(&self) -> bool {
        *self == Channel::Webchat
    }

    /// Its name in words, for people ("SMS", "WhatsApp").
    pub fn label(&self) -> &'static str {
        match self {
            Channel::Webchat => "Chat",
            Channel::Sms => "SMS",
            Channel::Whatsapp => "WhatsApp",
            Channel::Messenger => "Messenger",
            Channel::Email => "Email",
        }
    }
}

/// A contact identity: an address customers write to (a phone number for SMS, a WhatsApp
/// sender), owned by one site, with the message handler that decides what becomes of what
/// arrives there (Flex's "Flex Flow"). Set with `PATCH /api/v1/site {"channels": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactIdentity {
    /// The channel (`sms`, `whatsapp`, `messenger` or `email`).
    pub channel: Channel,
    /// Our address on it: a phone number in E.164 form (`+15550100`), a Facebook page's id, or
    /// an email address (`support@shop.example`: the support inbox, and the address the site's
    /// emails come from).
    pub address: String,
    /// Messenger: the page's access token (the Send API's credential). Shown to admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// Messenger: the page has Meta's Human Agent feature, so people (not the bot) may answer
    /// for 7 days after the customer's last message, tagged `HUMAN_AGENT`, not only 24 hours.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub human_agent: bool,
    /// What happens to conversations that start here.
    #[serde(default)]
    pub handler: MessageHandler,
    /// Email only: minutes a team's reply in a chat may stay unread before its visitor gets it
    /// by email (continuity; none: 5; `0`: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuity_minutes: Option<u32>,
    /// WhatsApp only: the pre-approved templates agents may send when the customer's last
    /// message is more than 24 hours old (at most [`MAX_TEMPLATES`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<Template>,
}

/// A pre-approved WhatsApp message template: the only thing a business may send once the
/// customer's 24-hour window has closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Its name, as agents pick it (`order_update`: lowercase letters, digits, `_`).
    pub name: String,
    /// Its text as approved, with numbered slots `{{1}}`, `{{2}}`… for the variables.
    pub text: String,
    /// Twilio's Content SID of the approved template (`HX…`); sent instead of the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_sid: Option<String>,
}

/// A template chosen for one message: its name and the variables, in slot order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateUse {
    /// The template's name.
    pub name: String,
    /// One value per slot (`{{1}}` is the first).
    #[serde(default)]
    pub variables: Vec<String>,
}

/// At most this many templates per contact identity.
pub const MAX_TEMPLATES: usize = 50;

/// How long after the customer's last message a business may write freely on WhatsApp and
/// Messenger: 24 hours.
pub const REPLY_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// How long after the customer's last message a person may still answer on Messenger, tagged
/// `HUMAN_AGENT`, when the page has the feature: 7 days.
pub const HUMAN_AGENT_WINDOW_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// What a contact identity does with a customer's message (Flex's "Flex Flow").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageHandler {
    /// Who a new conversation goes to first: the site's flow (`flow`: its bot, then its
    /// queues), or straight to a queue (`queue`, naming it in [`Self::queue`]).
    #[serde(default)]
    pub start: HandlerStart,
    /// The queue for `start: queue` (a queue of the site's flow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<crate::QueueId>,
    /// A customer writing again within this many minutes of their last conversation's
    /// resolution reopens it; later, a new conversation starts. An unresolved conversation
    /// always goes on. `0`: a resolved conversation is never reopened.
    #[serde(default = "default_reopen_minutes")]
    pub reopen_within_minutes: u32,
}

/// Where a contact identity's new conversations go first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerStart {
    /// The site's flow, as for webchat: its bot first, then its queues.
    #[default]
    Flow,
    /// Straight to the queue the handler names.
    Queue,
}

/// A resolved conversation reopens within an hour, unless the handler says otherwise.
pub const DEFAULT_REOPEN_MINUTES: u32 = 60;

/// The longest reopen window: thirty days.
pub const MAX_REOPEN_MINUTES: u32 = 30 * 24 * 60;

/// At most this many contact identities per site.
pub const MAX_IDENTITIES: usize = 20;

fn default_reopen_minutes() -> u32 {
    DEFAULT_REOPEN_MINUTES
}

impl Default for MessageHandler {
    fn default() -> Self {
        Self { start: HandlerStart::Flow, queue: None, reopen_within_minutes: DEFAULT_REOPEN_MINUTES }
    }
}

/// One customer's line on a provider's channel: the channel, our address and theirs. A
/// conversation on that channel carries it; replies go back along it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Thread {
    /// The channel.
    pub channel: Channel,
    /// Our address (the contact identity's).
    pub ours: String,
    /// The customer's.
    pub theirs: String,
}
