//! The Site Durable Object: one site's configuration, its inbox index, and the inbox sockets
//! of its agents' consoles.
//!
//! Conversation objects send a summary after their messages (coalesced); this object keeps the
//! newest per conversation and pushes it to every open inbox ([`inbox_push`]: paced, several
//! changes to a frame, for consoles that ask). Messages themselves never pass through here,
//! so one site object is far from the ~1,000 requests/s an object can serve.
//!
//! Its configuration lives in [`config`]. It also routes the site's conversations
//! ([`routing`]): agents' presence comes from their inbox sockets, offers go out on them, and
//! the console answers on them.
//! When an agent's session ends it closes their sockets here and, through the conversations
//! they have open, everywhere ([`sessions`]). It keeps the site's webhook subscriptions
//! ([`webhooks`]); their deliveries live in objects of their own. And its contacts, one per
//! person ([`contacts`]), whose changes it tells webhooks of ([`contact_events`]), and its
//! conversations' labels and attributes ([`labels`]); and it deletes resolved conversations
//! past the site's retention ([`retention`]). It notes which kept idempotent answers are about
//! which contacts and conversations, so erasing a person erases those too ([`answers`]).
//! And the addresses its emails no longer go to: bounced, complained, unsubscribed ([`email`]);
//! and what agents missed while away, emailed to them in a digest ([`digest`]); and each
//! conversation's facts for reports, read for a period's figures ([`reports`]). Message texts
//! are indexed by the inbox feed shards; a search's matches become summaries here ([`search`]),
//! which adds those of its own index (a deployment without shards, texts from before them).

pub(crate) mod answers;
mod blocks;
pub(crate) mod calls;
mod canned;
mod config;
mod contact_events;
mod contacts;
pub(crate) mod digest;
pub(crate) mod email;
mod inbox_push;
mod index;
pub(crate) mod labels;
pub(crate) mod reports;
mod search;
mod sessions;
mod signed_out;
mod webhooks;

mod retention;
mod routing;
mod schema;

use std::cell::RefCell;
use std::rc::Rc;

use switchboard_core::admission;
use switchboard_core::email::digest as email_digest;
use switchboard_core::site::SiteConfig;
use switchboard_protocol::api::site_presence;
use switchboard_protocol::inbox::InboxCommand;
use switchboard_protocol::inbox::InboxFrame;
use switchboard_protocol::{Author, ConversationId, ErrorCode};
use worker::{
    durable_object, DurableObject, Env, Request, Response, SqlStorage, State, WebSocket,
    WebSocketIncomingMessage,
};

use self::answers::RememberAnswer;
use self::calls::{
    Activity, ActivityAnswer, ActivityBatch, AddBlock, AddWebhook, AgentSocket, ChangeWebhook, CreateContact,
    CreateSite, EndAgents, Enqueue, EraseContact, GetConfig, GetContact, GetContactAttributes, GetSummary,
    LiftBlock, ListCanned, ListContacts, ListConversations, ListWebhooks, MergeContacts, OpenInbox, Place,
    Presence, RemoveCanned, RemoveWebhook, RouteCommand, SaveCanned, Search, SetAvatar, SetContactAttributes,
    SignOutVisitor, Unroute, UpdateConfig, UpdateContact, VisitorConversations,
};
use self::inbox_push::InboxPushes;
use self::labels::{EditLabels, PatchAttributes, SetLabels, SetPriority};
use super::call::{answer, carried, no_such_route, ObjectCall};
use super::ended::SessionEnds;
use super::outbox::Outbox;
use super::search_index::SearchIndex;
use super::tables::Tables;
use super::{
    accept_socket, answer_pings_while_hibernating, attachment_of, finish_close, respond, send_frame,
};
use crate::env;
use crate::error::{EdgeError, EdgeResult};
use std::future::ready;

/// How many conversations the inbox snapshot and list carry (newest activity first).
const INBOX_LIMIT: i64 = 500;

/// Tag of inbox sockets.
const INBOX_TAG: &str = "inbox";

/// One site.
#[durable_object]
pub struct SiteObject {
    state: State,
    env: Env,
    /// Its tables: made with the site, not for an id nobody made.
    tables: Tables,
    /// The router, loaded from storage on first use.
    router: RefCell<Option<routing::SiteRouter>>,
    /// Routing notices on their way to conversations, in order.
    outbox: Rc<Outbox<(ConversationId, super::conversation::calls::Notice)>>,
    /// The stored configuration, read once per wake-up (it changes only through this object).
    config: RefCell<Option<SiteConfig>>,
    /// Contact events on their way to webhook queues, in order.
    contact_events: contact_events::ContactEventOutbox,
    /// Its own search index (texts from a deployment without inbox shards, or from before).
    search_index: Rc<SearchIndex>,
    /// When the first inbox socket's session ends.
    session_ends: SessionEnds,
    /// Changed summaries on their way to the open inboxes.
    inbox_pushes: Rc<InboxPushes>,
    /// Its events so far, logged now and then.
    load: super::load::Load,
}

