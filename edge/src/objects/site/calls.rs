//! Every call a Site object answers — from the worker, and from its conversations' objects —
//! with its route and its answer (see [`crate::objects::call`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use switchboard_core::site::SiteConfig;
use switchboard_protocol::api::canned_responses::{CannedResponse, ListResponse};
use switchboard_protocol::api::webhooks::{UpdateRequest, Webhook};
use switchboard_protocol::api::{contacts, conversations_list, site_presence, site_settings};
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{AgentId, ConversationId, QueueId, Seq, SiteId, VisitorId};
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind, Passed};
use crate::objects::Participant;

/// The Site objects: one per site, named by its id.
pub(crate) struct Site;

impl ObjectKind for Site {
    type Key = SiteId;

    fn stub(env: &Env, id: &SiteId) -> EdgeResult<Stub> {
        Ok(crate::objects::call::namespace(env, "SITES")?.id_from_name(id.as_str())?.get_stub()?)
    }
}

/// The site's configuration (`not_found` for an unknown site; the bootstrap site is
/// configured by the first request that names it).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct GetConfig {
    /// The site asked for.
    pub site: SiteId,
}
object_call!(GetConfig => Site, "/config", SiteConfig);

/// An admin's change to the site's settings (checked in `core::appearance`); answers the new
/// configuration.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct UpdateConfig {
    /// The site.
    pub site: SiteId,
    /// What changes.
    pub patch: site_settings::Patch,
}
object_call!(UpdateConfig => Site, "/config/update", SiteConfig);

/// An agent's photo changed: its new version, or `None` when it was removed; answers the new
/// configuration.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SetAvatar {
    /// The site.
    pub site: SiteId,
    /// Whose.
    pub agent: AgentId,
    /// The version in its URL.
    pub version: Option<String>,
}
object_call!(SetAvatar => Site, "/config/avatar", SiteConfig);

/// Adds a block to the site's configuration (`core::blocks::add`); answers the new one.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AddBlock {
    /// The site.
    pub site: SiteId,
    /// The block.
    pub entry: switchboard_core::blocks::BlockEntry,
}
object_call!(AddBlock => Site, "/config/block", SiteConfig);

/// Lifts a block (`not_found` when there is none); answers the new configuration.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct LiftBlock {
    /// The site.
    pub site: SiteId,
    /// The block's id.
    pub id: String,
}
object_call!(LiftBlock => Site, "/config/unblock", SiteConfig);

/// Creates a new site's object with its configuration (`conflict` when it has one).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CreateSite {
    /// The configuration.
    pub config: SiteConfig,
}
object_call!(CreateSite => Site, "/config/create", ());

/// One message's text, for the search index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IndexedText {
    /// Where it is in its conversation.
    pub seq: Seq,
    /// What it says.
    pub text: String,
}

/// A conversation's news after storing messages: its summary for the inbox, and the texts
/// stored since its last update for the search index.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Activity {
    /// The conversation's newest summary.
    pub summary: ConversationSummary,
    /// Texts to index.
    #[serde(default)]
    pub texts: Vec<IndexedText>,
    /// Its facts for reports (`core::reports`), when they came with this update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<switchboard_core::reports::ConversationFacts>,
}
object_call!(Activity => Site, "/activity", ActivityAnswer);

/// Several conversations' news at once, from one of the site's inbox feed objects; answers
/// each in order.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ActivityBatch {
    /// The news, in the order it reached the feed.
    pub activities: Vec<Activity>,
}
object_call!(ActivityBatch => Site, "/activity/batch", Vec<ActivityAnswer>);

/// What a conversation learns from its site on an update.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ActivityAnswer {
    /// Its visitor signed out before the conversation was first stored (a token from before
    /// the sign-out, used after it): the conversation ends the visitor's sockets.
    #[serde(default)]
    pub visitor_signed_out: bool,
}

/// A search of the site's messages: the conversations the inbox feed shards found, to which
/// the site adds its own index's matches; answers their summaries, newest first.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Search {
    /// The FTS5 query (`core::search_text::full_text_query` of what the agent typed).
    pub query: String,
    /// What the shards' indexes matched.
    pub found: Vec<ConversationId>,
}
object_call!(Search => Site, "/search", conversations_list::Response);

