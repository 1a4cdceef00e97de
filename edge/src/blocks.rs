//! Blocking visitors: `GET`/`POST /api/v1/blocks`, `DELETE /api/v1/blocks/{id}` (any agent;
//! the rules in `core::blocks`). Blocking closes the visitor's sockets in every one of their
//! conversations at once; the block list lives in the site's configuration, so this isolate
//! applies a change at once and every other within the configuration cache's few seconds.

use switchboard_core::blocks::{self, BlockEntry};
use switchboard_protocol::api::audit_log::Action;
use switchboard_protocol::api::blocks::{CreateRequest, ListResponse};
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::auth::{authenticate, authenticate_change};
use crate::env::Ctx;
use crate::error::EdgeResult;
use crate::objects::conversation::calls::BlockVisitor;
use crate::objects::site::calls::{AddBlock, GetConfig, LiftBlock, VisitorConversations};
use crate::{env, http, objects, site_cache};

/// The site's blocks in force, newest first.
pub(crate) async fn list(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = authenticate(req, env).await?;
    let config = objects::send(env, &agent.site, &GetConfig { site: agent.site.clone() }).await?;
    http::json(200, &ListResponse { blocks: blocks::listed(&config.blocks, env.now) })
}

/// Blocks the visitor of a conversation (and, if asked, their address).
pub(crate) async fn create(mut req: Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = authenticate_change(&req, env).await?;
    let request: CreateRequest = http::read_json(&mut req).await?;
    let block_here = BlockVisitor { site: agent.site.clone() };
    let blocked = objects::send(env, &request.conversation_id, &block_here).await?;
    let id = blocks::new_id(env::random_bytes()?);
    let entry =
        BlockEntry::new(id, blocked.visitor.clone(), blocked.address, &request, &agent.name, env.now)?;
    let shown = entry.shown();
    let config = objects::send(env, &agent.site, &AddBlock { site: agent.site.clone(), entry }).await?;
    site_cache::remember(&config, env.now);
    // Their other conversations' sockets close too (each answers for its own visitor).
    let done = Done::to(Action::VisitorBlocked, blocked.visitor.as_str());
    audit::record(env, &req, &agent.site, &agent, done).await;
    let theirs = objects::send(
        env,
        &agent.site,
        &VisitorConversations { visitor: blocked.visitor, by_visitor: false },
    )
    .await?;
    for summary in theirs.iter().filter(|s| s.id != request.conversation_id) {
        if let Err(error) = objects::send(env, &summary.id, &block_here).await {
            worker::console_error!("blocking in {}: {error:?}", summary.id);
        }
    }
    http::json(201, &shown)
}

/// Lifts a block.
pub(crate) async fn lift(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = authenticate_change(req, env).await?;
    let call = LiftBlock { site: agent.site.clone(), id: id.to_owned() };
    let config = objects::send(env, &agent.site, &call).await?;
    site_cache::remember(&config, env.now);
    audit::record(env, req, &agent.site, &agent, Done::to(Action::BlockLifted, id)).await;
    http::no_content()
}
