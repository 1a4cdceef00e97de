//! The Conversation object's side of routing: it runs the site's flow for its conversation
//! (`switchboard_core::flow`: an [`Input`] in, [`Effect`]s out) — for the router's notices, the
//! external bot's answers and its own alarm — and performs the steps — bot
//! messages and events into the log, status frames to clients, calls to the site's router
//! and the external bot, and the object's alarm (snooze end, business hours, a bot's
//! deadline). A change of state it makes is then told to the site's rules (`automation`).

use switchboard_core::conversation::{relay, LogStore, Relay};
use switchboard_core::flow::bot::Say;
use switchboard_core::flow::events::describe;
use switchboard_core::flow::input::Input;
use switchboard_core::flow::lifecycle::{Effect, FlowIn, Lifecycle};
use switchboard_core::interceptors::{self, language};
use switchboard_protocol::api::automation::RuleEvent;
use switchboard_protocol::api::bot_webhook::Request as BotRequest;
use switchboard_protocol::interceptors::Interceptor;
use switchboard_protocol::routing::ConversationEvent;
use switchboard_protocol::ErrorCode;
use switchboard_protocol::Message;

use super::calls::{BotAnswer, Notice};
use super::store::Meta;
use super::ConversationObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::ended;
use crate::objects::site::calls::{Enqueue, Place, Unroute};
use crate::zones::RuntimeZones;
use crate::{objects, site_cache};

impl ConversationObject {
    /// A visitor came back while the conversation waits for an agent: its place is asked of
    /// the router (which tells only the head of each queue as the queue moves).
    pub(super) async fn refresh_place(&self, now: i64) -> EdgeResult<()> {
        if self.store.lifecycle()?.state != switchboard_protocol::routing::ConversationState::Queued {
            return Ok(());
        }
        let meta = self.store.existing()?;
        let call = Place { conversation: meta.conversation_id.clone() };
        if let Some(place) = objects::send(&self.env, &meta.site_id, &call).await? {
            let input = Input::Waiting { position: place.position, wait_ms: place.wait_ms };
            self.advance(&meta, input, now).await?;
        }
        Ok(())
    }

    /// A notice from the site's router.
    pub(super) async fn notice(&self, notice: Notice, now: i64) -> EdgeResult<()> {
        let meta = self.store.existing()?;
        let input = match notice {
            Notice::Routing { notice } => Input::Routing(notice),
            Notice::Waiting { position, wait_ms } => Input::Waiting { position, wait_ms },
            Notice::SessionEnded { agent } => {
                ended::close_tagged(&self.state, agent.as_str());
                return Ok(());
            }
        };
        self.advance(&meta, input, now).await
    }

    /// The external bot answers through the API; the worker passes its bearer token on, and
    /// only the flow's `api_token` is accepted (never the signing secret).
    pub(super) async fn bot_answer(
        &self,
        BotAnswer { authorization, answer }: BotAnswer,
        now: i64,
    ) -> EdgeResult<()> {
        let meta = self.store.existing()?;
        let flow = crate::site_cache::config(&self.env, &meta.site_id, now).await?.flow;
        if !flow.webhook.as_ref().is_some_and(|bot| bot.authorises(&authorization)) {
            return Err(EdgeError::refuse(
                ErrorCode::Unauthorized,
                "wrong or missing bot token (the flow's webhook.api_token)",
            ));
        }
        self.advance(&meta, Input::BotAnswered(answer), now).await
    }

    /// Runs `input` through the lifecycle at `now` and performs what it decides ([`Self::advance_flow`]);
    /// when that changed the conversation's state (not as routing's answer to a rule's
    /// transfer), then the site's `state_changed` rules.
    pub(super) async fn advance(&self, meta: &Meta, input: Input, now: i64) -> EdgeResult<()> {
        if self.advance_flow(meta, input, now).await? {
            let automated = Box::pin(self.automate(meta, RuleEvent::StateChanged, None, now)).await;
            if let Err(error) = automated {
                worker::console_error!("automation of {} (state changed): {error:?}", meta.conversation_id);
            }
        }
        Ok(())
    }

