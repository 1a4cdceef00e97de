//! Every call a Conversation object answers — from the worker, and from its site's object —
//! with its route and its answer (see [`crate::objects::call`]).

use serde::{Deserialize, Serialize};
use switchboard_core::flow::lifecycle::RoutingNotice;
use switchboard_protocol::api::bot_answer;
use switchboard_protocol::{ClientMessageId, ConversationId};
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind, Passed};
use crate::objects::Participant;

/// The Conversation objects: one per conversation, named by its id.
pub(crate) struct Conversation;

impl ObjectKind for Conversation {
    type Key = ConversationId;

    fn stub(env: &Env, id: &ConversationId) -> EdgeResult<Stub> {
        Ok(crate::objects::call::namespace(env, "CONVERSATIONS")?.id_from_name(id.as_str())?.get_stub()?)
    }
}

/// A participant the worker authenticated opens a socket (a WebSocket handshake). The
/// visitor's first connection creates the conversation.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Connect {
    /// The conversation.
    pub conversation: ConversationId,
    /// Who connects.
    pub participant: Participant,
    /// The edge's public origin as the socket reached it (`https://chat.example`): links in
    /// the conversation's emails point there.
    #[serde(default)]
    pub edge_origin: Option<String>,
    /// The proactive message the visitor answered (from their token): a new conversation
    /// opens with it instead of the greeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proactive: Option<String>,
}
object_call!(Connect => Conversation, "/connect", Passed);

/// A file the worker checked, on its way into the conversation (the request's body); answers
/// `201 {"message": …}`, the message carrying it.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Attach {
    /// Who sends it.
    pub participant: Participant,
    /// The uploader's message id (a resend is answered with the stored message).
    pub client_id: ClientMessageId,
    /// The cleaned file name.
    pub name: String,
    /// The checked type.
    pub content_type: String,
}
object_call!(Attach => Conversation, "/attach", Passed);

/// What the site's router tells a conversation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Notice {
    /// A routing decision.
    Routing {
        /// The decision.
        notice: RoutingNotice,
    },
    /// The visitor's place in line changed.
    Waiting {
        /// 1 = next.
        position: u32,
        /// Estimated wait, ms.
        wait_ms: i64,
    },
    /// An agent's (or key's) session ended: its sockets on this conversation close.
    SessionEnded {
        /// The agent or key.
        agent: switchboard_protocol::AgentId,
    },
}
object_call!(Notice => Conversation, "/notice", ());

/// An external bot's late answer, with the bearer secret it came with (checked by the
/// conversation against its site's flow).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct BotAnswer {
    /// The `Authorization` header as sent.
    pub authorization: String,
    /// The answer.
    pub answer: bot_answer::Request,
}
object_call!(BotAnswer => Conversation, "/bot-answer", ());

/// An agent of `site` blocks this conversation's visitor: their sockets here close at once
/// (`4403`); answers who they are and the address they last came from.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct BlockVisitor {
    /// The agent's site (another site's conversation is `not_found`).
    pub site: switchboard_protocol::SiteId,
}

/// Whom [`BlockVisitor`] blocked.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct BlockedVisitor {
    /// The visitor.
    pub visitor: switchboard_protocol::VisitorId,
    /// The address they last came from, if known.
    pub address: Option<String>,
}
object_call!(BlockVisitor => Conversation, "/block-visitor", BlockedVisitor);

/// The conversation's visitor signed out: their sockets here close at once (`4401`) and their
/// tokens open it no more. Ignored by a conversation of another site or visitor.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EndVisitor {
    /// The visitor's site.
    pub site: switchboard_protocol::SiteId,
    /// The visitor who signed out.
    pub visitor: switchboard_protocol::VisitorId,
}
object_call!(EndVisitor => Conversation, "/end-visitor", ());

/// A page of the log for an agent or key of `site` (REST); `not_found` for another site's.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReadMessages {
    /// The reader's site.
    pub site: switchboard_protocol::SiteId,
    /// Which page.
    pub query: switchboard_core::message_page::PageQuery,
}
object_call!(ReadMessages => Conversation, "/messages", switchboard_protocol::api::conversation_messages::Response);

/// A message posted over REST by `author` of `site`; answers the stored message.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PostMessage {
    /// The author's site.
    pub site: switchboard_protocol::SiteId,
    /// The agent (or key) posting.
    pub author: switchboard_protocol::Author,
    /// The message.
    pub client_id: switchboard_protocol::ClientMessageId,
    /// Its text.
    pub text: String,
    /// A private note.
    pub internal: bool,
    /// On WhatsApp: an approved template and its variables, whose text the message becomes.
    #[serde(default)]
    pub template: Option<switchboard_protocol::channels::TemplateUse>,
    /// The whole text `text` was cut from (an email's quoted history), kept beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
}
object_call!(PostMessage => Conversation, "/post", switchboard_protocol::api::conversation_messages::Posted);

/// A reply by email from the conversation's visitor (its reply address named this
/// conversation): stored as their message; answers it.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EmailReply {
    /// The site the reply address was signed for.
    pub site: switchboard_protocol::SiteId,
    /// The sender's name, as their mail program gave it.
    pub from_name: Option<String>,
    /// The sender's address: it wrote to us from it, so continuity emails to it may show the
    /// replies (`core::email::continuity::recipient`).
    #[serde(default)]
    pub from: Option<String>,
    /// From the email's `Message-ID` (the same email again is stored once).
    pub client_id: switchboard_protocol::ClientMessageId,
    /// The reply's new words.
    pub text: String,
    /// The whole reply, when its new words are only part of it.
    #[serde(default)]
    pub original: Option<String>,
}
object_call!(EmailReply => Conversation, "/email-reply", switchboard_protocol::api::conversation_messages::Posted);