/// A page of the site's conversations, newest activity first.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ListConversations {
    /// Filters, page size and cursor.
    pub query: switchboard_core::conversation_list::ListQuery,
}
object_call!(ListConversations => Site, "/conversations", conversations_list::Response);

/// One conversation's summary, if it is the site's (`not_found` otherwise).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct GetSummary {
    /// The conversation.
    pub id: ConversationId,
}
object_call!(GetSummary => Site, "/summary", ConversationSummary);

/// One visitor's conversations, newest activity first.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct VisitorConversations {
    /// The visitor.
    pub visitor: VisitorId,
    /// Asked with the visitor's own token: refused (`401`) once they signed out.
    #[serde(default)]
    pub by_visitor: bool,
}
object_call!(VisitorConversations => Site, "/visitor", Vec<ConversationSummary>);

/// The visitor signed out (`shutdown`): their tokens are refused from now on, remembered
/// until `until` (when every token they could hold has expired anyway). Answers their
/// conversations, for the worker to close the visitor's sockets in each.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SignOutVisitor {
    /// The visitor.
    pub visitor: VisitorId,
    /// When the last of their tokens expires, ms since the Unix epoch.
    pub until: i64,
}
object_call!(SignOutVisitor => Site, "/visitor/sign-out", Vec<ConversationId>);

/// How many agents have the console open, and whether the team is in its business hours.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Presence;
object_call!(Presence => Site, "/presence", site_presence::Response);

/// A conversation asks to be queued; its summary is kept (the offer shows it).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Enqueue {
    /// The conversation, as the inbox shows it.
    pub summary: ConversationSummary,
    /// The queue.
    pub queue: QueueId,
    /// The one agent it is meant for, if any.
    pub agent: Option<AgentId>,
    /// That agent took it over from the bot by writing: they hold it at once when they can.
    #[serde(default)]
    pub taken_over: bool,
    /// Skills it needs beyond its queue's (its language, when the site routes by it).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub skills: BTreeSet<String>,
}
object_call!(Enqueue => Site, "/routing/enqueue", ());

/// A conversation leaves routing (resolved, snoozed).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Unroute {
    /// The conversation.
    pub conversation: ConversationId,
}
object_call!(Unroute => Site, "/routing/close", ());

/// Where a waiting conversation stands in its queue, counted now (the head of each queue is
/// told as it moves; the rest ask when their visitor comes back).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Place {
    /// The conversation.
    pub conversation: ConversationId,
}
object_call!(Place => Site, "/routing/place", Option<QueuePlace>);

/// A place in a queue: 1 = next, and about how long is left.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct QueuePlace {
    /// 1 = next.
    pub position: u32,
    /// The estimated wait, ms.
    pub wait_ms: i64,
}

/// The site's canned responses, by shortcut.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ListCanned;
object_call!(ListCanned => Site, "/canned", ListResponse);

/// Stores a (checked) canned response, replacing the one with its shortcut.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SaveCanned {
    /// The entry.
    pub entry: CannedResponse,
}
object_call!(SaveCanned => Site, "/canned/save", ());

/// Removes a canned response (`not_found` when there is none).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RemoveCanned {
    /// Its shortcut.
    pub shortcut: String,
}
object_call!(RemoveCanned => Site, "/canned/remove", ());

/// An agent's console opens its inbox socket (a WebSocket handshake).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct OpenInbox {
    /// The agent, as the worker verified it.
    pub participant: Participant,
    /// The edge's public origin as the console reached it (links in digests).
    #[serde(default)]
    pub edge_origin: Option<String>,
    /// Opened with `?updates=batched` (`protocol::inbox::BATCHED_UPDATES`): the changes come
    /// paced, several to an `updated_many` frame.
    #[serde(default)]
    pub batched: bool,
}
object_call!(OpenInbox => Site, "/inbox", Passed);

/// These agents' (or API keys') sessions ended — removed, revoked, signed out everywhere:
/// their inbox sockets close and they go offline, and every conversation they have a socket
/// on is told to close it.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EndAgents {
    /// The agents and keys.
    pub agents: Vec<AgentId>,
}
object_call!(EndAgents => Site, "/agents/end", ());

