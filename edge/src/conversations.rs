//! Conversations over REST, for a console session or an API key of the site:
//! `GET /api/v1/conversations` — the site's list a page at a time with filters
//! (`core::conversation_list`), or, with `?q=`, the full-text search of its messages
//! (`core::search_text`); `GET /api/v1/conversations/{id}` — one summary; and
//! `GET /api/v1/conversations/{id}/messages` — a page of its log either way by `seq`
//! (`core::message_page`). Another site's conversation is `404`, like a missing one.

use switchboard_core::conversation_list::ListQuery;
use switchboard_core::message_page::PageQuery;
use switchboard_protocol::{ConversationId, ErrorCode};
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::ReadMessages;
use crate::objects::site::calls::{GetSummary, ListConversations, Search};
use crate::{auth, http, objects};

/// The list, or the search when `q` is given.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = auth::authenticate(req, env).await?;
    if let Some(typed) = http::query(req, "q")? {
        return http::json(200, &objects::send(env, &agent.site, &Search { typed }).await?);
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

fn conversation_id(id: &str) -> EdgeResult<ConversationId> {
    ConversationId::parse(id).map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))
}
