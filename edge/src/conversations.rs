//! Conversations over REST: `GET /api/v1/conversations` — the site's list a page at a time
//! with filters (`core::conversation_list`), or, with `?q=`, the full-text search of its
//! messages (`core::search_text`). A console session or an API key of the site.

use switchboard_core::conversation_list::ListQuery;
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::EdgeResult;
use crate::objects::site::calls::{ListConversations, Search};
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
