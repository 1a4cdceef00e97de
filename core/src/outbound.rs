//! Outbound conversations (`protocol::api::conversation_create`): checking how the team
//! wants one routed against the site's flow, and which of the contact's browsers it goes to.
//! The conversation's own steps are `flow::lifecycle::Lifecycle::outbound`.

use switchboard_protocol::api::contacts::ContactDetail;
use switchboard_protocol::api::conversation_create::Routing;
use switchboard_protocol::{ApiError, ErrorCode, VisitorId};

use crate::flow::bot::Handover;
use crate::flow::outbound::Outbound;
use crate::flow::Flow;

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, format!("{field}: {}", message.into())).at_field(field)
}

/// The routing asked for, checked: exactly one of agent or queue for `immediate`, and a
/// queue the flow has.
pub fn routing(routing: &Routing, flow: &Flow) -> Result<Outbound, ApiError> {
    match routing {
        Routing::OnReply => Ok(Outbound::OnReply),
        Routing::Immediate { agent: Some(_), queue: Some(_) }
        | Routing::Immediate { agent: None, queue: None } => {
            Err(bad("routing", "immediate names an agent or a queue (one of them)"))
        }
        Routing::Immediate { queue: Some(queue), .. } if !flow.queues.iter().any(|q| &q.id == queue) => {
            let known: Vec<&str> = flow.queues.iter().map(|q| q.id.as_str()).collect();
            Err(bad("routing.queue", format!("no queue {queue} (the flow has {})", known.join(", "))))
        }
        Routing::Immediate { agent, queue } => {
            Ok(Outbound::Immediate(Handover { queue: queue.clone(), agent: agent.clone() }))
        }
    }
}

/// The text of the first message: something to say.
pub fn text(text: &str) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        return Err(bad("text", "the first message says something"));
    }
    Ok(())
}

/// The browser a webchat conversation goes to: the visitor of the contact's latest
/// conversation, else the one that joined them last; `409` when they have none.
pub fn webchat_visitor(detail: &ContactDetail) -> Result<VisitorId, ApiError> {
    detail
        .conversations
        .first()
        .map(|latest| latest.visitor_id.clone())
        .or_else(|| detail.contact.visitor_ids.last().cloned())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Conflict,
                "this contact has never opened the chat: there is no webchat visitor to write to yet",
            )
        })
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::api::contacts::ContactRecord;
    use switchboard_protocol::{AgentId, QueueId};

    use super::*;

    fn flow() -> Flow {
        Flow::default()
    }

    #[test]
    fn immediate_names_one_target_the_flow_knows() {
        let default_queue = flow().queue.clone();
        let agent = AgentId::from_random([1; 16]);
        let to_agent = Routing::Immediate { agent: Some(agent.clone()), queue: None };
        assert_eq!(
            routing(&to_agent, &flow()).unwrap(),
            Outbound::Immediate(Handover { queue: None, agent: Some(agent.clone()) })
        );
        let to_queue = Routing::Immediate { agent: None, queue: Some(default_queue.clone()) };
        assert!(
            matches!(routing(&to_queue, &flow()).unwrap(), Outbound::Immediate(h) if h.queue == Some(default_queue.clone()))
        );
        let both = Routing::Immediate { agent: Some(agent), queue: Some(default_queue) };
        assert_eq!(routing(&both, &flow()).unwrap_err().field.as_deref(), Some("routing"));
        let neither = Routing::Immediate { agent: None, queue: None };
        assert_eq!(routing(&neither, &flow()).unwrap_err().field.as_deref(), Some("routing"));
        let unknown = Routing::Immediate { agent: None, queue: Some(QueueId::parse("nowhere").unwrap()) };
        assert_eq!(routing(&unknown, &flow()).unwrap_err().field.as_deref(), Some("routing.queue"));
        assert_eq!(routing(&Routing::OnReply, &flow()).unwrap(), Outbound::OnReply);
        assert!(text("  ").is_err() && text("Your order shipped").is_ok());
    }

    #[test]
    fn it_goes_to_the_latest_browser_and_nowhere_without_one() {
        let (old, new) = (VisitorId::from_random([1; 16]), VisitorId::from_random([2; 16]));
        let mut detail = ContactDetail {
            contact: ContactRecord {
                id: "ctc_1".into(),
                name: None,
                emails: Vec::new(),
                phones: Vec::new(),
                identity: None,
                attributes: Default::default(),
                notes: None,
                visitor_ids: Vec::new(),
                created_at: 0,
                updated_at: 0,
            },
            conversations: Vec::new(),
        };
        assert_eq!(webchat_visitor(&detail).unwrap_err().code, ErrorCode::Conflict);
        detail.contact.visitor_ids = vec![old.clone(), new.clone()];
        assert_eq!(webchat_visitor(&detail).unwrap(), new);
    }
}
