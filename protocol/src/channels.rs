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
