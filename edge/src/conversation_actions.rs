//! What an agent does to a conversation over REST (`protocol::api::conversation_actions`):
//! take, transfer, unassign go to the site's router exactly as the console's inbox commands
//! do; resolve, reopen and snooze go to the conversation's flow exactly as the console's
//! buttons do; labels and custom attributes go to the site's index, where the list filters on
//! them. A console session with its anti-forgery token, or an API key of the site.

use switchboard_protocol::api::conversation_actions::{SnoozeRequest, TransferRequest};
use switchboard_protocol::api::conversation_labels::{AttributesRequest, LabelsRequest, PriorityRequest};
use switchboard_protocol::inbox::InboxCommand;
use switchboard_protocol::{Author, ConversationId, ErrorCode};
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::{Act, Acted};
use crate::objects::site::calls::RouteCommand;
use crate::objects::site::labels::{PatchAttributes, SetLabels, SetPriority};
use crate::{auth, http, objects};

/// `POST /api/v1/conversations/{id}/{what}`.
pub(crate) async fn act(mut req: Request, env: &Ctx<'_>, id: &str, what: &str) -> EdgeResult<Response> {
    let agent = auth::authenticate_change(&req, env).await?;
    let conversation_id = ConversationId::parse(id)
        .map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
    let command = match what {
        "take" => Some(InboxCommand::Take { conversation_id: conversation_id.clone() }),
        "unassign" => Some(InboxCommand::Unassign { conversation_id: conversation_id.clone() }),
        "transfer" => {
            let TransferRequest { agent, queue } = http::read_json(&mut req).await?;
            Some(InboxCommand::Transfer { conversation_id: conversation_id.clone(), agent, queue })
        }
        _ => None,
    };
    if let Some(command) = command {
        objects::send(env, &agent.site, &RouteCommand { agent: agent.agent, command }).await?;
        return http::no_content();
    }
    let action = match what {
        "resolve" => Acted::Resolve,
        "reopen" => Acted::Reopen,
        "snooze" => Acted::Snooze(http::read_json::<SnoozeRequest>(&mut req).await?.until),
        _ => return Err(EdgeError::refuse(ErrorCode::NotFound, format!("no action {what:?}"))),
    };
    let author = Author::Agent { id: agent.agent, name: agent.name };
    objects::send(env, &conversation_id, &Act { site: agent.site, author, action }).await?;
    http::no_content()
}

/// `PUT /api/v1/conversations/{id}/labels`: answers the summary with its labels.
pub(crate) async fn labels(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = auth::authenticate_change(&req, env).await?;
    let id = ConversationId::parse(id)
        .map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
    let LabelsRequest { labels } = http::read_json(&mut req).await?;
    http::json(200, &objects::send(env, &agent.site, &SetLabels { id, labels }).await?)
}

/// `PUT /api/v1/conversations/{id}/priority`: answers the summary with its priority.
pub(crate) async fn priority(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = auth::authenticate_change(&req, env).await?;
    let id = ConversationId::parse(id)
        .map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
    let PriorityRequest { priority } = http::read_json(&mut req).await?;
    http::json(200, &objects::send(env, &agent.site, &SetPriority { id, priority, summary: None }).await?)
}

/// `PATCH /api/v1/conversations/{id}/attributes`: answers the summary with its attributes.
pub(crate) async fn attributes(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let agent = auth::authenticate_change(&req, env).await?;
    let id = ConversationId::parse(id)
        .map_err(|_| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
    let AttributesRequest { attributes } = http::read_json(&mut req).await?;
    http::json(200, &objects::send(env, &agent.site, &PatchAttributes { id, patch: attributes }).await?)
}
