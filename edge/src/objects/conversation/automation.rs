//! The Conversation object's side of automation rules (`core::automation`): after a
//! customer's message (`conversation_created`, `message_created`, before the flow sees it, so
//! a rule's queue is the one the handover uses), after a state change not made by a rule
//! (`state_changed`) and when the alarm finds a customer waiting long enough (`no_reply`), it gathers what rules look at, asks core which apply, and performs
//! their actions: the bot's messages and notes into the log, labels and priority in the
//! site's index, a queue through the lifecycle (`Lifecycle::steer`) or routing, resolve and
//! snooze through the flow, the `automation.rule_applied` webhook event. What it performs is
//! no event for rules. Each application is logged as a note agents see.

use switchboard_core::automation::{self, Applied, Facts};
use switchboard_core::conversation::{relay, AgentAction, LogStore};
use switchboard_core::flow::bot::Say;
use switchboard_core::flow::input::Input;
use switchboard_core::macros::{self, Step};
use switchboard_core::webhook_events;
use switchboard_protocol::api::automation::{Rule, RuleEvent};
use switchboard_protocol::inbox::InboxCommand;
use switchboard_protocol::{AgentId, ErrorCode, Message};

use super::store::Meta;
use super::ConversationObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::site::calls::{GetSummary, RouteCommand};
use crate::objects::site::labels::{EditLabels, SetPriority};
use crate::zones::RuntimeZones;
use crate::{objects, site_cache, webhook_subscriptions};

/// What follows a stored message or a frame: rules for an event (first), or a flow input.
pub(super) enum Next {
    /// Rules for the event, with the text of the customer's message that set it off.
    Rules(RuleEvent, String),
    /// A step of the flow.
    Flow(Input),
}

impl From<Input> for Next {
    fn from(input: Input) -> Next {
        Next::Flow(input)
    }
}

impl ConversationObject {
    /// Runs what follows a stored message, in order; when its rules resolve or snooze the
    /// conversation, the flow does not see the message (`core::automation::closes`).
    pub(super) async fn follow_all(&self, meta: &Meta, all: Vec<Next>, now: i64) -> EdgeResult<()> {
        let customer_wrote = all.iter().any(|next| matches!(next, Next::Rules(..)));
        self.follow_each(meta, all, now).await?;
        // A wait that starts now may bring a `no_reply` rule's time.
        let waits_from_now = self.store.lifecycle()?.waiting_since == Some(now);
        if customer_wrote && waits_from_now && self.no_reply_at(now).await?.is_some() {
            self.rearm(now).await?;
        }
        Ok(())
    }

    async fn follow_each(&self, meta: &Meta, all: Vec<Next>, now: i64) -> EdgeResult<()> {
        let mut closed = false;
        for next in all {
            match next {
                Next::Flow(Input::VisitorWrote(_)) if closed => {}
                Next::Rules(event, text) => {
                    match self.automate(meta, event, Some(text), now).await {
                        Ok(closes) => closed |= closes,
                        // A rule's failure never stops the flow.
                        Err(error) => {
                            worker::console_error!(
                                "automation of {} ({event:?}): {error:?}",
                                meta.conversation_id
                            )
                        }
                    }
                }
                Next::Flow(input) => self.advance(meta, input, now).await?,
            }
        }
        Ok(())
    }

    /// Applies the site's rules for `event` and performs what they do; says whether they
    /// close the message that set them off (`core::automation::closes`).
    pub(super) async fn automate(
        &self,
        meta: &Meta,
        event: RuleEvent,
        text: Option<String>,
        now: i64,
    ) -> EdgeResult<bool> {
        let rules = self.rules(meta, event, now).await?;
        self.run_rules(meta, event, &rules, text, now).await
    }

    /// The site's enabled rules for `event`.
    async fn rules(&self, meta: &Meta, event: RuleEvent, now: i64) -> EdgeResult<Vec<Rule>> {
        site_cache::part(&self.env, &meta.site_id, now, |config| {
            config
                .automation_rules
                .iter()
                .filter(|rule| rule.enabled && rule.event == event)
                .cloned()
                .collect()
        })
        .await
    }

