//! The Conversation object's side of routing: it runs the site's flow for its conversation
//! (`switchboard_core::flow::lifecycle`) and performs the steps — bot messages and events
//! into the log, status frames to clients, calls to the site's router and the external bot,
//! and the object's alarm (snooze end, business hours, a bot's deadline).

use switchboard_core::conversation::AgentAction;
use switchboard_core::flow::bot::Say;
use switchboard_core::flow::events::describe;
use switchboard_core::flow::lifecycle::{FlowIn, Lifecycle, RoutingNotice, Step};
use switchboard_protocol::api::bot_webhook::{BotAnswer, Request as BotRequest};
use switchboard_protocol::routing::ConversationEvent;
use switchboard_protocol::{Author, ClientMessageId, ErrorCode, Message, ServerFrame};

use super::store::Meta;
use super::ConversationObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::site::calls::{Enqueue, Unroute};
use crate::zones::RuntimeZones;
use crate::{env, objects, site_cache};

/// Something that moves the conversation along its flow.
pub(super) enum FlowInput {
    /// The visitor's message was stored.
    VisitorWrote(Box<Message>),
    /// An agent acted on the conversation.
    Action(AgentAction),
    /// An agent wrote while the bot held the conversation.
    AgentTookOver(switchboard_protocol::AgentId),
    /// Routing decided something (from the site object).
    Routing(RoutingNotice),
    /// Routing moved the visitor in line.
    Waiting { position: u32, wait_ms: i64 },
    /// The external bot answered through the API.
    BotAnswer(BotAnswer),
    /// The object's alarm rang.
    Alarm,
    /// The visitor's first connection created the conversation.
    Started,
    /// The visitor rated the conversation (CSAT).
    Rate { score: u8, comment: Option<String> },
}

impl ConversationObject {
    /// Runs `input` through the lifecycle and performs what it decides; when that includes
    /// asking the external bot, asks it and runs its answer (or failure) too.
    pub(super) async fn advance(&self, meta: &Meta, input: FlowInput) -> EdgeResult<()> {
        let config = site_cache::config(&self.env, &meta.site_id).await?;
        let effective = config.effective_flow();
        let flow = FlowIn { flow: &effective, zones: &RuntimeZones };
        // A bot answer never asks the bot again: one round at most.
        if let Some(message) = self.step(meta, &flow, input).await? {
            let request = BotRequest {
                event: "message_created".into(),
                site_id: meta.site_id.clone(),
                conversation_id: meta.conversation_id.clone(),
                visitor_id: meta.visitor_id.clone(),
                message,
            };
            let Some(webhook) = &flow.webhook else { return Ok(()) };
            let now = env::now();
            let input = match crate::bot_webhook::ask(webhook, &request, now).await {
                Ok(Some(answer)) => Decision::Answered(answer),
                Ok(None) => Decision::Deferred(now + i64::from(webhook.timeout_ms)),
                Err(problem) => {
                    worker::console_log!("bot webhook for {}: {problem}; handing over", meta.conversation_id);
                    Decision::Failed
                }
            };
            self.decide(meta, &flow, |life, now| match input {
                Decision::Answered(answer) => life.bot_answered(&flow, answer, now),
                Decision::Deferred(deadline) => life.bot_deferred(deadline),
                Decision::Failed => life.bot_failed(&flow, now),
            })
            .await?;
        }
        Ok(())
    }

    async fn step(&self, meta: &Meta, flow: &FlowIn<'_>, input: FlowInput) -> EdgeResult<Option<Message>> {
        let mut visitor_message = None;
        let bot_has_it =
            self.store.lifecycle()?.state == switchboard_protocol::routing::ConversationState::Bot;
        if matches!(input, FlowInput::BotAnswer(_)) && !bot_has_it {
            return Err(EdgeError::refuse(ErrorCode::Conflict, "the bot no longer has this conversation"));
        }
        // A refused rating changes nothing and is told to the visitor's socket.
        let mut refused = None;
        let asked = self
            .decide(meta, flow, |life, now| match input {
                FlowInput::VisitorWrote(message) => {
                    let steps = life.visitor_wrote(flow, &message.text, now);
                    visitor_message = Some(*message);
                    steps
                }
                FlowInput::Action(action) => life.agent_action(flow, action, now),
                FlowInput::AgentTookOver(agent) => life.agent_took_over(flow, agent),
                FlowInput::Routing(notice) => life.routing(notice),
                FlowInput::Waiting { position, wait_ms } => life.waiting(position, wait_ms),
                FlowInput::BotAnswer(answer) => life.bot_answered(flow, answer, now),
                FlowInput::Alarm => life.wake(flow, now),
                FlowInput::Started => life.start(flow),
                FlowInput::Rate { score, comment } => life.rate(score, comment).unwrap_or_else(|error| {
                    refused = Some(error);
                    Vec::new()
                }),
            })
            .await?;
        if let Some(error) = refused {
            return Err(EdgeError::Refused(error));
        }
        Ok(asked.then_some(visitor_message).flatten())
    }