/// The team starts this conversation (outbound) with `visitor` of `site`: it is made, routed
/// as asked, and its first message stored; answers that message. `conflict` if it exists.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StartOutbound {
    /// The conversation (the object's own name).
    pub conversation: ConversationId,
    /// The first message, as posted.
    pub post: PostMessage,
    /// The contact's browser it is for.
    pub visitor: switchboard_protocol::VisitorId,
    /// How it is routed (checked by `core::outbound`).
    pub outbound: switchboard_core::flow::outbound::Outbound,
}
object_call!(StartOutbound => Conversation, "/outbound", switchboard_protocol::api::conversation_messages::Posted);

/// An agent (or key) of `site` resolves, reopens or snoozes the conversation over REST.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Act {
    /// The agent's site.
    pub site: switchboard_protocol::SiteId,
    /// The agent.
    pub author: switchboard_protocol::Author,
    /// What they do.
    pub action: Acted,
}
object_call!(Act => Conversation, "/act", ());

/// What [`Act`] does (`core::conversation::AgentAction`, as a call carries it).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) enum Acted {
    /// Done.
    Resolve,
    /// Back to its queue.
    Reopen,
    /// Aside until then (ms since the Unix epoch).
    Snooze(i64),
}

/// Erases the conversation of `site`: its sockets close, its files leave the bucket (and the
/// site's count), its storage is deleted. Answers how many files and bytes went.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Erase {
    /// The caller's site (another site's conversation is left alone: `not_found`).
    pub site: switchboard_protocol::SiteId,
    /// The site's retention asks: erased only while resolved (`conflict` otherwise: the
    /// visitor came back since the site's index said so).
    #[serde(default)]
    pub only_if_resolved: bool,
}
object_call!(Erase => Conversation, "/erase", Erased);

/// What an erasure removed.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Erased {
    /// Files deleted from the bucket.
    pub files: u32,
    /// Their bytes.
    pub bytes: u64,
}

/// A customer on another channel starts this conversation with their message (their line's
/// thread object sends it): made on their line, routed as the contact identity's handler
/// says, then the message stored like a visitor's. `conflict` if it exists.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StartChannel {
    /// The site.
    pub site: switchboard_protocol::SiteId,
    /// The conversation (the object's own name).
    pub conversation: ConversationId,
    /// The customer's line.
    pub thread: switchboard_protocol::channels::Thread,
    /// Who they are to us (their line's visitor id).
    pub visitor: switchboard_protocol::VisitorId,
    /// What we know of them (their number, the name they set).
    pub contact: switchboard_protocol::contact::Contact,
    /// How it is routed before the first message: a queue handler's queue
    /// (`core::channels::thread::first_step`), or the team's choice when they start it; none:
    /// the flow, once the customer's message is stored.
    pub first_step: Option<switchboard_core::flow::outbound::Outbound>,
    /// Their words (none when their message is only files, attached next).
    pub post: Option<PostMessage>,
    /// When the customer last wrote on the line (its reply window counts from there).
    #[serde(default)]
    pub customer_wrote_at: Option<i64>,
}
object_call!(StartChannel => Conversation, "/channel-start", Option<switchboard_protocol::Message>);

/// The customer on another channel wrote again: stored here while the conversation goes on
/// (`core::channels::thread::goes_on`); `false` when it ended too long ago (a new one
/// starts, and nothing is stored here).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ChannelMessage {
    /// The site.
    pub site: switchboard_protocol::SiteId,
    /// Their contact identity's handler (its reopen window).
    pub handler: switchboard_protocol::channels::MessageHandler,
    /// Their words (none when their message is only files, attached next).
    pub post: Option<PostMessage>,
}
object_call!(ChannelMessage => Conversation, "/channel-message", bool);

/// What the provider said of the message at `seq` (`core::channels::thread::Receipt`).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ChannelReceipt {
    /// The message.
    pub seq: switchboard_protocol::Seq,
    /// What it does here.
    pub receipt: switchboard_core::channels::thread::Receipt,
    /// How far it has come, for the agents' ticks (none: a note not about one message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<switchboard_protocol::channels::DeliveryStatus>,
    /// The status is every team message's up to `seq` (Meta's watermarks).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub through: bool,
}
object_call!(ChannelReceipt => Conversation, "/channel-receipt", ());

impl ChannelReceipt {
    /// Only a status: the message at `seq` came as far as `status`.
    pub(crate) fn status(
        seq: switchboard_protocol::Seq,
        status: switchboard_protocol::channels::DeliveryStatus,
    ) -> Self {
        Self {
            seq,
            receipt: switchboard_core::channels::thread::Receipt::Nothing,
            status: Some(status),
            through: false,
        }
    }

    /// Only a note to the team (`Receipt::NotDelivered`), about no one message's status.
    pub(crate) fn note(seq: switchboard_protocol::Seq, text: String) -> Self {
        Self {
            seq,
            receipt: switchboard_core::channels::thread::Receipt::NotDelivered(text),
            status: None,
            through: false,
        }
    }
}