impl DurableObject for SiteObject {
    fn new(state: State, env: Env) -> Self {
        answer_pings_while_hibernating(&state);
        let tables = Tables::open(state.storage().sql(), &schema::SCHEMA);
        Self {
            state,
            env,
            tables,
            router: RefCell::default(),
            outbox: Rc::new(Outbox::in_order()),
            config: RefCell::default(),
            contact_events: Rc::new(Outbox::in_order()),
            search_index: Rc::default(),
            session_ends: SessionEnds::default(),
            inbox_pushes: Rc::default(),
            load: super::load::Load::new("site"),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        self.load.event();
        let (req, now) = (&mut req, env::now());
        self.close_ended_sessions(now);
        // Reading the config of a site that was never made writes nothing; everything else
        // happens to a made site (the worker checked it exists), so its tables are made first.
        if req.path() != GetConfig::ROUTE {
            self.tables.make();
        }
        respond(match req.path().as_str() {
            GetConfig::ROUTE => answer(req, |c: GetConfig| ready(self.ensure_config(Some(&c.site)))).await,
            UpdateConfig::ROUTE => answer(req, |c: UpdateConfig| ready(self.update_config(c, now))).await,
            SetAvatar::ROUTE => answer(req, |c: SetAvatar| ready(self.set_avatar(c))).await,
            AddBlock::ROUTE => answer(req, |c: AddBlock| ready(self.add_block(c, now))).await,
            LiftBlock::ROUTE => answer(req, |c: LiftBlock| ready(self.lift_block(&c, now))).await,
            digest::DigestSetting::ROUTE => {
                answer(req, |c: digest::DigestSetting| ready(self.digest_setting(&c))).await
            }
            email::StopEmail::ROUTE => {
                answer(req, |c: email::StopEmail| ready(self.stop_email(c, now))).await
            }
            email::EmailStopped::ROUTE => {
                answer(req, |c: email::EmailStopped| ready(self.email_stopped(&c))).await
            }
            CreateSite::ROUTE => answer(req, |c: CreateSite| ready(self.create_config(c.config))).await,
            Activity::ROUTE => answer(req, |c: Activity| ready(self.take_activity(c, now))).await,
            ActivityBatch::ROUTE => answer(req, |c: ActivityBatch| ready(Ok(self.take_batch(c, now)))).await,
            Search::ROUTE => answer(req, |c: Search| ready(self.search(c))).await,
            ListConversations::ROUTE => answer(req, |c: ListConversations| ready(self.list(&c.query))).await,
            RouteCommand::ROUTE => {
                answer(req, |c: RouteCommand| {
                    ready(self.inbox_command(&self.flow(), &c.agent, c.command, now))
                })
                .await
            }
            SetLabels::ROUTE => answer(req, |c: SetLabels| ready(self.set_labels(c, now))).await,
            self::reports::Report::ROUTE => {
                answer(req, |c: self::reports::Report| ready(self.report(c, now))).await
            }
            EditLabels::ROUTE => answer(req, |c: EditLabels| ready(self.edit_labels(c, now))).await,
            SetPriority::ROUTE => answer(req, |c: SetPriority| ready(self.set_priority(c, now))).await,
            RememberAnswer::ROUTE => {
                answer(req, |c: RememberAnswer| ready(self.remember_answer(c, now))).await
            }
            PatchAttributes::ROUTE => {
                answer(req, |c: PatchAttributes| ready(self.patch_attributes(c, now))).await
            }
            GetSummary::ROUTE => {
                answer(req, |c: GetSummary| {
                    ready(self.summary(&c.id).and_then(|summary| {
                        summary.ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))
                    }))
                })
                .await
            }
            VisitorConversations::ROUTE => {
                answer(req, |c: VisitorConversations| ready(self.visitor_conversations(&c))).await
            }
            SignOutVisitor::ROUTE => {
                answer(req, |c: SignOutVisitor| ready(self.sign_out_visitor(&c, now))).await
            }
            Presence::ROUTE => answer(req, |_: Presence| ready(self.presence(now))).await,
            ListContacts::ROUTE => answer(req, |c: ListContacts| ready(self.list_contacts(&c))).await,
            GetContact::ROUTE => answer(req, |c: GetContact| ready(self.contact_detail(&c.id))).await,
            CreateContact::ROUTE => {
                answer(req, |c: CreateContact| ready(self.create_contact(c.id, &c.request, now))).await
            }
            UpdateContact::ROUTE => {
                answer(req, |c: UpdateContact| ready(self.update_contact(&c.id, &c.change, now))).await
            }
            MergeContacts::ROUTE => {
                answer(req, |c: MergeContacts| ready(self.merge_contacts(&c.into, &c.from, &c.by, now))).await
            }
            EraseContact::ROUTE => {
                answer(req, |c: EraseContact| ready(self.erase_contact(&c.id, &c.conversations, now))).await
            }
            GetContactAttributes::ROUTE => {
                answer(req, |_: GetContactAttributes| ready(self.contact_attributes())).await
            }
            SetContactAttributes::ROUTE => {
                answer(req, |c: SetContactAttributes| ready(self.set_contact_attributes(c.definitions))).await
            }
            ListWebhooks::ROUTE => answer(req, |_: ListWebhooks| ready(self.webhooks())).await,
            AddWebhook::ROUTE => answer(req, |c: AddWebhook| ready(self.add_webhook(c.stored))).await,
            ChangeWebhook::ROUTE => answer(req, |c: ChangeWebhook| ready(self.change_webhook(c))).await,
            RemoveWebhook::ROUTE => answer(req, |c: RemoveWebhook| ready(self.remove_webhook(&c.id))).await,
            Enqueue::ROUTE => answer(req, |c: Enqueue| ready(self.enqueue(c, now))).await,
            Unroute::ROUTE => answer(req, |c: Unroute| ready(self.unroute(&c.conversation, now))).await,
            Place::ROUTE => answer(req, |c: Place| ready(self.place(&c.conversation, now))).await,
            ListCanned::ROUTE => answer(req, |_: ListCanned| ready(self.canned_list())).await,
            SaveCanned::ROUTE => answer(req, |c: SaveCanned| ready(self.canned_save(c.entry, now))).await,
            RemoveCanned::ROUTE => {
                answer(req, |c: RemoveCanned| ready(self.canned_remove(&c.shortcut))).await
            }
            OpenInbox::ROUTE => carried::<OpenInbox>(req).and_then(|c| self.open_inbox(c, now)),
            EndAgents::ROUTE => answer(req, |c: EndAgents| ready(self.end_agents(&c, now))).await,
            AgentSocket::ROUTE => answer(req, |c: AgentSocket| ready(self.agent_socket(&c))).await,
            _ => Err(no_such_route()),
        })
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        self.load.event();
        let now = env::now();
        self.close_ended_sessions(now);
        let Some(attachment) = attachment_of::<routing::InboxAttachment>(&ws) else {
            let _ = ws.close(Some(1011), Some("lost socket identity"));
            return Ok(());
        };
        let Author::Agent { id: agent, .. } = &attachment.participant.author else { return Ok(()) };
        let command = match message {
            WebSocketIncomingMessage::String(text)
                if text.len() <= switchboard_protocol::limits::MAX_FRAME_BYTES =>
            {
                serde_json::from_str::<InboxCommand>(&text).map_err(|e| {
                    EdgeError::refuse(ErrorCode::BadRequest, format!("not an inbox command: {e}"))
                })
            }
            _ => Err(EdgeError::refuse(ErrorCode::BadRequest, "inbox commands are JSON text frames")),
        };
        let result = command.and_then(|command| {
            if command == InboxCommand::Ping {
                send_frame(&ws, &InboxFrame::Pong);
                return Ok(());
            }
            self.inbox_command(&self.flow(), agent, command, now)
        });
        if let Err(error) = result {
            let switchboard_protocol::ApiError { code, message, .. } = error.into_api_error();
            send_frame(&ws, &InboxFrame::Error { code, message });
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
        if let Some(attachment) = attachment_of::<routing::InboxAttachment>(&ws) {
            if let Err(error) = self.inbox_closed(&self.flow(), &attachment, env::now()) {
                worker::console_error!("inbox close: {error:?}");
            }
        }
        Ok(())
    }

