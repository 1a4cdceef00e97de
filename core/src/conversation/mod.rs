//! What each client frame does to a conversation, decided without I/O.
//!
//! # Layout
//! - this file: [`handle`] and its [`Effect`]s; the [`LogStore`] it writes through.
//! - [`relay`]: which frame agents and visitors get of a stored entry; entries the edge writes.
//! - [`replay`]: the log after a client's `last_seq`, read and sent a page at a time.
//! - `memory`: [`MemoryStore`], a [`LogStore`] in memory for simulations and tests.
//!
//! The Conversation Durable Object (and the simulations in this crate's tests) feed frames to
//! [`handle`] with a [`LogStore`] (SQLite there, a `Vec` here) and the sender's
//! [`ParticipantLimits`]; it returns [`Effect`]s saying which frames go to whom. Every write
//! to the store happens before the outputs are returned, so an adapter that sends them after
//! `handle` returns acknowledges only what is stored.

use switchboard_protocol::api::create_session;
use switchboard_protocol::contact::{Identity, VisitorContext};
use switchboard_protocol::{
    ApiError, Author, ClientFrame, ClientMessageId, ConversationId, ErrorCode, Message, ReadMark, Role, Seq,
    ServerFrame,
};

mod memory;
pub mod relay;
pub mod replay;

pub use memory::MemoryStore;
pub use relay::Relay;
pub use replay::Replay;

use crate::ingest::{self, SendDecision};
use crate::rate::{ParticipantLimits, SendOrder};
use switchboard_protocol::interceptors::Interceptor;

use crate::interceptors::apply as intercept;

/// A conversation's storage, as the core needs it.
pub trait LogStore {
    /// The storage's failure.
    type Error;
    /// The highest `seq` stored (`Seq(0)` when empty).
    fn head(&mut self) -> Result<Seq, Self::Error>;
    /// Where `author` stored the message with `client_id`, if it did.
    fn seq_of(&mut self, author: &Author, client_id: &ClientMessageId) -> Result<Option<Seq>, Self::Error>;
    /// Appends `message` (its `seq` is `head + 1`); durable before the call's outputs are sent.
    fn append(&mut self, message: &Message) -> Result<(), Self::Error>;
    /// At most `limit` messages after `seq`, in order.
    fn page_after(&mut self, seq: Seq, limit: usize) -> Result<Vec<Message>, Self::Error>;
    /// Every participant's read mark.
    fn reads(&mut self) -> Result<Vec<ReadMark>, Self::Error>;
    /// Stores `mark`, replacing the reader's previous one.
    fn set_read(&mut self, mark: &ReadMark) -> Result<(), Self::Error>;
}

/// Who sent a frame, and what the adapter knows for the reply.
pub struct Sender<'a> {
    /// The order of this socket's sends held back by rate limiting.
    pub order: &'a mut SendOrder,
    /// The conversation.
    pub conversation_id: &'a ConversationId,
    /// The sender's identity.
    pub author: &'a Author,
    /// A renewed session to hand a visitor in `welcome` (`None` for agents).
    pub renewal: Option<create_session::Response>,
    /// The site's steps over every message's text before it is stored
    /// ([`crate::interceptors`]).
    pub interceptors: &'a [Interceptor],
}

/// Where a frame goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// To the socket the frame came from.
    Reply(ServerFrame),
    /// To the socket the frame came from: the log after a `seq`, page by page
    /// ([`Replay::next_page`]), each page read after the previous one is sent.
    Replay(Replay),
    /// To every socket of the conversation, the sender's included.
    Everyone(ServerFrame),
    /// A stored entry to every socket: agents and visitors each get theirs.
    Relay(Box<Relay>),
    /// To every socket except those of the sending author.
    Others(ServerFrame),
    /// A message was stored: the site's inbox should learn of it.
    Stored(Message),
    /// An agent changed the conversation's state; the flow decides what follows.
    Action(AgentAction),
    /// The visitor said where they are; the contact panel should show it.
    Context(VisitorContext),
    /// The visitor filled the pre-chat form; the adapter checks it against the site's form
    /// ([`crate::prechat::check`]).
    Details(std::collections::BTreeMap<String, String>),
    /// The visitor rates the help they got; the lifecycle decides whether it may
    /// ([`crate::flow::lifecycle::Lifecycle::rate`]).
    Rate {
        /// 1 to 5.
        score: u8,
        /// What they added.
        comment: Option<String>,
    },
    /// The visitor's page says who they are; the adapter checks it against the site's
    /// identity secret ([`crate::identity::verify`]) before it counts.
    Identify(Identity),
}

