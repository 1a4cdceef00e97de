//! Every call a thread object answers, with its route and its answer (see
//! [`crate::objects::call`]).

use serde::{Deserialize, Serialize};
use switchboard_protocol::channels::{DeliveryStatus, MessageHandler, Thread};
use switchboard_protocol::{ConversationId, Seq, SiteId};
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind};

/// The thread objects: one per customer line, named by site, channel, our address and theirs.
pub(crate) struct Threads;

impl ObjectKind for Threads {
    /// The site and the line.
    type Key = (SiteId, Thread);

    fn stub(env: &Env, (site, thread): &(SiteId, Thread)) -> EdgeResult<Stub> {
        let channel = serde_json::to_value(thread.channel)?;
        let channel = channel.as_str().unwrap_or_default();
        let name = format!("{site}/{channel}/{}/{}", thread.ours, thread.theirs);
        Ok(crate::objects::call::namespace(env, "THREADS")?.id_from_name(&name)?.get_stub()?)
    }
}

/// A customer's message arrived (already verified as the provider's): it goes on in their
/// conversation or starts a new one, once per provider id.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Arrived {
    /// The site.
    pub site: SiteId,
    /// The line.
    pub thread: Thread,
    /// The provider's id of the message (`MessageSid`): the same message again is dropped.
    pub provider_id: String,
    /// Its text (may be empty when it carries files).
    pub text: String,
    /// The whole text `text` was cut from (an email's quoted history and signature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// Its files, in order: each becomes a message of its own after the text.
    pub media: Vec<switchboard_core::channels::twilio::Media>,
    /// The name the customer set (WhatsApp's profile name), if any.
    pub profile_name: Option<String>,
    /// The contact identity's handler.
    pub handler: MessageHandler,
    /// Where the provider posts the statuses of our replies on this line.
    pub status_callback: String,
    /// An email: how it threads (a new subject starts a new conversation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<super::EmailHeaders>,
}
object_call!(Arrived => Threads, "/arrived", Took);

/// What became of an arrived message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Took {
    /// The conversation it is in.
    pub conversation: ConversationId,
    /// It had arrived before (nothing new was stored).
    pub repeated: bool,
    /// The customer, as the conversation knows them (their files are theirs).
    pub customer: switchboard_protocol::Author,
}

/// The team starts a conversation with the customer on this line (outbound): made, routed
/// as asked, its first message stored (and so sent). Answers the conversation and message.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Open {
    /// The site.
    pub site: SiteId,
    /// The line.
    pub thread: Thread,
    /// Where the provider posts our messages' statuses.
    pub status_callback: String,
    /// How it is routed.
    pub outbound: switchboard_core::flow::outbound::Outbound,
    /// The first message (the agent's or the bot's).
    pub post: crate::objects::conversation::calls::PostMessage,
}
object_call!(Open => Threads, "/open", switchboard_protocol::api::conversation_create::Created);

/// An entry of the conversation to send the customer, as provider messages (in order).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Deliver {
    /// The conversation.
    pub conversation: ConversationId,
    /// The entry.
    pub seq: Seq,
    /// Its texts, one provider message each.
    pub texts: Vec<String>,
    /// A WhatsApp template it was made from: sent as the provider's template, not as text.
    #[serde(default)]
    pub content: Option<Content>,
    /// The file it carries (sent as the provider's media, by its absolute link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<switchboard_protocol::attachment::Attachment>,
    /// Choices sent as the channel's own buttons, with the last text (Messenger).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<String>,
    /// A person wrote it (Messenger's `HUMAN_AGENT` tag may carry it past the 24 hours).
    #[serde(default)]
    pub by_person: bool,
}

/// A template as the provider sends it: its id there and the variables, in slot order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Content {
    /// Twilio's Content SID.
    pub sid: String,
    /// The values, `{{1}}` first.
    pub variables: Vec<String>,
}
object_call!(Deliver => Threads, "/deliver", ());

/// Meta reports that our messages sent up to `at` reached the customer (or were read).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Watermark {
    /// ms since the Unix epoch.
    pub at: i64,
    /// Read, not only delivered.
    pub read: bool,
}
object_call!(Watermark => Threads, "/watermark", ());

/// The provider reports how far one of our messages has come.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StatusReport {
    /// The provider's id of our message.
    pub provider_id: String,
    /// Its status.
    pub status: DeliveryStatus,
    /// The provider's error code for a failure.
    pub error_code: Option<u32>,
}
object_call!(StatusReport => Threads, "/status", ());