    async fn alarm(&self) -> worker::Result<Response> {
        self.load.event();
        let now = env::now();
        self.close_ended_sessions(now);
        if let Err(error) = self.sweep(now).await {
            worker::console_error!("retention sweep: {error:?}");
        }
        if let Err(error) = self.send_digests(now).await {
            worker::console_error!("digests: {error:?}");
        }
        // Routing sets the alarm again, for whichever of the three comes next.
        if let Err(error) = self.route(&self.flow(), now, |router, now| router.handle_timeout(now)) {
            worker::console_error!("routing alarm: {error:?}");
        }
        Response::ok("")
    }

    async fn websocket_error(&self, _ws: WebSocket, error: worker::Error) -> worker::Result<()> {
        worker::console_debug!("inbox socket error: {error}");
        Ok(())
    }
}

impl SiteObject {
    fn sql(&self) -> SqlStorage {
        self.state.storage().sql()
    }

    /// Closes inbox sockets whose session ended by `now`.
    fn close_ended_sessions(&self, now: i64) {
        self.session_ends.close_ended(&self.state, now, |socket| {
            attachment_of::<routing::InboxAttachment>(socket).map(|a| a.participant)
        });
    }

    /// Accepts an agent's inbox socket: the snapshot of the inbox first, then presence and
    /// the offers it holds.
    fn open_inbox(&self, call: OpenInbox, now: i64) -> EdgeResult<Response> {
        let OpenInbox { participant, edge_origin: origin, batched } = call;
        let Author::Agent { id: agent, .. } = participant.author.clone() else {
            return Err(EdgeError::refuse(ErrorCode::Forbidden, "the inbox is for agents"));
        };
        // Each inbox socket costs this object a send per frame: an agent holds a few (tabs).
        admission::may_open_socket(self.state.get_websockets_with_tag(agent.as_str()).len())?;
        self.ensure_config(Some(&participant.site))?;
        let conversations = self.summaries()?;
        let attachment =
            routing::InboxAttachment { participant, socket: u32::from_le_bytes(crate::env::random_bytes()?) };
        self.session_ends.accepted(attachment.participant.expires_at);
        let (socket, response) =
            accept_socket(&self.state, &attachment, &[INBOX_TAG, agent.as_str(), InboxPushes::tag(batched)])?;
        send_frame(&socket, &InboxFrame::Snapshot { conversations });
        self.inbox_opened(&self.flow(), &agent, &socket, now)?;
        self.back_at_console(&agent, origin.as_deref())?;
        Ok(response)
    }