    /// Applies `decide` to the stored lifecycle, stores it, and performs the steps. Says
    /// whether the external bot is to be asked.
    async fn decide(
        &self,
        meta: &Meta,
        flow: &FlowIn<'_>,
        decide: impl FnOnce(&mut Lifecycle, i64) -> Vec<Step>,
    ) -> EdgeResult<bool> {
        let now = env::now();
        let mut life = self.store.lifecycle()?;
        let steps = decide(&mut life, now);
        self.store.set_lifecycle(&life)?;
        let mut ask = false;
        let mut calls = Vec::new();
        // Local effects first, in order: log entries and frames go out before any await, so
        // nothing else interleaves with them.
        for step in steps {
            match step {
                Step::Say(say) => {
                    let author = Author::Bot { name: flow.bot.name.clone() };
                    self.post_entry(meta, &life, author, say, None)?;
                }
                Step::Record(event) => {
                    self.post_entry(meta, &life, Author::System, Say::text(describe(&event)), Some(event))?;
                }
                Step::Status => self.relay(&status_frame(&life), None)?,
                Step::AskWebhook => ask = true,
                call => calls.push(call),
            }
        }
        for call in calls {
            match call {
                Step::Route { queue, agent, taken_over } => {
                    let summary = self.summary(meta, &life, None)?;
                    let call = Enqueue { summary, queue, agent, taken_over };
                    objects::send(&self.env, &meta.site_id, &call).await?;
                }
                Step::Unroute => {
                    let call = Unroute { conversation: meta.conversation_id.clone() };
                    objects::send(&self.env, &meta.site_id, &call).await?;
                }
                Step::Wake(Some(at)) => {
                    let when = worker::ScheduledTime::new(js_sys::Date::new(&(at as f64).into()));
                    self.state.storage().set_alarm(when).await?;
                }
                Step::Wake(None) => self.state.storage().delete_alarm().await?,
                _ => {}
            }
        }
        Ok(ask)
    }

    /// Stores a bot message or system entry, relays it, and updates the inbox (`life` is the
    /// lifecycle as just stored, for the summary).
    fn post_entry(
        &self,
        meta: &Meta,
        life: &Lifecycle,
        author: Author,
        say: Say,
        event: Option<ConversationEvent>,
    ) -> EdgeResult<()> {
        // The clock stands still within an event: the same time `decide` saw.
        let now = env::now();
        use switchboard_core::conversation::LogStore;
        let mut store = &self.store;
        let seq = store.head()?.next();
        let prefix = if event.is_some() { "sys" } else { "bot" };
        let client_id = ClientMessageId::parse(format!("{prefix}-{}", seq.0))
            .map_err(|e| EdgeError::refuse(ErrorCode::Internal, e.to_string()))?;
        let internal = event.as_ref().is_some_and(|event| !event.visible_to_visitor());
        let Say { text, quick_replies, cards } = say;
        let message = Message {
            quick_replies,
            cards,
            event,
            internal,
            ..Message::plain(seq, client_id, author, text, now)
        };
        store.append(&message)?;
        self.relay(&ServerFrame::Message { message: message.clone() }, None)?;
        // The bot's greeting opens every widget's conversation; the inbox hears of it only once
        // the visitor has written (else every page view would be a conversation there).
        if life.state != switchboard_protocol::routing::ConversationState::New {
            self.tell_site(meta, life, &message);
        }
        Ok(())
    }
}

/// What the external bot did.
enum Decision {
    Answered(BotAnswer),
    Deferred(i64),
    Failed,
}

/// The `status` frame for where the conversation stands.
pub(super) fn status_frame(life: &Lifecycle) -> ServerFrame {
    ServerFrame::Status {
        state: life.state,
        position: life.position.map(|(position, _)| position),
        wait_ms: life.position.map(|(_, wait_ms)| wait_ms),
    }
}
