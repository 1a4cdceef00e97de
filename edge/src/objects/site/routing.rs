//! The Site object's router: it runs `switchboard_core::routing::Router` for the site on the
//! object's own SQLite (the routing tables, made with the site's) and performs its effects —
//! offers and presence on agents' inbox sockets, notices to the Conversation objects
//! (delivered in order, after the response), its alarm at the router's next deadline.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use switchboard_core::email::digest as email_digest;
use switchboard_core::flow::lifecycle::RoutingNotice;
use switchboard_core::flow::Flow;
use switchboard_core::routing::{
    is_logged, presence_time, withdraws_offer, Effect, Presence, Router, RoutingError, Sql, SqlValue, Stage,
    DEFAULT_LEAVE_GRACE_MS,
};
use switchboard_protocol::inbox::{InboxCommand, InboxFrame};
use switchboard_protocol::{AgentId, Author, ConversationId};
use worker::{SqlStorage, SqlStorageValue, WebSocket};

use super::calls::QueuePlace;
use super::SiteObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::conversation::calls::Notice;
use crate::objects::{attachment_of, send_frame, Participant};

/// The router's connection: the object's SQLite storage.
pub(super) struct RoutingSql(pub SqlStorage);

impl Sql for RoutingSql {
    fn query<T: DeserializeOwned>(&self, statement: &str, params: Vec<SqlValue>) -> Result<Vec<T>, String> {
        let params: Vec<SqlStorageValue> = params
            .into_iter()
            .map(|value| match value {
                SqlValue::Null => SqlStorageValue::Null,
                SqlValue::Int(n) => n.into(),
                SqlValue::Text(text) => text.into(),
            })
            .collect();
        self.0.exec(statement, params).and_then(|cursor| cursor.to_array()).map_err(|e| e.to_string())
    }
}

/// The site's router.
pub(super) type SiteRouter = Router<RoutingSql>;

impl SiteObject {
    /// Runs `command` on the router (opened on first use) and performs the effects; the
    /// alarm follows the router's next deadline.
    pub(super) fn route<T>(
        &self,
        flow: &Flow,
        now: i64,
        command: impl FnOnce(&mut SiteRouter, i64) -> Result<T, RoutingError>,
    ) -> EdgeResult<T>
    where
        T: IntoEffects,
    {
        let mut slot = self.router.borrow_mut();
        let router = match slot.as_mut() {
            Some(router) => router,
            None => slot.insert(self.open_router(flow, now)?),
        };
        // The flow's hours and queues may have changed since (no-ops when they did not).
        router.set_hours(flow.hours.as_ref(), &crate::zones::RuntimeZones);
        let mut effects =
            router.set_queues(flow.queues.clone(), now).map_err(|e| EdgeError::Refused(e.into()))?;
        let outcome = command(router, now);
        let deadline = router.next_deadline().map_err(|e| EdgeError::Refused(e.into()))?;
        drop(slot);
        let mut result = match outcome {
            Ok(result) => result,
            Err(refused) => {
                // What the new queues moved happened, refused command or not.
                self.perform(effects, now);
                self.set_alarm(deadline);
                return Err(EdgeError::Refused(refused.into()));
            }
        };
        effects.extend(result.take_effects());
        // What it decided first: a digest it notes moves the alarm too.
        self.perform(effects, now);
        self.set_alarm(deadline);
        Ok(result)
    }

    fn open_router(&self, flow: &Flow, now: i64) -> EdgeResult<SiteRouter> {
        let grace = self
            .env
            .var("AGENT_LEAVE_GRACE_MS")
            .ok()
            .and_then(|v| v.to_string().parse().ok())
            .unwrap_or(DEFAULT_LEAVE_GRACE_MS);
        // The flow may have changed since the router last ran: what that moved is performed.
        let (mut router, effects) = Router::open(RoutingSql(self.sql()), flow.queues.clone(), grace, now)
            .map_err(|e| EdgeError::Refused(e.into()))?;
        self.take_over_stored_document(&mut router)?;
        self.perform(effects, now);
        Ok(router)
    }

