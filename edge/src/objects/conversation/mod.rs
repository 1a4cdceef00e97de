//! The Conversation Durable Object: one conversation's log and sockets.
//!
//! Every frame goes through `switchboard_core::conversation::handle`, which reads and writes
//! the object's SQLite storage ([`ConversationStore`]) and says which frames go to whom; this
//! object only delivers them. A message is written before it is relayed or acknowledged: the
//! runtime's output gate holds those frames until the write is durable, so an ack always
//! means stored.
//!
//! Sockets use the hibernation API: the object may be evicted while sockets stay open, and is
//! rebuilt from storage and each socket's [`Attachment`] (its participant) when a frame comes.
//! Each socket is tagged with its author's id, which counts a participant's sockets and skips
//! the sender when relaying typing. Who joins and leaves is [`sockets`]'. A customer's
//! message, and a change of state, are then told to the site's rules ([`automation`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::ready;
use std::rc::Rc;

use switchboard_core::conversation::{self, Effect, Relay, Sender};
use switchboard_core::ingest;
use switchboard_core::rate::{ParticipantLimits, SendOrder};
use switchboard_core::reports::ConversationFacts;
use switchboard_core::token::VisitorClaims;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::interceptors::Interceptor;
use switchboard_protocol::{Author, ClientFrame, Message, ServerFrame, SiteId};
use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket, WebSocketIncomingMessage,
};

mod alarm;
mod attach;
mod automation;
mod block;
pub(crate) mod calls;
mod channel;
mod continuity;
mod erase;
mod feed;
mod flow;
mod limits;
mod line_outbox;
mod pages;
mod post;
mod replay;
mod report_facts;
mod sockets;
mod store;
mod webhooks;

use self::calls::{
    Act, Attach, BlockVisitor, BotAnswer, ChannelMessage, ChannelReceipt, Connect, EmailReply, EndVisitor,
    Erase, Notice, PostMessage, ReadMessages, StartChannel, StartOutbound,
};
use self::feed::Claim;
use self::sockets::{AGENT_TAG, VISITOR_TAG};
use self::store::{ConversationStore, Meta};
use super::call::{answer, carried, no_such_route, ObjectCall};
use super::ended::SessionEnds;
use super::outbox::Outbox;
use super::{
    answer_pings_while_hibernating, attachment_of, broadcast, finish_close, respond, send_error, send_frame,
    Participant,
};
use crate::error::{EdgeError, EdgeResult};
use crate::{env, visitor_sessions};
use switchboard_core::flow::input::Input;

use self::automation::Next;

/// What each socket carries through hibernation: who it is, and a random id for the
/// in-memory per-socket state (32 bits: attachments are JavaScript values, where 64-bit
/// integers do not fit a number).
#[derive(serde::Serialize, serde::Deserialize)]
struct Attachment {
    participant: Participant,
    socket: u32,
    /// A visitor's socket while its conversation is held in memory, not yet written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    held: Option<HeldConversation>,
}

/// What rebuilds a held conversation after the object was evicted (`store/held.rs`).
#[derive(serde::Serialize, serde::Deserialize)]
struct HeldConversation {
    conversation: switchboard_protocol::ConversationId,
    created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edge_origin: Option<String>,
    /// The proactive message that opens it, if the visitor answered one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proactive: Option<String>,
}

/// One conversation.
#[durable_object]
pub struct ConversationObject {
    state: State,
    env: Env,
    store: ConversationStore,
    /// Flood control per author (all of a participant's sockets share it).
    limits: RefCell<HashMap<String, ParticipantLimits>>,
    /// When the first agent socket's session ends.
    session_ends: SessionEnds,
    /// Per open socket (by [`Attachment::socket`]; removed when it closes): the order of sends
    /// held back by flood control.
    orders: RefCell<HashMap<u32, SendOrder>>,
    /// Inbox summaries on their way to the site object (see [`feed::INBOX_UPDATE_INTERVAL`]).
    outbox: Rc<Outbox<(SiteId, ConversationSummary, Option<ConversationFacts>)>>,
    /// The conversation's facts for reports, through the entry at that seq ([`report_facts`]).
    report_facts: RefCell<Option<(switchboard_protocol::Seq, ConversationFacts)>>,
    /// Texts stored since the last inbox update, for the site's search index; the update
    /// takes them along.
    search_texts: Rc<RefCell<Vec<super::site::calls::IndexedText>>>,
    /// Stored entries on their way to the site's webhooks, in order ([`webhooks`]).
    webhook_outbox: webhooks::WebhookOutbox,
    /// The team's words on their way to the customer's line, in order ([`channel`]).
    /// The template the message being posted was made from (its id), for the line.
    template_sent:
        RefCell<Option<(switchboard_protocol::ClientMessageId, crate::objects::thread::calls::Content)>>,
    /// Socket frames in arrival order ([`turns`]).
    turns: super::turns::Turns,
    /// When the visitor last said they were typing (auto-resolve gives them a grace).
    visitor_typed_at: std::cell::Cell<Option<i64>>,
}

