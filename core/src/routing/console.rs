//! What an agent's console asks of routing on its inbox socket — presence, accept, decline,
//! take, transfer, unassign — checked and run as router commands; and what a console and a
//! conversation's log hear of a release.

use switchboard_protocol::inbox::InboxCommand;
use switchboard_protocol::{AgentId, ApiError, ErrorCode};

use super::model::{Effect, Release, RoutingError};
use super::sql::Sql;
use super::Router;

impl<S: Sql> Router<S> {
    /// Runs `agent`'s inbox command.
    pub fn command(
        &mut self,
        agent: &AgentId,
        command: InboxCommand,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        match command {
            InboxCommand::Ping => Ok(Vec::new()),
            InboxCommand::SetPresence { presence } => self.set_presence(agent, presence, now),
            InboxCommand::Accept { conversation_id } => self.accept(&conversation_id, agent, now),
            InboxCommand::Decline { conversation_id } => self.decline(&conversation_id, agent, now),
            InboxCommand::Take { conversation_id } => self.take(&conversation_id, agent, now),
            InboxCommand::Unassign { conversation_id } => self.unassign(&conversation_id, now),
            InboxCommand::Transfer { conversation_id, agent: Some(to), queue: None } => {
                self.transfer_to_agent(&conversation_id, &to, now)
            }
            InboxCommand::Transfer { conversation_id, agent: None, queue: Some(queue) } => {
                self.hand_over(&conversation_id, &queue, None, now)
            }
            InboxCommand::Transfer { .. } => Err(RoutingError::TransferTarget),
        }
    }
}

/// Whether a console showing an offer of the conversation drops it when the conversation
/// leaves its agent for `reason`. A decline was the console's own doing, and a closed
/// conversation leaves every view anyway.
pub fn withdraws_offer(reason: Release) -> bool {
    matches!(reason, Release::OfferExpired | Release::AgentOffline | Release::Moved)
}

/// Whether the conversation's log records the release: a closed conversation records its own
/// resolution or snooze instead.
pub fn is_logged(reason: Release) -> bool {
    reason != Release::Closed
}

impl From<RoutingError> for ApiError {
    fn from(error: RoutingError) -> Self {
        let code = match error {
            RoutingError::NoSuchQueue(_) | RoutingError::NoSuchAgent(_) | RoutingError::NotRouted(_) => {
                ErrorCode::NotFound
            }
            RoutingError::TransferTarget => ErrorCode::BadRequest,
            RoutingError::Storage(_) => ErrorCode::Internal,
            RoutingError::NotOffered
            | RoutingError::TakenByOther
            | RoutingError::AtCapacity(_)
            | RoutingError::Offline
            | RoutingError::MissingSkill(_) => ErrorCode::Conflict,
        };
        ApiError::new(code, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use switchboard_protocol::{ConversationId, QueueId};

    use super::*;
    use crate::routing::{Effect, QueueConfig};

    fn router() -> Router<crate::routing::sqlite::MemorySql> {
        let queue = |id: &str| QueueConfig {
            id: QueueId::parse(id).unwrap(),
            skills: BTreeSet::new(),
            policy: Default::default(),
            offer_timeout_ms: 30_000,
            sla: Default::default(),
        };
        let sql = crate::routing::sqlite::MemorySql::with_routing_tables().unwrap();
        Router::open(sql, vec![queue("support"), queue("billing")], 60_000, 0).unwrap().0
    }

    #[test]
    fn a_transfer_names_exactly_one_of_an_agent_or_a_queue() {
        let (mut router, ada) = (router(), AgentId::from_random([1; 16]));
        let conversation_id = ConversationId::from_random([2; 16]);
        for (agent, queue) in [(None, None), (Some(ada.clone()), Some(QueueId::parse("billing").unwrap()))] {
            let command = InboxCommand::Transfer { conversation_id: conversation_id.clone(), agent, queue };
            let error = router.command(&ada, command, 0).unwrap_err();
            assert_eq!(ApiError::from(error).code, ErrorCode::BadRequest);
        }
    }

    #[test]
    fn a_transfer_to_a_queue_keeps_the_skills_the_conversation_needs() {
        let (mut router, ada) = (router(), AgentId::from_random([1; 16]));
        let id = ConversationId::from_random([2; 16]);
        let german: BTreeSet<String> = ["de".to_string()].into();
        router.enqueue(&id, &QueueId::parse("support").unwrap(), german.clone(), None, 0).unwrap();
        let billing = QueueId::parse("billing").unwrap();
        let command =
            InboxCommand::Transfer { conversation_id: id.clone(), agent: None, queue: Some(billing.clone()) };
        router.command(&ada, command, 1).unwrap();
        let routed = router.routed(&id).unwrap().unwrap();
        assert_eq!((&routed.queue, &routed.skills), (&billing, &german));
    }

    #[test]
    fn a_conversation_in_a_routed_language_is_offered_only_to_who_speaks_it() {
        let mut router = router();
        let (ada, bea) = (AgentId::from_random([1; 16]), AgentId::from_random([3; 16]));
        router.agent_connected(&ada, 2, BTreeSet::new(), 0).unwrap();
        router.agent_connected(&bea, 2, ["de".to_string()].into(), 0).unwrap();
        let id = ConversationId::from_random([2; 16]);
        let support = QueueId::parse("support").unwrap();
        let effects = router.hand_over_needing(&id, &support, ["de".to_string()].into(), None, 1).unwrap();
        let offered: Vec<&AgentId> = effects
            .iter()
            .filter_map(|e| if let Effect::Offered { agent, .. } = e { Some(agent) } else { None })
            .collect();
        assert_eq!(offered, [&bea]);
        // Handed over again (a transfer back to its queue): still German.
        router.hand_over(&id, &support, None, 2).unwrap();
        assert_eq!(router.routed(&id).unwrap().unwrap().skills, ["de".to_string()].into());
    }

    #[test]
    fn consoles_drop_offers_that_left_them_and_logs_record_all_but_closing() {
        assert!(withdraws_offer(Release::OfferExpired) && withdraws_offer(Release::Moved));
        assert!(!withdraws_offer(Release::Declined) && !withdraws_offer(Release::Closed));
        assert!(is_logged(Release::SlaBreached) && !is_logged(Release::Closed));
    }
}