    /// A site upgraded from when the router was one JSON row: its rows take it over, once.
    fn take_over_stored_document(&self, router: &mut SiteRouter) -> EdgeResult<()> {
        #[derive(Deserialize)]
        struct Row {
            json: String,
        }
        let Ok(rows) = self.sql().exec("SELECT json FROM routing", None).and_then(|c| c.to_array::<Row>())
        else {
            return Ok(());
        };
        if let Some(row) = rows.first() {
            router.import_document(&row.json).map_err(|e| EdgeError::Refused(e.into()))?;
        }
        self.sql().exec("DROP TABLE routing", None)?;
        Ok(())
    }

    pub(super) fn set_alarm(&self, deadline: Option<i64>) {
        // Shared with the retention sweep and the digests: whichever comes first.
        let sweep = self.sweep_at().ok().flatten();
        let digest = self.next_digest_at().ok().flatten();
        let deadline = [deadline, sweep, digest].into_iter().flatten().min();
        let storage = self.state.storage();
        self.state.wait_until(async move {
            let result = match deadline {
                Some(at) => {
                    storage
                        .set_alarm(worker::ScheduledTime::new(js_sys::Date::new(&(at as f64).into())))
                        .await
                }
                None => storage.delete_alarm().await,
            };
            if let Err(error) = result {
                worker::console_error!("routing alarm: {error}");
            }
        });
    }

    /// Tells consoles and conversations what the router decided (and notes agents' presence
    /// changes for reports).
    fn perform(&self, effects: Vec<Effect>, now: i64) {
        if let Err(error) = presence_time::record(&RoutingSql(self.sql()), &effects, now) {
            worker::console_error!("presence spans: {error}");
        }
        for effect in effects {
            if let Some(missed) = email_digest::from_effect(&effect, |agent| self.present(agent)) {
                self.note_missed(missed, now);
            }
            match effect {
                Effect::Offered { conversation, agent, expires_at } => {
                    match self.summary(&conversation) {
                        Ok(Some(summary)) => {
                            self.to_agent(&agent, &InboxFrame::Offer { conversation: summary, expires_at });
                        }
                        _ => worker::console_error!("offer of {conversation} without a summary"),
                    }
                    self.notify(conversation, RoutingNotice::Offered { agent });
                }
                Effect::Assigned { conversation, agent } => {
                    let name = self.agent_name(&agent);
                    self.notify(conversation, RoutingNotice::Assigned { agent, name });
                }
                Effect::Released { conversation, agent, reason } => {
                    if withdraws_offer(reason) {
                        let frame =
                            InboxFrame::OfferWithdrawn { conversation_id: conversation.clone(), reason };
                        self.to_agent(&agent, &frame);
                    }
                    if is_logged(reason) {
                        self.notify(conversation, RoutingNotice::Released { agent, reason });
                    }
                }
                Effect::Waiting { conversation, position, wait_ms, .. } => {
                    self.tell(conversation, Notice::Waiting { position, wait_ms });
                }
                Effect::SlaBreached { conversation, agent, kind } => {
                    self.notify(conversation, RoutingNotice::SlaBreached { agent, target: kind });
                }
                Effect::PresenceChanged { agent, presence } => {
                    self.to_agent(&agent, &InboxFrame::Presence { presence })
                }
            }
        }
    }

    fn notify(&self, conversation: ConversationId, notice: RoutingNotice) {
        self.tell(conversation, Notice::Routing { notice });
    }

    /// Queues a notice to a conversation; notices go one at a time, so each conversation
    /// hears of its offers, assignments and releases in the order they happened.
    pub(super) fn tell(&self, conversation: ConversationId, notice: Notice) {
        let env = self.env.clone();
        self.outbox.push(&self.state, (conversation, notice), move |(to, notice)| {
            let env = env.clone();
            async move {
                if let Err(error) = objects::send(&env, &to, &notice).await {
                    worker::console_error!("routing notice to {to} failed: {error:?}");
                }
            }
        });
    }

    /// Sends `frame` to every inbox socket of `agent`.
    pub(super) fn to_agent(&self, agent: &AgentId, frame: &InboxFrame) {
        match serde_json::to_string(frame) {
            Ok(text) => crate::objects::broadcast(self.state.get_websockets_with_tag(agent.as_str()), &text),
            Err(error) => worker::console_error!("inbox frame for {agent}: {error}"),
        }
    }

    /// The display name an agent signed in with (from its inbox sockets).
    fn agent_name(&self, agent: &AgentId) -> String {
        self.state
            .get_websockets_with_tag(agent.as_str())
            .iter()
            .find_map(|socket| match attachment_of::<InboxAttachment>(socket) {
                Some(InboxAttachment {
                    participant: Participant { author: Author::Agent { name, .. }, .. },
                    ..
                }) => Some(name),
                _ => None,
            })
            .unwrap_or_else(|| "An agent".into())
    }

