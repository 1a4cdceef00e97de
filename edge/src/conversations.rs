//! Conversations over REST, for a console session or an API key of the site:
//! `GET /api/v1/conversations` — the site's list a page at a time with filters
//! (`core::conversation_list`), or, with `?q=`, the full-text search of its messages
//! (`core::search_text`); `GET /api/v1/conversations/{id}` — one summary; and
//! `GET /api/v1/conversations/{id}/messages` — a page of its log either way by `seq`
//! (`core::message_page`); `POST /api/v1/conversations/{id}/messages` — a message or private
//! note from the caller, delivered live like one typed in the console; `POST
//! /api/v1/conversations` — one the team starts with a contact (outbound). Another site's
//! conversation is `404`, like a missing one.

use switchboard_core::channels::thread;
use switchboard_core::conversation_list::ListQuery;
use switchboard_core::message_page::PageQuery;
use switchboard_core::outbound;
use switchboard_core::token::AgentClaims;
use switchboard_protocol::api::conversation_create::{CreateRequest, Created};
use switchboard_protocol::api::conversation_messages::{PostRequest, Posted};
use switchboard_protocol::channels::Channel;
use switchboard_protocol::{ApiError, Author, ClientMessageId, ConversationId, ErrorCode};
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::{PostMessage, ReadMessages, StartOutbound};
use crate::objects::site::calls::{GetContact, GetSummary, ListConversations};
use crate::objects::thread::calls::Open;
use crate::{auth, env, http, objects, search, site_cache};

/// The list, or the search when `q` is given.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = auth::authenticate(req, env).await?;
    if let Some(typed) = http::query(req, "q")? {
        return http::json(200, &search::search(env, &agent.site, &typed).await?);
    }
    let url = req.url()?;
    let pairs: Vec<(String, String)> =
        url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let query = ListQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    http::json(200, &objects::send(env, &agent.site, &ListConversations { query }).await?)
}

/// One conversation's summary.
pub(crate) async fn get(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = auth::authenticate(req, env).await?;
    let id = conversation_id(id)?;
    http::json(200, &objects::send(env, &agent.site, &GetSummary { id }).await?)
}

/// A page of one conversation's log.
pub(crate) async fn messages(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = auth::authenticate(req, env).await?;
    let id = conversation_id(id)?;
    let (before, after, limit) =
        (http::query(req, "before")?, http::query(req, "after")?, http::query(req, "limit")?);
    let query = PageQuery::parse(before.as_deref(), after.as_deref(), limit.as_deref())?;
    http::json(200, &objects::send(env, &id, &ReadMessages { site: agent.site, query }).await?)
}

/// A message from the signed-in agent (or key): `201` with it as stored. Its id is the body's
/// `client_id`, else the `Idempotency-Key` header, else a new one.
pub(crate) async fn post(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = auth::authenticate_change(&req, env).await?;
    let id = conversation_id(id)?;
    let body: PostRequest = http::read_json(&mut req).await?;
    let client_id = client_id(body.client_id, &req)?;
    let author = poster(env, &agent, body.as_bot, body.internal).await?;
    let call = PostMessage {
        site: agent.site,
        author,
        client_id,
        text: body.text,
        internal: body.internal,
        template: body.template,
        original: None,
    };
    http::json(201, &objects::send(env, &id, &call).await?)
}

/// `POST /api/v1/conversations`: the team starts a conversation with a contact
/// (`core::outbound` checks it; the conversation's object makes, routes and writes it).
pub(crate) async fn create(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = auth::authenticate_change(&req, env).await?;
    let body: CreateRequest = http::read_json(&mut req).await?;
    if body.template.is_none() {
        outbound::text(&body.text)?;
    }
    let config = site_cache::config(env, &agent.site, env.now).await?;
    let outbound = outbound::routing(&body.routing, &config.flow)?;
    if !switchboard_core::contacts::is_id(&body.contact_id) {
        let error = ApiError::new(ErrorCode::NotFound, "no such contact");
        return Err(error.at_field("contact_id").into());
    }
    let detail = objects::send(env, &agent.site, &GetContact { id: body.contact_id.clone() }).await?;
    let client_id = client_id(body.client_id, &req)?;
    let author = poster(env, &agent, body.as_bot, false).await?;
    let site = agent.site.clone();
    let post = PostMessage {
        site,
        author,
        client_id,
        text: body.text,
        internal: false,
        template: body.template,
        original: None,
    };
    if !body.channel.is_webchat() {
        // Along the contact's phone from the site's number, or along their Messenger line:
        // the line's object starts it.
        let origin = req.url()?.origin().ascii_serialization();
        let (thread, status_callback) = match body.channel {
            Channel::Messenger => {
                let (thread, _) = thread::messenger_line(&config.channels, &detail.conversations)?;
                (thread, format!("{origin}/api/v1/channels/messenger/{}", agent.site))
            }
            channel => {
                let (thread, _) = thread::outbound_line(&config.channels, channel, &detail.contact.phones)?;
                (thread, format!("{origin}/api/v1/channels/twilio/{}/status", agent.site))
            }
        };
        let call = Open { site: agent.site.clone(), thread: thread.clone(), status_callback, outbound, post };
        let created: Created = objects::send(env, &(agent.site, thread), &call).await?;
        return http::json(201, &created);
    }
    if post.template.is_some() {
        let error = ApiError::new(ErrorCode::BadRequest, "templates are for WhatsApp conversations");
        return Err(error.at_field("template").into());
    }
    let visitor = outbound::webchat_visitor(&detail)?;
    let conversation = ConversationId::from_random(env::random_bytes()?);
    let call = StartOutbound { conversation: conversation.clone(), post, visitor, outbound };
    let Posted { message } = objects::send(env, &conversation, &call).await?;
    http::json(201, &Created { conversation_id: conversation, message })
}

/// A posted message's id: the body's, else the `Idempotency-Key` header's, else a new one.
fn client_id(given: Option<ClientMessageId>, req: &Request) -> EdgeResult<ClientMessageId> {
    if let Some(client_id) = given {
        return Ok(client_id);
    }
    if let Some(key) = req.headers().get("idempotency-key")? {
        return ClientMessageId::parse(format!("api-{key}"))
            .map_err(|e| EdgeError::refuse(ErrorCode::BadRequest, format!("Idempotency-Key: {e}")));
    }
    new_client_id()
}

/// A new id for a message the edge posts for a caller (`api-` and 24 random hex digits).
pub(crate) fn new_client_id() -> EdgeResult<ClientMessageId> {
    let random: [u8; 12] = env::random_bytes()?;
    ClientMessageId::parse(format!("api-{}", random.iter().map(|b| format!("{b:02x}")).collect::<String>()))
        .map_err(|e| EdgeError::Runtime(worker::Error::RustError(e.to_string())))
}

/// Who a posted message is from: the caller, or with `as_bot` the site's bot.
pub(crate) async fn poster(
    env: &Ctx<'_>,
    agent: &AgentClaims,
    as_bot: bool,
    internal: bool,
) -> EdgeResult<Author> {
    let bot_name = if as_bot {
        site_cache::config(env, &agent.site, env.now).await?.flow.bot.name
    } else {
        String::new()
    };
    let caller = Author::Agent { id: agent.agent.clone(), name: agent.name.clone() };
    Ok(switchboard_core::conversation::poster(caller, as_bot, internal, &bot_name)?)
}

fn conversation_id(id: &str) -> EdgeResult<ConversationId> {
    ConversationId::parse(id).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))
}