    /// The alarm rang: the `no_reply` rules whose time came (`core::automation::no_reply_now`).
    pub(super) async fn no_reply(&self, meta: &Meta, now: i64) -> EdgeResult<()> {
        let rules = self.rules(meta, RuleEvent::NoReply, now).await?;
        let mut life = self.store.lifecycle()?;
        let due = automation::no_reply_now(&rules, life.awaiting_person_since(), &mut life.rules, now);
        if due.is_empty() {
            return Ok(());
        }
        self.store.set_lifecycle(&life)?;
        self.run_rules(meta, RuleEvent::NoReply, &due, None, now).await.map(drop)
    }

    /// When the next `no_reply` rule comes due, for the alarm.
    pub(super) async fn no_reply_at(&self, now: i64) -> EdgeResult<Option<i64>> {
        let Some(meta) = self.store.meta()? else { return Ok(None) };
        let life = self.store.lifecycle()?;
        if life.awaiting_person_since().is_none() {
            return Ok(None);
        }
        let rules = self.rules(&meta, RuleEvent::NoReply, now).await?;
        Ok(automation::no_reply_due(&rules, life.awaiting_person_since(), &life.rules))
    }

    /// Applies `rules` (the site's for `event`) and performs what they do; says whether they
    /// close the message that set them off.
    async fn run_rules(
        &self,
        meta: &Meta,
        event: RuleEvent,
        rules: &[Rule],
        text: Option<String>,
        now: i64,
    ) -> EdgeResult<bool> {
        if rules.is_empty() {
            return Ok(false);
        }
        let (hours, bot_name) = site_cache::part(&self.env, &meta.site_id, now, |config| {
            (config.flow.hours.clone(), config.flow.bot.name.clone())
        })
        .await?;
        let labels = match automation::needs_labels(rules, event) {
            true => self.labels(meta).await?,
            false => Vec::new(),
        };
        // Read after the waits above, and stored before the next one: nothing the object
        // handled meanwhile is undone.
        let mut life = self.store.lifecycle()?;
        let contact = self.store.contact()?;
        let mut facts = Facts {
            channel: meta.channel(),
            page_url: contact.page_url,
            text,
            labels,
            contact: contact.attributes,
            open: hours.as_ref().is_none_or(|hours| hours.is_open(now, &RuntimeZones)),
            state: life.state,
        };
        let mut applied = automation::apply(rules, event, &mut facts);
        // No chain of rules and people runs on without end: a budget an hour.
        applied.truncate(life.rules.spend(applied.len(), now));
        self.store.set_lifecycle(&life)?;
        let closes = automation::closes(&applied);
        for Applied { rule, actions } in applied {
            let (mut done, mut failed, mut webhook) = (Vec::new(), Vec::new(), false);
            for (action, step) in actions.iter().zip(macros::steps_of(&actions, now)) {
                if step == Step::Webhook {
                    // After the note: the event's id is the note's.
                    webhook = true;
                    done.push(action.clone());
                    continue;
                }
                match self.perform(meta, &bot_name, step, now).await {
                    Ok(()) => done.push(action.clone()),
                    Err(EdgeError::Refused(refused)) => failed.push((action.clone(), refused.message)),
                    Err(error) => {
                        worker::console_error!("rule {rule:?} on {}: {error:?}", meta.conversation_id);
                        failed.push((action.clone(), "the edge failed".to_owned()));
                    }
                }
            }
            let logged =
                self.rule_entry(meta, &bot_name, automation::note(&rule, &done, &failed), true, now)?;
            if webhook {
                let applied =
                    webhook_events::rule_applied(&meta.site_id, &meta.conversation_id, &logged, &rule, event);
                let events = [applied];
                let delivered = webhook_subscriptions::deliver(
                    &self.env,
                    &meta.site_id,
                    &meta.conversation_id,
                    &events,
                    now,
                );
                if let Err(error) = delivered.await {
                    worker::console_error!("rule {rule:?} webhook on {}: {error:?}", meta.conversation_id);
                }
            }
        }
        Ok(closes)
    }

