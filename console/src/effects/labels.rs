//! A conversation's labels and priority over REST, and running a macro on it: `PUT /api/v1/conversations/{id}/labels`
//! with the whole new list, `PUT …/priority` with the new priority. The answer is dispatched
//! ([`Action::LabelsSaved`], [`Action::PrioritySaved`]); a refusal goes back, as the
//! sentence to show, to the component that asked. Every open inbox (this one too) is also
//! sent the new summary, so other agents' and scripts' changes arrive the same way.

use switchboard_protocol::api::conversation_labels::{LabelsRequest, PriorityRequest};
use switchboard_protocol::inbox::{ConversationSummary, Priority};
use switchboard_protocol::ConversationId;
use switchboard_webclient::fetch_json;

use super::session::describe;
use super::Dispatcher;
use crate::state::Action;

/// Gives `conversation` exactly `labels`, changed from `before` (the labels listed when the
/// agent changed them).
pub async fn set(
    dispatch: Dispatcher,
    conversation: ConversationId,
    before: Vec<String>,
    labels: Vec<String>,
) -> Result<(), String> {
    let url = format!("/api/v1/conversations/{conversation}/labels");
    let request = LabelsRequest { labels };
    let saved = fetch_json::<_, ConversationSummary>("PUT", &url, Some(&request)).await;
    let saved = saved.map_err(|e| describe(&e))?;
    dispatch.dispatch(Action::LabelsSaved { before, saved: Box::new(saved) });
    Ok(())
}

/// Gives `conversation` the priority `priority` (`None`: none).
pub async fn set_priority(
    dispatch: Dispatcher,
    conversation: ConversationId,
    priority: Option<Priority>,
) -> Result<(), String> {
    let url = format!("/api/v1/conversations/{conversation}/priority");
    let saved = fetch_json::<_, ConversationSummary>("PUT", &url, Some(&PriorityRequest { priority })).await;
    let saved = saved.map_err(|e| describe(&e))?;
    dispatch.dispatch(Action::PrioritySaved(Box::new(saved)));
    Ok(())
}

/// Runs the site's macro `shortcut` (named `name`) on `conversation`: its changes arrive
/// like anyone's (the inbox's pushes, the conversation's socket); the outcome is a notice.
pub async fn run_macro(dispatch: Dispatcher, conversation: ConversationId, shortcut: String, name: String) {
    let url = format!("/api/v1/conversations/{conversation}/macros/{shortcut}");
    let ran = fetch_json::<(), ConversationSummary>("POST", &url, None).await;
    let notice = match ran {
        // Every open inbox, this one too, is pushed the new summary.
        Ok(_) => format!("Ran “{name}”."),
        Err(e) => format!("“{name}” did not finish: {}", describe(&e)),
    };
    dispatch.dispatch(Action::Notice(Some(notice)));
}
