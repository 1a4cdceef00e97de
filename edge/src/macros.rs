//! `POST /api/v1/conversations/{id}/macros/{shortcut}`: an agent (or an API key) runs one of
//! the site's macros (`protocol::api::macros`). `core::macros` finds it and turns it into
//! steps; each step is the call the same action makes by hand — a message posted as the
//! caller, labels and priority in the site's index, a transfer through the router, resolve
//! and snooze through the conversation's flow — so each is checked and logged as it always is.

use switchboard_core::macros::{self, Step};
use switchboard_core::token::AgentClaims;
use switchboard_protocol::api::macros::Macro;
use switchboard_protocol::inbox::InboxCommand;
use switchboard_protocol::{ApiError, Author, ConversationId, ErrorCode};
use worker::{Request, Response};

use crate::conversations::{new_client_id, poster};
use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::{Act, Acted, PostMessage};
use crate::objects::site::calls::{GetConfig, GetSummary, RouteCommand};
use crate::objects::site::labels::{EditLabels, SetPriority};
use crate::{auth, http, objects, site_cache};

/// Runs the macro on the conversation; answers its summary afterwards.
pub(crate) async fn run(req: Request, env: &Ctx<'_>, id: &str, shortcut: &str) -> EdgeResult<Response> {
    let agent = auth::authenticate_change(&req, env).await?;
    let id = ConversationId::parse(id)
        .map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
    let chosen = find(env, &agent, shortcut).await?;
    // Another site's conversation, or none: nothing is done.
    objects::send(env, &agent.site, &GetSummary { id: id.clone() }).await?;
    for (action, step) in chosen.actions.iter().zip(macros::steps(&chosen, env.now)) {
        perform(env, &agent, &id, step).await.map_err(|error| match error {
            EdgeError::Refused(refused) => {
                let message =
                    format!("/{} stopped at {}: {}", chosen.shortcut, action.kind(), refused.message);
                EdgeError::Refused(ApiError { message, ..refused })
            }
            runtime => runtime,
        })?;
    }
    http::json(200, &objects::send(env, &agent.site, &GetSummary { id }).await?)
}

/// The macro, from this isolate's copy of the site's settings, or from the site's object when
/// that copy does not have it (made a moment ago through another isolate).
async fn find(env: &Ctx<'_>, agent: &AgentClaims, shortcut: &str) -> EdgeResult<Macro> {
    let cached =
        site_cache::part(env, &agent.site, env.now, |config| macros::find(&config.macros, shortcut).cloned())
            .await?;
    if let Ok(found) = cached {
        return Ok(found);
    }
    let config = objects::send(env, &agent.site, &GetConfig { site: agent.site.clone() }).await?;
    site_cache::remember(&config, env.now);
    Ok(macros::find(&config.macros, shortcut)?.clone())
}

async fn perform(env: &Ctx<'_>, agent: &AgentClaims, id: &ConversationId, step: Step) -> EdgeResult<()> {
    let caller = || Author::Agent { id: agent.agent.clone(), name: agent.name.clone() };
    match step {
        Step::Post { text, internal } => {
            let call = PostMessage {
                site: agent.site.clone(),
                author: poster(env, agent, false, internal).await?,
                client_id: new_client_id()?,
                text,
                internal,
                template: None,
                original: None,
            };
            objects::send(env, id, &call).await?;
        }
        Step::Labels { add, remove } => {
            objects::send(env, &agent.site, &EditLabels { id: id.clone(), add, remove, summary: None })
                .await?;
        }
        Step::Priority(priority) => {
            objects::send(env, &agent.site, &SetPriority { id: id.clone(), priority, summary: None }).await?;
        }
        Step::Transfer { queue, agent: to } => {
            let command = InboxCommand::Transfer { conversation_id: id.clone(), agent: to, queue };
            objects::send(env, &agent.site, &RouteCommand { agent: agent.agent.clone(), command }).await?;
        }
        Step::Snooze(until) => act(env, agent, id, caller(), Acted::Snooze(until)).await?,
        Step::Resolve => act(env, agent, id, caller(), Acted::Resolve).await?,
        // Macros never hold it (`core::macros` refuses it): webhooks are rules' to send.
        Step::Webhook => {}
    }
    Ok(())
}

async fn act(
    env: &Ctx<'_>,
    agent: &AgentClaims,
    id: &ConversationId,
    author: Author,
    action: Acted,
) -> EdgeResult<()> {
    objects::send(env, id, &Act { site: agent.site.clone(), author, action }).await
}