/// What an agent may do to a conversation from its socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentAction {
    /// Mark it done.
    Resolve,
    /// Put it aside until this time (ms since the Unix epoch).
    Snooze(i64),
    /// Bring it back to its queue.
    Reopen,
}

/// Handles one frame from `sender`.
pub fn handle<S: LogStore>(
    store: &mut S,
    sender: Sender<'_>,
    limits: &mut ParticipantLimits,
    frame: ClientFrame,
    now: i64,
) -> Result<Vec<Effect>, S::Error> {
    let writes_other = matches!(
        frame,
        ClientFrame::Read { .. }
            | ClientFrame::Context { .. }
            | ClientFrame::Details { .. }
            | ClientFrame::Identify { .. }
            | ClientFrame::Rate { .. }
    );
    if writes_other {
        if let Err(wait_ms) = limits.other_writes.take(now) {
            return Ok(vec![Effect::Reply(ServerFrame::Error {
                code: ErrorCode::RateLimited,
                message: format!("too many frames: wait {wait_ms} ms"),
                client_id: None,
                retry_after_ms: Some(wait_ms),
            })]);
        }
    }
    Ok(match frame {
        ClientFrame::Hello { last_seq } => {
            let welcome = ServerFrame::Welcome {
                conversation_id: sender.conversation_id.clone(),
                you: sender.author.clone(),
                head_seq: store.head()?,
                reads: store.reads()?,
                session: sender.renewal,
                send_rate: Some(limits.messages.send_rate()),
            };
            let replay = Replay { after: last_seq, for_visitor: sender.author.role() == Role::Visitor };
            vec![Effect::Reply(welcome), Effect::Replay(replay)]
        }
        ClientFrame::Send { client_id, text, internal } => {
            if internal && sender.author.role() != Role::Agent {
                return Ok(vec![Effect::Reply(ServerFrame::Error {
                    code: ErrorCode::Forbidden,
                    message: "only agents may write private notes".into(),
                    client_id: Some(client_id),
                    retry_after_ms: None,
                })]);
            }
            let message = Draft { client_id, text, internal, original: None, attachment: None };
            send(store, sender.author, sender.order, limits, message, sender.interceptors, now)?
        }
        ClientFrame::Read { up_to } => read(store, sender.author, up_to)?,
        ClientFrame::Typing { active } => {
            if limits.relay_typing(active, now) {
                vec![Effect::Others(ServerFrame::Typing { author: sender.author.clone(), active })]
            } else {
                Vec::new()
            }
        }
        ClientFrame::Ping => vec![Effect::Reply(ServerFrame::Pong)],
        ClientFrame::Resolve => agent_action(sender.author, AgentAction::Resolve),
        ClientFrame::Snooze { until } => agent_action(sender.author, AgentAction::Snooze(until)),
        ClientFrame::Reopen => agent_action(sender.author, AgentAction::Reopen),
        // Agents have no page; their context is ignored rather than refused.
        ClientFrame::Context { context } if sender.author.role() == Role::Visitor => {
            vec![Effect::Context(context)]
        }
        ClientFrame::Context { .. } => Vec::new(),
        ClientFrame::Identify { identity } if sender.author.role() == Role::Visitor => {
            vec![Effect::Identify(identity)]
        }
        ClientFrame::Details { fields } if sender.author.role() == Role::Visitor => {
            // Pre-chat answers are the visitor's words too: an "order number" may be a card.
            let fields =
                fields.into_iter().map(|(name, answer)| (name, intercept(sender.interceptors, &answer)));
            vec![Effect::Details(fields.collect())]
        }
        ClientFrame::Details { .. } => vec![Effect::Reply(ServerFrame::Error {
            code: ErrorCode::Forbidden,
            message: "only visitors fill in the pre-chat form".into(),
            client_id: None,
            retry_after_ms: None,
        })],
        ClientFrame::Rate { score, comment } if sender.author.role() == Role::Visitor => {
            let comment = comment.map(|comment| intercept(sender.interceptors, &comment));
            vec![Effect::Rate { score, comment }]
        }
        ClientFrame::Rate { .. } => vec![Effect::Reply(ServerFrame::Error {
            code: ErrorCode::Forbidden,
            message: "only visitors rate a conversation".into(),
            client_id: None,
            retry_after_ms: None,
        })],
        ClientFrame::Identify { .. } => {
            vec![Effect::Reply(ServerFrame::Error {
                code: ErrorCode::Forbidden,
                message: "only visitors identify themselves".into(),
                client_id: None,
                retry_after_ms: None,
            })]
        }
    })
}