impl DurableObject for ConversationObject {
    fn new(state: State, env: Env) -> Self {
        answer_pings_while_hibernating(&state);
        let store = ConversationStore::open(state.storage().sql());
        Self {
            state,
            env,
            store,
            limits: RefCell::default(),
            session_ends: SessionEnds::default(),
            orders: RefCell::default(),
            turns: super::turns::Turns::default(),
            outbox: Rc::new(Outbox::newest_only(feed::INBOX_UPDATE_INTERVAL)),
            search_texts: Rc::default(),
            report_facts: RefCell::default(),
            webhook_outbox: Rc::new(Outbox::in_order()),
            template_sent: RefCell::default(),
            visitor_typed_at: std::cell::Cell::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let (req, now) = (&mut req, env::now());
        self.close_ended_sessions(now);
        respond(match req.path().as_str() {
            Connect::ROUTE => match carried::<Connect>(req) {
                Ok(call) => self.admit(call, now).await,
                Err(error) => Err(error),
            },
            Attach::ROUTE => match carried::<Attach>(req) {
                Ok(call) => self.attach(call, req, now).await,
                Err(error) => Err(error),
            },
            Notice::ROUTE => answer(req, |notice: Notice| self.notice(notice, now)).await,
            BotAnswer::ROUTE => answer(req, |call: BotAnswer| self.bot_answer(call, now)).await,
            BlockVisitor::ROUTE => answer(req, |call: BlockVisitor| ready(self.block_visitor(&call))).await,
            EndVisitor::ROUTE => answer(req, |call: EndVisitor| ready(self.end_visitor(&call, now))).await,
            Act::ROUTE => answer(req, |call: Act| self.act(call, now)).await,
            Erase::ROUTE => answer(req, |call: Erase| async move { self.erase(&call).await }).await,
            PostMessage::ROUTE => answer(req, |call: PostMessage| self.post_message(call, now)).await,
            EmailReply::ROUTE => answer(req, |call: EmailReply| self.email_reply(call, now)).await,
            StartOutbound::ROUTE => answer(req, |call: StartOutbound| self.start_outbound(call, now)).await,
            StartChannel::ROUTE => answer(req, |call: StartChannel| self.start_channel(call, now)).await,
            ChannelMessage::ROUTE => {
                answer(req, |call: ChannelMessage| self.channel_message(call, now)).await
            }
            ChannelReceipt::ROUTE => {
                answer(req, |call: ChannelReceipt| ready(self.channel_receipt(call, now))).await
            }
            ReadMessages::ROUTE => {
                answer(req, |call: ReadMessages| ready(self.read_messages(&call, now))).await
            }
            _ => Err(no_such_route()),
        })
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let now = env::now();
        self.close_ended_sessions(now);
        self.ring(now).await;
        Response::ok("")
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        let now = env::now();
        self.close_ended_sessions(now);
        let Some(attachment) = attachment_of::<Attachment>(&ws) else {
            // Only sockets accepted by `admit` exist here, all with an attachment.
            let _ = ws.close(Some(1011), Some("lost socket identity"));
            return Ok(());
        };
        let (participant, socket) = (attachment.participant.clone(), attachment.socket);
        // Before anything reads the conversation: an evicted held one is held again.
        let revived = self.revive(&attachment).unwrap_or_else(|error| {
            worker::console_error!("reviving a held conversation: {error:?}");
            None
        });
        // Taken before anything awaits: frames are handled in the order they arrived.
        let ticket = self.turns.ticket();
        let frame = match message {
            WebSocketIncomingMessage::String(text) => ingest::decode_client_frame(&text),
            WebSocketIncomingMessage::Binary(_) => Err(ingest::binary_frame_refusal()),
        };
        match frame {
            Ok(frame) => {
                let visitor_hello = matches!(frame, ClientFrame::Hello { .. })
                    && matches!(participant.author, Author::Visitor { .. });
                if let (ClientFrame::Typing { active }, Author::Visitor { .. }) =
                    (&frame, &participant.author)
                {
                    // Auto-resolve waits for a visitor who is typing (kept in memory only).
                    self.visitor_typed_at.set(active.then_some(now));
                }
                let client_id = match &frame {
                    ClientFrame::Send { client_id, .. } => Some(client_id.clone()),
                    _ => None,
                };
                // A message, pre-chat answers and a rating's comment pass the site's
                // interceptors before they are stored.
                let words = matches!(
                    frame,
                    ClientFrame::Send { .. } | ClientFrame::Details { .. } | ClientFrame::Rate { .. }
                );
                let steps = if words { self.interceptors(now).await } else { Ok(Vec::new()) };
                let allowed = self.may_send(&participant.author, &frame, now).await;
                let turn = self.turns.turn(ticket).await;
                if let Some(meta) = &revived {
                    self.greet(meta, now).await;
                }
                let handled = allowed
                    .and(steps)
                    .and_then(|steps| self.handle(&ws, socket, &participant, frame, &steps, now));
                drop(turn);
                match handled {
                    Ok((inputs, claims)) => {
                        for claim in claims {
                            if let Err(error) = self.take_claim(claim, now).await {
                                send_error(&ws, error, None);
                            }
                        }
                        self.run_flow(&ws, inputs, now).await;
                        if visitor_hello {
                            if let Err(error) = self.refresh_place(now).await {
                                worker::console_error!("queue place: {error:?}");
                            }
                        }
                    }
                    Err(error) => send_error(&ws, error, client_id),
                }
            }
            Err(error) => {
                let _turn = self.turns.turn(ticket).await;
                send_error(&ws, error.into(), None)
            }
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _clean: bool,
    ) -> worker::Result<()> {
        finish_close(&ws, code);
        // The socket's held-back sends go with it: the map shrinks as sockets come and go.
        if let Some(attachment) = attachment_of::<Attachment>(&ws) {
            self.orders.borrow_mut().remove(&attachment.socket);
        }
        if let Err(error) = self.agent_left(&ws).await {
            worker::console_error!("agent socket close: {error:?}");
        }
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, error: worker::Error) -> worker::Result<()> {
        worker::console_debug!("conversation socket error: {error}");
        Ok(())
    }
}

impl ConversationObject {
    /// Runs one frame through the core and delivers what it decides; returns what moves the
    /// conversation along its flow (run next by [`Self::run_flow`]) and what the visitor
    /// claimed about themselves (checked next by [`Self::take_claim`]), as both need the
    /// site's configuration, which takes a wait.
    fn handle(
        &self,
        ws: &WebSocket,
        socket: u32,
        participant: &Participant,
        frame: ClientFrame,
        interceptors: &[Interceptor],
        now: i64,
    ) -> EdgeResult<(Vec<Next>, Vec<Claim>)> {
        let author = &participant.author;
        let hello = matches!(frame, ClientFrame::Hello { .. });
        let meta = self.store.existing()?;
        // Visitors get a fresh token on every hello: sessions slide while they come back.
        let renewal = match (&frame, author) {
            (ClientFrame::Hello { .. }, Author::Visitor { .. }) => {
                let claims = VisitorClaims::issue(
                    meta.site_id.clone(),
                    meta.visitor_id.clone(),
                    meta.conversation_id.clone(),
                    participant.born.unwrap_or(now),
                    now,
                );
                // While nothing is written, the renewed token still opens it the same way.
                let proactive = self.store.held_proactive();
                Some(visitor_sessions::issue(&self.env, VisitorClaims { proactive, ..claims })?)
            }
            _ => None,
        };
        let mut orders = self.orders.borrow_mut();
        let order = orders.entry(socket).or_default();
        let sender = Sender { order, conversation_id: &meta.conversation_id, author, renewal, interceptors };
        let mut limits = self.limits.borrow_mut();
        let limits =
            limits.entry(author.id_str().to_string()).or_insert_with(|| self.limits_for(author, now));
        let (mut inputs, mut claims) = (Vec::new(), Vec::new());
        for output in conversation::handle(&mut &self.store, sender, limits, frame, now)? {
            match output {
                Effect::Reply(frame) => send_frame(ws, &frame),
                Effect::Replay(replay) => self.replay(ws, replay, now)?,
                Effect::Everyone(frame) => self.relay(&frame, None)?,
                Effect::Relay(relay) => self.relay_entry(&relay)?,
                Effect::Others(frame) => self.relay(&frame, Some(author))?,
                Effect::Stored(message) => inputs.extend(self.after_stored(&meta, author, &message, now)?),
                Effect::Action(action) => inputs.push(Input::Action(action).into()),
                Effect::Context(context) => {
                    self.store.note_visitor_address(participant.client.address.as_deref())?;
                    let old = self.store.contact()?;
                    let contact =
                        switchboard_core::contact::merge(old.clone(), &context, &participant.client);
                    if contact != old {
                        self.store.set_contact(&contact)?;
                        // A held conversation is news to nobody yet: the site hears of the
                        // contact with its first message's summary.
                        if !self.store.is_held() {
                            self.tell_site_contact(&meta, now)?;
                        }
                    }
                }
                Effect::Identify(identity) => claims.push(Claim::Identity(identity)),
                Effect::Details(fields) => claims.push(Claim::Details(fields)),
                Effect::Rate { score, comment } => inputs.push(Input::Rate { score, comment }.into()),
            }
        }
        if hello {
            // After the replay: where the conversation stands (bot, queue position, agent),
            // and for agents on another channel how far the team's messages came.
            send_frame(ws, &self.store.lifecycle()?.status());
            if author.role() == switchboard_protocol::Role::Agent && meta.thread.is_some() {
                self.tell_deliveries(ws)?;
            }
        }
        Ok((inputs, claims))
    }

    /// Moves the conversation along its flow; a failure is told to the socket that caused it.
    async fn run_flow(&self, ws: &WebSocket, inputs: Vec<Next>, now: i64) {
        if inputs.is_empty() {
            return;
        }
        let result = async {
            let meta = self.store.existing()?;
            self.follow_all(&meta, inputs, now).await?;
            Ok::<(), EdgeError>(())
        }
        .await;
        if let Err(error) = result {
            worker::console_error!("flow: {error:?}");
            send_error(ws, error, None);
        }
    }

    /// Book-keeping after `author`'s message was stored: the lifecycle (a visitor's message
    /// may move the flow, returned after the rules it sets off; an agent's answer stops
    /// response targets, or takes the conversation over from the bot, returned) and the inbox.
    fn after_stored(
        &self,
        meta: &Meta,
        author: &Author,
        message: &Message,
        now: i64,
    ) -> EdgeResult<Vec<Next>> {
        let mut life = self.store.lifecycle()?;
        let mut input = None;
        let mut next = Vec::new();
        if let Author::Visitor { .. } = author {
            // Known with the message, so the inbox's summary of it carries it.
            life.customer_wrote_in(message.language.as_deref());
            // Rules first: a queue they choose is the one the flow's handover uses.
            let events = switchboard_core::automation::events_of_customer_message(life.state);
            next.extend(events.into_iter().map(|event| Next::Rules(event, message.text.clone())));
        }
        match author {
            Author::Visitor { .. } if !life.visitor_wrote_to_humans(now) => {
                input = Some(Input::VisitorWrote(Box::new(message.clone())));
            }
            // A private note is not an answer: response targets keep running.
            Author::Agent { id, .. } if !message.internal => {
                // An answer: nothing is owed now, and a bot holding the conversation stops.
                let took_over = life.agent_wrote();
                input = match took_over {
                    true => Some(Input::AgentTookOver(id.clone())),
                    // An answer may start auto-resolve's idle clock (the site's setting says).
                    false => life.idle_clock_may_run().then_some(Input::TeamSpoke),
                };
            }
            _ => {}
        }
        self.store.set_lifecycle(&life)?;
        self.tell_site(meta, &life, message, now);
        next.extend(input.map(Next::Flow));
        Ok(next)
    }

    /// Sends a stored entry to every socket: agents and visitors each the frame core chose.
    fn relay_entry(&self, relay: &Relay) -> EdgeResult<()> {
        match &relay.to_visitors {
            None => self.relay(&relay.to_agents, None)?,
            Some(to_visitors) => {
                for (role, frame) in [(AGENT_TAG, &relay.to_agents), (VISITOR_TAG, to_visitors)] {
                    broadcast(self.state.get_websockets_with_tag(role), &serde_json::to_string(frame)?);
                }
            }
        }
        // A held conversation's greeting is news to nobody outside: it may never exist.
        if self.store.is_held() {
            return Ok(());
        }
        // After the sockets: the customer's channel and webhooks follow the chat, never lead it.
        self.emit_channel(&relay.to_agents);
        self.emit_continuity(&relay.to_agents);
        self.emit_webhooks(&relay.to_agents);
        Ok(())
    }

    /// Sends `frame` to every socket, or every socket but `except`'s.
    fn relay(&self, frame: &ServerFrame, except: Option<&Author>) -> EdgeResult<()> {
        let sockets = self.state.get_websockets().into_iter().filter(|socket| {
            except.is_none_or(|author| !self.state.get_tags(socket).iter().any(|t| t == author.id_str()))
        });
        broadcast(sockets, &serde_json::to_string(frame)?);
        Ok(())
    }
}