    /// A conversation's summary and texts: kept for the inbox and indexed for search.
    fn take_activity(&self, activity: Activity, now: i64) -> EdgeResult<ActivityAnswer> {
        let visitor_signed_out = self.signed_out(&activity.summary.visitor_id)?;
        if let Some(missed) = email_digest::from_activity(&activity.summary, |agent| self.present(agent)) {
            self.note_missed(missed, now);
            let deadline = self.with_router(&self.flow(), now, |router| router.next_deadline())?;
            self.set_alarm(deadline);
        }
        self.search_index.add(&self.state, &activity.summary.id, activity.texts);
        self.record(activity.summary, activity.facts.as_ref(), now)?;
        Ok(ActivityAnswer { visitor_signed_out })
    }

    /// A feed's batch, each taken on its own: one that fails is logged here and does not
    /// cost the others their update.
    fn take_batch(&self, batch: ActivityBatch, now: i64) -> Vec<ActivityAnswer> {
        let take = |activity: Activity| {
            let id = activity.summary.id.clone();
            self.take_activity(activity, now).unwrap_or_else(|error| {
                worker::console_error!("inbox update for {id}: {error:?}");
                ActivityAnswer::default()
            })
        };
        batch.activities.into_iter().map(take).collect()
    }

    /// Agents with the console open, and whether it is business hours now.
    fn presence(&self, now: i64) -> EdgeResult<site_presence::Response> {
        let flow = self.flow();
        let (open, opens_at) = flow
            .hours
            .as_ref()
            .map_or((true, None), |hours| hours.availability(now, &crate::zones::RuntimeZones));
        Ok(site_presence::Response { agents_online: self.online_agents(&flow, now)?, open, opens_at })
    }

    /// The conversation left routing (resolved, snoozed).
    pub(super) fn unroute(&self, conversation: &ConversationId, now: i64) -> EdgeResult<()> {
        self.route(&self.flow(), now, |router, now| router.close(conversation, now)).map(drop)
    }

    /// A conversation asks to be queued: its summary is kept (the offer shows it), then it
    /// joins its queue.
    fn enqueue(&self, request: Enqueue, now: i64) -> EdgeResult<()> {
        let id = request.summary.id.clone();
        self.record(request.summary, None, now)?;
        let flow = self.flow();
        self.route(&flow, now, |router, now| match request.agent {
            Some(agent) if request.taken_over => router.take_over(&id, &request.queue, &agent, now),
            target => router.hand_over_needing(&id, &request.queue, request.skills, target, now),
        })?;
        // The team's priority, kept in the index, orders it from its first time in a queue.
        if let Some(priority) = self.summary(&id)?.and_then(|summary| summary.priority) {
            self.route(&flow, now, |router, now| router.prioritise(&id, Some(priority), now))?;
        }
        Ok(())
    }
}