fn agent_action(author: &Author, action: AgentAction) -> Vec<Effect> {
    if author.role() == Role::Agent {
        return vec![Effect::Action(action)];
    }
    vec![Effect::Reply(ServerFrame::Error {
        code: ErrorCode::Forbidden,
        message: "only agents may resolve, snooze or reopen a conversation".into(),
        client_id: None,
        retry_after_ms: None,
    })]
}

/// What a `send` frame (or an upload) asks to store.
struct Draft {
    client_id: ClientMessageId,
    text: String,
    /// A private note (agents only, checked by the caller).
    internal: bool,
    /// The whole text it was cut from (an email's new words), kept beside it.
    original: Option<String>,
    /// An uploaded file (stored by the caller), the text being its name.
    attachment: Option<switchboard_protocol::attachment::Attachment>,
}

/// Stores `author`'s message carrying `attachment` (already in storage; its text is the
/// file's name), as a `send` would: same idempotency by `client_id`, same rate limits, same
/// outputs.
pub fn store_attachment<S: LogStore>(
    store: &mut S,
    author: &Author,
    order: &mut SendOrder,
    limits: &mut ParticipantLimits,
    client_id: ClientMessageId,
    attachment: switchboard_protocol::attachment::Attachment,
    now: i64,
) -> Result<Vec<Effect>, S::Error> {
    // The name arrives through the site's interceptors already: the adapter applies them
    // before it makes the file's link, which carries the name too.
    let draft = Draft {
        client_id,
        text: attachment.name.clone(),
        internal: false,
        original: None,
        attachment: Some(attachment),
    };
    send(store, author, order, limits, draft, &[], now)
}

/// A message posted over REST (`POST /api/v1/conversations/{id}/messages`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// The caller's id for it: a repeat with the same id answers the stored message.
    pub client_id: ClientMessageId,
    /// Its text.
    pub text: String,
    /// A private note (agents only).
    pub internal: bool,
    /// The whole text `text` was cut from (an email reply's quoted history and signature
    /// included), kept beside it for agents.
    pub original: Option<String>,
}

/// Who a message posted over REST is from: the caller (an agent, or a key under its name),
/// or, when asked (`as_bot`), the site's bot under the flow's name — a script answering for
/// the bot. Notes are the team's own: a bot writes none.
pub fn poster(caller: Author, as_bot: bool, internal: bool, bot_name: &str) -> Result<Author, ApiError> {
    match (as_bot, internal) {
        (false, _) => Ok(caller),
        (true, false) => Ok(Author::Bot { name: bot_name.to_owned() }),
        (true, true) => Err(ApiError::new(ErrorCode::BadRequest, "internal: a bot writes no private notes")
            .at_field("internal")),
    }
}