    /// The conversation's labels in the site's index (none while the index has not heard
    /// of it: a conversation its first message just made).
    async fn labels(&self, meta: &Meta) -> EdgeResult<Vec<String>> {
        match objects::send(&self.env, &meta.site_id, &GetSummary { id: meta.conversation_id.clone() }).await
        {
            Ok(summary) => Ok(summary.labels),
            Err(EdgeError::Refused(error)) if error.code == ErrorCode::NotFound => Ok(Vec::new()),
            Err(other) => Err(other),
        }
    }

    /// Stores a message from the bot (a note when `internal`), relays it and tells the inbox.
    fn rule_entry(
        &self,
        meta: &Meta,
        bot_name: &str,
        text: String,
        internal: bool,
        now: i64,
    ) -> EdgeResult<Message> {
        let mut store = &self.store;
        let message = relay::entry(store.head()?.next(), bot_name, Say::text(text), None, now);
        let message = Message { internal, ..message };
        self.post_built(meta, &self.store.lifecycle()?, message.clone(), now)?;
        Ok(message)
    }

    /// Performs one step of a rule (the webhook is `run_rules`').
    async fn perform(&self, meta: &Meta, bot_name: &str, step: Step, now: i64) -> EdgeResult<()> {
        let (site, id) = (&meta.site_id, &meta.conversation_id);
        let summary = || {
            let life = self.store.lifecycle()?;
            self.summary(meta, &life, None, now).map(Box::new).map(Some)
        };
        match step {
            Step::Post { text, internal } => {
                self.rule_entry(meta, bot_name, text, internal, now)?;
            }
            Step::Labels { add, remove } => {
                let call = EditLabels { id: id.clone(), add, remove, summary: summary()? };
                objects::send(&self.env, site, &call).await?;
            }
            Step::Priority(priority) => {
                let call = SetPriority { id: id.clone(), priority, summary: summary()? };
                objects::send(&self.env, site, &call).await?;
            }
            Step::Transfer { queue: Some(queue), .. } => {
                let mut life = self.store.lifecycle()?;
                if !life.steer(queue.clone()) {
                    return self.store.set_lifecycle(&life);
                }
                let command =
                    InboxCommand::Transfer { conversation_id: id.clone(), agent: None, queue: Some(queue) };
                // A transfer to a queue does not look at who asks for it.
                let agent = life.agent.clone().unwrap_or_else(|| AgentId::from_random([0; 16]));
                self.route_for_rule(site, RouteCommand { agent, command }).await?;
            }
            Step::Transfer { agent: Some(agent), .. } => {
                let command = InboxCommand::Transfer {
                    conversation_id: id.clone(),
                    agent: Some(agent.clone()),
                    queue: None,
                };
                self.route_for_rule(site, RouteCommand { agent, command }).await?;
            }
            Step::Transfer { .. } | Step::Webhook => {}
            Step::Snooze(until) => {
                self.advance_flow(meta, Input::Action(AgentAction::Snooze(until)), now).await?;
            }
            Step::Resolve => {
                self.advance_flow(meta, Input::Action(AgentAction::Resolve), now).await?;
            }
        }
        Ok(())
    }

    /// Asks routing for a rule's transfer; routing's notice of it is marked as the rule's
    /// doing (marked before asking: the notice may come while the answer is awaited).
    async fn route_for_rule(
        &self,
        site: &switchboard_protocol::SiteId,
        call: RouteCommand,
    ) -> EdgeResult<()> {
        let mark = |routed: bool| {
            let mut life = self.store.lifecycle()?;
            life.rules.rule_routed = routed;
            self.store.set_lifecycle(&life)
        };
        mark(true)?;
        let sent = objects::send(&self.env, site, &call).await;
        if sent.is_err() {
            mark(false)?;
        }
        sent
    }
}