/// A conversation tells its site that an agent opened (`open`) or closed its last socket on
/// it, so ending the agent's session reaches that socket.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AgentSocket {
    /// The agent (or key).
    pub agent: AgentId,
    /// The conversation.
    pub conversation: ConversationId,
    /// Opened (`true`) or its last one closed.
    pub open: bool,
}
object_call!(AgentSocket => Site, "/agents/socket", ());

/// An agent (or key) steers a conversation over REST as from the inbox socket (take,
/// transfer, unassign).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RouteCommand {
    /// The agent.
    pub agent: AgentId,
    /// The command.
    pub command: switchboard_protocol::inbox::InboxCommand,
}
object_call!(RouteCommand => Site, "/route-command", ());

/// A webhook subscription as the site keeps it: with its signing secret (never answered to
/// clients; the delivery objects sign with it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredWebhook {
    /// The subscription.
    pub webhook: Webhook,
    /// Its signing secret.
    pub secret: String,
}

/// The site's webhook subscriptions, oldest first.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ListWebhooks;
object_call!(ListWebhooks => Site, "/webhooks", Vec<StoredWebhook>);

/// Adds a (checked) subscription (`conflict` past `MAX_WEBHOOKS`).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AddWebhook {
    /// It.
    pub stored: StoredWebhook,
}
object_call!(AddWebhook => Site, "/webhooks/add", ());

/// Changes a subscription (`not_found` when there is none); answers it as it is now.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ChangeWebhook {
    /// Which.
    pub id: String,
    /// What changes (checked).
    pub change: UpdateRequest,
    /// Set when the edge turns it off (failing for a day); `None` for an admin's change.
    pub disabled_reason: Option<String>,
}
object_call!(ChangeWebhook => Site, "/webhooks/change", StoredWebhook);

/// Removes a subscription (`not_found` when there is none).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RemoveWebhook {
    /// Which.
    pub id: String,
}
object_call!(RemoveWebhook => Site, "/webhooks/remove", ());

/// A page of the site's contacts, most recently active first.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ListContacts {
    /// What to look for (`core::contacts::needle`), if anything.
    pub needle: Option<String>,
    /// Where the previous page ended: `(updated_at, id)`.
    pub before: Option<(i64, String)>,
    /// Page size.
    pub limit: u32,
}
object_call!(ListContacts => Site, "/contacts", contacts::ListResponse);

/// One contact with its conversations (an id merged away answers the contact it went into).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct GetContact {
    /// Its id.
    pub id: String,
}
object_call!(GetContact => Site, "/contacts/get", contacts::ContactDetail);

/// Makes a contact (checked against the site's attribute definitions in the object).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CreateContact {
    /// Its new id.
    pub id: String,
    /// What was typed.
    pub request: contacts::CreateRequest,
}
object_call!(CreateContact => Site, "/contacts/create", contacts::ContactRecord);

/// Changes a contact.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct UpdateContact {
    /// Its id.
    pub id: String,
    /// What changes.
    pub change: contacts::UpdateRequest,
}
object_call!(UpdateContact => Site, "/contacts/update", contacts::ContactRecord);

/// Merges `from` into `into`, recording who did.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct MergeContacts {
    /// The contact kept.
    pub into: String,
    /// The contact merged away.
    pub from: String,
    /// Who merged (an agent's or key's name).
    pub by: String,
}
object_call!(MergeContacts => Site, "/contacts/merge", contacts::ContactRecord);

/// The site's contact attribute definitions.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct GetContactAttributes;
object_call!(GetContactAttributes => Site, "/contacts/attributes", contacts::AttributeDefinitions);

/// Replaces the site's contact attribute definitions (checked).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SetContactAttributes {
    /// The definitions.
    pub definitions: contacts::AttributeDefinitions,
}
object_call!(SetContactAttributes => Site, "/contacts/attributes/set", contacts::AttributeDefinitions);

/// Erases a contact and what the site holds of their conversations (index rows, search
/// entries, routing), after the conversations themselves were erased. Answers the names of
/// the idempotency records whose kept answers are about them (the caller erases those).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EraseContact {
    /// The contact (its id as stored, merges followed).
    pub id: String,
    /// Their conversations.
    pub conversations: Vec<ConversationId>,
}
object_call!(EraseContact => Site, "/contacts/erase", Vec<String>);