/// Stores `author`'s posted message exactly as a `send` frame from their socket would be:
/// same checks, idempotency by `client_id`, rate limits, relay and outputs — so a message
/// posted over REST reaches the visitor and the console like one typed there.
pub fn store_message<S: LogStore>(
    store: &mut S,
    author: &Author,
    order: &mut SendOrder,
    limits: &mut ParticipantLimits,
    Post { client_id, text, internal, original }: Post,
    interceptors: &[Interceptor],
    now: i64,
) -> Result<Vec<Effect>, S::Error> {
    if internal && author.role() != Role::Agent {
        return Ok(vec![Effect::Reply(ServerFrame::Error {
            code: ErrorCode::Forbidden,
            message: "only agents may write private notes".into(),
            client_id: Some(client_id),
            retry_after_ms: None,
        })]);
    }
    let draft = Draft { client_id, text, internal, original, attachment: None };
    send(store, author, order, limits, draft, interceptors, now)
}

fn send<S: LogStore>(
    store: &mut S,
    author: &Author,
    order: &mut SendOrder,
    limits: &mut ParticipantLimits,
    Draft { client_id, text, internal, original, attachment }: Draft,
    interceptors: &[Interceptor],
    now: i64,
) -> Result<Vec<Effect>, S::Error> {
    let refuse = |error: ApiError, client_id: ClientMessageId, retry_after_ms: Option<u32>| {
        vec![Effect::Reply(ServerFrame::Error {
            code: error.code,
            message: error.message,
            client_id: Some(client_id),
            retry_after_ms,
        })]
    };
    let already = store.seq_of(author, &client_id)?;
    // Resends cost no token: they store nothing, and a client catching up after a drop must
    // not be refused what it already sent.
    if already.is_none() {
        let admitted = order.admits(&client_id, now).and_then(|()| {
            limits.messages.take(now).inspect_err(|wait_ms| order.hold(&client_id, now + i64::from(*wait_ms)))
        });
        if let Err(wait_ms) = admitted {
            let error = ApiError::new(
                ErrorCode::RateLimited,
                format!("too many messages; send this one again in {wait_ms} ms, then the ones after it"),
            );
            return Ok(refuse(error, client_id, Some(wait_ms)));
        }
        order.release(&client_id);
    }
    // What the steps remove is never stored, so never relayed, shown or sent on either.
    let text = if already.is_none() { crate::interceptors::apply(interceptors, &text) } else { text };
    // The original passes the same steps: what they remove is never stored there either.
    let original =
        original.filter(|_| already.is_none()).map(|o| crate::interceptors::apply(interceptors, &o));
    Ok(match ingest::decide_send(author.clone(), client_id.clone(), text, already, store.head()?, now) {
        SendDecision::Store(message) => {
            if let Err(full) = ingest::check_room(message.seq, limits.max_log_messages) {
                return Ok(refuse(full, client_id, None));
            }
            let mut message = *message;
            message.internal = internal;
            message.language = crate::interceptors::language::of_text(interceptors, &message.text);
            message.attachment = attachment;
            message.original = original;
            store.append(&message)?;
            let seq = message.seq;
            // The message to everyone first, then the ack: a client holding the ack also holds
            // the message (same socket, in order).
            vec![
                Effect::Stored(message.clone()),
                Effect::Relay(Box::new(Relay::of(message))),
                Effect::Reply(ServerFrame::Ack { client_id, seq }),
            ]
        }
        SendDecision::Reack(seq) => vec![Effect::Reply(ServerFrame::Ack { client_id, seq })],
        SendDecision::Refuse(error) => refuse(error, client_id, None),
    })
}

/// `reader` read up to `up_to` (a `read` frame, or a provider's read receipt for a customer
/// on another channel): the mark moves forward only, never past the end.
pub fn read<S: LogStore>(store: &mut S, reader: &Author, up_to: Seq) -> Result<Vec<Effect>, S::Error> {
    // Nobody reads past the end; marks only move forward.
    let up_to = up_to.min(store.head()?);
    let current = store.reads()?.into_iter().find(|m| m.reader.id_str() == reader.id_str()).map(|m| m.up_to);
    if up_to <= current.unwrap_or_default() {
        return Ok(Vec::new());
    }
    let mark = ReadMark { reader: reader.clone(), up_to };
    store.set_read(&mark)?;
    Ok(vec![Effect::Everyone(ServerFrame::Read { reader: mark.reader, up_to: mark.up_to })])
}

#[cfg(test)]
mod tests;
