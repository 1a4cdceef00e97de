//! Outbound conversations (`protocol::api::conversation_create`): checking how the team
//! wants one routed against the site's flow, and which of the contact's browsers it goes to.
//! The conversation's own steps are `flow::lifecycle::Lifecycle::outbound`; the widget asks
//! [`to_open`] which of its visitor's conversations to show when it starts.

use switchboard_protocol::api::contacts::ContactDetail;
use switchboard_protocol::api::conversation_create::Routing;
use switchboard_protocol::api::create_session;
use switchboard_protocol::api::visitor_conversations::VisitorConversation;
use switchboard_protocol::{ApiError, ConversationId, ErrorCode, Role, VisitorId};

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

/// Which conversation the widget opens when it starts with `current` stored, given the
/// visitor's conversations newest first: the newest, when it is another one and the team wrote
/// in it last — one the business started since, or a reply where the visitor left. (Its
/// replies then count on the launcher until read.) `None`: stay with `current`.
pub fn to_open<'a>(
    current: &ConversationId,
    newest_first: &'a [VisitorConversation],
) -> Option<&'a create_session::Response> {
    let newest = newest_first.first()?;
    let team_wrote_last =
        matches!(newest.last_message.as_ref().map(|m| m.role), Some(Role::Agent | Role::Bot));
    (newest.session.conversation_id != *current && team_wrote_last).then_some(&newest.session)
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
        let mut detail =
            ContactDetail { contact: ContactRecord::empty("ctc_1".into(), 0), conversations: Vec::new() };
        assert_eq!(webchat_visitor(&detail).unwrap_err().code, ErrorCode::Conflict);
        detail.contact.visitor_ids = vec![old.clone(), new.clone()];
        assert_eq!(webchat_visitor(&detail).unwrap(), new);
    }

    fn conversation(n: u8, last: Option<Role>) -> VisitorConversation {
        VisitorConversation {
            session: create_session::Response {
                conversation_id: ConversationId::from_random([n; 16]),
                token: format!("t{n}"),
                visitor_id: VisitorId::from_random([9; 16]),
                expires_at: 0,
            },
            last_message: last.map(|role| switchboard_protocol::inbox::MessagePreview {
                role,
                text: "hi".into(),
                sent_at: 0,
            }),
            updated_at: 0,
        }
    }

    #[test]
    fn the_widget_opens_what_the_team_wrote_since_and_nothing_else() {
        let current = conversation(1, Some(Role::Visitor));
        let id = current.session.conversation_id.clone();
        assert_eq!(to_open(&id, &[]), None);
        let started_by_business = conversation(2, Some(Role::Agent));
        assert_eq!(
            to_open(&id, &[started_by_business.clone(), current.clone()]),
            Some(&started_by_business.session)
        );
        let bot = conversation(3, Some(Role::Bot));
        assert_eq!(to_open(&id, &[bot.clone(), current.clone()]), Some(&bot.session));
        // The visitor wrote last somewhere else: they know; the stored one stays.
        assert_eq!(to_open(&id, &[conversation(4, Some(Role::Visitor)), current.clone()]), None);
        assert_eq!(to_open(&id, &[conversation(5, Some(Role::System)), current.clone()]), None);
        assert_eq!(to_open(&id, &[conversation(6, None), current.clone()]), None);
        // Already the current one, or older than it: nothing to switch to.
        let replied = conversation(1, Some(Role::Agent));
        assert_eq!(to_open(&id, &[replied, started_by_business.clone()]), None);
    }

    proptest::proptest! {
        #[test]
        fn it_is_never_the_current_one_and_always_the_newest(
            roles in proptest::collection::vec(0u8..5, 0..6),
            current in 0u8..8,
        ) {
            let role = |r: u8| [Some(Role::Visitor), Some(Role::Agent), Some(Role::Bot), Some(Role::System), None][r as usize];
            let list: Vec<_> = roles.iter().enumerate().map(|(i, r)| conversation(i as u8, role(*r))).collect();
            let id = ConversationId::from_random([current; 16]);
            if let Some(chosen) = to_open(&id, &list) {
                proptest::prop_assert_ne!(&chosen.conversation_id, &id);
                proptest::prop_assert_eq!(chosen, &list[0].session);
            }
        }
    }
}