    /// An inbox socket opened: its agent is online (offers it still holds are sent again).
    pub(super) fn inbox_opened(
        &self,
        flow: &Flow,
        agent: &AgentId,
        socket: &WebSocket,
        now: i64,
    ) -> EdgeResult<()> {
        let (capacity, skills) = flow.agent_routing(agent);
        self.route(flow, now, |router, now| router.agent_connected(agent, capacity, skills, now))?;
        let (presence, offers) = self.with_router(flow, now, |router| {
            let offers: Vec<(ConversationId, i64)> = router
                .held_by(agent)?
                .into_iter()
                .filter_map(|routed| match routed.stage {
                    Stage::Offered { expires_at, .. } => Some((routed.id, expires_at)),
                    _ => None,
                })
                .collect();
            Ok((router.agent(agent)?.map(|state| state.presence), offers))
        })?;
        if let Some(presence) = presence {
            send_frame(socket, &InboxFrame::Presence { presence });
        }
        for (conversation, expires_at) in offers {
            if let Some(summary) = self.summary(&conversation)? {
                send_frame(socket, &InboxFrame::Offer { conversation: summary, expires_at });
            }
        }
        Ok(())
    }

    /// An inbox socket closed: when it was its agent's last, the agent starts leaving.
    pub(super) fn inbox_closed(&self, flow: &Flow, closing: &InboxAttachment, now: i64) -> EdgeResult<()> {
        let agent = match &closing.participant.author {
            Author::Agent { id, .. } => id.clone(),
            _ => return Ok(()),
        };
        let others = self.state.get_websockets_with_tag(agent.as_str()).iter().any(|socket| {
            attachment_of::<InboxAttachment>(socket).is_some_and(|a| a.socket != closing.socket)
        });
        if !others {
            self.route(flow, now, |router, now| router.agent_disconnected(&agent, now))?;
        }
        Ok(())
    }

    /// A console's command on its inbox socket.
    pub(super) fn inbox_command(
        &self,
        flow: &Flow,
        agent: &AgentId,
        command: InboxCommand,
        now: i64,
    ) -> EdgeResult<()> {
        self.route(flow, now, |router, now| router.command(agent, command, now)).map(drop)
    }

    /// Agents online now, by the router's presence.
    pub(super) fn online_agents(&self, flow: &Flow, now: i64) -> EdgeResult<u32> {
        self.with_router(flow, now, |router| {
            Ok(router.agents()?.iter().filter(|agent| agent.presence == Presence::Online).count() as u32)
        })
    }

    /// Where a waiting conversation stands in its queue, counted now.
    pub(super) fn place(&self, conversation: &ConversationId, now: i64) -> EdgeResult<Option<QueuePlace>> {
        let place = self.with_router(&self.flow(), now, |router| router.position(conversation))?;
        Ok(place.map(|(position, wait_ms)| QueuePlace { position, wait_ms }))
    }

    /// Reads the router (opening it on first use) without changing it.
    pub(super) fn with_router<T>(
        &self,
        flow: &Flow,
        now: i64,
        read: impl FnOnce(&SiteRouter) -> Result<T, RoutingError>,
    ) -> EdgeResult<T> {
        if self.router.borrow().is_none() {
            let router = self.open_router(flow, now)?;
            self.router.replace(Some(router));
        }
        let borrowed = self.router.borrow();
        match borrowed.as_ref() {
            Some(router) => read(router).map_err(|e| EdgeError::Refused(e.into())),
            None => Err(EdgeError::refuse(switchboard_protocol::ErrorCode::Internal, "routing unavailable")),
        }
    }
}

/// What an inbox socket carries through hibernation.
#[derive(serde::Serialize, Deserialize)]
pub(super) struct InboxAttachment {
    pub participant: Participant,
    /// Random, to tell an agent's sockets apart.
    pub socket: u32,
}

/// A router command's result: its effects, and anything else it returns.
pub(super) trait IntoEffects {
    /// Takes the effects out, for the object to perform.
    fn take_effects(&mut self) -> Vec<Effect>;
}

impl IntoEffects for Vec<Effect> {
    fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(self)
    }
}