    /// Runs `input` through the lifecycle at `now` and performs what it decides; when that
    /// includes asking the external bot, asks it and runs its answer (or failure) too. Says
    /// whether the state changed in a way rules hear of; rules' own actions go this way and
    /// set nothing off.
    pub(super) async fn advance_flow(&self, meta: &Meta, input: Input, now: i64) -> EdgeResult<bool> {
        if let Input::TeamSpoke = input {
            // After every agent's answer: the one setting it needs is looked up, not the flow.
            let auto =
                site_cache::part(&self.env, &meta.site_id, now, |config| config.flow.auto_resolve.clone())
                    .await?;
            let mut life = self.store.lifecycle()?;
            if life.team_spoke(auto.as_ref(), now) {
                self.store.set_lifecycle(&life)?;
                self.rearm(now).await?;
            }
            return Ok(false);
        }
        // The flow and the channel's steps only: not the site's macros and rules.
        let channel = meta.channel();
        let (effective, steps) = site_cache::part(&self.env, &meta.site_id, now, |config| {
            (config.effective_flow(), interceptors::for_channel(&config.interceptors, channel))
        })
        .await?;
        let flow = FlowIn { flow: &effective, zones: &RuntimeZones };
        let visitor_message = match &input {
            Input::VisitorWrote(message) => Some((**message).clone()),
            _ => None,
        };
        let (ask, changed) = self.decide(meta, &flow, &steps, input, now).await?;
        // A bot's answer never asks the bot again: one round at most.
        let (true, Some(message), Some(webhook)) = (ask, visitor_message, &flow.webhook) else {
            return Ok(changed);
        };
        let request = BotRequest {
            event: "message_created".into(),
            site_id: meta.site_id.clone(),
            conversation_id: meta.conversation_id.clone(),
            visitor_id: meta.visitor_id.clone(),
            message,
        };
        let input = match crate::bot_webhook::ask(webhook, &request, now).await {
            Ok(Some(answer)) => Input::BotAnswered(answer),
            Ok(None) => Input::BotDeferred(now + i64::from(webhook.timeout_ms)),
            Err(problem) => {
                worker::console_log!("bot webhook for {}: {problem}; handing over", meta.conversation_id);
                Input::BotFailed
            }
        };
        match self.decide(meta, &flow, &steps, input, now).await {
            // A human took the conversation while the bot thought: its answer is dropped.
            Err(EdgeError::Refused(_)) => Ok(changed),
            other => other.map(|(_, changed_again)| changed || changed_again),
        }
    }

    /// Runs `input` on the stored lifecycle, stores it, and performs the steps. Says whether
    /// the external bot is to be asked, and whether the state changed in a way rules hear of
    /// (decided here, with no wait between reading and storing the lifecycle).
    async fn decide(
        &self,
        meta: &Meta,
        flow: &FlowIn<'_>,
        interceptors: &[Interceptor],
        input: Input,
        now: i64,
    ) -> EdgeResult<(bool, bool)> {
        let mut life = self.store.lifecycle()?;
        let before = life.state;
        let from_routing = matches!(input, Input::Routing(_));
        let steps = life.handle(flow, input, now)?;
        let heard = !from_routing || life.rules.hears_routing();
        let changed = life.state != before && heard;
        self.store.set_lifecycle(&life)?;
        let mut ask = false;
        let mut calls = Vec::new();
        // Local effects first, in order: log entries and frames go out before any await, so
        // nothing else interleaves with them.
        for step in steps {
            match step {
                Effect::Say(say) => {
                    // The bot's words pass the site's steps like everyone's.
                    let say = Say { text: interceptors::apply(interceptors, &say.text), ..say };
                    self.post_entry(meta, &life, &flow.bot.name, say, None, now)?
                }
                Effect::Record(event) => {
                    self.post_entry(
                        meta,
                        &life,
                        &flow.bot.name,
                        Say::text(describe(&event)),
                        Some(event),
                        now,
                    )?;
                }
                Effect::Status => self.relay(&life.status(), None)?,
                Effect::AskWebhook => ask = true,
                call => calls.push(call),
            }
        }
        for call in calls {
            match call {
                Effect::Route { queue, agent, taken_over } => {
                    let summary = self.summary(meta, &life, None, now)?;
                    let skills =
                        language::skill(interceptors, life.language.as_deref()).into_iter().collect();
                    let call = Enqueue { summary, queue, agent, taken_over, skills };
                    objects::send(&self.env, &meta.site_id, &call).await?;
                }
                Effect::Unroute => {
                    let call = Unroute { conversation: meta.conversation_id.clone() };
                    objects::send(&self.env, &meta.site_id, &call).await?;
                }
                // The lifecycle stored its wake-up; the alarm also serves the line's outbox.
                Effect::Wake(_) => self.rearm(now).await?,
                _ => {}
            }
        }
        Ok((ask, changed))
    }

    /// Stores a bot message or system entry, relays it, and updates the inbox (`life` is the
    /// lifecycle as just stored, for the summary).
    fn post_entry(
        &self,
        meta: &Meta,
        life: &Lifecycle,
        bot_name: &str,
        say: Say,
        event: Option<ConversationEvent>,
        now: i64,
    ) -> EdgeResult<()> {
        let mut store = &self.store;
        let message = relay::entry(store.head()?.next(), bot_name, say, event, now);
        self.post_built(meta, life, message, now)
    }

    /// Stores an entry the edge made (the bot's, a rule's note), relays it, and updates the
    /// inbox (`life`: the lifecycle as stored, for the summary).
    pub(super) fn post_built(
        &self,
        meta: &Meta,
        life: &Lifecycle,
        message: Message,
        now: i64,
    ) -> EdgeResult<()> {
        let mut store = &self.store;
        switchboard_core::ingest::check_flow_room(message.seq, self.max_log_messages())?;
        store.append(&message)?;
        self.relay_entry(&Relay::of(message.clone()))?;
        if life.shows_in_inbox() {
            self.tell_site(meta, life, &message, now);
        }
        Ok(())
    }
}
