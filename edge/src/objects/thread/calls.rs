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
        Ok(env.durable_object("THREADS")?.id_from_name(&name)?.get_stub()?)
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
    /// Its text.
    pub text: String,
    /// The name the customer set (WhatsApp's profile name), if any.
    pub profile_name: Option<String>,
    /// The contact identity's handler.
    pub handler: MessageHandler,
    /// Where the provider posts the statuses of our replies on this line.
    pub status_callback: String,
}
object_call!(Arrived => Threads, "/arrived", Took);

/// What became of an arrived message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Took {
    /// The conversation it is in.
    pub conversation: ConversationId,
    /// Its place there.
    pub seq: Seq,
    /// It had arrived before (nothing new was stored).
    pub repeated: bool,
}

/// An entry of the conversation to send the customer, as provider messages (in order).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Deliver {
    /// The conversation.
    pub conversation: ConversationId,
    /// The entry.
    pub seq: Seq,
    /// Its texts, one provider message each.
    pub texts: Vec<String>,
}
object_call!(Deliver => Threads, "/deliver", ());

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
